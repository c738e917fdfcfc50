"""Parsers for the two web pages: the pro-Soviet site's index essay (000) and the
encyclopaedia-style article "Joseph Stalin - Revolution and Power" (001).

Each page becomes ONE document holding only its flowing prose. Page furniture (captions,
glossary boxes, link lists, chrome) is kept out of the text: captions, credits and links go to
the collection details, the article's glossary boxes become unanchored notes.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from archive.importers.cards import SourceLine, single_spaced, slug, source_lines
from archive.importers.records import (
    CorpusFormatError,
    ParsedDocument,
    ParsedFile,
    ParsedNote,
    ParsedPart,
)

SENTENCE_END = ".!?…\"'’”)"
ANNIVERSARY = re.compile(
    r"^.*\b(\d+)(?:st|nd|rd|th) Anniversary of the Great October.*$", re.I | re.M
)
CENTENARY = re.compile(r"\bCentenary of the October Revolution", re.I)
CREDIT = re.compile(r"^© Copyright (?P<holder>.+?) (?P<year>\d{4})$")
FOOTER_RULE = re.compile(r"^_{5,}$")
HEADING_MAX_WORDS = 10

ESSAY_PURPOSE = (
    "Openly pro-Soviet and commemorative: written by supporters to celebrate the October "
    "Revolution, Lenin and Stalin, it calls Trotsky an 'anti-Bolshevik' and presents the "
    "site's documents as a record of 'the successes of the past'."
)
ESSAY_AUDIENCE = "Sympathisers of the Soviet Union and visitors to the site's document collection"
ARTICLE_PURPOSE = (
    "Derivative popular narrative: an encyclopaedia-style compilation (much of it reads like "
    "reworded Wikipedia text) that cites no sources and contains factual errors. Mostly "
    "critical of Stalin's terror, yet it repeats favourable claims about Stalin-era social "
    "services without evidence."
)
ARTICLE_AUDIENCE = "General readers online"


# --- the essay (000) --------------------------------------------------------------------------


def parse_web_essay(text: str, *, source_file: str) -> ParsedFile:
    content = [line for line in source_lines(text) if not line.blank]
    essay = _first_prose_run(content)
    if not essay:
        raise CorpusFormatError(f"{source_file} has no essay paragraphs to import.")
    title = content[0].text.strip()
    captions = _repeated_lines(content, exclude=title)
    after_essay = [single_spaced(line.text) for line in content if line.number > essay[-1].number]
    index_entries = _unique(entry for entry in after_essay if _dash_key(entry) not in captions)
    date_start, date_reason = _essay_date(text)
    warnings = [] if date_start else ["No anniversary or centenary found: the page is undated."]
    document = ParsedDocument(
        key="web-essay",
        title=title,
        display_title=title,
        text="\n\n".join(single_spaced(line.text) for line in essay),
        kind="web_page",
        category="secondary",
        authors=[],
        date_start=date_start,
        date_precision="month" if date_start else "",
        date_display=f"{date_start:%B %Y} or later" if date_start else "",
        date_source="inferred" if date_start else "",
        origin=(
            "Index page of a partisan pro-Soviet website; the site's name, URL and author are "
            f"not in the text. Undated: {date_reason}"
        ),
        purpose=ESSAY_PURPOSE,
        audience=ESSAY_AUDIENCE,
        **_source_span(essay[0], essay[-1]),
    )
    return ParsedFile(
        kind="web_essay",
        collection_key=f"web-essay-{slug(title)}",
        collection_title=title,
        collection_details={
            "source_type": "Web page: index page of a partisan pro-Soviet website",
            "site": "Not named in the text",
            "authorship": "No author named",
            "image_captions": list(captions.values()),
            "index_entries": index_entries,
        },
        documents=[document],
        warnings=warnings,
    )


def _first_prose_run(content: list[SourceLine]) -> list[SourceLine]:
    """The essay is the first run of consecutive prose paragraphs; headers, captions and the
    link list around it are short lines without a closing full stop."""
    start = next((i for i, line in enumerate(content) if _is_prose(line.text)), len(content))
    end = start
    while end < len(content) and _is_prose(content[end].text):
        end += 1
    return content[start:end]


def _is_prose(value: str) -> bool:
    value = value.strip()
    return len(value.split()) >= 8 and value.endswith(tuple(SENTENCE_END))


def _repeated_lines(content: list[SourceLine], *, exclude: str) -> dict[str, str]:
    """Captions: lines printed twice, once with a hyphen and once with an en dash.

    Maps the dash-insensitive key to the en-dash spelling, the page's typographic form.
    """
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for line in content:
        value, key = single_spaced(line.text), _dash_key(line.text)
        counts[key] = counts.get(key, 0) + 1
        if key not in spelling or "–" in value:
            spelling[key] = value
    return {
        key: spelling[key]
        for key, count in counts.items()
        if count > 1 and key != _dash_key(exclude)
    }


def _dash_key(value: str) -> str:
    return re.sub(r"\s+[-–—]\s+", " – ", value.strip()).casefold()


def _essay_date(text: str) -> tuple[date | None, str]:
    """The October Revolution's anniversaries fall on 7 November: the Nth is in 1917 + N."""
    centenary = "it mentions the November 2017 centenary" if CENTENARY.search(text) else ""
    if anniversary := ANNIVERSARY.search(text):
        year = 1917 + int(anniversary[1])
        reason = f"its link {anniversary[0].strip()!r} dates it to November {year} or later"
        return date(year, 11, 1), f"{reason}; {centenary}." if centenary else f"{reason}."
    if centenary:
        return date(2017, 11, 1), f"{centenary}."
    return None, "nothing in the text dates it."


