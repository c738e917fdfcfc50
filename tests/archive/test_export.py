"""export_documents and the admin's JSONL download: one JSON object per document."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.exports import document_records, documents_jsonl
from archive.models import Document, Part
from tests.factories import CollectionFactory, DocumentFactory, NoteFactory


@pytest.fixture
def telegram(db):
    collection = CollectionFactory(title="Works, Volume 4", position=0)
    document = DocumentFactory(
        collection=collection,
        position=0,
        title="Telegram to Lenin",
        display_title="Telegram to V. I. Lenin",
        kind=Document.Kind.TELEGRAM,
        category=Document.Category.PRIMARY,
        date_start=datetime.date(1918, 7, 7),
        date_end=datetime.date(1918, 7, 8),
        date_precision=Document.Precision.DAY,
        calendar=Document.Calendar.NEW_STYLE,
        date_display="July 7, 1918",
        origin="First published in Pravda, No. 1",
        text="Grain is coming.\n\nТоварищ — we hold.",
        source_file="003_works.txt",
        source_start_line=120,
        source_end_line=131,
        authors=["J. V. Stalin", "K. Y. Voroshilov"],
    )
    Part.objects.create(
        document=document, position=0, heading="I", start=0, end=16, date_display="July 7"
    )
    Part.objects.create(document=document, position=1, heading="II", start=18, end=35)
    NoteFactory(document=document, position=0, label="1", text="Tsaritsyn.", marker_offset=16)
    NoteFactory(document=document, position=1, label="A", text="Undated.", marker_offset=None)
    return document


EXPECTED = {
    "title": "Telegram to Lenin",
    "display_title": "Telegram to V. I. Lenin",
    "authors": ["J. V. Stalin", "K. Y. Voroshilov"],  # in authorship order, not by name
    "kind": "telegram",
    "category": "primary",
    "date_start": "1918-07-07",
    "date_end": "1918-07-08",
    "date_precision": "day",
    "calendar": "new_style",
    "date_display": "July 7, 1918",
    "origin": "First published in Pravda, No. 1",
    "collection": "Works, Volume 4",
    "parts": [
        {"heading": "I", "start": 0, "end": 16, "date_display": "July 7"},
        {"heading": "II", "start": 18, "end": 35, "date_display": ""},
    ],
    "text": "Grain is coming.\n\nТоварищ — we hold.",
    "notes": [
        {"label": "1", "text": "Tsaritsyn.", "marker_offset": 16},
        {"label": "A", "text": "Undated.", "marker_offset": None},
    ],
    "source_file": "003_works.txt",
    "source_start_line": 120,
    "source_end_line": 131,
}


def _read_jsonl(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_export_record_has_every_field_exactly(telegram):
    assert list(document_records()) == [EXPECTED]


def test_export_authors_keep_their_printed_order(db):
    DocumentFactory(authors=["Z. Last", "A. First"])

    [record] = document_records()

    assert record["authors"] == ["Z. Last", "A. First"]


def test_export_of_an_undated_document_has_nulls(db):
    DocumentFactory(date_start=None, date_end=None, date_precision="", calendar="", authors=[])

    [record] = document_records()

    assert (record["date_start"], record["date_end"], record["authors"]) == (None, None, [])
    assert (record["date_precision"], record["calendar"], record["notes"]) == ("", "", [])


def test_export_lines_are_utf8_json_with_non_ascii_kept(telegram):
    [line] = list(documents_jsonl())

    assert line.endswith("}\n")
    assert "Товарищ — we hold." in line  # not \u-escaped
    assert json.loads(line) == EXPECTED


@pytest.mark.parametrize("count", [3, 30])
def test_export_query_count_does_not_grow_with_documents(db, django_assert_num_queries, count):
    collection = CollectionFactory()
    for document in DocumentFactory.create_batch(count, collection=collection):
        NoteFactory(document=document)
        Part.objects.create(document=document, position=0, heading="I", start=0, end=5)

    # documents with collections, authorships with authors, parts, notes
    with django_assert_num_queries(4):
        records = list(document_records())

    assert len(records) == count
    assert all(len(r["notes"]) == 1 and len(r["parts"]) == 1 for r in records)


def test_export_follows_archive_order_keeping_collections_together(db):
    russia = CollectionFactory(title="Russia cards", position=3)
    edexcel = CollectionFactory(title="Edexcel cards", position=3)  # the same position
    works = CollectionFactory(title="Works", position=0)
    for position in (1, 0):
        DocumentFactory(collection=russia, position=position, display_title=f"R{position}")
        DocumentFactory(collection=edexcel, position=position, display_title=f"E{position}")
    DocumentFactory(collection=works, position=1, display_title="Speech")
    DocumentFactory(collection=works, position=0, display_title="Telegram")

    titles = [r["display_title"] for r in document_records()]

    assert titles == ["Telegram", "Speech", "E0", "E1", "R0", "R1"]


def test_export_documents_command_writes_jsonl_to_stdout(telegram):
    DocumentFactory(collection=telegram.collection, position=1, display_title="Second")
    out = io.StringIO()

    call_command("export_documents", "--format", "jsonl", stdout=out)

    records = _read_jsonl(out.getvalue())
    assert records[0] == EXPECTED
    assert [r["display_title"] for r in records] == ["Telegram to V. I. Lenin", "Second"]


def test_export_documents_command_writes_a_file(telegram, tmp_path):
    target = tmp_path / "archive.jsonl"
    out = io.StringIO()

    call_command("export_documents", "--output", str(target), stdout=out)

    assert _read_jsonl(target.read_text(encoding="utf-8")) == [EXPECTED]
    assert out.getvalue() == f"1 documents written to {target}.\n"
    assert list(tmp_path.iterdir()) == [target]  # no .part file left behind


def test_export_documents_command_refuses_a_missing_directory(db, tmp_path):
    with pytest.raises(CommandError, match="No such directory"):
        call_command("export_documents", "--output", str(tmp_path / "nowhere" / "a.jsonl"))


def test_export_documents_command_knows_only_jsonl(db):
    with pytest.raises(CommandError, match="invalid choice: 'csv'"):
        call_command("export_documents", "--format", "csv")


def _streamed(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def test_admin_action_downloads_the_selected_documents(admin_client, telegram):
    other = DocumentFactory(display_title="Not selected")

    response = admin_client.post(
        reverse("admin:archive_document_changelist"),
        {"action": "export_jsonl", "_selected_action": [telegram.pk]},
    )

    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="provenance-documents-')
    records = _read_jsonl(_streamed(response))
    assert records == [EXPECTED]
    assert other.display_title not in {r["display_title"] for r in records}


def test_admin_export_button_keeps_the_changelist_search(admin_client, telegram):
    DocumentFactory(display_title="A speech on the national question", text="Nations.")

    response = admin_client.get(reverse("admin:archive_document_export"), {"q": "Grain"})

    assert [r["display_title"] for r in _read_jsonl(_streamed(response))] == [
        "Telegram to V. I. Lenin"
    ]


def test_admin_export_with_a_filter_it_cannot_apply_goes_back_to_the_list(admin_client, db):
    response = admin_client.get(reverse("admin:archive_document_export"), {"nonsense": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:archive_document_changelist") + "?e=1"


def test_teacher_can_download_the_shared_archive(client_for, teacher, telegram):
    response = client_for(teacher).get(reverse("admin:archive_document_export"))

    assert _read_jsonl(_streamed(response)) == [EXPECTED]


def test_student_cannot_download_the_archive(client_for, student, telegram):
    response = client_for(student).get(reverse("admin:archive_document_export"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
