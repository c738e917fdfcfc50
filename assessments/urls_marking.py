"""Marking queue, marking screen, second marking, feedback release and feedback pages."""

from django.urls import path

from assessments import views_marking

urlpatterns: list = [
    path("teach/<int:pk>/marking/", views_marking.marking_overview, name="marking"),
    path("teach/<int:pk>/marking/start/", views_marking.marking_start, name="marking_start"),
    path(
        "teach/<int:pk>/marking/responses/<int:response_pk>/",
        views_marking.mark_response,
        name="mark_response",
    ),
    path(
        "teach/<int:pk>/marking/release/",
        views_marking.feedback_release,
        name="feedback_release",
    ),
    path(
        "teach/second-marking/",
        views_marking.second_marking_list,
        name="second_marking_list",
    ),
    path(
        "teach/<int:pk>/marking/second/new/",
        views_marking.second_marking_new,
        name="second_marking_new",
    ),
    path(
        "teach/<int:pk>/marking/second/<int:sm_pk>/",
        views_marking.second_marking_detail,
        name="second_marking",
    ),
    path(
        "teach/<int:pk>/marking/second/<int:sm_pk>/start/",
        views_marking.second_marking_start,
        name="second_marking_start",
    ),
    path(
        "teach/<int:pk>/marking/second/<int:sm_pk>/responses/<int:response_pk>/",
        views_marking.second_mark,
        name="second_mark",
    ),
    path(
        "teach/<int:pk>/marking/second/<int:sm_pk>/responses/<int:response_pk>/settle/",
        views_marking.second_marking_settle,
        name="second_marking_settle",
    ),
    path("feedback/<int:pk>/", views_marking.feedback, name="feedback"),
]
