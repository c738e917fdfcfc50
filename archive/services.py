"""Writes to the archive: corpus import, excerpt creation, safe edits of a document's text."""

import difflib
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from archive.importers.detect import parse_corpus_file
from archive.importers.records import CorpusFormatError, ParsedDocument, ParsedFile
from archive.models import (
    Author,
    Authorship,
    ChronicleEntry,
    Collection,
    Document,
    Excerpt,
    Note,
    Part,
)

logger = logging.getLogger(__name__)

COLLECTION_KINDS = {
    "works": Collection.Kind.BOOK,
    "cards": Collection.Kind.CARD_SET,
    "web_essay": Collection.Kind.WEBSITE,
    "web_article": Collection.Kind.WEBSITE,
}
# Collections appear in the archive in this order (the primary volume first).
COLLECTION_ORDER = {"works": 0, "web_essay": 1, "web_article": 2, "cards": 3}

DOCUMENT_FIELDS = [
    "title", "display_title", "subtitle", "kind", "category", "date_start", "date_end",
    "date_precision", "calendar", "date_display", "second_date_display", "date_source", "origin",
    "publication", "place", "signature", "purpose", "audience", "card_number", "topic", "text",
    "source_start_line", "source_end_line", "source_start_offset", "source_end_offset",
]  # fmt: skip


@dataclass
class FileReport:
    source_file: str
    collection: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    chronicle_entries: int = 0
    warnings: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(not f.error for f in self.files)

    def totals(self) -> dict[str, int]:
        return {
            key: sum(getattr(f, key) for f in self.files)
            for key in ("created", "updated", "unchanged", "chronicle_entries")
        }


