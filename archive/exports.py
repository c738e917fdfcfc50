"""The archive as JSON Lines: one object per document, for backups, research and other tools.

One record generator feeds the management command and the admin download alike.
"""

import json
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from archive.models import Authorship, Document

# Documents are read in chunks; each chunk costs one query per prefetched relation.
CHUNK_SIZE = 500
# Collections in their order, each one's documents together (two card sets share a position).
ARCHIVE_ORDER = ["collection__position", "collection__title", "position"]


def document_records(documents: QuerySet[Document] | None = None) -> Iterator[dict]:
    """One plain, JSON-ready dict per document, in the queryset's order or else ARCHIVE_ORDER.

    Four queries per CHUNK_SIZE documents (documents with their collection, authorships with
    authors, parts, notes), however many documents there are; nothing is held in memory beyond
    one chunk.
    """
    documents = Document.objects.all() if documents is None else documents
    if not documents.query.order_by:
        documents = documents.order_by(*ARCHIVE_ORDER)
    documents = documents.select_related("collection").prefetch_related(
        Prefetch(
            "authorship_set",
            queryset=Authorship.objects.select_related("author").order_by("position"),
        ),
        "parts",
        "notes",
    )
    for document in documents.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "title": document.title,
            "display_title": document.display_title,
            "authors": [a.author.name for a in document.authorship_set.all()],
            "kind": document.kind,
            "category": document.category,
            "date_start": _iso(document.date_start),
            "date_end": _iso(document.date_end),
            "date_precision": document.date_precision,
            "calendar": document.calendar,
            "date_display": document.date_display,
            "origin": document.origin,
            "collection": document.collection.title,
            "parts": [
                {
                    "heading": part.heading,
                    "start": part.start,
                    "end": part.end,
                    "date_display": part.date_display,
                }
                for part in document.parts.all()
            ],
            "text": document.text,
            "notes": [
                {"label": note.label, "text": note.text, "marker_offset": note.marker_offset}
                for note in document.notes.all()
            ],
            "source_file": document.source_file,
            "source_start_line": document.source_start_line,
            "source_end_line": document.source_end_line,
        }


def documents_jsonl(documents: QuerySet[Document] | None = None) -> Iterator[str]:
    """Each document as one line of UTF-8 JSON (non-ASCII kept as is), newline-terminated."""
    for record in document_records(documents):
        yield json.dumps(record, ensure_ascii=False) + "\n"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
