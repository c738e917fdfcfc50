"""A teacher previews an assessment as a student: the real attempt page, where nothing typed,
ticked or cited is sent to the server or kept in the browser."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt, Response
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    AssessmentFactory,
    DocumentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    GridQuestionFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
)

AUTOSAVE = re.compile(r"/work/attempts/")


@pytest.fixture
def paper(teacher):
    assessment = AssessmentFactory(
        owner=teacher, title="Tsaritsyn telegrams", time_limit_minutes=30
    )
    document = DocumentFactory(title="Telegram to Lenin")
    source_a = ExcerptFactory(document=document)
    extended = ExtendedQuestionFactory(
        assessment=assessment,
        position=0,
        prompt="How useful is Source A for the situation in the south?",
        asks_for_evidence=True,
    )
    QuestionSourceFactory(question=extended, excerpt=source_a, label="A", position=0)
    SingleChoiceQuestionFactory(
        assessment=assessment,
        position=1,
        prompt="Where was the telegram sent from?",
        choices=["Tsaritsyn", "Moscow"],
    )
    grid = GridQuestionFactory(assessment=assessment, position=2, prompt="Corroborate.")
    QuestionSourceFactory(question=grid, excerpt=source_a, label="A", position=0)
    return {"assessment": assessment, "source_a": source_a}


def test_teacher_previews_as_a_student_and_nothing_is_saved(page, login, live_server, paper):
    login("alice")
    requests = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    assessment = paper["assessment"]
    page.goto(f"{live_server.url}/admin/assessments/assessment/{assessment.pk}/preview/")

    banner = page.get_by_test_id("preview-banner")
    expect(banner).to_contain_text(
        "Preview: this is what a student sees. Nothing you type is saved."
    )
    expect(banner.get_by_role("link", name="Back to editing")).to_have_attribute(
        "href", f"/admin/assessments/assessment/{assessment.pk}/change/"
    )
    expect(page.get_by_role("heading", name="Tsaritsyn telegrams")).to_be_visible()
    expect(page.locator("[data-countdown]")).to_contain_text(re.compile(r"Time left: (30|29):"))
    expect(page.get_by_role("button", name="Review and submit").first).to_be_disabled()

    page.get_by_label("Tsaritsyn").check()
    page.get_by_label("Your answer to question 1").fill("Stalin reports a grave situation.")
    page.get_by_role("group", name="Claim 1: Source A").get_by_label("Agrees", exact=True).check()
    # Citing by selection works as for a student.
    paragraph = page.locator(f"[data-source-text][data-excerpt='{paper['source_a'].pk}'] p").first
    box = paragraph.bounding_box()
    page.mouse.move(box["x"] + 1, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    selected = page.evaluate("() => window.getSelection().toString().trim()")
    page.get_by_role("button", name="Cite selected passage for question 1").click()
    expect(page.locator("[data-question][data-number='1'] [data-citations] q")).to_have_text(
        selected
    )
    page.get_by_label("Your answer to question 1").press("Tab")  # leaving a field saves, normally
    page.wait_for_timeout(2500)  # past the autosave's 2 s debounce

    statuses = page.locator("[data-save-status]")
    expect(statuses.filter(has_text=re.compile(r"Saved|Saving"))).to_have_count(0)
    expect(statuses.nth(0)).to_have_text("Preview: not saved.")
    expect(page.locator("[data-global-status]")).to_have_text("Preview: answers are not saved.")
    expect(page.get_by_label("Your answer to question 1")).to_have_value(
        "Stalin reports a grave situation."
    )
    assert [url for _, url in requests if AUTOSAVE.search(url)] == []
    assert [url for method, url in requests if method != "GET"] == []
    kept = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('provenance:attempt'))"
    )
    assert kept == []
    assert Attempt.objects.count() == 0
    assert Response.objects.count() == 0
    assert_accessible(page)

    # Narrow screens: the sources behind a tab, as for a student.
    page.set_viewport_size({"width": 400, "height": 800})
    page.get_by_role("tab", name="Sources").click()
    expect(paragraph).to_be_visible()
    assert_accessible(page)
