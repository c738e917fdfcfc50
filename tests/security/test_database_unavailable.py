"""A database outage answers 503 with a friendly standalone page, never a stack trace."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.urls import reverse

from common.middleware import database_unavailable_response


def database_down(error=OperationalError):
    return mock.patch.object(
        connection,
        "ensure_connection",
        side_effect=error('connection to server at "127.0.0.1", port 5432 failed'),
    )


def assert_friendly_503(response):
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Provenance is back in a moment" in html
    assert "Nothing you saved before this happened has been lost." in html
    for leak in ("Traceback", "OperationalError", "InterfaceError", "5432", "File &quot;"):
        assert leak not in html


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_down_in_a_view_gives_503(client, student, error):
    client.force_login(student)

    with database_down(error):
        response = client.get(reverse("home"))

    assert_friendly_503(response)


def test_database_down_on_a_teacher_page_gives_503(client, teacher, classroom):
    client.force_login(teacher)

    with database_down():
        response = client.get(reverse("accounts:classroom_detail", args=[classroom.pk]))

    assert_friendly_503(response)


def test_database_down_on_autosave_gives_503(client, student):
    client.force_login(student)

    with database_down():
        response = client.post(
            reverse("assessments:autosave", args=[1, 1]),
            '{"version": 0, "text": "x"}',
            content_type="application/json",
        )

    assert_friendly_503(response)


class _QueryingMiddleware:
    """Stands for any middleware below ours that reads the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return self.get_response(request)


def test_database_down_in_a_middleware_gives_503(client, settings, student):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "tests.security.test_database_unavailable._QueryingMiddleware",
    ]
    client.raise_request_exception = False

    with database_down():
        response = client.get(reverse("archive:chronicle"))

    assert_friendly_503(response)


def test_other_errors_are_still_a_plain_500(client, settings, monkeypatch, student):
    client.force_login(student)
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("accounts.views.render", broken)
    response = client.get(reverse("home"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_503_page_renders_without_the_database(rf):
    with database_down():
        response = database_unavailable_response(rf.get("/"))

    assert_friendly_503(response)