# --- the article (001) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Furniture:
    """A caption, glossary box or repeated title inside the article's flow, found by its
    first line (a trailing "…" means a prefix); a box runs to the line starting with `last`.
    Matching ignores case and accents (the Cyrillic carries stress marks)."""

    kind: str  # caption, glossary, short_title
    first: str
    last: str = ""
    label: str = ""


ARTICLE_FURNITURE = (
    Furniture("short_title", "Joseph Stalin - Revolution and Power"),
    Furniture("caption", "Иосиф Виссарионович Сталин"),
    Furniture("caption", "Prior to the revolution of 1917, Stalin played an active role…"),
    Furniture("caption", "A group of participants in the 8th Congress of the Russian…"),
    Furniture("caption", "Flowers for Stalin"),
    Furniture("caption", "'Ivan the Terrible'"),
    Furniture("glossary", "коренизация - (Korenizatsiya)…", label="Korenizatsiya"),
    Furniture("caption", "Stalin"),
    Furniture("caption", "NKVD"),
    Furniture("caption", "Сергей Миронович Киро"),
    Furniture("caption", "Sergei Mironovich Kirov"),
    Furniture(
        "glossary",
        "Сергей Миронович Киров (Sergei Mironovich Kirov)…",
        last="The cities of Kirov, Kirovohrad…",
        label="Sergei Mironovich Kirov",
    ),
    Furniture("caption", "Лев Троцкий"),
    Furniture("caption", "Lev Davidovich Bronshtein"),
    Furniture(
        "glossary",
        "Лев Троцкий - Leon Trotsky…",
        last="After leading a failed struggle of the Left Opposition…",
        label="Leon Trotsky",
    ),
    Furniture("caption", "Комсомол"),
    Furniture("caption", "Komsomol Emblem"),
    Furniture("glossary", "Всесоюзный Ленинский Коммунистический союз молодёжи…", label="Komsomol"),
    Furniture("caption", "Stakhanovites"),
    Furniture(
        "glossary",
        "колхоз Kolkhoz, plural kolkhozy…",
        last="The word is a contraction of…",
        label="Kolkhoz",
    ),
)


@dataclass
class _Page:
    """What the article parser sorts the page's lines into."""

    prose: list[SourceLine] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    glossary: list[ParsedNote] = field(default_factory=list)
    short_title: str = ""
    decisions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_web_article(text: str, *, source_file: str) -> ParsedFile:
    lines = _without_chrome(source_lines(text))
    title_line = next((line for line in lines if not line.blank), None)
    page = _sort_page(lines[lines.index(title_line) + 1 :] if title_line else [])
    if not page.prose:
        raise CorpusFormatError(f"{source_file} has no article text to import.")
    title = title_line.text.strip()
    display_title = page.short_title or title
    body, parts = _article_text(page.prose)
    holders = _unique(m["holder"] for c in page.credits if (m := CREDIT.match(c)))
    years = [int(m["year"]) for c in page.credits if (m := CREDIT.match(c))]
    date_start = date(max(years), 1, 1) if years else None
    page.warnings.extend(_lower_case_starts(page.prose))
    document = ParsedDocument(
        key="web-article",
        title=title,
        display_title=display_title,
        text=body,
        kind="encyclopaedia",
        category="secondary",
        authors=[],
        date_start=date_start,
        date_precision="year" if date_start else "",
        date_display=f"{date_start.year} or later" if date_start else "",
        date_source="inferred" if date_start else "",
        origin=_article_origin(page.credits, holders),
        purpose=ARTICLE_PURPOSE,
        audience=ARTICLE_AUDIENCE,
        parts=parts,
        notes=page.glossary,
        **_source_span(page.prose[0], page.prose[-1]),
    )
    return ParsedFile(
        kind="web_article",
        collection_key=f"web-article-{slug(display_title)}",
        collection_title=display_title,
        collection_details={
            "source_type": "Encyclopaedia-style web article",
            "site": "Not named in the text",
            "authorship": "No author named",
            "image_credit_holders": holders,
            "image_credits": _unique(page.credits),
            "image_captions": _unique(page.captions),
            "sources_cited": "None",
        },
        documents=[document],
        warnings=page.warnings,
        decisions=page.decisions,
    )


