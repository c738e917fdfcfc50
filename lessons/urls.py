from django.urls import path

from lessons import views

app_name = "lessons"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("<int:unit_pk>/lessons/<int:pk>/", views.lesson_detail, name="lesson"),
]
