"""Writes to the archive: excerpts by offsets, safe text edits, corpus import."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from archive.models import Author, ChronicleEntry, Collection, Document, Excerpt, Note, Part
from archive.services import corpus_import, document_set_text, excerpt_create, excerpt_find
from tests.factories import DocumentFactory, ExcerptFactory, NoteFactory

CORPUS = Path(__file__).resolve().parents[2] / "archive" / "corpus"
# The Works volume (003) has its own parser and tests; these four import through the others.
NON_WORKS = {
    "000_d14e40c2464dfdba.txt": 1,
    "001_a47e9af67c6b072e.txt": 1,
    "002_df4bd9e8e2d07b5b.txt": 68,
    "004_4bb221f8193243df.txt": 32,
}

# The factory's text: three paragraphs.
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


def _counts():
    return (
        Collection.objects.count(),
        Document.objects.count(),
        Note.objects.count(),
        Part.objects.count(),
        ChronicleEntry.objects.count(),
        Author.objects.count(),
    )


# --- excerpt_create -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_excerpt_create_takes_the_exact_slice(teacher):
    document = DocumentFactory()
    start = document.text.index(SECOND)

    excerpt = excerpt_create(
        document=document,
        start=start,
        end=start + len(SECOND),
        label="Source A",
        caption="A telegram",
        created_by=teacher,
    )

    excerpt.refresh_from_db()
    assert (excerpt.start, excerpt.end) == (start, start + len(SECOND))
    assert excerpt.text == SECOND == document.text[excerpt.start : excerpt.end]
    assert (excerpt.label, excerpt.caption, excerpt.created_by) == (
        "Source A",
        "A telegram",
        teacher,
    )
    assert not excerpt.is_adapted


@pytest.mark.django_db
def test_excerpt_create_trims_whitespace_at_the_edges():
    document = DocumentFactory()
    start = document.text.index(SECOND)

    # From the end of the first paragraph's full stop to just past the second's blank line.
    excerpt = excerpt_create(document=document, start=start - 2, end=start + len(SECOND) + 2)

    assert (excerpt.start, excerpt.end) == (start, start + len(SECOND))
    assert excerpt.text == SECOND


@pytest.mark.django_db
def test_excerpt_create_across_paragraphs_keeps_the_blank_line():
    document = DocumentFactory()

    excerpt = excerpt_create(document=document, start=0, end=len(FIRST) + 2 + len(SECOND))

    assert excerpt.text == f"{FIRST}\n\n{SECOND}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [(10, 10), (20, 10), (0, 10_000), (-5, 3)],
    ids=["empty", "reversed", "beyond-the-text", "negative"],
)
def test_excerpt_create_refuses_offsets_outside_the_text(start, end):
    document = DocumentFactory()

    with pytest.raises(ValidationError):
        excerpt_create(document=document, start=start, end=end)

    assert not Excerpt.objects.exists()


@pytest.mark.django_db
def test_excerpt_create_refuses_a_blank_passage():
    document = DocumentFactory()

    with pytest.raises(ValidationError):
        excerpt_create(document=document, start=len(FIRST), end=len(FIRST) + 2)  # "\n\n"

    assert not Excerpt.objects.exists()


# --- excerpt_find -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_excerpt_find_spans_from_the_first_words_to_the_last():
    document = DocumentFactory()

    start, end = excerpt_find(document=document, starts="Grain is", ends="can find.")

    assert document.text[start:end] == SECOND


@pytest.mark.django_db
def test_excerpt_find_ignores_differences_in_whitespace():
    document = DocumentFactory()

    start, end = excerpt_find(document=document, starts="south  is\ngrave.", ends="Grain is")

    assert document.text[start:end] == "south is grave.\n\nGrain is"


@pytest.mark.django_db
def test_excerpt_find_without_a_match_says_so():
    document = DocumentFactory(display_title="Telegram to Lenin")

    with pytest.raises(ValidationError, match="No passage from “Moscow” to “grave.” in “Tele"):
        excerpt_find(document=document, starts="Moscow", ends="grave.")


# --- document_set_text --------------------------------------------------------------------------


@pytest.mark.django_db
def test_document_set_text_leaves_an_excerpt_still_in_place():
    document = DocumentFactory()
    excerpt = ExcerptFactory(document=document)  # the first paragraph
    new_text = document.text.replace(THIRD, "We shall hold the line.")

    warnings = document_set_text(document=document, text=new_text)

    excerpt.refresh_from_db()
    assert warnings == []
    assert (excerpt.start, excerpt.end, excerpt.text) == (0, len(FIRST), FIRST)
    assert document.text == new_text


@pytest.mark.django_db
def test_document_set_text_reanchors_a_moved_passage_with_a_warning():
    document = DocumentFactory(display_title="Telegram")
    start = document.text.index(SECOND)
    excerpt = ExcerptFactory(document=document, start=start, end=start + len(SECOND), label="B")
    new_text = "Urgent.\n\n" + document.text

    warnings = document_set_text(document=document, text=new_text)

    excerpt.refresh_from_db()
    assert warnings == [
        f"Excerpt “B” of “Telegram” moved from {start} to {start + 9}; re-anchored."
    ]
    assert (excerpt.start, excerpt.end) == (start + 9, start + 9 + len(SECOND))
    assert new_text[excerpt.start : excerpt.end] == excerpt.text == SECOND


@pytest.mark.django_db
def test_document_set_text_moves_adapted_variants_with_their_original():
    document = DocumentFactory()
    start = document.text.index(SECOND)
    original = ExcerptFactory(document=document, start=start, end=start + len(SECOND))
    variant = Excerpt.objects.create(
        document=document,
        start=original.start,
        end=original.end,
        text="Grain goes north.",
        adapted_from=original,
        adaptation=Excerpt.Adaptation.SIMPLIFIED,
    )

    document_set_text(document=document, text="Urgent.\n\n" + document.text)

    variant.refresh_from_db()
    assert (variant.start, variant.end) == (start + 9, start + 9 + len(SECOND))
    assert variant.text == "Grain goes north."


@pytest.mark.django_db
def test_document_set_text_refuses_a_change_that_breaks_an_excerpt():
    document = DocumentFactory(display_title="Telegram")
    excerpt = ExcerptFactory(document=document, label="Source A")
    old_text = document.text

    with pytest.raises(ValidationError, match="would break excerpt “Source A”"):
        document_set_text(document=document, text=old_text.replace("grave", "serious"))

    excerpt.refresh_from_db()
    assert document.text == old_text
    assert (excerpt.start, excerpt.end, excerpt.text) == (0, len(FIRST), FIRST)


@pytest.mark.django_db
def test_document_set_text_refuses_a_passage_now_found_twice():
    document = DocumentFactory()
    ExcerptFactory(document=document, start=0, end=len(FIRST))

    with pytest.raises(ValidationError, match="no longer in the text exactly once"):
        document_set_text(document=document, text=f"Urgent.\n\n{FIRST}\n\n{FIRST}")


@pytest.mark.django_db
def test_document_set_text_refusal_writes_nothing_even_for_excerpts_it_could_move():
    document = DocumentFactory()
    third_start = document.text.index(THIRD)
    movable = ExcerptFactory(document=document, start=0, end=len(FIRST), label="A")
    ExcerptFactory(document=document, start=third_start, end=len(document.text), label="C")
    # A moves (a paragraph is inserted before it); C is broken (its words changed).
    new_text = "Urgent.\n\n" + document.text.replace("enemy", "foe")

    with pytest.raises(ValidationError, match="would break excerpt “C”"):
        document_set_text(document=document, text=new_text)

    movable.refresh_from_db()
    assert (movable.start, movable.end) == (0, len(FIRST))


def _document_with_parts_and_a_marker():
    """ "I. NORTH / FIRST / II. SOUTH / SECOND / THIRD", note 1's marker after "the south" """
    text = f"I. NORTH\n\n{FIRST}\n\nII. SOUTH\n\n{SECOND}\n\n{THIRD}"
    document = DocumentFactory(text=text, display_title="Telegram")
    south = text.index("II. SOUTH")
    Part.objects.create(document=document, position=0, heading="I. NORTH", start=0, end=south - 2)
    Part.objects.create(
        document=document, position=1, heading="II. SOUTH", start=south, end=len(text)
    )
    marker = text.index("the south") + len("the south")
    NoteFactory(document=document, label="1", marker_offset=marker)
    return document, marker


