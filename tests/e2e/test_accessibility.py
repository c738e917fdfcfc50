"""Every page a student reaches meets WCAG 2.2 AA as axe-core checks it, in each state the page
can be in: My work full and empty, an attempt whose time is up, feedback, progress, the lesson
and unit pages and the archive a lesson leads to. Phone width: no sideways scrolling (reflow,
WCAG 1.4.10, which axe cannot test)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services, services_marking
from assessments.models import Attempt, Response
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    AssessmentFactory,
    AssessmentItemFactory,
    AssignmentFactory,
    AttemptFactory,
    ContextItemFactory,
    DocumentFactory,
    DocumentItemFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    GridQuestionFactory,
    LessonFactory,
    LessonVisitFactory,
    PublishedUnitFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
    SourceItemFactory,
)

PHONE = {"width": 390, "height": 844}
TELEGRAM = (
    "The situation in the south is grave.\n\n"
    "Grain is being sent north by every train we can find.\n\n"
    "We shall not let the enemy through."
)


def _paper(teacher, title):
    """An extended question citing Source A, a single-choice question and a grid."""
    assessment = AssessmentFactory(owner=teacher, title=title)
    document = DocumentFactory(title=f"Telegram for {title}", text=TELEGRAM)
    source_a = ExcerptFactory(document=document)
    start_b = TELEGRAM.index("Grain")
    source_b = ExcerptFactory(
        document=document, start=start_b, end=TELEGRAM.index("\n\n", start_b), label="Source B"
    )
    extended = ExtendedQuestionFactory(
        assessment=assessment,
        position=0,
        prompt="How useful is Source A for the situation in the south?",
        asks_for_evidence=True,
    )
    QuestionSourceFactory(question=extended, excerpt=source_a, label="A", position=0)
    SingleChoiceQuestionFactory(
        assessment=assessment, position=1, prompt="Sent from?", choices=["Tsaritsyn", "Moscow"]
    )
    grid = GridQuestionFactory(assessment=assessment, position=2, prompt="Corroborate.")
    QuestionSourceFactory(question=grid, excerpt=source_a, label="A", position=0)
    QuestionSourceFactory(question=grid, excerpt=source_b, label="B", position=1)
    return assessment


def _answered(attempt):
    extended = attempt.assignment.assessment.questions.get(position=0)
    Response.objects.filter(attempt=attempt, question=extended).update(
        text="It is useful: Stalin was there.\nHe says the south is grave."
    )
    return attempt


def _submit(attempt, *, late=False):
    _answered(attempt)
    submitted_at = attempt.assignment.due_at + (timedelta(hours=1) if late else -timedelta(days=1))
    attempt = services.attempt_submit(attempt=attempt, now=submitted_at)
    assert attempt.is_late is late
    return attempt


def _returned(teacher, classroom, student, title):
    """A submitted attempt, marked (level 2, with a comment) and released to the class."""
    assignment = AssignmentFactory(assessment=_paper(teacher, title), classroom=classroom)
    attempt = _submit(AttemptFactory(assignment=assignment, student=student))
    extended = Response.objects.get(attempt=attempt, question__position=0)
    services_marking.response_mark(
        response=extended,
        marker=teacher,
        score=6,
        level=2,
        comment="Say who wrote it, when, and why that matters.",
    )
    grid = Response.objects.get(attempt=attempt, question__position=2)
    services_marking.response_override(
        response=grid, marker=teacher, score=1, reason="Half the grid was right."
    )
    services_marking.feedback_release(assignment=assignment, released_by=teacher, anyway=True)
    return attempt


@pytest.fixture
def work(teacher, classroom, student):
    """Sam's work in every state: in progress, to do, overdue, submitted on time, submitted
    late, returned."""
    now = timezone.now()
    in_progress = AttemptFactory(
        assignment=AssignmentFactory(
            assessment=_paper(teacher, "The Tsaritsyn front"), classroom=classroom
        ),
        student=student,
    )
    AssignmentFactory(assessment=_paper(teacher, "Peace or war?"), classroom=classroom)
    AssignmentFactory(
        assessment=_paper(teacher, "Brest-Litovsk"),
        classroom=classroom,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=1),
    )
    on_time = _submit(
        AttemptFactory(
            assignment=AssignmentFactory(
                assessment=_paper(teacher, "Red Guards"), classroom=classroom
            ),
            student=student,
        )
    )
    late_assignment = AssignmentFactory(
        assessment=_paper(teacher, "The grain requisitions"),
        classroom=classroom,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    late = _submit(AttemptFactory(assignment=late_assignment, student=student), late=True)
    returned = _returned(teacher, classroom, student, "Who made October?")
    return {"in_progress": in_progress, "on_time": on_time, "late": late, "returned": returned}


@pytest.fixture
def lesson(teacher, classroom, student):
    """A published unit of two lessons; the first has a source, context, a whole document and
    an assessment set to the class (in progress)."""
    unit = PublishedUnitFactory(
        owner=teacher,
        classrooms=[classroom],
        title="Self-determination or Soviet power?",
        enquiry_question="Why did the Bolshevik attitude change?",
        summary="Four lessons on **nationalities policy**.",
    )
    first = LessonFactory(
        unit=unit, position=0, title="1917: the promise of freedom", introduction="Read *both*."
    )
    second = LessonFactory(unit=unit, position=1, title="1918: the Tsaritsyn front")
    document = DocumentFactory(
        title="Telegram to Lenin from Tsaritsyn",
        display_title="Telegram to Lenin from Tsaritsyn",
        text=TELEGRAM,
        origin="Tsaritsyn",
    )
    SourceItemFactory(
        lesson=first,
        label="Source A",
        caption="Stalin to Lenin, July 1918.",
        excerpt=ExcerptFactory(document=document),
    )
    ContextItemFactory(
        lesson=first,
        label="Timeline",
        body=(
            "| Date | Event |\n|---|---|\n| March 1918 | Brest-Litovsk |\n| July 1918 | Tsaritsyn |"
        ),
    )
    DocumentItemFactory(lesson=first, label="The whole speech")
    assessment = _paper(teacher, "Tsaritsyn telegrams")
    AssessmentItemFactory(lesson=first, label="Check your understanding", assessment=assessment)
    assignment = AssignmentFactory(assessment=assessment, classroom=classroom)
    attempt = AttemptFactory(assignment=assignment, student=student)
    LessonVisitFactory(lesson=first, student=student)
    return {
        "unit": unit,
        "first": first,
        "second": second,
        "document": document,
        "attempt": attempt,
    }


@pytest.fixture
def time_up(teacher, classroom, student):
    """An attempt whose deadline passed five minutes ago, still in progress, one answer saved."""
    assignment = AssignmentFactory(
        assessment=_paper(teacher, "Tsaritsyn telegrams"), classroom=classroom
    )
    return _answered(
        AttemptFactory(
            assignment=assignment,
            student=student,
            deadline_at=timezone.now() - timedelta(minutes=5),
        )
    )


PAGE = """<!doctype html><html lang="en"><head>{head}<title>Check</title></head>
<body><main><h1>Check</h1>{body}</main></body></html>"""


def test_a_moderate_wcag_violation_fails_the_check(page):
    # Zoom switched off: WCAG 1.4.4 (resize text), which axe rates only "moderate".
    zoom_off = '<meta name="viewport" content="width=device-width, user-scalable=no">'
    page.set_content(PAGE.format(head=zoom_off, body="<p>Text.</p>"))

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    message = str(failure.value)
    assert "meta-viewport [moderate; wcag2aa,wcag144]" in message
    assert "nodes: meta\n" in message


def test_moderate_best_practice_advice_does_not_fail_the_check(page):
    # h1 then h3 breaks axe's heading-order advice (moderate), not a WCAG criterion.
    page.set_content(PAGE.format(head="", body="<h3>Details</h3><p>Text.</p>"))

    assert_accessible(page)


def _no_sideways_scroll(page):
    """Reflow: neither the page nor a table box inside it scrolls sideways."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]}px in {widths[1]}px"
    boxes = page.locator(".table-responsive").evaluate_all(
        "boxes => boxes.filter(b => b.offsetParent).map(b => [b.scrollWidth, b.clientWidth])"
    )
    assert all(inner <= outer for inner, outer in boxes), f"a table scrolls sideways: {boxes}"


