from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("chronicle/", views.chronicle, name="chronicle"),
]