def _offsets(document):
    parts = list(document.parts.order_by("position").values_list("start", "end"))
    return parts, document.notes.get().marker_offset


@pytest.mark.django_db
def test_document_set_text_shifts_note_markers_and_parts_after_the_change():
    document, marker = _document_with_parts_and_a_marker()
    (north, south), _ = _offsets(document)
    new_text = document.text.replace(FIRST, "Urgent. " + FIRST)

    document_set_text(document=document, text=new_text)

    parts, offset = _offsets(document)
    assert offset == marker + 8
    assert new_text[:offset].endswith("Urgent. The situation in the south")
    assert parts == [(0, north[1] + 8), (south[0] + 8, len(new_text))]
    assert new_text[parts[1][0] :].startswith("II. SOUTH")


@pytest.mark.django_db
def test_document_set_text_leaves_markers_and_parts_before_the_change():
    document, marker = _document_with_parts_and_a_marker()
    before = _offsets(document)
    new_text = document.text.replace("enemy", "foe")

    document_set_text(document=document, text=new_text)

    parts, offset = _offsets(document)
    assert offset == marker
    assert parts == [before[0][0], (before[0][1][0], len(new_text))]


@pytest.mark.django_db
def test_document_set_text_text_added_at_a_marker_goes_after_it():
    document, marker = _document_with_parts_and_a_marker()
    (north, _south), _ = _offsets(document)
    new_text = document.text[:marker] + ", far south," + document.text[marker:]

    document_set_text(document=document, text=new_text)

    parts, offset = _offsets(document)
    assert offset == marker
    assert new_text[offset:].startswith(", far south, is grave.")
    assert parts[0] == (0, north[1] + 12)


