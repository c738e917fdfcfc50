"""A teacher builds a unit in the admin; a student of the class reads it."""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import LessonItem, Unit
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    ContextItemFactory,
    DocumentFactory,
    ExcerptFactory,
    LessonFactory,
    PublishedUnitFactory,
    SourceItemFactory,
)

FINNISH = (
    "Comrades, I have been delegated to greet you.\n\n"
    "Complete freedom for the Finnish people, and for the other peoples of Russia, to arrange "
    "their own life!\n\n"
    "Long live the socialist revolution!"
)
UKRAINIAN = (
    "It is said that the conflict arose over the question of centralism.\n\n"
    "That, and not centralism, is the crux of the matter."
)


@pytest.fixture
def excerpts(db):
    finnish = DocumentFactory(
        title="Speech at the Congress of the Finnish Social-Democratic Labour Party",
        display_title="Speech at the Congress of the Finnish Social-Democratic Labour Party",
        kind="speech",
        date_display="November 14, 1917",
        origin="Helsingfors",
        text=FINNISH,
    )
    ukrainian = DocumentFactory(
        title="Reply to Ukrainian Comrades",
        display_title="Reply to Ukrainian Comrades",
        kind="article",
        date_display="December 12, 1917",
        text=UKRAINIAN,
    )
    return (
        ExcerptFactory(
            document=finnish,
            label="Finnish freedom",
            start=FINNISH.index("Complete"),
            end=FINNISH.rfind("\n\n"),
        ),
        ExcerptFactory(document=ukrainian, label="Ukrainian reply", start=0, end=len(UKRAINIAN)),
    )


