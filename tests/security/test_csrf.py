"""CSRF on the script-driven requests: htmx sends the token the page put in hx-headers, the
autosave script the one in data-csrf; without it the request is refused and nothing changes."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Mark
from tests.assessments.test_marking_services import make_paper, response_to, submit
from tests.factories import AssignmentFactory, AttemptFactory, ExtendedQuestionFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def token_in(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    assert match, f"no CSRF token matching {pattern!r} on the page"
    return match.group(1)


@pytest.fixture
def marking(teacher, classroom, student):
    paper = make_paper(teacher, classroom)
    response = response_to(submit(paper, student), paper.extended)
    return reverse("assessments:mark_response", args=[paper.assignment.pk, response.pk]), response


def mark_data() -> dict:
    return {"level": "2", "score": "7", "comment": "Well sourced.", "based_on": "0"}


def test_htmx_mark_save_without_the_csrf_header_is_refused(strict_client, teacher, marking):
    url, response = marking
    strict_client.force_login(teacher)
    strict_client.get(url)  # sets the CSRF cookie, as a real visit would

    reply = strict_client.post(url, mark_data(), **HTMX)

    assert reply.status_code == 403
    assert not Mark.objects.filter(response=response).exists()


def test_htmx_mark_save_with_the_pages_csrf_header_is_accepted(strict_client, teacher, marking):
    url, response = marking
    strict_client.force_login(teacher)
    page = strict_client.get(url).content.decode()
    # base.html puts the token on <body hx-headers>, so every htmx request carries it.
    token = token_in(page, r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')

    reply = strict_client.post(url, mark_data(), HTTP_X_CSRFTOKEN=token, **HTMX)

    assert reply.status_code == 200
    assert reply.content.decode().strip().startswith('<div id="marking-screen"')
    assert Mark.objects.get(response=response).score == 7


def test_htmx_mark_save_with_a_forged_csrf_header_is_refused(strict_client, teacher, marking):
    url, response = marking
    strict_client.force_login(teacher)
    strict_client.get(url)

    reply = strict_client.post(url, mark_data(), HTTP_X_CSRFTOKEN="x" * 64, **HTMX)

    assert reply.status_code == 403
    assert not Mark.objects.filter(response=response).exists()


@pytest.fixture
def open_attempt(classroom, student):
    assignment = AssignmentFactory(classroom=classroom)
    ExtendedQuestionFactory(assessment=assignment.assessment)
    return AttemptFactory(assignment=assignment, student=student)


@pytest.mark.parametrize("with_token", [False, True])
def test_autosave_needs_the_csrf_header(strict_client, student, open_attempt, with_token):
    strict_client.force_login(student)
    page = strict_client.get(reverse("assessments:attempt", args=[open_attempt.pk]))
    token = token_in(page.content.decode(), r'data-csrf="([^"]+)"')
    response = open_attempt.responses.get()
    headers = {"HTTP_X_CSRFTOKEN": token} if with_token else {}

    reply = strict_client.post(
        reverse("assessments:autosave", args=[open_attempt.pk, response.pk]),
        json.dumps({"version": response.version, "text": "My answer"}),
        content_type="application/json",
        **headers,
    )

    response.refresh_from_db()
    assert reply.status_code == (200 if with_token else 403)
    assert response.text == ("My answer" if with_token else "")