def test_my_work_with_every_state(page, login, live_server, work):
    login("sam")
    page.goto(f"{live_server.url}/work/my/")

    expect(page.get_by_test_id("work-in-progress")).to_contain_text("The Tsaritsyn front")
    expect(page.get_by_test_id("work-to-do")).to_contain_text("Peace or war?")
    expect(page.get_by_test_id("work-to-do").get_by_text("overdue")).to_be_visible()
    expect(page.get_by_test_id("work-submitted")).to_contain_text("Red Guards")
    expect(page.get_by_test_id("work-submitted").get_by_text("late", exact=True)).to_be_visible()
    expect(page.get_by_test_id("work-returned")).to_contain_text("Who made October?")
    assert_accessible(page)


def test_my_work_when_nothing_is_set(page, login, live_server, student):
    login("sam")
    page.goto(f"{live_server.url}/work/my/")

    expect(page.get_by_text("No work has been set to your classes yet.")).to_be_visible()
    assert_accessible(page)


def test_my_work_with_everything_done(page, login, live_server, teacher, classroom, student):
    _returned(teacher, classroom, student, "Who made October?")
    login("sam")
    page.goto(f"{live_server.url}/work/my/")

    expect(page.get_by_test_id("work-in-progress")).to_contain_text("Nothing in progress.")
    expect(page.get_by_test_id("work-to-do")).to_contain_text("Nothing to do. Well done.")
    assert_accessible(page)


