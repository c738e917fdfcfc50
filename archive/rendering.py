"""A document's text as safe HTML: paragraphs, part headings, note markers, excerpt highlights.

Pure functions, no database: everything is placed by character offsets into the raw text and
every piece of text is escaped; there is no markdown. Paragraphs are separated by blank lines,
single newlines become <br>. An excerpt may cross paragraphs or overlap another excerpt: the text
is cut at every boundary, so each highlighted piece is one <mark> inside one block.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


class NoteLike(Protocol):
    position: int
    label: str
    text: str
    marker_offset: int | None


class ExcerptLike(Protocol):
    pk: int
    start: int
    end: int
    label: str


class PartLike(Protocol):
    position: int
    heading: str
    start: int
    date_display: str


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    heading: str
    date_display: str


@dataclass(frozen=True)
class RenderedDocument:
    body: SafeString
    notes: SafeString  # an empty string when the document has no notes
    toc: tuple[TocEntry, ...]


@dataclass
class _Block:
    start: int
    end: int
    part: PartLike | None = None  # set when this paragraph is the part's printed heading
    anchor: str = ""


def render_document(
    text: str,
    *,
    notes: Iterable[NoteLike] = (),
    excerpts: Iterable[ExcerptLike] = (),
    parts: Iterable[PartLike] = (),
    heading_level: int = 3,
) -> RenderedDocument:
    """Render `text` with its notes' markers, its excerpts highlighted and its parts as headings.

    Note n (in position order) gets `<sup><a href="#note-n" id="noteref-n">label</a></sup>` at
    its marker offset and an entry `id="note-n"` in `notes` with a link back; a note without a
    usable offset is listed without either link. Excerpt k's first highlighted piece is
    `<mark id="excerpt-k">`, with hidden "start"/"end" labels for screen readers. A part whose
    first paragraph is its printed heading gets that paragraph as its heading element.
    """
    notes = sorted(notes, key=lambda n: n.position)
    excerpts = sorted(excerpts, key=lambda e: (e.start, e.pk))
    parts = sorted(parts, key=lambda p: (p.start, p.position))
    blocks = _blocks(text, [p.start for p in parts])
    items, toc = _with_headings(text, blocks, parts, heading_level)
    markers = _place_markers(text, blocks, notes)
    body = _render_blocks(text, items, excerpts, markers, heading_level)
    return RenderedDocument(body=body, notes=_render_notes(notes, markers), toc=tuple(toc))


def old_style_note(year: int | None) -> str:
    """What an Old Style (Julian) date means, for the reader converting it."""
    if year is None:
        return (
            "Old Style: a Julian-calendar date, used in Russia until February 1918. Add 12 days "
            "(19th century) or 13 days (20th century) for the New Style (Gregorian) date."
        )
    days = 12 if year < 1900 else 13
    return (
        "Old Style: a Julian-calendar date, used in Russia until February 1918. "
        f"Add {days} days for the New Style (Gregorian) date."
    )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _blocks(text: str, part_starts: list[int]) -> list[_Block]:
    """Paragraph spans (trimmed), also split where a part begins mid-paragraph."""
    spans, position = [], 0
    for match in _BLANK_LINES.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    for cut in sorted(set(part_starts)):
        spans = [
            piece
            for start, end in spans
            for piece in ([(start, cut), (cut, end)] if start < cut < end else [(start, end)])
        ]
    return [
        _Block(start, end) for start, end in (_trimmed(text, s, e) for s, e in spans) if start < end
    ]


def _with_headings(text, blocks, parts, level):
    """Blocks interleaved with part headings (a _Block, or a part with no block of its own)."""
    before: dict[int, list] = {}
    toc = []
    for number, part in enumerate(parts, start=1):
        anchor = f"part-{number}"
        toc.append(TocEntry(anchor=anchor, heading=part.heading, date_display=part.date_display))
        index = next((i for i, b in enumerate(blocks) if b.start >= part.start), len(blocks))
        if (
            index < len(blocks)
            and blocks[index].part is None
            and index not in before
            and " ".join(text[blocks[index].start : blocks[index].end].split())
            == " ".join(part.heading.split())
        ):
            blocks[index].part, blocks[index].anchor = part, anchor
        else:
            before.setdefault(index, []).append((part, anchor))
    items = []
    for index in range(len(blocks) + 1):
        items.extend(before.get(index, []))
        if index < len(blocks):
            items.append(blocks[index])
    return items, toc


def _place_markers(text, blocks, notes) -> dict[int, list[tuple[int, str]]]:
    """Offset → [(note number, label)]; an offset between paragraphs moves to the end of the
    paragraph before it. Notes without an offset, or with one past the text, are not placed."""
    markers: dict[int, list[tuple[int, str]]] = {}
    for number, note in enumerate(notes, start=1):
        offset = note.marker_offset
        if offset is None or not blocks or not 0 <= offset <= len(text):
            continue
        inside = next((b for b in blocks if b.start <= offset <= b.end), None)
        if inside is None:
            earlier = [b for b in blocks if b.end < offset]
            offset = earlier[-1].end if earlier else blocks[0].start
        markers.setdefault(offset, []).append((number, note.label))
    return markers


def _render_blocks(text, items, excerpts, markers, level) -> SafeString:
    blocks = [item for item in items if isinstance(item, _Block)]
    pieces = _pieces(blocks, excerpts, markers)
    first, last = {}, {}
    for index, (_, _, _, active) in enumerate(pieces):
        for excerpt in active:
            first.setdefault(excerpt.pk, index)
            last[excerpt.pk] = index
    by_block: dict[int, list[int]] = {}
    for index, (block_index, *_) in enumerate(pieces):
        by_block.setdefault(block_index, []).append(index)

    html, block_index, emitted = [], 0, set()

    def markers_at(offset):
        # Where a part splits a paragraph, one offset ends a block and starts the next.
        if offset in emitted:
            return ""
        emitted.add(offset)
        return _markers_html(markers.get(offset, ()))

    for item in items:
        if not isinstance(item, _Block):
            part, anchor = item
            html.append(_heading(level, anchor, escape(part.heading), part))
            continue
        inner = []
        for index in by_block.get(block_index, []):
            _, start, end, active = pieces[index]
            inner.append(markers_at(start))
            inner.append(_piece_html(text[start:end], active, index, first, last))
        inner.append(markers_at(item.end))
        content = mark_safe("".join(inner))  # noqa: S308 - built from escaped pieces
        if item.part is not None:
            html.append(_heading(level, item.anchor, content, item.part))
        else:
            html.append(format_html("<p>{}</p>", content))
        block_index += 1
    return mark_safe("\n".join(html))  # noqa: S308 - built with format_html and escape


def _pieces(blocks, excerpts, markers):
    """(block index, start, end, active excerpts) for every run of text with one highlight."""
    pieces = []
    for block_index, block in enumerate(blocks):
        cuts = {block.start, block.end}
        for excerpt in excerpts:
            cuts.update(x for x in (excerpt.start, excerpt.end) if block.start < x < block.end)
        cuts.update(x for x in markers if block.start < x < block.end)
        ordered = sorted(cuts)
        for start, end in zip(ordered, ordered[1:], strict=False):
            active = tuple(e for e in excerpts if e.start <= start and end <= e.end)
            pieces.append((block_index, start, end, active))
    return pieces


def _heading(level, anchor, content, part) -> str:
    heading = format_html(
        '<h{} id="{}" class="part-heading">{}</h{}>', level, anchor, content, level
    )
    if part.date_display:
        heading += format_html('\n<p class="part-date">{}</p>', part.date_display)
    return heading


def _markers_html(markers) -> str:
    return "".join(
        format_html('<sup><a href="#note-{}" id="noteref-{}">{}</a></sup>', n, n, label)
        for n, label in markers
    )


def _text_html(text: str) -> str:
    return escape(text).replace("\n", "<br>\n")


def _excerpt_name(excerpt) -> str:
    return excerpt.label or f"excerpt {excerpt.pk}"


def _piece_html(text, active, index, first, last) -> str:
    if not active:
        return _text_html(text)
    starting = [e for e in active if first[e.pk] == index]
    ending = [e for e in active if last[e.pk] == index]
    classes = ["excerpt"]
    if len(active) > 1:
        classes.append("excerpt-overlap")
    if starting:
        classes.append("excerpt-start")
    if ending:
        classes.append("excerpt-end")
    opening = format_html('<mark class="{}"', " ".join(classes))
    if starting:
        opening += format_html(' id="excerpt-{}"', starting[0].pk)
    parts = [opening, ">"]
    # A second excerpt starting at the same character still needs a target for its link.
    parts += [format_html('<span id="excerpt-{}"></span>', e.pk) for e in starting[1:]]
    parts += [
        format_html('<span class="visually-hidden">Start of {}: </span>', _excerpt_name(e))
        for e in starting
    ]
    parts.append(_text_html(text))
    parts += [
        format_html('<span class="visually-hidden"> (end of {})</span>', _excerpt_name(e))
        for e in ending
    ]
    parts.append("</mark>")
    return "".join(parts)


def _render_notes(notes, markers) -> SafeString:
    if not notes:
        return mark_safe("")
    placed = {number for entries in markers.values() for number, _ in entries}
    items = []
    for number, note in enumerate(notes, start=1):
        backlink = ""
        if number in placed:
            backlink = format_html(
                ' <a class="note-backref" href="#noteref-{}" aria-label="Back to note {} in the '
                'text">↩</a>',
                number,
                note.label,
            )
        items.append(
            format_html(
                '<li id="note-{}"><span class="note-label">{}</span> {}{}</li>',
                number,
                note.label,
                mark_safe(_text_html(note.text.strip())),  # noqa: S308 - escaped
                backlink,
            )
        )
    return format_html('<ol class="notes">\n{}\n</ol>', mark_safe("\n".join(items)))  # noqa: S308