def _without_chrome(lines: list[SourceLine]) -> list[SourceLine]:
    """Drop the "CONTENTS" button and the footer that starts at the underscore rule."""
    end = next((i for i, line in enumerate(lines) if FOOTER_RULE.match(line.text.strip())), None)
    kept = lines[:end]
    return [line for line in kept if line.text.strip() != "CONTENTS"]


def _sort_page(lines: list[SourceLine]) -> _Page:
    page = _Page()
    matched: set[int] = set()
    for item in ARTICLE_FURNITURE:
        spans = _find(item, lines)
        if not spans:
            page.warnings.append(f"Article furniture not found, left in the text: {item.first!r}")
        for first, last in spans:
            matched.update(range(first, last + 1))
            _file_furniture(item, lines[first : last + 1], page)
    for i, line in enumerate(lines):
        value = line.text.strip()
        if i in matched or line.blank:
            continue
        if CREDIT.match(value):
            page.credits.append(value)
        else:
            page.prose.append(line)
    return page


def _file_furniture(item: Furniture, span: list[SourceLine], page: _Page) -> None:
    values = [single_spaced(line.text) for line in span if not line.blank]
    first, last = span[0].number, span[-1].number
    where = f"lines {first}-{last}" if last > first else f"line {first}"
    if item.kind == "glossary":
        page.glossary.append(ParsedNote(f"Glossary: {item.label}", "\n\n".join(values), None))
    elif item.kind == "caption":
        page.captions.append(values[0])
    else:
        page.short_title = values[0]
    page.decisions.append(f"{where}: {item.kind} {values[0][:50]!r} kept out of the text")


def _find(item: Furniture, lines: list[SourceLine]) -> list[tuple[int, int]]:
    """Index spans (inclusive) of the lines the furniture item covers."""
    spans = []
    for i, line in enumerate(lines):
        if not _matches(item.first, line.text):
            continue
        if not item.last:
            spans.append((i, i))
            continue
        end = next((j for j in range(i, len(lines)) if _matches(item.last, lines[j].text)), None)
        if end is not None:
            spans.append((i, end))
    return spans


def _matches(pattern: str, value: str) -> bool:
    value = _match_form(value)
    if pattern.endswith("…"):
        return value.startswith(_match_form(pattern[:-1]))
    return value == _match_form(pattern)


def _match_form(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _article_text(prose: list[SourceLine]) -> tuple[str, list[ParsedPart]]:
    """Each printed line is a paragraph; section headings open parts (offsets into the text,
    each part starting at its heading)."""
    paragraphs = [single_spaced(line.text) for line in prose]
    text = "\n\n".join(paragraphs)
    heading_indexes = [i for i in range(len(prose)) if _is_heading(prose, i)]
    starts = [sum(len(p) + 2 for p in paragraphs[:i]) for i in heading_indexes]
    ends = [start - 2 for start in starts[1:]] + [len(text)]
    parts = [
        ParsedPart(heading=paragraphs[i], start=start, end=end)
        for i, start, end in zip(heading_indexes, starts, ends, strict=True)
    ]
    return text, parts


def _is_heading(prose: list[SourceLine], i: int) -> bool:
    """A short line standing alone between blank lines, without closing punctuation."""
    number, value = prose[i].number, prose[i].text.strip()
    alone = (i == 0 or prose[i - 1].number < number - 1) and (
        i + 1 == len(prose) or prose[i + 1].number > number + 1
    )
    return (
        alone
        and len(value.split()) <= HEADING_MAX_WORDS
        and not value.endswith(tuple(SENTENCE_END + ":;,"))
    )


def _lower_case_starts(prose: list[SourceLine]) -> list[str]:
    return [
        f"Line {line.number} starts in lower case ({line.text.strip()[:30]!r}…): a letter may "
        "have been lost in extraction; kept as printed."
        for line in prose
        if line.text.strip()[:1].islower()
    ]


def _article_origin(credits: list[str], holders: list[str]) -> str:
    if not credits:
        return "Undated, unsigned web article; no credits printed."
    return (
        f"Undated, unsigned web article. Its images are credited {credits[0]!r}; "
        f"{' and '.join(holders)} holds the image copyright (and may run the site) but is not "
        "named as the author of the text, so no author is recorded. The page is dated no "
        "earlier than the latest credit year."
    )


# --- shared -----------------------------------------------------------------------------------


def _source_span(first: SourceLine, last: SourceLine) -> dict:
    return {
        "source_start_line": first.number,
        "source_end_line": last.number,
        "source_start_offset": first.start,
        "source_end_offset": last.end,
    }


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))