def test_submitted_late_answers_read_only(page, login, live_server, work):
    login("sam")
    page.goto(f"{live_server.url}{work['late'].get_absolute_url()}")

    expect(page.get_by_test_id("submitted-banner")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_attempt_page_when_time_is_up(page, login, live_server, time_up, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    # Hold the page in its "time is up" state: its own automatic submission never gets through.
    page.route(re.compile(r"/work/attempts/\d+/submit/$"), lambda route: route.abort())
    login("sam")
    page.goto(f"{live_server.url}{time_up.get_absolute_url()}")

    expect(page.get_by_role("alert").filter(has_text="Time is up")).to_be_visible()
    expect(page.get_by_role("button", name="Submit my saved answers")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_text("He says the south is grave.")).to_be_visible()
    assert_accessible(page)
    if viewport:
        _no_sideways_scroll(page)
    time_up.refresh_from_db()
    assert time_up.status == Attempt.Status.IN_PROGRESS


@pytest.mark.parametrize("width", [PHONE["width"], 320])
def test_attempt_page_in_progress_at_phone_width(page, login, live_server, work, width):
    # 320 CSS px is the width WCAG 1.4.10 (reflow) names; 390 a common phone.
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    login("sam")
    page.goto(f"{live_server.url}{work['in_progress'].get_absolute_url()}")

    expect(page.get_by_role("tab", name="Questions")).to_have_attribute("aria-selected", "true")
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.get_by_role("tab", name="Sources").click()
    expect(page.get_by_role("tabpanel", name="Sources")).to_be_visible()
    assert_accessible(page)
    _no_sideways_scroll(page)


def test_feedback_page(page, login, live_server, work):
    login("sam")
    page.goto(f"{live_server.url}/work/my/")
    page.get_by_role("link", name="See feedback for Who made October?").click()

    expect(page.get_by_text("Say who wrote it, when, and why that matters.")).to_be_visible()
    assert_accessible(page)


def test_own_progress_page(page, login, live_server, work):
    login("sam")
    page.goto(f"{live_server.url}/work/my/progress/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Who made October?").first).to_be_visible()
    assert_accessible(page)


def test_unit_and_lesson_pages(page, login, live_server, lesson):
    login("sam")
    page.goto(f"{live_server.url}/units/")
    assert_accessible(page)
    page.get_by_role("link", name="Self-determination or Soviet power?").click()
    expect(page.get_by_text("1 of 2 lessons read")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="1917: the promise of freedom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1917: the promise of freedom")
    expect(page.get_by_role("link", name="Continue Tsaritsyn telegrams")).to_be_visible()
    assert_accessible(page)


def test_lesson_page_at_phone_width(page, login, live_server, lesson):
    page.set_viewport_size(PHONE)
    login("sam")
    page.goto(f"{live_server.url}{lesson['first'].get_absolute_url()}")

    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)
    _no_sideways_scroll(page)


def test_archive_document_and_search_reached_from_a_lesson(page, login, live_server, lesson):
    login("sam")
    page.goto(f"{live_server.url}{lesson['first'].get_absolute_url()}")
    page.get_by_role(
        "link", name="Read the whole document in the archive: Telegram to Lenin from Tsaritsyn"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Telegram to Lenin from Tsaritsyn")
    assert_accessible(page)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Archive").click()
    page.get_by_label("Search the text").fill("grain")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile("match “grain”"))).to_be_visible()
    assert_accessible(page)


def test_feedback_page_before_release(page, login, live_server, work):
    login("sam")
    page.goto(f"{live_server.url}/work/feedback/{work['on_time'].pk}/")

    expect(page.get_by_test_id("not-released")).to_contain_text("not released feedback")
    assert_accessible(page)


def test_home_page_with_work(page, login, live_server, work, lesson):
    login("sam")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_my_units_when_none_is_given(page, login, live_server, student):
    login("sam")
    page.goto(f"{live_server.url}/units/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_password_change_with_a_wrong_old_password(page, login, live_server, student):
    login("sam")
    page.goto(f"{live_server.url}/password/")
    page.get_by_label("Old password").fill("not-my-password")
    page.get_by_role("textbox", name="New password*", exact=True).fill("a-new-long-passphrase-1917")
    page.get_by_label("New password confirmation").fill("a-new-long-passphrase-1917")
    page.get_by_role("button", name=re.compile("Change", re.I)).click()

    expect(page.get_by_text(re.compile("old password was entered incorrectly"))).to_be_visible()
    assert_accessible(page)


def test_archive_browse_chronicle_and_a_missing_page(page, login, live_server, lesson):
    login("sam")
    page.goto(f"{live_server.url}/archive/")
    expect(page.get_by_role("heading", name="Archive", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Chronicle of events").click()
    assert_accessible(page)

    page.goto(f"{live_server.url}/archive/documents/999999/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    ["/work/my/", "feedback", "/work/my/progress/", "document", "/archive/?q=grain", "unit"],
)
def test_student_pages_reflow_at_320_px(page, login, live_server, work, lesson, path):
    targets = {
        "feedback": f"/work/feedback/{work['returned'].pk}/",
        "document": lesson["document"].get_absolute_url(),
        "unit": lesson["unit"].get_absolute_url(),
    }
    page.set_viewport_size({"width": 320, "height": 700})
    login("sam")
    page.goto(f"{live_server.url}{targets.get(path, path)}")

    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]}px in {widths[1]}px"
