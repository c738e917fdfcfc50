from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("classes/", views.classroom_list, name="classroom_list"),
    path("classes/new/", views.classroom_create, name="classroom_create"),
    path("classes/join/", views.join, name="join"),
    path("classes/<int:pk>/", views.classroom_detail, name="classroom_detail"),
    path("classes/<int:pk>/edit/", views.classroom_edit, name="classroom_edit"),
    path(
        "classes/<int:pk>/code/", views.classroom_regenerate_code, name="classroom_regenerate_code"
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/remove/",
        views.classroom_remove_student,
        name="classroom_remove_student",
    ),
    path(
        "classes/<int:pk>/co-teachers/",
        views.classroom_add_co_teacher,
        name="classroom_add_co_teacher",
    ),
    path("classes/<int:pk>/roster/", views.roster_upload, name="roster_upload"),
    path("classes/<int:pk>/roster/confirm/", views.roster_confirm, name="roster_confirm"),
    path(
        "classes/<int:pk>/roster/passwords/<str:token>/",
        views.credentials_download,
        name="credentials_download",
    ),
]
