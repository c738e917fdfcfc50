"""The whole shipped corpus through the import command, on the real database backend."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from archive import selectors
from archive.models import ChronicleEntry, Collection, Document, Note
from tests.factories import ExcerptFactory


def _import(*files) -> str:
    out = StringIO()
    call_command("import_corpus", *files, "--quiet-report", stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(db):
    return _import()


def test_import_creates_every_document_of_the_corpus(imported):
    counts = sorted(Collection.objects.annotate(n=Count("documents")).values_list("kind", "n"))
    assert counts == [
        ("book", 87),
        ("card_set", 32),
        ("card_set", 68),
        ("website", 1),
        ("website", 1),
    ]
    assert Collection.objects.get(key="stalin-works-4").documents.count() == 87
    assert "189 created, 0 updated, 0 unchanged" in imported


def test_second_import_changes_nothing(imported):
    before = list(Document.objects.order_by("pk").values_list("pk", "updated_at"))
    output = _import()
    assert "0 created, 0 updated, 189 unchanged" in output
    assert list(Document.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_works_documents_have_provenance_and_notes(imported):
    works = Document.objects.filter(collection__key="stalin-works-4")
    assert works.filter(category="primary").count() == 87
    assert works.filter(date_start__isnull=True).count() <= 2
    assert works.filter(authors__name__contains="Stalin").distinct().count() == 87
    # 49 documents print a "Notes" heading; a few more carry unheaded "(1) …" notes.
    assert works.filter(notes__isnull=False).distinct().count() >= 49
    for note in Note.objects.filter(document__in=works, marker_offset__isnull=False).select_related(
        "document"
    ):
        assert 0 < note.marker_offset <= len(note.document.text)
    assert ChronicleEntry.objects.filter(collection__key="stalin-works-4").count() > 300


def test_chronicle_entries_keep_their_calendar_and_upper_bounds_sort_by_them(imported):
    entries = list(selectors.chronicle_entries())
    assert (entries[0].date_display, entries[0].calendar) == ("October 25-26", "old_style")
    switch = next(e for e in entries if e.date_display == "February 21(8)")
    assert switch.calendar == "new_style"
    assert {e.calendar for e in entries} == {"old_style", "new_style"}
    for display, year in [("Before March 10", 1918), ("Prior to July 11", 1920)]:
        index = next(i for i, e in enumerate(entries) if e.date_display == display)
        entry = entries[index]
        assert (entry.date_start, entry.year) == (None, year)
        assert entries[index - 1].sort_date <= entry.date_end <= entries[index + 1].sort_date
    assert all(e.year is not None for e in entries)


def test_cards_are_learner_notes_without_site_comments(imported):
    cards = Document.objects.filter(kind="revision_card")
    assert cards.count() == 100
    assert not cards.exclude(category="learner_notes").exists()
    assert not cards.filter(text__icontains="Karman Bains").exists()


def test_reimport_keeps_an_excerpt_valid(imported):
    document = Document.objects.get(collection__key="stalin-works-4", key="works-001")
    excerpt = ExcerptFactory(document=document, start=0, end=40, text=document.text[:40])
    _import()
    excerpt.refresh_from_db()
    document.refresh_from_db()
    assert document.text[excerpt.start : excerpt.end] == excerpt.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"caf\xe9 au lait\n", "not UTF-8"),
        (b"A shopping list\n\neggs\nmilk\n", "not a corpus file Provenance recognises"),
    ],
)
def test_bad_file_is_refused_and_nothing_written(db, tmp_path, content, message):
    path = tmp_path / "upload.txt"
    path.write_bytes(content)
    err = StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_corpus", str(path), stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert not Document.objects.exists()
    assert not Collection.objects.exists()


def test_missing_file_is_reported(db):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_corpus", "/nonexistent/file.txt")
