"""A teacher marks three answers with the keyboard alone, releases feedback, and the student
reads it; the marking and feedback pages pass axe-core and raise no CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Attempt, Mark, Response
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    DocumentFactory,
    EnrolmentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
    StudentFactory,
)

P1 = "The situation in the south is grave."
COMMENTS = [
    "Good use of the telegram's date.",
    "Say who wrote it and why.",
    "Quote the source more precisely.",
]


@pytest.fixture
def paper(teacher, classroom, student):
    """One extended question citing Source A (12 marks; level 2 is 5–8) and one automatic
    question, submitted by Sam and two classmates."""
    assessment = AssessmentFactory(owner=teacher, title="Tsaritsyn telegrams")
    document = DocumentFactory(title="Telegram to Lenin")
    source_a = ExcerptFactory(document=document)
    extended = ExtendedQuestionFactory(
        assessment=assessment,
        position=0,
        prompt="How **useful** is Source A for the situation in the south?",
        asks_for_evidence=True,
    )
    QuestionSourceFactory(question=extended, excerpt=source_a, label="A", position=0)
    single = SingleChoiceQuestionFactory(
        assessment=assessment, position=1, prompt="Sent from?", choices=["Tsaritsyn", "Moscow"]
    )
    assignment = AssignmentFactory(assessment=assessment, classroom=classroom)
    students = [student, StudentFactory(first_name="Tom"), StudentFactory(first_name="Ula")]
    start = P1.index("grave")
    for person in students[1:]:
        EnrolmentFactory(classroom=classroom, student=person)
    for person in students:
        attempt = AttemptFactory(assignment=assignment, student=person, submitted=True)
        Response.objects.filter(attempt=attempt, question=extended).update(
            text=f"{person.first_name} thinks it is useful.\nIt says the south is grave.",
            citations=[
                {
                    "excerpt": source_a.pk,
                    "document": document.pk,
                    "start": start,
                    "end": start + len("grave"),
                }
            ],
        )
        chosen = single.choices.get(text="Tsaritsyn").pk
        Response.objects.filter(attempt=attempt, question=single).update(choices=[chosen])
        services.responses_auto_mark(attempt=attempt)
    return {"assignment": assignment, "extended": extended}


def test_teacher_marks_by_keyboard_releases_and_the_student_reads_it(
    page, login, live_server, paper, student
):
    assignment = paper["assignment"]
    login("alice")
    page.goto(f"{live_server.url}/work/teach/{assignment.pk}/marking/start/")
    heading = page.locator("[data-marking-focus]")
    expect(heading).to_have_text(re.compile(r"^Question 1 · "))
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()
    expect(page.locator("mark.excerpt")).to_have_text(re.compile("grave"))
    assert_accessible(page)
    # A full page load would give a fresh window: the marker proves every save is swapped in.
    page.evaluate("window.__sameDocument = 1")
    first_url = page.url

    for number, comment in enumerate(COMMENTS, start=1):
        expect(page.get_by_test_id("position")).to_contain_text(f"{3 + number - 1} of 6 marked")
        page.keyboard.press("2")  # level 2: 5–8, the mark starts at 5
        expect(page.locator("#mark-score")).to_have_value("5")
        expect(page.locator("#mark-score")).to_have_attribute("max", "8")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")  # stops at the top of the band
        expect(page.locator("#mark-score")).to_have_value("8")
        page.keyboard.press("ArrowDown")
        expect(page.locator("#mark-score")).to_have_value("7")
        page.keyboard.press("c")
        expect(page.locator("#mark-comment")).to_be_focused()
        page.keyboard.type(comment)
        page.keyboard.press("Control+Enter")
        expect(page.get_by_test_id("saved")).to_contain_text("Saved 7 (level 2)")
        expect(heading).to_be_focused()
        assert page.evaluate("window.__sameDocument") == 1, f"page reloaded after save {number}"
        if number == 1:
            assert_accessible(page)  # the screen htmx swapped in

    expect(heading).to_have_text("All marked")
    assert page.evaluate("window.__sameDocument") == 1
    assert page.url != first_url  # the address follows the answer (history.pushState), no load
    marks = Mark.objects.order_by("response__attempt__pk")
    assert [(m.score, m.level.number) for m in marks] == [(7, 2)] * 3
    assert sorted(m.comment for m in marks) == sorted(COMMENTS)
    assert page.url.startswith(f"{live_server.url}/work/teach/{assignment.pk}/marking/responses/")

    page.goto(f"{live_server.url}/work/teach/{assignment.pk}/marking/")
    expect(page.get_by_test_id("progress")).to_contain_text("6 of 6")
    assert_accessible(page)
    page.get_by_role("button", name="Release to the whole class").click()
    expect(page.get_by_role("status").first).to_contain_text("released to the whole class")

    page.get_by_role("button", name="Log out").click()
    login("sam")
    attempt = Attempt.objects.get(student=student)
    sam_comment = Mark.objects.get(response__attempt=attempt).comment
    page.goto(f"{live_server.url}/work/feedback/{attempt.pk}/")
    expect(page.get_by_role("heading", name="Feedback: Tsaritsyn telegrams")).to_be_visible()
    expect(page.get_by_test_id("total")).to_have_text("8 out of 13")
    expect(page.get_by_test_id("mark-1")).to_contain_text("7 out of 12 · level 2")
    expect(page.get_by_text(sam_comment)).to_be_visible()
    expect(page.locator(".level-descriptor")).to_have_text("Level 2 descriptor.")
    assert_accessible(page)
    attempt.refresh_from_db()
    assert attempt.feedback_viewed_at is not None


def test_marking_raises_no_csp_violations(browser, live_server, paper):
    context = browser.new_context()  # no bypass_csp: the real policy applies
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    assignment = paper["assignment"]
    page.goto(f"{live_server.url}/work/teach/{assignment.pk}/marking/start/")
    page.keyboard.press("3")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("saved")).to_contain_text("Saved 9 (level 3)")
    page.keyboard.press("j")
    expect(page.get_by_test_id("position")).to_contain_text("Answer 3 of 6")
    page.goto(f"{live_server.url}/work/teach/{assignment.pk}/marking/?by=student")
    page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []
