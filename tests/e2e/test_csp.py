"""The site runs under a strict CSP; a page that needed inline script or style would log here.

The contexts here do not bypass CSP (unlike the axe-core ones in conftest.py): the real policy
applies. A violation shows up twice, as a console message and as a `securitypolicyviolation`
event, and both are collected.
"""

import pytest

from tests.factories import ExcerptFactory, NoteFactory
from tests.security.test_hostile_input import hostile, hostile_url  # noqa: F401

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`
  );
});
"""


@pytest.fixture
def csp_page(browser, live_server):
    context = browser.new_context()  # no bypass_csp
    page = context.new_page()
    page.add_init_script(LISTEN)
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    def visit_as(username, paths):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            violations.extend(page.evaluate("window.__cspViolations || []"))
        return violations

    yield visit_as
    context.close()


def test_teacher_pages_raise_no_csp_violations(csp_page, teacher, classroom):
    excerpt = ExcerptFactory()
    NoteFactory(document=excerpt.document, marker_offset=10)

    violations = csp_page(
        "alice",
        [
            "/",
            "/classes/",
            f"/classes/{classroom.pk}/",
            "/classes/new/",
            "/archive/",
            "/archive/?q=grain",
            excerpt.document.get_absolute_url(),
            "/archive/chronicle/",
        ],
    )

    assert violations == []


def test_student_pages_raise_no_csp_violations(csp_page, student, classroom, hostile):  # noqa: F811
    screens = ["attempt_in_progress", "my_work", "lesson", "feedback", "my_progress"]

    violations = csp_page("sam", [hostile_url(s, hostile, classroom, student) for s in screens])

    assert violations == []


def test_marking_and_admin_pages_raise_no_csp_violations(
    csp_page,
    teacher,
    student,
    classroom,
    hostile,  # noqa: F811
):
    screens = [
        "marking",
        "mark_response",
        "class_skills",
        "assessment_preview",
        "assessment_admin",
        "lesson_preview",
    ]
    paths = [hostile_url(s, hostile, classroom, student) for s in screens]

    violations = csp_page("alice", [*paths, "/admin/", "/admin/accounts/classroom/"])

    assert violations == []


def test_a_violation_would_be_caught(browser, live_server, teacher):
    # The harness itself: an inline style set by script is refused by style-src and reported.
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/login/")
    page.evaluate("document.body.innerHTML += '<p style=\"color: red\">inline</p>'")
    page.wait_for_timeout(200)

    violations = page.evaluate("window.__cspViolations || []")
    context.close()

    assert any(v.startswith("style-src") for v in violations), violations
