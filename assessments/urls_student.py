"""Student-facing URLs: my work, attempts, autosave, submit."""

from django.urls import path

from assessments import autosave, views_student

urlpatterns = [
    path("my/", views_student.my_work, name="my_work"),
    path("assignments/<int:pk>/start/", views_student.attempt_start, name="attempt_start"),
    path("attempts/<int:pk>/", views_student.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/submit/", views_student.attempt_submit, name="attempt_submit"),
    path(
        "attempts/<int:pk>/responses/<int:response_pk>/",
        autosave.autosave,
        name="autosave",
    ),
]
