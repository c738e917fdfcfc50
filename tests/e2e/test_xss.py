"""Script payloads seeded into every field others read never run in a real browser.

The browser context bypasses CSP (tests/e2e/conftest.py), so this tests the escaping, the
Markdown sanitiser and our scripts' DOM handling themselves, not the CSP that would also stop
them. The seeded fields and the screens that show them are those of
tests/security/test_hostile_input.py; any dialog (alert, confirm, prompt) fails the test.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.security.test_hostile_input import (  # noqa: F401 - hostile: the seeded payloads
    FIELD_PAGES,
    hostile,
    hostile_url,
)

SCREENS = {
    who: [screen for role, screen, _ in FIELD_PAGES if role == who]
    for who in ("student", "teacher")
}


def visit_all(page, live_server, login, username, urls):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(username)
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        # Let the page's own scripts (attempt editor, charts, marking keys) run over the data.
        page.wait_for_load_state("networkidle")
    return dialogs


def test_the_screens_cover_the_attempt_dashboards_and_previews():
    assert {"attempt_in_progress", "feedback", "lesson"} <= set(SCREENS["student"])
    assert {
        "mark_response",
        "class_skills",
        "assignment_sources",
        "student_progress",
        "assessment_preview",
        "unit_preview",
        "lesson_preview",
    } <= set(SCREENS["teacher"])


@pytest.mark.parametrize(("who", "username"), [("student", "sam"), ("teacher", "alice")])
def test_no_payload_runs(
    page,
    live_server,
    login,
    teacher,
    student,
    classroom,
    hostile,  # noqa: F811
    who,
    username,
):
    urls = [hostile_url(screen, hostile, classroom, student) for screen in SCREENS[who]]

    dialogs = visit_all(page, live_server, login, username, urls)

    assert dialogs == []


def test_no_payload_runs_while_a_student_works_on_the_attempt(
    page,
    live_server,
    login,
    student,
    classroom,
    hostile,  # noqa: F811
):
    dialogs = visit_all(
        page,
        live_server,
        login,
        "sam",
        [hostile_url("attempt_in_progress", hostile, classroom, student)],
    )
    # Open each source the question cites and type into the answer: the scripts that show
    # sources and save answers handle the hostile text too.
    for link in page.locator("[data-source-link]").all():
        if link.is_visible():
            link.click()
    question = page.locator("[data-question][data-number='1']")
    question.locator("textarea").fill("My answer <img src=x onerror=alert(2)>")
    expect(question.locator("[data-save-status]")).to_have_text(re.compile(r"^Saved"))
    page.reload()
    page.wait_for_load_state("networkidle")

    assert dialogs == []
    expect(page.locator("[data-question][data-number='1'] textarea")).to_have_value(
        "My answer <img src=x onerror=alert(2)>"
    )
