"""The site's URLs plus the reference views of load runs; only config.settings_bench uses it."""

from django.urls import path

from bench import views
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/ping/", views.ping, name="bench_ping"),
    path(
        "bench/floor/attempts/<int:pk>/responses/<int:response_pk>/",
        views.floor,
        name="bench_floor",
    ),
    *site_urlpatterns,
]
