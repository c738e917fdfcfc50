"""Script payloads seeded into every field others read never run in a real browser.

The browser context bypasses CSP (tests/e2e/conftest.py), so this tests the escaping and the
Markdown sanitiser themselves, not the CSP that would also stop them.
"""

from django.urls import reverse

from tests.security.test_hostile_input import hostile  # noqa: F401 - the seeded payloads


def visit_all(page, live_server, login, username, urls):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(username)
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        page.wait_for_load_state("load")
    return dialogs


def test_no_payload_runs_for_the_student(page, live_server, login, hostile):  # noqa: F811
    urls = [
        reverse("home"),
        reverse("lessons:unit_list"),
        reverse("lessons:unit", args=[hostile["unit"].pk]),
        reverse("lessons:lesson", args=[hostile["unit"].pk, hostile["lesson"].pk]),
        reverse("assessments:my_work"),
        reverse("assessments:feedback", args=[hostile["attempt"].pk]),
        reverse("archive:document", args=[hostile["document"].pk]),
    ]

    dialogs = visit_all(page, live_server, login, "sam", urls)

    assert dialogs == []


def test_no_payload_runs_for_the_teacher(page, live_server, login, classroom, hostile):  # noqa: F811
    assignment = hostile["assignment"]
    urls = [
        reverse("home"),
        reverse("accounts:classroom_detail", args=[classroom.pk]),
        reverse("assessments:class_overview", args=[classroom.pk]),
        reverse("assessments:marking", args=[assignment.pk]),
        reverse("assessments:mark_response", args=[assignment.pk, hostile["response"].pk]),
        reverse("assessments:assignment_results", args=[assignment.pk]),
        reverse("archive:document", args=[hostile["document"].pk]),
    ]

    dialogs = visit_all(page, live_server, login, "alice", urls)

    assert dialogs == []