def pick_excerpt(page, row, search, option):
    row.locator(".field-excerpt .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def test_teacher_builds_a_unit_and_a_student_reads_it(
    page, login, live_server, classroom, student, excerpts
):
    login("alice")

    # The unit, with its first lesson, given to the class.
    page.goto(f"{live_server.url}/admin/lessons/unit/add/")
    page.get_by_label("Title:").fill("Self-determination or Soviet power?")
    page.get_by_label("Enquiry question:").fill("Why did the Bolshevik attitude change?")
    page.get_by_label(str(classroom)).check()
    page.locator("#id_lessons-0-title").fill("1917: the promise of freedom")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    unit = Unit.objects.get(title="Self-determination or Soviet power?")
    assert unit.owner.username == "alice"
    assert list(unit.classrooms.all()) == [classroom]

    # Two sources, picked with the autocomplete.
    page.get_by_role("link", name=re.compile("Edit the items")).click()
    first = page.locator("#items-0")
    first.locator("select[name='items-0-kind']").select_option("source")
    first.locator("input[name='items-0-label']").fill("Source A")
    first.locator("input[name='items-0-caption']").fill("Stalin in Helsingfors, November 1917.")
    pick_excerpt(page, first, "Finnish", "Finnish freedom")
    page.get_by_role("button", name=re.compile("Add another item", re.I)).click()
    second = page.locator("#items-1")
    second.locator("select[name='items-1-kind']").select_option("source")
    second.locator("input[name='items-1-label']").fill("Source B")
    second.locator("input[name='items-1-caption']").fill("An open letter, December 1917.")
    pick_excerpt(page, second, "Ukrainian", "Ukrainian reply")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert list(LessonItem.objects.order_by("position").values_list("label", flat=True)) == [
        "Source A",
        "Source B",
    ]

    # Reorder with the keyboard: Source B up to the top.
    move_up = page.locator("#items-1").get_by_role("button", name="Move up")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#items-group .order-status")).to_have_text(
        "“Source B” moved to position 1 of 2."
    )
    # Source B now comes first; its "Move up" is disabled, so focus went to its "Move down".
    expect(page.locator("#items-1").get_by_role("button", name="Move down")).to_be_focused()
    expect(page.locator("#items-1").get_by_role("button", name="Move up")).to_be_disabled()
    expect(page.locator("input[name='items-1-position']")).to_have_value("0")
    expect(page.locator("input[name='items-0-position']")).to_have_value("1")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert list(LessonItem.objects.order_by("position").values_list("label", flat=True)) == [
        "Source B",
        "Source A",
    ]

    # Preview as a student: the student template, in the new order.
    page.get_by_role("link", name="Preview as a student").click()
    expect(page.get_by_text("Student preview.")).to_be_visible()
    expect(page.locator(".source-card h2")).to_have_text(["Source B", "Source A"])
    assert_accessible(page)

    # Publish the unit.
    page.goto(f"{live_server.url}/admin/lessons/unit/{unit.pk}/change/")
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    unit.refresh_from_db()
    assert unit.status == Unit.Status.PUBLISHED

    # A student of the class reads it.
    page.get_by_role("button", name="Log out").click()
    login("sam")
    page.goto(f"{live_server.url}/units/")
    assert_accessible(page)
    expect(page.get_by_test_id("unit-progress")).to_have_text("0 of 1 lesson read")
    page.get_by_role("link", name="Self-determination or Soviet power?").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Self-determination")
    expect(page.get_by_text("Why did the Bolshevik attitude change?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1917: the promise of freedom").click()
    cards = page.locator(".source-card")
    expect(cards.locator("h2")).to_have_text(["Source B", "Source A"])
    expect(cards.nth(1)).to_contain_text("Complete freedom for the Finnish people")
    expect(cards.nth(1)).to_contain_text("Stalin in Helsingfors, November 1917.")
    expect(cards.nth(1)).to_contain_text("November 14, 1917")
    expect(
        cards.nth(1).get_by_role("link", name=re.compile("Read the whole document"))
    ).to_have_attribute("href", re.compile(rf"/archive/documents/{excerpts[0].document_id}/"))
    assert_accessible(page)
    page.get_by_role("link", name="Self-determination or Soviet power?").click()
    expect(page.get_by_text("1 of 1 lesson read")).to_be_visible()


def test_lesson_pages_are_keyboard_navigable_and_phone_sized(
    page, login, live_server, classroom, student
):
    unit = PublishedUnitFactory(
        owner=classroom.owner, classrooms=[classroom], title="Who made October?"
    )
    first = LessonFactory(unit=unit, position=0, title="Peace or war?")
    second = LessonFactory(unit=unit, position=1, title="Remembering October")
    SourceItemFactory(lesson=first, label="Source A")
    ContextItemFactory(
        lesson=first, label="Context", body="| Date | Event |\n|---|---|\n| 1918 | Brest |"
    )
    page.set_viewport_size({"width": 375, "height": 740})
    login("sam")
    page.goto(f"{live_server.url}/units/{unit.pk}/lessons/{first.pk}/")
    assert_accessible(page)
    # Tab from the top reaches the skip link first, then the page's links in order.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    next_link = page.get_by_role("link", name=re.compile("Next: Remembering October"))
    next_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/lessons/{second.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Remembering October")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling


def test_lesson_and_admin_pages_raise_no_csp_violations(
    browser, live_server, teacher, classroom, student
):
    unit = PublishedUnitFactory(owner=teacher, classrooms=[classroom])
    lesson = LessonFactory(unit=unit, position=0)
    SourceItemFactory(lesson=lesson, label="Source A")
    SourceItemFactory(lesson=lesson, label="Source B")
    context = browser.new_context()  # the real policy applies
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
    for path in [
        "/units/",
        f"/units/{unit.pk}/",
        f"/units/{unit.pk}/lessons/{lesson.pk}/",
        f"/admin/lessons/unit/{unit.pk}/change/",
        f"/admin/lessons/lesson/{lesson.pk}/change/",
        f"/admin/lessons/lesson/{lesson.pk}/preview/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # The ordering script ran (it adds its buttons) under the policy.
    expect(page.locator("body")).to_be_visible()
    page.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
    expect(page.get_by_role("button", name="Move down").first).to_be_visible()
    context.close()
    assert violations == []