@pytest.mark.django_db
def test_document_set_text_text_added_at_the_end_of_a_part_belongs_to_it():
    document, _marker = _document_with_parts_and_a_marker()
    (north, south), _ = _offsets(document)
    new_text = document.text[: north[1]] + " Very grave." + document.text[north[1] :]

    document_set_text(document=document, text=new_text)

    parts, _offset = _offsets(document)
    assert new_text[parts[0][0] : parts[0][1]].endswith("is grave. Very grave.")
    assert parts[1] == (south[0] + 12, len(new_text))


@pytest.mark.django_db
def test_document_set_text_refuses_a_change_across_a_note_marker():
    document, marker = _document_with_parts_and_a_marker()
    old_text = document.text
    before = _offsets(document)

    # The marker follows "the south"; the words on both sides of it go.
    with pytest.raises(ValidationError, match="the marker of note 1 stands"):
        document_set_text(document=document, text=old_text.replace("south is grave", "calm"))

    assert document.text == old_text
    assert _offsets(document) == before


@pytest.mark.django_db
def test_document_set_text_refuses_a_change_to_a_part_heading_and_writes_nothing():
    document, marker = _document_with_parts_and_a_marker()
    excerpt = ExcerptFactory(document=document, start=10, end=10 + len(FIRST), label="A")
    before = _offsets(document)
    # The excerpt could move and the marker could shift, but part II's heading is rewritten.
    new_text = "Urgent.\n\n" + document.text.replace("II. SOUTH", "II. THE SOUTH")

    with pytest.raises(ValidationError, match="crosses the start, end or heading of part"):
        document_set_text(document=document, text=new_text)

    excerpt.refresh_from_db()
    assert (excerpt.start, excerpt.end) == (10, 10 + len(FIRST))
    assert _offsets(document) == before


# --- corpus_import ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_corpus_import_of_a_small_card_set():
    report = corpus_import([("cards.txt", CARDS.encode())])

    [file_report] = report.files
    assert report.ok
    assert (file_report.collection, file_report.created, file_report.updated) == (
        "Revision Cards: Test Russia 1917-24",
        3,
        0,
    )
    collection = Collection.objects.get(key="cards-russia-1917-24")
    assert (collection.kind, collection.source_file) == (Collection.Kind.CARD_SET, "cards.txt")
    documents = list(collection.documents.order_by("position"))
    assert [(d.key, d.display_title, d.text) for d in documents] == [
        ("card-001", "First heading", "• Grain was sent north by every train."),
        ("card-002", "Second heading", "The situation in the south was grave."),
        ("card-003", "Third heading", "Lenin returned in April."),
    ]
    assert {d.category for d in documents} == {Document.Category.LEARNER_NOTES}