def corpus_import(
    sources: Iterable[tuple[str, bytes]],
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Import corpus files given as (file name, bytes); one transaction per file.

    A file that cannot be parsed or written is reported with its error and leaves nothing behind;
    the other files still import. Re-importing an unchanged file writes nothing.
    """
    report = ImportReport()
    for source_file, data in sources:
        file_report = FileReport(source_file=source_file)
        report.files.append(file_report)
        try:
            parsed = parse_corpus_file(data, source_file=source_file)
        except CorpusFormatError as exc:
            file_report.error = str(exc)
            continue
        except Exception as exc:  # a parser bug must not become a 500 or a half import
            logger.exception("Parsing %s failed", source_file)
            file_report.error = (
                f"{source_file} could not be read ({type(exc).__name__}); "
                "nothing was imported. The error has been logged."
            )
            continue
        try:
            with transaction.atomic():
                _write_file(parsed, file_report, progress)
        except ValidationError as exc:
            file_report.error = "; ".join(exc.messages)
            file_report.created = file_report.updated = file_report.unchanged = 0
    return report


def corpus_files(directory: Path) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted(directory.glob("*.txt"))]


def _write_file(parsed: ParsedFile, report: FileReport, progress) -> None:
    report.collection = parsed.collection_title
    report.warnings.extend(parsed.warnings)
    report.decisions.extend(parsed.decisions)
    collection, _ = Collection.objects.update_or_create(
        key=parsed.collection_key,
        defaults={
            "title": parsed.collection_title,
            "kind": COLLECTION_KINDS[parsed.kind],
            "details": parsed.collection_details,
            "source_file": report.source_file,
            "position": COLLECTION_ORDER.get(parsed.kind, 9),
        },
    )
    existing = {d.key: d for d in Document.objects.filter(collection=collection)}
    authors = _authors_by_name({name for doc in parsed.documents for name in doc.authors})
    total = len(parsed.documents)
    for position, record in enumerate(parsed.documents):
        digest = _digest(record)
        document = existing.pop(record.key, None)
        if (
            document is not None
            and document.content_hash == digest
            and document.position == position
        ):
            report.unchanged += 1
        elif document is None:
            _create_document(collection, record, position, digest, authors)
            report.created += 1
        else:
            report.warnings.extend(_update_document(document, record, position, digest, authors))
            report.updated += 1
        if progress:
            progress(report.source_file, position + 1, total)
    for key in existing:
        report.warnings.append(
            f"{key} is in the archive but no longer in {report.source_file}; "
            "it was kept (excerpts may use it). Delete it in the admin if wanted."
        )
    report.chronicle_entries = _sync_chronicle(collection, parsed)


def _digest(record: ParsedDocument) -> str:
    payload = json.dumps(asdict(record), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _authors_by_name(names: set[str]) -> dict[str, Author]:
    existing = {a.name: a for a in Author.objects.filter(name__in=names)}
    missing = [Author(name=n) for n in sorted(names - existing.keys())]
    for author in Author.objects.bulk_create(missing):
        existing[author.name] = author
    if missing and any(a.pk is None for a in missing):  # backends that return no ids
        existing = {a.name: a for a in Author.objects.filter(name__in=names)}
    return existing


def _create_document(collection, record, position, digest, authors) -> Document:
    document = Document.objects.create(
        collection=collection,
        key=record.key,
        position=position,
        content_hash=digest,
        source_file=collection.source_file,
        **{f: getattr(record, f) for f in DOCUMENT_FIELDS},
    )
    _write_children(document, record, authors)
    return document


def _update_document(document, record, position, digest, authors) -> list[str]:
    warnings = []
    if document.text != record.text:
        # The record's own notes and parts replace the old ones below.
        warnings = document_set_text(
            document=document, text=record.text, keep_notes_and_parts=False
        )
    for name in DOCUMENT_FIELDS:
        # Teachers fill audience and purpose; an import never wipes what they wrote.
        if (
            name in ("audience", "purpose")
            and getattr(document, name)
            and not getattr(record, name)
        ):
            continue
        setattr(document, name, getattr(record, name))
    document.position = position
    document.content_hash = digest
    document.full_clean(exclude=["collection"], validate_unique=False)
    document.save()
    Authorship.objects.filter(document=document).delete()
    document.parts.all().delete()
    document.notes.all().delete()
    _write_children(document, record, authors)
    return warnings


def _write_children(document, record, authors) -> None:
    Authorship.objects.bulk_create(
        Authorship(document=document, author=authors[name], position=i)
        for i, name in enumerate(record.authors)
    )
    Part.objects.bulk_create(
        Part(
            document=document,
            position=i,
            heading=p.heading[:500],
            start=p.start,
            end=p.end,
            date_display=p.date_display,
            date_start=p.date_start,
            date_end=p.date_end,
        )
        for i, p in enumerate(record.parts)
    )
    Note.objects.bulk_create(
        Note(
            document=document, position=i, label=n.label, text=n.text, marker_offset=n.marker_offset
        )
        for i, n in enumerate(record.notes)
    )


def _sync_chronicle(collection: Collection, parsed: ParsedFile) -> int:
    wanted = [
        (
            e.date_display,
            e.date_start,
            e.date_end,
            e.date_precision or "",
            e.calendar,
            e.text,
            e.source_line,
        )
        for e in parsed.chronicle
    ]
    current = list(
        ChronicleEntry.objects.filter(collection=collection)
        .order_by("position")
        .values_list(
            "date_display",
            "date_start",
            "date_end",
            "date_precision",
            "calendar",
            "text",
            "source_line",
        )
    )
    if current != wanted:
        ChronicleEntry.objects.filter(collection=collection).delete()
        ChronicleEntry.objects.bulk_create(
            ChronicleEntry(
                collection=collection,
                position=i,
                date_display=d,
                date_start=s,
                date_end=e,
                date_precision=p,
                calendar=c,
                text=t,
                source_line=line,
            )
            for i, (d, s, e, p, c, t, line) in enumerate(wanted)
        )
    return len(wanted)


TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")


def _token_starts(text: str) -> tuple[list[str], list[int]]:
    tokens = TOKEN_RE.findall(text)
    starts = [0]
    for token in tokens:
        starts.append(starts[-1] + len(token))
    return tokens, starts


@dataclass(frozen=True)
class TextChange:
    """Where a new text differs from the old, as spans ``(old_start, old_end, new_start,
    new_end)`` in order: a word-level diff, so two corrections far apart are two small spans."""

    spans: tuple[tuple[int, int, int, int], ...]

    @classmethod
    def between(cls, old: str, new: str) -> "TextChange":
        old_tokens, old_at = _token_starts(old)
        new_tokens, new_at = _token_starts(new)
        matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
        return cls(
            tuple(
                (old_at[i1], old_at[i2], new_at[j1], new_at[j2])
                for op, i1, i2, j1, j2 in matcher.get_opcodes()
                if op != "equal"
            )
        )

    def moved(self, offset: int, *, after_insertion: bool) -> int | None:
        """``offset`` in the new text, or None when it falls inside a changed span.

        Text inserted exactly at ``offset`` goes before it when ``after_insertion`` (a part's
        start or end: what is added at a part's end belongs to the part) and after it
        otherwise (a note marker stays with the word it follows).
        """
        shift = 0
        for old_start, old_end, _new_start, new_end in self.spans:
            insertion = old_start == old_end
            if offset < old_start or (offset == old_start and not (after_insertion and insertion)):
                break
            if offset < old_end:
                return None
            shift = new_end - old_end
        return offset + shift


@transaction.atomic
def document_set_text(
    *, document: Document, text: str, keep_notes_and_parts: bool = True
) -> list[str]:
    """Change a document's text without silently breaking its excerpts, notes or parts.

    An excerpt whose passage still sits at its offsets is untouched; one whose passage moved but
    occurs exactly once in the new text is re-anchored (and reported), its adapted variants with
    it. Note markers and part boundaries after the changed span shift with it; a marker, or a
    part's start, end or heading, inside the changed span cannot be placed, so the change is
    refused. A refusal raises ValidationError and writes nothing. The caller saves the
    document; excerpts, notes and parts are saved here. The importer, which rewrites notes and
    parts itself, passes ``keep_notes_and_parts=False``.

    Queries: the stored text (when the document is saved already), the excerpts, and with
    ``keep_notes_and_parts`` the notes and the parts, plus one update per moved row.
    """
    old = document.text
    if document.pk:
        old = Document.objects.filter(pk=document.pk).values_list("text", flat=True).first() or ""
    name = document.display_title
    moves = []
    for excerpt in document.excerpts.filter(adapted_from__isnull=True):
        if text[excerpt.start : excerpt.end] == excerpt.text:
            continue
        first = text.find(excerpt.text)
        if first == -1 or text.find(excerpt.text, first + 1) != -1:
            raise ValidationError(
                f"The new text of “{name}” would break excerpt "
                f"“{excerpt.label or excerpt.pk}” (its passage is no longer in the text exactly "
                "once). Edit or delete the excerpt first."
            )
        moves.append((excerpt, first))
    notes, parts = [], []
    if keep_notes_and_parts and document.pk and old != text:
        change = TextChange.between(old, text)
        notes = _notes_moved(document, change, name)
        parts = _parts_moved(document, change, name, text)
    # Decide everything before writing anything, so a refusal leaves all of it as it was.
    warnings = []
    for excerpt, first in moves:
        warnings.append(
            f"Excerpt “{excerpt.label or excerpt.pk}” of “{name}” "
            f"moved from {excerpt.start} to {first}; re-anchored."
        )
        excerpt.start, excerpt.end = first, first + len(excerpt.text)
        excerpt.save(update_fields=["start", "end", "updated_at"])
        excerpt.adaptations.update(start=excerpt.start, end=excerpt.end)
    Note.objects.bulk_update(notes, ["marker_offset"])
    Part.objects.bulk_update(parts, ["start", "end"])
    document.text = text
    return warnings


def _notes_moved(document: Document, change: TextChange, name: str) -> list[Note]:
    moved = []
    for note in document.notes.exclude(marker_offset=None):
        offset = change.moved(note.marker_offset, after_insertion=False)
        if offset is None:
            raise ValidationError(
                f"The change to “{name}” rewrites the place where the marker of note "
                f"{note.label} stands (character {note.marker_offset}). Make the change "
                "before or after the marker, not across it."
            )
        if offset != note.marker_offset:
            note.marker_offset = offset
            moved.append(note)
    return moved


def _parts_moved(document: Document, change: TextChange, name: str, text: str) -> list[Part]:
    moved = []
    for part in document.parts.all():
        start = change.moved(part.start, after_insertion=True)
        end = change.moved(part.end, after_insertion=True)
        heading_kept = start is not None and text[start:].startswith(part.heading)
        if start is None or end is None or not heading_kept:
            raise ValidationError(
                f"The change to “{name}” crosses the start, end or heading of part "
                f"“{part.heading}”. Edit the text within the part, leaving its heading as it is."
            )
        if (start, end) != (part.start, part.end):
            part.start, part.end = start, end
            moved.append(part)
    return moved


def excerpt_create(
    *, document: Document, start: int, end: int, label: str = "", caption: str = "", created_by=None
) -> Excerpt:
    """An exact excerpt at offsets of the document's text (whitespace at the edges trimmed)."""
    passage = document.text[start:end]
    start += len(passage) - len(passage.lstrip())
    end -= len(passage) - len(passage.rstrip())
    excerpt = Excerpt(
        document=document,
        start=start,
        end=end,
        text=document.text[start:end],
        label=label,
        caption=caption,
        created_by=created_by,
    )
    excerpt.full_clean()
    excerpt.save()
    return excerpt


def excerpt_find(*, document: Document, starts: str, ends: str) -> tuple[int, int]:
    """Offsets of the passage running from `starts` to `ends` (whitespace-insensitive)."""

    def pattern(words: str) -> str:
        return r"\s+".join(re.escape(w) for w in words.split())

    match = re.search(pattern(starts) + r".*?" + pattern(ends), document.text, re.S)
    if match is None:
        raise ValidationError(
            f"No passage from “{starts}” to “{ends}” in “{document.display_title}”."
        )
    return match.start(), match.end()
