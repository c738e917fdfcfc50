"""A student answers in the browser without losing a word: autosave, offline, a closed tab, two
tabs, the time limit, and citing evidence by mouse and by keyboard."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from assessments.models import Attempt, Response
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    DocumentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    GridQuestionFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
)

P1 = "The situation in the south is grave."
P2 = "Grain is being sent north by every train we can find."
AUTOSAVE = re.compile(r"/work/attempts/\d+/responses/\d+/$")


@pytest.fixture
def paper(teacher, classroom):
    """Question 1 (extended, asks for evidence from Source A = paragraph 1 of a telegram),
    question 2 (single choice) and question 3 (a grid over Sources A and B)."""
    assessment = AssessmentFactory(owner=teacher, title="Tsaritsyn telegrams")
    document = DocumentFactory(title="Telegram to Lenin")
    source_a = ExcerptFactory(document=document)
    start_b = document.text.index(P2)
    source_b = ExcerptFactory(document=document, start=start_b, end=start_b + len(P2))
    extended = ExtendedQuestionFactory(
        assessment=assessment,
        position=0,
        prompt="How useful is Source A for the situation in the south?",
        asks_for_evidence=True,
    )
    QuestionSourceFactory(question=extended, excerpt=source_a, label="A", position=0)
    single = SingleChoiceQuestionFactory(
        assessment=assessment,
        position=1,
        prompt="Where was the telegram sent from?",
        choices=["Tsaritsyn", "Moscow"],
    )
    grid = GridQuestionFactory(assessment=assessment, position=2, prompt="Corroborate.")
    QuestionSourceFactory(question=grid, excerpt=source_a, label="A", position=0)
    QuestionSourceFactory(question=grid, excerpt=source_b, label="B", position=1)
    assignment = AssignmentFactory(assessment=assessment, classroom=classroom)
    return {
        "assignment": assignment,
        "document": document,
        "source_a": source_a,
        "extended": extended,
        "single": single,
        "grid": grid,
    }


@pytest.fixture
def attempt(paper, student):
    return AttemptFactory(assignment=paper["assignment"], student=student)


def _response(attempt, question) -> Response:
    return Response.objects.get(attempt=attempt, question=question)


def _answer_box(page):
    return page.get_by_label("Your answer to question 1")


def _status(page, number=1):
    return page.locator(f"[data-question][data-number='{number}'] [data-save-status]")


def test_student_starts_answers_every_kind_reloads_and_it_is_all_there(
    page, login, live_server, paper, student
):
    login("sam")
    page.goto(f"{live_server.url}/work/my/")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start Tsaritsyn telegrams").click()
    expect(page.get_by_role("heading", name="Tsaritsyn telegrams")).to_be_visible()
    assert_accessible(page)

    _answer_box(page).fill("Stalin reports a grave situation.")
    expect(_status(page)).to_have_text(re.compile(r"^Saved \d\d:\d\d"))
    page.get_by_label("Tsaritsyn").check()
    expect(_status(page, 2)).to_have_text(re.compile(r"^Saved"))
    page.get_by_role("group", name="Claim 1: Source A").get_by_label("Agrees", exact=True).check()
    page.get_by_role("group", name="Claim 2: Source B").get_by_label("Silent", exact=True).check()
    expect(_status(page, 3)).to_have_text(re.compile(r"^Saved"))
    page.reload()

    expect(_answer_box(page)).to_have_value("Stalin reports a grave situation.")
    expect(page.get_by_label("Tsaritsyn")).to_be_checked()
    attempt = Attempt.objects.get(student=student)
    assert _response(attempt, paper["extended"]).text == "Stalin reports a grave situation."
    claims = list(paper["grid"].claims.all())
    assert _response(attempt, paper["grid"]).grid == {
        str(claims[0].pk): {"A": "agree"},
        str(claims[1].pk): {"B": "silent"},
    }
    chosen = paper["single"].choices.get(text="Tsaritsyn").pk
    assert _response(attempt, paper["single"]).choices == [chosen]
    assert_accessible(page)


def test_offline_typing_retries_and_saves_when_back_online(
    page, context, login, live_server, attempt, paper
):
    login("sam")
    page.goto(f"{live_server.url}{attempt.get_absolute_url()}")
    context.set_offline(True)

    _answer_box(page).fill("Written on the train, offline.")

    expect(_status(page)).to_contain_text("Not saved — retrying", timeout=10_000)
    # Three failures in, the next retry is 8 s away (back-off 2, 4, 8 s, at most 15 s).
    expect(_status(page)).to_contain_text("retrying in 8 s", timeout=15_000)
    assert _response(attempt, paper["extended"]).text == ""
    context.set_offline(False)
    # The browser says it is back online: everything unsaved is retried at once.
    expect(_status(page)).to_have_text(re.compile(r"^Saved"), timeout=2_500)
    assert _response(attempt, paper["extended"]).text == "Written on the train, offline."


def test_offline_text_survives_a_reload_and_reaches_the_server_when_back_online(
    page, context, login, live_server, attempt, paper
):
    login("sam")
    url = f"{live_server.url}{attempt.get_absolute_url()}"
    page.goto(url)
    context.set_offline(True)
    _answer_box(page).fill("Written offline, then the page was reloaded.")
    expect(_status(page)).to_contain_text("Not saved — retrying")

    # Back online, but the connection is poor: a save goes out and never comes back. The
    # student reloads while it hangs (the page sends no last-gasp save over one in flight).
    held = []
    context.route(AUTOSAVE, lambda route: held.append(route))
    with page.expect_request(AUTOSAVE):  # the page retries at once when back online
        context.set_offline(False)
    page.reload()
    assert _response(attempt, paper["extended"]).text == ""
    context.unroute(AUTOSAVE)  # the connection is good again

    notice = page.locator("[data-question][data-number='1'] [data-notice]")
    expect(notice).to_contain_text("You have unsaved work from")
    expect(notice).to_contain_text("Written offline, then the page was reloaded.")
    expect(_answer_box(page)).to_have_value("")
    page.get_by_role("button", name="Restore it").click()
    expect(_answer_box(page)).to_have_value("Written offline, then the page was reloaded.")
    expect(_status(page)).to_have_text(re.compile(r"^Saved"))
    assert (
        _response(attempt, paper["extended"]).text == "Written offline, then the page was reloaded."
    )
    page.reload()
    expect(_answer_box(page)).to_have_value("Written offline, then the page was reloaded.")
    expect(notice).to_be_hidden()


def test_closed_before_saving_the_local_copy_is_offered_back(
    page, context, login, live_server, attempt, paper
):
    login("sam")
    url = f"{live_server.url}{attempt.get_absolute_url()}"
    page.route(AUTOSAVE, lambda route: route.abort())
    page.goto(url)
    _answer_box(page).fill("Typed just before the laptop died.")
    expect(_status(page)).to_contain_text("Not saved — retrying")
    # The tab crashes: no last-gasp save as it goes (a closed tab would send one).
    with pytest.raises(PlaywrightError):
        page.goto("chrome://crash")
    page.close()
    assert _response(attempt, paper["extended"]).text == ""

    again = context.new_page()
    again.goto(url)
    notice = again.locator("[data-question][data-number='1'] [data-notice]")
    expect(notice).to_contain_text("You have unsaved work from")
    expect(notice).to_contain_text("Typed just before the laptop died.")
    assert_accessible(again)
    again.get_by_role("button", name="Restore it").click()

    expect(again.get_by_label("Your answer to question 1")).to_have_value(
        "Typed just before the laptop died."
    )
    expect(_status(again)).to_have_text(re.compile(r"^Saved"))
    assert _response(attempt, paper["extended"]).text == "Typed just before the laptop died."


def test_a_second_tab_never_silently_overwrites_newer_text(
    page, context, login, live_server, attempt, paper
):
    login("sam")
    url = f"{live_server.url}{attempt.get_absolute_url()}"
    page.goto(url)
    tab_b = context.new_page()
    tab_b.goto(url)

    _answer_box(tab_b).fill("Newer text from tab B.")
    expect(_status(tab_b)).to_have_text(re.compile(r"^Saved"))
    _answer_box(page).fill("Older text from tab A.")

    notice = page.locator("[data-question][data-number='1'] [data-notice]")
    expect(notice).to_contain_text("changed in another tab")
    expect(notice).to_contain_text("Newer text from tab B.")
    expect(_status(page)).to_contain_text("Not saved")
    assert _response(attempt, paper["extended"]).text == "Newer text from tab B."
    assert_accessible(page)

    page.get_by_role("button", name="Use the other version").click()
    expect(_answer_box(page)).to_have_value("Newer text from tab B.")
    page.wait_for_timeout(2500)
    assert _response(attempt, paper["extended"]).text == "Newer text from tab B."


def test_a_student_can_keep_their_own_version_after_a_conflict(
    page, context, login, live_server, attempt, paper
):
    login("sam")
    url = f"{live_server.url}{attempt.get_absolute_url()}"
    page.goto(url)
    tab_b = context.new_page()
    tab_b.goto(url)
    _answer_box(tab_b).fill("From tab B.")
    expect(_status(tab_b)).to_have_text(re.compile(r"^Saved"))
    _answer_box(page).fill("From tab A, the one I want.")
    expect(page.get_by_role("button", name="Keep the version on this page")).to_be_visible()

    page.get_by_role("button", name="Keep the version on this page").click()

    expect(_status(page)).to_have_text(re.compile(r"^Saved"))
    assert _response(attempt, paper["extended"]).text == "From tab A, the one I want."


def test_time_limit_saves_what_is_pending_and_submits(page, login, live_server, paper, student):
    attempt = AttemptFactory(
        assignment=paper["assignment"],
        student=student,
        deadline_at=timezone.now() + timedelta(seconds=8),
    )
    login("sam")
    page.goto(f"{live_server.url}{attempt.get_absolute_url()}")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0\d$"))
    assert_accessible(page)

    _answer_box(page).press_sequentially("Last words", delay=20)

    expect(page.get_by_test_id("submitted-banner")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("submitted-banner")).to_contain_text("automatically")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.auto_submitted is True
    assert _response(attempt, paper["extended"]).text == "Last words"
    assert_accessible(page)


def test_cite_a_passage_selected_with_the_mouse(page, login, live_server, attempt, paper):
    login("sam")
    page.goto(f"{live_server.url}{attempt.get_absolute_url()}")
    paragraph = page.locator(f"[data-source-text][data-excerpt='{paper['source_a'].pk}'] p").first
    box = paragraph.bounding_box()

    page.mouse.move(box["x"] + 1, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    selected = page.evaluate("() => window.getSelection().toString().trim()")
    assert len(selected) > 5
    page.get_by_role("button", name="Cite selected passage for question 1").click()

    citation_list = page.locator("[data-question][data-number='1'] [data-citations]")
    expect(citation_list.locator("q")).to_have_text(selected)
    expect(_status(page)).to_have_text(re.compile(r"^Saved"))
    citations = _response(attempt, paper["extended"]).citations
    assert len(citations) == 1
    citation = citations[0]
    assert paper["document"].text[citation["start"] : citation["end"]] == selected
    assert citation["excerpt"] == paper["source_a"].pk
    assert citation["document"] == paper["document"].pk
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("^Remove the citation")).click()
    expect(citation_list.locator("q")).to_have_count(0)
    expect(_status(page)).to_have_text(re.compile(r"^Saved"))
    assert _response(attempt, paper["extended"]).citations == []


def test_cite_a_passage_selected_with_the_keyboard(page, login, live_server, attempt, paper):
    login("sam")
    page.goto(f"{live_server.url}{attempt.get_absolute_url()}")
    _answer_box(page).focus()  # working on question 1
    source = page.get_by_role("region", name="Text of Source A")

    source.focus()
    for _ in range(len("The ")):
        page.keyboard.press("ArrowRight")
    for _ in range(len("situation")):
        page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("[data-selection-preview]")).to_contain_text("“situation”")
    page.keyboard.press("Enter")

    citation_list = page.locator("[data-question][data-number='1'] [data-citations]")
    expect(citation_list.locator("q")).to_have_text("situation")
    expect(_status(page)).to_have_text(re.compile(r"^Saved"))
    excerpt = paper["source_a"]
    assert _response(attempt, paper["extended"]).citations == [
        {
            "excerpt": excerpt.pk,
            "document": excerpt.document_id,
            "start": excerpt.start + 4,
            "end": excerpt.start + 13,
        }
    ]


def test_narrow_screens_get_accessible_tabs(page, login, live_server, attempt):
    page.set_viewport_size({"width": 390, "height": 800})
    login("sam")
    page.goto(f"{live_server.url}{attempt.get_absolute_url()}")
    questions_tab = page.get_by_role("tab", name="Questions")
    sources_tab = page.get_by_role("tab", name="Sources")
    expect(questions_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Sources")).to_be_hidden()
    assert_accessible(page)

    questions_tab.focus()
    page.keyboard.press("ArrowRight")

    expect(sources_tab).to_be_focused()
    expect(sources_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Sources")).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Questions")).to_be_hidden()
    assert_accessible(page)


def test_review_and_submit_then_the_page_is_read_only(page, login, live_server, attempt, paper):
    login("sam")
    page.goto(f"{live_server.url}{attempt.get_absolute_url()}")
    _answer_box(page).fill("My only answer.")
    page.get_by_role("link", name="Review and submit").first.click()

    expect(page.get_by_role("heading", name="Submit your answers")).to_be_visible()
    expect(page.get_by_role("region", name="Not answered yet")).to_contain_text("Question 2")
    assert_accessible(page)
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_test_id("submitted-banner")).to_contain_text("Submitted")
    expect(page.get_by_role("textbox")).to_have_count(0)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert _response(attempt, paper["extended"]).text == "My only answer."
    assert_accessible(page)


def test_attempt_page_raises_no_csp_violations(browser, live_server, attempt):
    context = browser.new_context()  # no bypass_csp: the real policy applies
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{attempt.get_absolute_url()}")
    page.get_by_label("Your answer to question 1").fill("Under the real policy.")
    expect(page.locator("[data-question][data-number='1'] [data-save-status]")).to_have_text(
        re.compile(r"^Saved")
    )
    page.goto(f"{live_server.url}/work/my/")
    context.close()
    assert violations == []
