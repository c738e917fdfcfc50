"""Class and assignment dashboards, progress pages and result exports."""

from django.urls import path, register_converter

from assessments import views_dashboards


class _Choice:
    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ExportKind(_Choice):
    regex = "marks|responses"


class ExportFormat(_Choice):
    regex = "csv|xlsx"


register_converter(ExportKind, "export_kind")
register_converter(ExportFormat, "export_format")

urlpatterns: list = [
    path(
        "teach/classes/<int:pk>/results/",
        views_dashboards.class_overview,
        name="class_overview",
    ),
    path("teach/classes/<int:pk>/skills/", views_dashboards.class_skills, name="class_skills"),
    path(
        "teach/classes/<int:pk>/skills/<int:student_pk>/",
        views_dashboards.class_skills,
        name="student_skills",
    ),
    path(
        "teach/classes/<int:pk>/export/<export_kind:kind>.<export_format:fmt>",
        views_dashboards.class_export,
        name="class_export",
    ),
    path("teach/<int:pk>/results/", views_dashboards.assignment_results, name="assignment_results"),
    path("teach/<int:pk>/sources/", views_dashboards.assignment_sources, name="assignment_sources"),
    path(
        "teach/<int:pk>/export/<export_kind:kind>.<export_format:fmt>",
        views_dashboards.assignment_export,
        name="assignment_export",
    ),
    path("my/progress/", views_dashboards.my_progress, name="my_progress"),
    path(
        "students/<int:student_pk>/progress/",
        views_dashboards.student_progress,
        name="student_progress",
    ),
]
