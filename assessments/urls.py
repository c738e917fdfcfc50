from assessments import urls_dashboards, urls_marking, urls_student, urls_teacher

app_name = "assessments"
urlpatterns = (
    urls_student.urlpatterns
    + urls_teacher.urlpatterns
    + urls_marking.urlpatterns
    + urls_dashboards.urlpatterns
)
