"""Teacher-facing URLs: setting assessments to classes, extensions."""

from django.urls import path

from assessments import views_teacher

urlpatterns: list = [
    path("teach/", views_teacher.assignment_list, name="assignment_list_teacher"),
    path("teach/set/", views_teacher.assignment_create, name="assignment_create"),
    path("teach/<int:pk>/", views_teacher.assignment_teacher, name="assignment_teacher"),
    path("teach/<int:pk>/edit/", views_teacher.assignment_edit, name="assignment_edit"),
    path(
        "teach/<int:pk>/extensions/<int:student_pk>/",
        views_teacher.extension_edit,
        name="extension_edit",
    ),
    path(
        "teach/<int:pk>/extensions/<int:student_pk>/remove/",
        views_teacher.extension_delete,
        name="extension_delete",
    ),
]
