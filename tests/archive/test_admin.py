"""The archive's admin: smoke tests, teachers' access, text edits, the excerpt picker, uploads."""

import datetime
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.admin_views import text_paragraphs, text_version
from archive.models import Collection, Document, Excerpt
from tests.factories import (
    AuthorFactory,
    ChronicleEntryFactory,
    CollectionFactory,
    DocumentFactory,
    ExcerptFactory,
    NoteFactory,
    UserFactory,
)

CORPUS = Path(__file__).resolve().parents[2] / "archive" / "corpus"
FIRST = "The situation in the south is grave."
SECOND = "Grain is being sent north by every train we can find."
THIRD = "We shall not let the enemy through."
CARDS = """Revision Cards: Test Russia 1917-24

Short set for tests.


First heading

  • Grain was sent north by every train.
1 of 3

Second heading

The situation in the south was grave.

2 of 3

Third heading

Lenin returned in April.
3 of 3
"""


class _FormReader(HTMLParser):
    """What a browser would submit from one form of a page (no clicks, no scripts)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None
        self._fresh = False

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")
            self._fresh = True

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            if self._fresh:  # a browser drops the newline Django writes after <textarea>
                data, self._fresh = data.removeprefix("\n"), False
            self.data[self._textarea][-1] += data

    def values(self):
        return {name: v[0] if len(v) == 1 else v for name, v in self.data.items() if v}


def form_data(client, url, form_id):
    response = client.get(url)
    assert response.status_code == 200
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    return reader.values()


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def picker_url(document):
    return reverse("admin:archive_document_pick_excerpt", args=[document.pk])


@pytest.fixture
def document(db):
    return DocumentFactory(display_title="Telegram to Lenin", title="Telegram to Lenin")


@pytest.fixture
def archive(document, teacher):
    """One of everything, for the smoke tests."""
    NoteFactory(document=document, label="1", text="Tsaritsyn, on the Volga.")
    excerpt = ExcerptFactory(document=document, label="Source A", created_by=teacher)
    entry = ChronicleEntryFactory(
        collection=document.collection, date_display="July 7", text="Writes to Lenin on grain."
    )
    return {
        "document": document,
        "excerpt": excerpt,
        "collection": document.collection,
        "chronicleentry": entry,
        "author": AuthorFactory(name="J. V. Stalin"),
    }


# --- smoke tests for every ModelAdmin -----------------------------------------------------------

SMOKE = [
    ("document", "Telegram"),
    ("excerpt", "Source"),
    ("collection", "Collection"),
    ("chronicleentry", "grain"),
    ("author", "Stalin"),
]


@pytest.mark.parametrize(("model", "term"), SMOKE)
def test_admin_changelist_and_search_render(admin_client, archive, model, term):
    url = reverse(f"admin:archive_{model}_changelist")
    shown = str(archive[model])

    page = admin_client.get(url)
    found = admin_client.get(url, {"q": term})
    missed = admin_client.get(url, {"q": "zzz-nothing-matches"})

    assert shown in html.unescape(page.content.decode())
    assert found.context["cl"].result_count == 1
    assert shown in html.unescape(found.content.decode())
    assert missed.context["cl"].result_count == 0


@pytest.mark.parametrize(("model", "term"), SMOKE)
def test_admin_add_and_change_render(admin_client, archive, model, term):
    obj = archive[model]

    add = admin_client.get(reverse(f"admin:archive_{model}_add"))
    change = admin_client.get(reverse(f"admin:archive_{model}_change", args=[obj.pk]))

    assert add.status_code == 200
    assert f"Add {obj._meta.verbose_name}" in add.content.decode()
    assert change.status_code == 200
    assert change.context["original"] == obj


def test_document_changelist_counts_notes_and_excerpts(admin_client, document):
    NoteFactory.create_batch(2, document=document)
    ExcerptFactory(document=document)
    DocumentFactory(display_title="Bare")

    response = admin_client.get(reverse("admin:archive_document_changelist"))

    rows = {r.display_title: r for r in response.context["cl"].result_list}
    assert (rows["Telegram to Lenin"].note_count, rows["Telegram to Lenin"].excerpt_count) == (2, 1)
    assert (rows["Bare"].note_count, rows["Bare"].excerpt_count) == (0, 0)
    assert '<td class="field-note_total">2</td><td class="field-excerpt_total">1</td>' in (
        response.content.decode()
    )


@pytest.mark.parametrize("count", [1, 3])
def test_document_changelist_query_count(admin_client, django_assert_num_queries, count):
    collection = CollectionFactory()
    for document in DocumentFactory.create_batch(count, collection=collection):
        NoteFactory(document=document)
        ExcerptFactory(document=document)
    url = reverse("admin:archive_document_changelist")

    with django_assert_num_queries(8):
        response = admin_client.get(url)

    assert response.context["cl"].result_count == count


@pytest.mark.parametrize("count", [1, 3])
def test_excerpt_changelist_query_count(admin_client, teacher, django_assert_num_queries, count):
    for _ in range(count):
        ExcerptFactory(created_by=teacher)
    url = reverse("admin:archive_excerpt_changelist")

    with django_assert_num_queries(6):
        response = admin_client.get(url)

    assert response.context["cl"].result_count == count


def test_document_changelist_keeps_each_collections_documents_together(admin_client, db):
    russia = CollectionFactory(title="Russia cards", position=3)
    edexcel = CollectionFactory(title="Edexcel cards", position=3)
    for position in (1, 0):
        DocumentFactory(collection=russia, position=position, display_title=f"R{position}")
        DocumentFactory(collection=edexcel, position=position, display_title=f"E{position}")

    response = admin_client.get(reverse("admin:archive_document_changelist"))

    titles = [d.display_title for d in response.context["cl"].result_list]
    assert titles == ["E0", "E1", "R0", "R1"]


def test_document_year_filter(admin_client, db):
    DocumentFactory(display_title="Of 1918", date_start=datetime.date(1918, 7, 7))
    DocumentFactory(display_title="Of 1920", date_start=datetime.date(1920, 1, 1))
    DocumentFactory(display_title="Undated", date_start=None)
    url = reverse("admin:archive_document_changelist")

    def titles(year):
        response = admin_client.get(url, {"year": year})
        return [d.display_title for d in response.context["cl"].result_list]

    page = admin_client.get(url).content.decode()
    assert titles("1918") == ["Of 1918"]
    assert titles("none") == ["Undated"]
    assert '?year=1920"' in page
    assert '?year=1918"' in page


def test_collection_changelist_counts_documents(admin_client, document):
    DocumentFactory(collection=document.collection)
    CollectionFactory(title="Empty")

    response = admin_client.get(reverse("admin:archive_collection_changelist"))

    counts = {c.title: c.document_count for c in response.context["cl"].result_list}
    assert counts == {document.collection.title: 2, "Empty": 0}


# --- editing a document's text (superusers) -----------------------------------------------------


def _change_document(client, document, **changes):
    url = reverse("admin:archive_document_change", args=[document.pk])
    data = form_data(client, url, "document_form")
    data.update(changes)
    return client.post(url, data, follow=True)


def test_admin_edit_that_keeps_excerpts_in_place_saves(admin_client, document):
    excerpt = ExcerptFactory(document=document)
    new_text = document.text.replace(THIRD, "We shall hold the line.")

    response = _change_document(admin_client, document, text=new_text)

    document.refresh_from_db()
    excerpt.refresh_from_db()
    assert document.text == new_text
    assert (excerpt.start, excerpt.end, excerpt.text) == (0, len(FIRST), FIRST)
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_admin_edit_that_moves_an_excerpt_reanchors_it_with_a_warning(admin_client, document):
    excerpt = ExcerptFactory(document=document, label="Source A")
    new_text = "Urgent.\n\n" + document.text

    response = _change_document(admin_client, document, text=new_text)

    document.refresh_from_db()
    excerpt.refresh_from_db()
    assert document.text == new_text
    assert (excerpt.start, excerpt.end) == (9, 9 + len(FIRST))
    assert messages_of(response)[0] == (
        "Excerpt “Source A” of “Telegram to Lenin” moved from 0 to 9; re-anchored."
    )


def test_admin_edit_that_breaks_an_excerpt_is_refused_and_saves_nothing(admin_client, document):
    old_text = document.text
    ExcerptFactory(document=document, label="Source A")
    movable = ExcerptFactory(
        document=document, start=old_text.index(THIRD), end=len(old_text), label="Source C"
    )

    response = _change_document(
        admin_client,
        document,
        text="Urgent.\n\n" + old_text.replace("grave", "serious"),
        display_title="Renamed",
    )

    document.refresh_from_db()
    movable.refresh_from_db()
    assert response.context["adminform"].form.errors["text"] == [
        "The new text of “Telegram to Lenin” would break excerpt “Source A” (its passage is no "
        "longer in the text exactly once). Edit or delete the excerpt first."
    ]
    assert (document.text, document.display_title) == (old_text, "Telegram to Lenin")
    assert movable.start == old_text.index(THIRD)


def test_admin_edit_shifts_note_markers_after_the_change(admin_client, document):
    marker = document.text.index(SECOND)  # note 1 marks the end of the first paragraph
    note = NoteFactory(document=document, label="1", marker_offset=marker - 2)

    _change_document(admin_client, document, text="Urgent.\n\n" + document.text)

    note.refresh_from_db()
    document.refresh_from_db()
    assert note.marker_offset == marker - 2 + 9
    assert document.text[: note.marker_offset].endswith(FIRST)


def test_admin_edit_across_a_note_marker_is_refused_and_saves_nothing(admin_client, document):
    old_text = document.text
    offset = old_text.index("the south") + len("the south")
    note = NoteFactory(document=document, label="3", marker_offset=offset)

    response = _change_document(
        admin_client, document, text=old_text.replace("south is grave", "calm")
    )

    document.refresh_from_db()
    note.refresh_from_db()
    assert response.context["adminform"].form.errors["text"] == [
        "The change to “Telegram to Lenin” rewrites the place where the marker of note 3 "
        f"stands (character {offset}). Make the change before or after the marker, not across it."
    ]
    assert (document.text, note.marker_offset) == (old_text, offset)


def test_admin_text_with_browser_line_ends_is_stored_with_lf(admin_client, document):
    excerpt = ExcerptFactory(document=document)
    old_text = document.text

    _change_document(admin_client, document, text=old_text.replace("\n", "\r\n"))

    document.refresh_from_db()
    excerpt.refresh_from_db()
    assert document.text == old_text
    assert excerpt.text == document.text[excerpt.start : excerpt.end]


# --- teachers -----------------------------------------------------------------------------------


def test_teacher_sees_every_document(client_for, teacher, document):
    DocumentFactory(display_title="Another collection's speech")

    response = client_for(teacher).get(reverse("admin:archive_document_changelist"))

    titles = {d.display_title for d in response.context["cl"].result_list}
    assert titles == {"Telegram to Lenin", "Another collection's speech"}


def test_teacher_changes_audience_but_not_imported_provenance(client_for, teacher, document):
    client = client_for(teacher)
    url = reverse("admin:archive_document_change", args=[document.pk])
    data = form_data(client, url, "document_form")
    assert {"audience", "purpose"} <= data.keys()
    assert not {"title", "display_title", "text", "date_display", "origin"} & data.keys()

    data.update(
        audience="Soviet officials in Moscow",
        title="Forged",
        display_title="Forged",
        text="Forged.",
        origin="Forged",
    )
    response = client.post(url, data)

    document.refresh_from_db()
    assert response.status_code == 302
    assert document.audience == "Soviet officials in Moscow"
    assert (document.title, document.display_title, document.origin) == (
        "Telegram to Lenin",
        "Telegram to Lenin",
        "",
    )
    assert document.text.startswith(FIRST)


def test_teacher_cannot_add_or_delete_documents(client_for, teacher, document):
    client = client_for(teacher)

    assert client.get(reverse("admin:archive_document_add")).status_code == 403
    assert client.get(reverse("admin:archive_document_delete", args=[document.pk])).status_code == (
        403
    )


def test_teacher_sees_excerpts_of_others(client_for, teacher, other_teacher):
    ExcerptFactory(label="Mine", created_by=teacher)
    ExcerptFactory(label="Bob's", created_by=other_teacher)

    response = client_for(teacher).get(reverse("admin:archive_excerpt_changelist"))

    assert {e.label for e in response.context["cl"].result_list} == {"Mine", "Bob's"}


def test_teacher_changes_own_excerpt(client_for, teacher):
    excerpt = ExcerptFactory(label="Mine", created_by=teacher)
    client = client_for(teacher)
    url = reverse("admin:archive_excerpt_change", args=[excerpt.pk])
    data = form_data(client, url, "excerpt_form")

    data.update(label="Source B", caption="Stalin to Lenin, 7 July 1918")
    response = client.post(url, data)

    excerpt.refresh_from_db()
    assert response.status_code == 302
    assert (excerpt.label, excerpt.caption) == ("Source B", "Stalin to Lenin, 7 July 1918")


def test_teacher_cannot_change_or_delete_another_teachers_excerpt(
    client_for, teacher, other_teacher
):
    excerpt = ExcerptFactory(label="Bob's", created_by=other_teacher)
    client = client_for(teacher)
    change_url = reverse("admin:archive_excerpt_change", args=[excerpt.pk])
    delete_url = reverse("admin:archive_excerpt_delete", args=[excerpt.pk])

    view = client.get(change_url)
    change = client.post(change_url, {"label": "Hijacked", "caption": "", "text": excerpt.text})
    delete_page = client.get(delete_url)
    delete = client.post(delete_url, {"post": "yes"})
    bulk = client.post(
        reverse("admin:archive_excerpt_changelist"),
        {"action": "delete_selected", "_selected_action": [excerpt.pk], "post": "yes"},
    )

    excerpt.refresh_from_db()
    assert view.status_code == 200
    assert 'name="label"' not in view.content.decode()  # read-only
    assert (change.status_code, delete_page.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code == 403
    assert excerpt.label == "Bob's"


def test_superuser_can_change_any_excerpt(admin_client, other_teacher):
    excerpt = ExcerptFactory(label="Bob's", created_by=other_teacher)
    url = reverse("admin:archive_excerpt_change", args=[excerpt.pk])
    data = form_data(admin_client, url, "excerpt_form")

    data.update(label="Checked")
    admin_client.post(url, data)

    excerpt.refresh_from_db()
    assert excerpt.label == "Checked"


def test_teacher_adds_an_excerpt_by_offsets(client_for, teacher, document):
    client = client_for(teacher)
    start = document.text.index(SECOND)
    data = form_data(client, reverse("admin:archive_excerpt_add"), "excerpt_form")
    # Offsets around the passage's blank lines: trimmed like the picker's.
    data.update(document=document.pk, start=start - 2, end=start + len(SECOND) + 1, text="")
    data.update(label="Source B")

    response = client.post(reverse("admin:archive_excerpt_add"), data)

    excerpt = Excerpt.objects.get(label="Source B")
    assert response.status_code == 302
    assert (excerpt.start, excerpt.end, excerpt.text) == (start, start + len(SECOND), SECOND)
    assert excerpt.created_by == teacher


def test_excerpt_whose_text_is_not_the_slice_is_refused(admin_client, document):
    data = form_data(admin_client, reverse("admin:archive_excerpt_add"), "excerpt_form")
    data.update(document=document.pk, start=0, end=len(FIRST), text="The situation is fine.")

    response = admin_client.post(reverse("admin:archive_excerpt_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "The excerpt's text does not match the document at its offsets; select the passage again."
    ]
    assert not Excerpt.objects.exists()


@pytest.mark.parametrize(
    ("start", "error"),
    [("", "Give the offset where the passage starts."), ("abc", "Enter a whole number.")],
)
def test_exact_excerpt_needs_its_offsets(admin_client, document, start, error):
    data = form_data(admin_client, reverse("admin:archive_excerpt_add"), "excerpt_form")
    data.update(document=document.pk, start=start, end="12", text="")

    response = admin_client.post(reverse("admin:archive_excerpt_add"), data)

    assert response.context["adminform"].form.errors == {"start": [error]}
    assert not Excerpt.objects.exists()


def test_excerpt_offsets_beyond_the_text_are_refused(admin_client, document):
    data = form_data(admin_client, reverse("admin:archive_excerpt_add"), "excerpt_form")
    data.update(document=document.pk, start=5, end=10_000, text="")

    response = admin_client.post(reverse("admin:archive_excerpt_add"), data)

    assert response.status_code == 200
    assert not Excerpt.objects.exists()


# --- adapted variants ---------------------------------------------------------------------------


def test_adapted_variant_takes_its_originals_passage(client_for, teacher, document):
    original = ExcerptFactory(document=document, label="Source A", created_by=teacher)
    client = client_for(teacher)
    add_url = reverse("admin:archive_excerpt_add")
    data = form_data(client, f"{add_url}?adapted_from={original.pk}", "excerpt_form")
    assert (data["text"], data["adapted_from"]) == (FIRST, str(original.pk))

    data.update(
        text="Things are bad in the south.",
        adaptation=Excerpt.Adaptation.SIMPLIFIED,
        adaptation_notes="Plainer words for Year 9.",
        start="",
        end="",
    )
    response = client.post(add_url, data)

    variant = Excerpt.objects.get(adapted_from=original)
    assert response.status_code == 302
    assert (variant.document, variant.start, variant.end) == (document, 0, len(FIRST))
    assert variant.text == "Things are bad in the south."
    assert variant.created_by == teacher


def test_adapted_variant_needs_an_adaptation_kind(admin_client, document):
    original = ExcerptFactory(document=document)
    add_url = reverse("admin:archive_excerpt_add")
    data = form_data(admin_client, f"{add_url}?adapted_from={original.pk}", "excerpt_form")

    response = admin_client.post(add_url, {**data, "text": "Shorter.", "adaptation": ""})

    assert response.context["adminform"].form.errors["adaptation"] == [
        "Say whether the variant is abridged or simplified."
    ]
    assert Excerpt.objects.count() == 1


def test_variant_of_a_variant_is_refused(admin_client, document):
    original = ExcerptFactory(document=document)
    variant = ExcerptFactory(
        document=document, adapted_from=original, adaptation="abridged", text="Grave."
    )
    add_url = reverse("admin:archive_excerpt_add")
    data = form_data(admin_client, add_url, "excerpt_form")
    data.update(adapted_from=variant.pk, adaptation="abridged", text="Very grave.")

    response = admin_client.post(add_url, data)

    assert response.context["adminform"].form.errors["adapted_from"] == [
        "That excerpt is itself an adapted variant; adapt the exact excerpt it comes from."
    ]
    assert Excerpt.objects.count() == 2


def test_original_and_variant_link_to_each_other(admin_client, document):
    original = ExcerptFactory(document=document, label="Source A")
    variant = ExcerptFactory(
        document=document, adapted_from=original, adaptation="abridged", text="Grave.", label="A2"
    )

    original_page = admin_client.get(reverse("admin:archive_excerpt_change", args=[original.pk]))
    variant_page = admin_client.get(reverse("admin:archive_excerpt_change", args=[variant.pk]))

    variant_url = reverse("admin:archive_excerpt_change", args=[variant.pk])
    original_url = reverse("admin:archive_excerpt_change", args=[original.pk])
    assert f'<a href="{variant_url}">A2</a>' in original_page.content.decode()
    assert f"?adapted_from={original.pk}" in original_page.content.decode()
    assert f'Adapted from <a href="{original_url}">' in variant_page.content.decode()


def test_autocomplete_offers_only_exact_excerpts_to_adapt(admin_client, document):
    original = ExcerptFactory(document=document, label="Source A")
    ExcerptFactory(document=document, adapted_from=original, adaptation="abridged", text="Grave.")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "archive", "model_name": "excerpt", "field_name": "adapted_from"},
    )

    assert [r["id"] for r in response.json()["results"]] == [str(original.pk)]


def test_document_autocomplete_matches_titles_not_text(admin_client, document):
    DocumentFactory(display_title="Grain requisitioning", title="Grain requisitioning")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "archive",
            "model_name": "excerpt",
            "field_name": "document",
            "term": "grain",
        },
    )

    # The telegram's text mentions grain, but only the title that says so is offered.
    assert [r["text"] for r in response.json()["results"]] == ["Grain requisitioning"]


# --- the excerpt picker -------------------------------------------------------------------------

PARAGRAPH = re.compile(r'<p class="picker-paragraph" data-start="(\d+)">(.*?)</p>', re.S)


def _pick(client, document, **data):
    payload = {"version": text_version(document.text), "label": "", "caption": "", **data}
    return client.post(picker_url(document), payload)


def test_picker_shows_each_paragraph_at_its_offset(client_for, teacher):
    text = 'A & B <i>say</i> "no".\n\nLine one\nline two 𐌰 — end.\n\n\n\nAfter a gap.'
    document = DocumentFactory(text=text)

    response = client_for(teacher).get(picker_url(document))

    shown = [(int(s), html.unescape(p)) for s, p in PARAGRAPH.findall(response.content.decode())]
    assert shown == text_paragraphs(text)
    assert shown == [
        (0, 'A & B <i>say</i> "no".'),
        (24, "Line one\nline two 𐌰 — end."),
        (54, "After a gap."),
    ]
    assert all(text[start : start + len(p)] == p for start, p in shown)
    assert f'data-length="{len(text)}"' in response.content.decode()


def test_picker_page_loads_its_script_and_documents_the_keys(client_for, teacher, document):
    page = client_for(teacher).get(picker_url(document)).content.decode()

    assert '<script src="/static/js/excerpt_picker.js" defer' in page
    assert 'id="picker-text" class="picker-text" tabindex="0"' in page
    assert "<kbd>Shift</kbd>+<kbd>↓</kbd>" in page
    assert "<script>" not in page  # strict CSP: no inline script


def test_picker_is_linked_from_the_document_and_the_excerpt_add_page(client_for, teacher, document):
    client = client_for(teacher)

    change = client.get(reverse("admin:archive_document_change", args=[document.pk]))
    add = client.get(reverse("admin:archive_excerpt_add"), {"document": document.pk})
    plain_add = client.get(reverse("admin:archive_excerpt_add"))

    assert f'href="{picker_url(document)}"' in change.content.decode()
    assert f'href="{picker_url(document)}"' in add.content.decode()
    assert f'href="{reverse("admin:archive_document_changelist")}"' in plain_add.content.decode()


def test_picker_saves_the_exact_slice(client_for, teacher, document):
    start = document.text.index(SECOND)

    response = _pick(
        client_for(teacher),
        document,
        start=start,
        end=start + len(SECOND),
        label="Source B",
        caption="Stalin to Lenin",
    )

    excerpt = Excerpt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:archive_excerpt_change", args=[excerpt.pk])
    assert excerpt.text == document.text[excerpt.start : excerpt.end] == SECOND
    assert (excerpt.label, excerpt.caption, excerpt.created_by) == (
        "Source B",
        "Stalin to Lenin",
        teacher,
    )
    assert LogEntry.objects.get(object_id=str(excerpt.pk)).action_flag == ADDITION


def test_picker_success_message(client_for, teacher, document):
    client = client_for(teacher)
    start = document.text.index(SECOND)

    response = client.post(
        picker_url(document),
        {
            "version": text_version(document.text),
            "start": start,
            "end": start + len(SECOND),
            "label": "Source B",
        },
        follow=True,
    )

    assert messages_of(response) == [
        f"Excerpt “Source B” saved: characters {start}–{start + len(SECOND)} of "
        "“Telegram to Lenin”."
    ]


def test_picker_trims_and_ignores_posted_text(client_for, teacher, document):
    start = document.text.index(SECOND)

    _pick(
        client_for(teacher),
        document,
        start=start - 2,
        end=start + len(SECOND) + 2,
        text="Forged passage",
    )

    excerpt = Excerpt.objects.get()
    assert (excerpt.start, excerpt.end, excerpt.text) == (start, start + len(SECOND), SECOND)


def test_picker_counts_offsets_in_code_points(client_for, teacher):
    document = DocumentFactory(text="Gothic 𐌰𐌱 letters.\n\nAfter them: the end.")
    start = document.text.index("letters")

    _pick(client_for(teacher), document, start=start, end=start + len("letters."))

    assert Excerpt.objects.get().text == "letters."


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("", "", "Select a passage in the text first."),
        ("20", "10", "Characters 20–10 are not a passage of this document"),
        ("10", "10", "Characters 10–10 are not a passage of this document"),
        ("0", "100000", "Characters 0–100000 are not a passage of this document, whose text "),
        ("abc", "10", "The selection did not arrive as character positions"),
        ("-1", "10", "The selection did not arrive as character positions"),
        ("1.5", "10", "The selection did not arrive as character positions"),
        ("1_0", "20", "The selection did not arrive as character positions"),
        ("36", "38", "The selection holds only blank space; select some words."),
    ],
)
def test_picker_refuses_forged_offsets_and_writes_nothing(
    client_for, teacher, document, start, end, message
):
    response = _pick(client_for(teacher), document, start=start, end=end, label="Source A")

    assert response.status_code == 200
    errors = [str(e) for e in response.context["form"].non_field_errors()]
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert html.escape(errors[0], quote=False) in response.content.decode()
    assert not Excerpt.objects.exists()


def test_picker_refuses_offsets_taken_from_an_older_text(client_for, teacher, document):
    old_version = text_version(document.text)
    Document.objects.filter(pk=document.pk).update(text="Urgent.\n\n" + document.text)

    response = client_for(teacher).post(
        picker_url(document), {"version": old_version, "start": 0, "end": 10}
    )

    assert [str(e) for e in response.context["form"].non_field_errors()] == [
        "The document's text changed after this page was opened; select the passage again."
    ]
    assert not Excerpt.objects.exists()


def test_picker_keeps_the_typed_label_after_a_refusal(client_for, teacher, document):
    response = _pick(client_for(teacher), document, start="", end="", label="Source Q")

    assert 'value="Source Q"' in response.content.decode()


@pytest.mark.parametrize("who", ["student", "outsider", "anonymous"])
def test_picker_sends_non_staff_to_the_admin_login(client, request, document, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    get = client.get(picker_url(document))
    post = client.post(picker_url(document), {"start": 0, "end": 5})

    for response in (get, post):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert not Excerpt.objects.exists()


def test_picker_refuses_staff_without_excerpt_permission(client, document):
    client.force_login(UserFactory(username="clerk", is_staff=True))

    assert client.get(picker_url(document)).status_code == 403


def test_picker_of_a_missing_document_is_404(client_for, teacher):
    response = client_for(teacher).get(
        reverse("admin:archive_document_pick_excerpt", args=[999_999])
    )

    assert response.status_code == 404


# --- importing a corpus file in the admin -------------------------------------------------------

UPLOAD_URL = "admin:archive_document_import"


def _upload(client, name, data):
    return client.post(reverse(UPLOAD_URL), {"file": SimpleUploadedFile(name, data)})


def test_upload_imports_a_corpus_file_and_shows_the_report(admin_client):
    response = _upload(admin_client, "cards.txt", CARDS.encode())

    report = response.context["report"]
    assert response.status_code == 200
    assert (report.collection, report.created, report.updated, report.error) == (
        "Revision Cards: Test Russia 1917-24",
        3,
        0,
        "",
    )
    assert messages_of(response) == [
        "cards.txt imported into “Revision Cards: Test Russia 1917-24”: 3 created, "
        "0 updated, 0 unchanged."
    ]
    assert "<td>3</td><td>0</td><td>0</td><td>0</td>" in response.content.decode()
    assert Document.objects.filter(collection__key="cards-russia-1917-24").count() == 3


def test_upload_of_the_same_file_again_changes_nothing(admin_client):
    _upload(admin_client, "cards.txt", CARDS.encode())

    response = _upload(admin_client, "renamed.txt", CARDS.encode())

    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_upload_of_a_real_card_set_lists_its_warnings(admin_client):
    data = (CORPUS / "004_4bb221f8193243df.txt").read_bytes()

    response = _upload(admin_client, "004.txt", data)

    report = response.context["report"]
    assert report.created == 32
    page = html.unescape(response.content.decode())
    assert all(warning in page for warning in report.warnings)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "bad.txt is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bad.txt is a binary file"),
        ("Révolution\n".encode("latin-1"), "bad.txt is not UTF-8 text: byte 0xe9"),
        (b"Dear parents,\nThe trip is on Friday.\n", "bad.txt is not a corpus file"),
    ],
    ids=["empty", "binary", "latin-1", "unrecognised"],
)
def test_upload_of_a_bad_file_shows_why_and_writes_nothing(admin_client, data, error):
    response = _upload(admin_client, "bad.txt", data)

    assert response.context["report"].error.startswith(error)
    assert messages_of(response) == ["bad.txt was refused; nothing was imported."]
    assert html.escape(error, quote=False) in response.content.decode()
    assert (Collection.objects.count(), Document.objects.count()) == (0, 0)


def test_upload_without_a_file_asks_for_one(admin_client):
    response = admin_client.post(reverse(UPLOAD_URL), {})

    assert response.context["form"].errors == {"file": ["This field is required."]}
    assert response.context["report"] is None


def test_upload_is_for_users_who_may_add_documents(client_for, teacher, admin_client):
    client = client_for(teacher)

    get = client.get(reverse(UPLOAD_URL))
    post = _upload(client, "cards.txt", CARDS.encode())
    teacher_list = client.get(reverse("admin:archive_document_changelist")).content.decode()
    admin_list = admin_client.get(reverse("admin:archive_document_changelist")).content.decode()

    assert (get.status_code, post.status_code) == (403, 403)
    assert not Document.objects.exists()
    assert reverse(UPLOAD_URL) not in teacher_list
    assert reverse(UPLOAD_URL) in admin_list