@pytest.mark.django_db
def test_corpus_import_twice_changes_nothing():
    corpus_import([("cards.txt", CARDS.encode())])
    before = list(Document.objects.values_list("pk", "updated_at"))

    report = corpus_import([("cards.txt", CARDS.encode())])

    assert report.totals() == {"created": 0, "updated": 0, "unchanged": 3, "chronicle_entries": 0}
    assert list(Document.objects.values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_corpus_import_update_reanchors_excerpts_and_reports_it(teacher):
    corpus_import([("cards.txt", CARDS.encode())])
    card = Document.objects.get(key="card-003")
    excerpt = excerpt_create(document=card, start=0, end=len("Lenin returned"), created_by=teacher)
    changed = CARDS.replace("Lenin returned in April.", "In 1917, Lenin returned in April.")

    report = corpus_import([("cards.txt", changed.encode())])

    card.refresh_from_db()
    excerpt.refresh_from_db()
    assert report.totals()["updated"] == 1
    assert card.text == "In 1917, Lenin returned in April."
    assert (excerpt.start, excerpt.text) == (9, "Lenin returned")
    assert any("re-anchored" in w for w in report.files[0].warnings)


@pytest.mark.django_db
def test_corpus_import_update_that_breaks_an_excerpt_is_refused_whole(teacher):
    corpus_import([("cards.txt", CARDS.encode())])
    card = Document.objects.get(key="card-003")
    excerpt_create(document=card, start=0, end=len("Lenin returned"), created_by=teacher)
    changed = CARDS.replace("Lenin returned in April.", "Lenin came back in April.").replace(
        "grave.", "serious."
    )

    report = corpus_import([("cards.txt", changed.encode())])

    [file_report] = report.files
    assert not report.ok
    assert "would break excerpt" in file_report.error
    assert (file_report.created, file_report.updated, file_report.unchanged) == (0, 0, 0)
    assert Document.objects.get(key="card-002").text == "The situation in the south was grave."
    assert Document.objects.get(key="card-003").text == "Lenin returned in April."


@pytest.mark.django_db
def test_corpus_import_of_the_real_files_then_again_changes_nothing():
    sources = [(name, (CORPUS / name).read_bytes()) for name in NON_WORKS]

    first = corpus_import(sources)

    assert first.ok, [f.error for f in first.files]
    assert [(f.source_file, f.created, f.updated) for f in first.files] == [
        (name, count, 0) for name, count in NON_WORKS.items()
    ]
    assert Document.objects.count() == sum(NON_WORKS.values())
    assert Collection.objects.count() == 4
    snapshot = _counts()

    second = corpus_import(sources)

    assert second.totals() == {
        "created": 0,
        "updated": 0,
        "unchanged": sum(NON_WORKS.values()),
        "chronicle_entries": 0,
    }
    assert _counts() == snapshot


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "bad.txt is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bad.txt is a binary file"),
        ("Révolution d'Octobre, 1917\n".encode("latin-1"), "bad.txt is not UTF-8 text"),
        (b"Dear parents,\nThe trip is on Friday.\n", "bad.txt is not a corpus file"),
    ],
    ids=["empty", "binary", "latin-1", "unrecognised"],
)
def test_corpus_import_refuses_a_bad_file_and_writes_nothing(data, message):
    report = corpus_import([("bad.txt", data)])

    [file_report] = report.files
    assert not report.ok
    assert file_report.error.startswith(message)
    assert (file_report.created, file_report.updated) == (0, 0)
    assert _counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_corpus_import_a_bad_file_does_not_stop_the_good_ones():
    report = corpus_import([("bad.txt", b""), ("cards.txt", CARDS.encode())])

    assert [bool(f.error) for f in report.files] == [True, False]
    assert Document.objects.count() == 3
