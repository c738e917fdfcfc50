"""A teacher picks an excerpt in the admin, with the mouse and with the keyboard alone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Excerpt
from tests.e2e.conftest import assert_accessible
from tests.factories import DocumentFactory

FIRST = "The situation in the south is grave."
SECOND = "Grain is being sent north by every train we can find."
THIRD = "We shall not let the enemy through."
# Sentences for the keyboard; "𐌰" is one code point but two UTF-16 units, "—" and "“" one each.
SENTENCES = (
    "Comrade Lenin. The situation in the south is grave. Grain is being sent “north” 𐌰 by "
    "every train — we can find.\n\nWe shall not let the enemy through. Tsaritsyn holds."
)


@pytest.fixture
def telegram(db):
    return DocumentFactory(display_title="Telegram to Lenin")


def _open_picker(page, live_server, login, document):
    login("alice")
    page.goto(f"{live_server.url}{reverse('admin:archive_document_change', args=[document.pk])}")
    page.get_by_role("link", name="Pick an excerpt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Pick an excerpt from “{document.display_title}”"
    )
    # The script is deferred: keys pressed before it has run would be lost.
    expect(page.locator("#picker-text")).to_have_attribute("data-picker-ready", "true")


def _saved(page, live_server) -> Excerpt:
    page.wait_for_url(re.compile(r"/admin/archive/excerpt/\d+/change/$"))
    return Excerpt.objects.get()


def test_teacher_selects_a_passage_with_the_mouse(page, live_server, login, teacher, telegram):
    _open_picker(page, live_server, login, telegram)
    assert_accessible(page)
    paragraphs = page.locator(".picker-paragraph")
    second, third = paragraphs.nth(1).bounding_box(), paragraphs.nth(2).bounding_box()

    # From the left edge of the second paragraph to past the end of the third.
    page.mouse.move(second["x"] + 1, second["y"] + second["height"] / 2)
    page.mouse.down()
    page.mouse.move(third["x"] + third["width"] - 2, third["y"] + third["height"] / 2, steps=8)
    page.mouse.up()

    expect(page.locator("#picker-preview")).to_have_text(f"{SECOND}\n\n{THIRD}")
    expect(page.get_by_role("status")).to_have_text(
        "Selected 18 words (characters 38–128): "
        "“Grain is being sent north by … shall not let the enemy through.”"
    )
    page.get_by_label("Label").fill("Source B")
    page.get_by_label("Caption").fill("Stalin to Lenin, July 1918")
    page.get_by_role("button", name="Save excerpt").click()

    excerpt = _saved(page, live_server)
    assert excerpt.text == telegram.text[excerpt.start : excerpt.end] == f"{SECOND}\n\n{THIRD}"
    assert (excerpt.label, excerpt.caption, excerpt.created_by) == (
        "Source B",
        "Stalin to Lenin, July 1918",
        teacher,
    )
    expect(page.locator(".messagelist")).to_contain_text("Excerpt “Source B” saved")


def test_double_click_takes_one_word(page, live_server, login, teacher, telegram):
    _open_picker(page, live_server, login, telegram)

    page.locator(".picker-paragraph").first.get_by_text(FIRST).dblclick(position={"x": 5, "y": 5})
    page.get_by_role("button", name="Save excerpt").click()

    excerpt = _saved(page, live_server)
    assert (excerpt.start, excerpt.end, excerpt.text) == (0, 3, "The")


def test_teacher_selects_a_passage_with_the_keyboard(page, live_server, login, teacher):
    document = DocumentFactory(display_title="Telegram of 7 July", text=SENTENCES)
    _open_picker(page, live_server, login, document)
    text = page.get_by_role("region", name="Text of the document")
    text.focus()
    expect(text).to_be_focused()

    page.keyboard.press("ArrowDown")  # "Comrade Lenin."
    expect(page.locator("#picker-preview")).to_have_text("Comrade Lenin.")
    page.keyboard.press("ArrowDown")  # the next sentence
    page.keyboard.press("Shift+ArrowDown")  # … and the one after it
    page.keyboard.press("Shift+ArrowLeft")  # … less its last word
    page.keyboard.press("ArrowRight")  # … and less its first word
    expected = (
        "situation in the south is grave. Grain is being sent “north” 𐌰 by every train — we can"
    )
    expect(page.locator("#picker-preview")).to_have_text(expected)
    assert_accessible(page)

    page.keyboard.press("Tab")
    expect(page.get_by_label("Label")).to_be_focused()
    page.keyboard.type("Source C")
    page.keyboard.press("Enter")

    excerpt = _saved(page, live_server)
    assert excerpt.text == document.text[excerpt.start : excerpt.end] == expected
    assert excerpt.label == "Source C"


def test_keyboard_selection_across_paragraphs_and_escape(page, live_server, login, teacher):
    document = DocumentFactory(text=SENTENCES)
    _open_picker(page, live_server, login, document)
    page.get_by_role("region", name="Text of the document").focus()

    for key in ["ArrowDown", "ArrowDown", "ArrowDown", "Shift+ArrowDown", "Shift+ArrowDown"]:
        page.keyboard.press(key)
    expect(page.locator("#picker-preview")).to_have_text(
        "Grain is being sent “north” 𐌰 by every train — we can find.\n\n"
        "We shall not let the enemy through. Tsaritsyn holds."
    )
    page.keyboard.press("Escape")
    expect(page.get_by_role("status")).to_have_text("Nothing selected yet.")

    page.get_by_role("button", name="Save excerpt").click()

    expect(page.get_by_role("alert")).to_have_text("Select a passage in the text first.")
    assert not Excerpt.objects.exists()


def test_picker_runs_under_the_strict_csp(browser, live_server, teacher, telegram):
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

    page.goto(
        f"{live_server.url}{reverse('admin:archive_document_pick_excerpt', args=[telegram.pk])}"
    )
    expect(page.locator("#picker-text")).to_have_attribute("data-picker-ready", "true")
    page.get_by_role("region", name="Text of the document").focus()
    page.keyboard.press("ArrowDown")

    expect(page.locator("#picker-preview")).to_have_text(FIRST)
    context.close()
    assert violations == []
