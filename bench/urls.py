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
    path(
        "bench/proposal-cached-user/attempts/<int:pk>/responses/<int:response_pk>/",
        views.proposal_cached_user,
        name="bench_proposal_cached_user",
    ),
    path(
        "bench/proposal-precompiled/attempts/<int:pk>/responses/<int:response_pk>/",
        views.proposal_precompiled,
        name="bench_proposal_precompiled",
    ),
    path(
        "bench/proposal-fast-text/attempts/<int:pk>/responses/<int:response_pk>/",
        views.proposal_fast_text,
        name="bench_proposal_fast_text",
    ),
    *site_urlpatterns,
]
