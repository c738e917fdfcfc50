"""Parser for J. V. Stalin, *Works*, vol. 4 (Moscow, 1953; Marxists Internet Archive transcription).

The file is a PDF extraction (see /work/shared/corpus/README.md). Every text line is followed
by an empty line; a paragraph break is empty/whitespace/empty, a page break three empty lines,
and the rest of a document's last page a long blank run. A document is read top-down as

    header (title, subtitle, date lines) | body | closing block | notes

and the volume ends with the Biographical Chronicle. Repairs keep the source's words: hyphens
are decided by the volume's own usage (``text.Lexicon``), footnote markers are cut out of the
text and kept as offsets, and whatever no rule can decide comes from ``works_overrides``.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise

from archive.importers import works_overrides as overrides
from archive.importers.records import (
    CorpusFormatError,
    ParsedChronicleEntry,
    ParsedDocument,
    ParsedFile,
    ParsedNote,
    ParsedPart,
)
from archive.importers.text import (
    HyphenRepairer,
    Lexicon,
    collapse_spaces,
    ends_sentence,
    first_word,
    normalise,
)

SOURCE_FILE = "003_987b735f64f89366.txt"
COLLECTION_KEY = "stalin-works-4"
COLLECTION_TITLE = "J. V. Stalin, Works, Vol. 4: November 1917 – 1920"
COLLECTION_DETAILS = {
    "author": "J. V. Stalin",
    "work": "Works",
    "volume": 4,
    "period": "November 1917 – 1920",
    "edition": "English edition, translated from the Russian",
    "publisher": "Foreign Languages Publishing House",
    "place": "Moscow",
    "year": 1953,
    "transcription": "Marxists Internet Archive",
    "calendar_note": "Dates up to early February 1918 are printed in the Old Style.",
}
DEFAULT_AUTHOR = "J. V. Stalin"
# 1 February 1918 (O.S.) became 14 February (N.S.); no printed date falls in between.
CALENDAR_SWITCH = date(1918, 2, 1)
VOLUME_YEARS = range(1917, 1921)

MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
MONTH = "(?:" + "|".join(MONTH_NAMES) + ")"
DAY_DATE_RE = re.compile(
    rf"(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})"
    rf"(?:\s*(?:-|and)\s*(?:(?P<m2>{MONTH})\s+)?(?P<d2>\d{{1,2}}))?"
    r"\s*[,-]?\s*(?P<year>1[89]\d\d)"
)
MONTH_DATE_RE = re.compile(rf"(?P<m1>{MONTH})(?:\s*-\s*(?P<m2>{MONTH}))?,?\s+(?P<year>1[89]\d\d)")
ANNOTATION_RE = re.compile(r"^(?P<text>.*?)\s*(?P<note>\([^()]*\))?$")


def _unnamed(pattern: re.Pattern[str]) -> str:
    """A date pattern's source without its group names, to embed it in other patterns."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)


DATE = f"(?:{_unnamed(DAY_DATE_RE)}|{_unnamed(MONTH_DATE_RE)})"

# Layout: a blank run this long ends a document (README: "10 or more").
END_RUN = 10
# A line ending a sentence this far short of the text width ends its paragraph.
PARAGRAPH_SLACK = 10
DEFAULT_WIDTH = 96


# --- dates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedDate:
    display: str
    start: date | None
    end: date | None
    precision: str  # day, month


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_day_match(match: re.Match[str]) -> PrintedDate:
    year = int(match["year"])
    first_month = MONTHS[match["m1"]]
    start = _day(year, first_month, int(match["d1"]))
    end = None
    if match["d2"]:
        end = _day(year, MONTHS[match["m2"] or match["m1"]], int(match["d2"]))
    display = match["date"] if "date" in match.re.groupindex else match.group(0)
    return PrintedDate(display.strip(), start, end, "day")


def parse_date(text: str) -> PrintedDate | None:
    """A whole-string printed date: "May 10-16, 1918", "March 26 and 27, 1918", "July 1920"."""
    text = text.strip()
    if match := DAY_DATE_RE.fullmatch(text):
        return _from_day_match(match)
    if match := MONTH_DATE_RE.fullmatch(text):
        year = int(match["year"])
        start = date(year, MONTHS[match["m1"]], 1)
        end = date(year, MONTHS[match["m2"]], 1) if match["m2"] else None
        return PrintedDate(text, start, end, "month")
    return None


def search_day_date(text: str) -> PrintedDate | None:
    match = DAY_DATE_RE.search(text)
    return _from_day_match(match) if match else None


def calendar_of(day: date | None) -> str:
    if day is None:
        return ""
    return "old_style" if day < CALENDAR_SWITCH else "new_style"


def _same_date(a: PrintedDate, b: PrintedDate) -> bool:
    return (a.start, a.end) == (b.start, b.end)


# --- lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the file
    start: int  # offset of the first printed character
    end: int  # offset after the last printed character
    text: str  # spaces collapsed
    sep: str  # what follows: "line", "para" (a paragraph break) or "end" (a document end)
    page_break: bool = False  # a page ends after this line


def read_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    blanks: list[str] = []
    offset = 0
    pending: tuple[int, int, str] | None = None  # the last text line, waiting for its blanks
    for number, row in enumerate(text.split("\n"), start=1):
        if row.strip():
            if pending:
                lines.append(_line(*pending, blanks))
            pending, blanks = (number, offset, row), []
        else:
            blanks.append(row)
        offset += len(row) + 1
    if pending:
        lines.append(_line(*pending, blanks))
    return lines


def _line(number: int, offset: int, row: str, blanks: list[str]) -> Line:
    sep, page_break = _separator(blanks)
    start = offset + len(row) - len(row.lstrip())
    end = offset + len(row.rstrip())
    return Line(number, start, end, collapse_spaces(row), sep, page_break)


def _separator(blanks: list[str]) -> tuple[str, bool]:
    pattern = "".join("W" if blank else "E" for blank in blanks)
    page_break = "EEE" in pattern
    if len(pattern) >= END_RUN:
        return "end", True
    return ("para" if "W" in pattern else "line"), page_break


# --- review trail -------------------------------------------------------------------------


@dataclass
class Report:
    """Warnings and override decisions, each prefixed with the document it concerns."""

    warnings: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    subject: str = ""

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.subject}: {message}" if self.subject else message)

    def decide(self, message: str) -> None:
        self.decisions.append(f"{self.subject}: {message}" if self.subject else message)

    def collect(self, repairer: HyphenRepairer) -> None:
        for guess in repairer.guesses:
            self.warn(guess)
        for repair in repairer.applied:
            self.decide(f"works_overrides.{repair}")
        repairer.guesses.clear()
        repairer.applied.clear()


# --- splitting the volume ------------------------------------------------------------------

HEADER_META_RE = re.compile(r"^(?P<key>Date|Written|First Published|Published):\s*(?P<value>.*)$")
YEAR_DIVIDER_RE = re.compile(r"^19\d\d$")


def split_volume(lines: list[Line]) -> tuple[list[list[Line]], list[Line]]:
    """Documents (each a list of lines, year dividers dropped) and the chronicle's lines."""
    documents: list[list[Line]] = []
    for index, line in enumerate(lines):
        if _starts_chronicle(lines, index):
            chronicle = lines[index:]
            break
        previous = documents[-1][-1] if documents else None
        if previous is None or previous.sep == "end" or _starts_document(lines, index):
            documents.append([])
        documents[-1].append(line)
    else:
        raise CorpusFormatError("no Biographical Chronicle: not the Works, vol. 4 file")
    return [_without_year_divider(doc) for doc in documents], chronicle


def _starts_chronicle(lines: list[Line], index: int) -> bool:
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    return lines[index].text == "Volume 4" and following.startswith("Biographical Chronicle")


def _starts_document(lines: list[Line], index: int) -> bool:
    """Every document starts on a new page with a header: title lines, then a date line."""
    if not lines[index - 1].page_break:
        return False
    header = _header_lines(lines[index : index + 6])
    if header is None or len(header) < 2:
        return False
    title, *rest = (line.text for line in header)
    if _is_dated_line(title) or closing_kind(title) or not title[:1].isupper():
        return False
    return any(_is_dated_line(text) for text in rest)


def _header_lines(lines: list[Line]) -> list[Line] | None:
    for count, line in enumerate(lines, start=1):
        if line.sep != "line":
            return lines[:count] if line.sep == "para" else None
    return None


def _is_dated_line(text: str) -> bool:
    text = strip_trailing_marker(text)[0]
    return bool(HEADER_META_RE.match(text) or parse_date(ANNOTATION_RE.match(text)["text"]))


def _without_year_divider(lines: list[Line]) -> list[Line]:
    first = lines[0]
    if YEAR_DIVIDER_RE.match(first.text) and first.sep == "para" and len(lines) > 1:
        return lines[1:]
    return lines


# --- footnote markers ----------------------------------------------------------------------

TRAILING_MARKER_RES = (
    re.compile(r"^(?P<label>\d{1,2})$"),  # a marker on a line of its own
    re.compile(r"\s*\((?P<label>\d{1,2})\)$"),  # "Written: May 25, 1919 (1)"
    re.compile(r"(?<=\d{4})\s+(?P<label>\d{1,2})$"),  # "May 10-16, 1918 1"
)
WORD_MARKER_RE = re.compile(r"(?<=[A-Za-z.)])\s?(?P<label>\d{1,2})$")  # "Republic1", "Itself 1"
# Words after which a number is a number, not a footnote marker ("No. 1", "May 10").
NUMBER_CONTEXT_RE = re.compile(
    rf"(?:\b(?:No|Nos|no|p|pp|Vol|vol)\.|\b(?:and|or|to|of|the|at|by|{MONTH}))$"
)
CONTEXT_CHARS = 12  # enough text before a number to see the word it follows


def _after_number_word(text: str, position: int) -> bool:
    before = text[max(0, position - CONTEXT_CHARS) : position].rstrip()
    return bool(NUMBER_CONTEXT_RE.search(before))


def strip_trailing_marker(text: str) -> tuple[str, str | None]:
    """A header line without the footnote marker it ends with, and the marker's label."""
    for pattern in TRAILING_MARKER_RES:
        if match := pattern.search(text):
            return text[: match.start()].rstrip(), match["label"]
    match = WORD_MARKER_RE.search(text)
    if match and not _after_number_word(text, match.start()):
        return text[: match.start()].rstrip(), match["label"]
    return text, None


def _marker_patterns(label: str) -> list[re.Pattern[str]]:
    if not label.isdigit():
        return [re.compile(rf"(?<=[.!?]) {label}(?=\n|$)")]  # "movement. A" ending a paragraph
    after_word = r"(?<=[A-Za-z,;:.!?\"”’')\]])"
    glued_end = r"(?![\d])(?=[\s.,;:!?)\"”’]|$)"
    spaced_end = r"(?![\d]|,\d)(?=[\s.,;:!?\"”’]|$)"  # not "about 3,000"
    return [
        re.compile(rf" ?\({label}\)"),  # "6th. (1) Despite", "Loshad(1) has"
        re.compile(rf" ?\[{label}\]"),  # "documents [1] which"
        re.compile(after_word + label + glued_end),  # "power1 which", "Vremya,1 No. 97"
        re.compile(after_word + " " + label + spaced_end),  # "Osel, 1 when"
    ]


def _find_marker(text: str, label: str, position: int) -> tuple[int, int] | None:
    best = None
    for pattern in _marker_patterns(label):
        for match in pattern.finditer(text, position):
            if not _after_number_word(text, match.start()):
                if best is None or match.start() < best[0]:
                    best = match.span()
                break
    return best


def cut_markers(text: str, labels: list[str]) -> tuple[str, dict[str, int], list[tuple[int, int]]]:
    """Remove the markers of ``labels`` (searched in order) from ``text``.

    Returns the clean text, each found label's offset in it and the removed spans (in ``text``).
    """
    spans: list[tuple[int, int, str]] = []
    position = 0
    for label in labels:
        span = _find_marker(text, label, position)
        if span:
            spans.append((*span, label))
            position = span[1]
    pieces, offsets, removed = [], {}, 0
    cursor = 0
    for start, end, label in spans:
        pieces.append(text[cursor:start])
        offsets[label] = start - removed
        removed += end - start
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), offsets, [(start, end) for start, end, _ in spans]


def shifted(offset: int, removed: list[tuple[int, int]]) -> int:
    return offset - sum(end - start for start, end in removed if end <= offset)


# --- header --------------------------------------------------------------------------------

SUBTITLE_SPLIT_RE = re.compile(
    r"\.?\s+(?=(?:Speech|Report) [Dd]elivered\b)|\.\s+(?=(?:Pravda|Izvestia) Interview\b)"
)
CONTINUING_WORDS = frozenset(
    {"a", "and", "at", "by", "for", "from", "in", "of", "on", "the", "to", "with"}
)
EMBEDDED_DATE_RE = re.compile(rf"\s*(?P<date>{DAY_DATE_RE.pattern})\s*(?P<note>\([^()]*\))?$")
WRAPPED_TITLE_LENGTH = 75  # a header line this long was wrapped, the next one continues it


@dataclass
class Header:
    title: str = ""
    subtitle: str = ""
    place: str = ""
    dates: list[PrintedDate] = field(default_factory=list)  # date lines, "Date:", "Written:"
    embedded: list[PrintedDate] = field(default_factory=list)  # dates ending a subtitle line
    published: list[str] = field(default_factory=list)  # "First Published: …" as printed
    markers: list[str] = field(default_factory=list)  # footnote labels marked in the header
    body_lines: list[Line] = field(default_factory=list)  # header lines that are body text


def parse_header(lines: list[Line], report: Report) -> Header:
    header = Header()
    texts: list[str] = []  # title and subtitle lines
    annotations: list[str] = []  # "(Newspaper Report)" and the like
    published: list[list[str]] = []  # "First Published:" entries, with their wrapped lines
    meta: list[str] | None = None  # the entry a wrapped line continues
    for line in lines:
        text = _header_text(line, header, report)
        text, label = strip_trailing_marker(text or "")
        header.markers += [label] if label else []
        if not text:
            continue
        if match := HEADER_META_RE.match(text):
            meta = _read_meta(match, header)
            published += [meta] if meta else []
        elif printed := _date_line(text):
            header.dates.append(printed[0])
            annotations += printed[1:]
        elif meta is not None:
            meta.append(text)  # "First Published: in the symposium … in" / "1919, Moscow, 1941"
        else:
            if texts and (match := EMBEDDED_DATE_RE.search(text)):
                header.embedded.append(_from_day_match(match))  # kept in the subtitle as printed
            texts.append(text)
    header.published = [" ".join(entry).rstrip(";") for entry in published]
    _read_title(header, texts, annotations)
    return header


def _header_text(line: Line, header: Header, report: Report) -> str | None:
    if line.number not in overrides.HEADER_LINES:
        return line.text
    printed, action = overrides.HEADER_LINES[line.number]
    if line.text != printed:
        report.warn(f"header override for line {line.number} not applied: {line.text!r}")
        return line.text
    if action == "body":
        header.body_lines.append(line)
        report.decide(f"line {line.number} {printed!r} is body text (a section heading)")
        return None
    fragment = printed[: DAY_DATE_RE.search(printed).start()]
    report.decide(f"line {line.number}: fragment {fragment.strip()!r} dropped from the header")
    return printed[len(fragment) :]


def _date_line(text: str) -> tuple[PrintedDate, ...] | None:
    match = ANNOTATION_RE.match(text)
    printed = parse_date(match["text"])
    if printed is None:
        return None
    return (printed, match["note"]) if match["note"] else (printed,)


def _read_meta(match: re.Match[str], header: Header) -> list[str] | None:
    """Read "Date:"/"Written:" into the header; a "Published:" line starts an entry."""
    key, value = match["key"], match["value"]
    if key in ("Date", "Written"):
        place, _, when = value.partition(", ")
        if when and place.isalpha() and parse_date(when):
            header.place = place  # "Written: Moscow, September 18, 1918"
            value = when
        if printed := parse_date(value):
            header.dates.append(printed)
        return None
    return [match.group(0)]


def _read_title(header: Header, texts: list[str], annotations: list[str]) -> None:
    groups: list[list[str]] = []
    for text in texts:
        if groups and _continues_title(groups[-1][-1], text):
            groups[-1].append(text)
        else:
            groups.append([text])
    title = " ".join(groups[0]) if groups else ""
    subtitles = [" ".join(group) for group in groups[1:]]
    if split := SUBTITLE_SPLIT_RE.search(title):
        title, subtitles = title[: split.start()], [title[split.end() :], *subtitles]
    if len(groups) > 1 and _is_place(groups[0][-1], groups[1]):
        header.place = groups[1][0]  # "… Labour Party," / "Helsingfors"
    header.title = title.rstrip(" .,;:")
    header.subtitle = " ".join(s.rstrip(" .,;:") for s in [*subtitles, *annotations] if s)


def _continues_title(previous: str, text: str) -> bool:
    if _is_place(previous, [text]):
        return False
    last_word = previous.rsplit(maxsplit=1)[-1].lower()
    return (
        text[:1].islower()
        or previous.endswith(",")
        or last_word in CONTINUING_WORDS
        or len(previous) >= WRAPPED_TITLE_LENGTH
    )


def _is_place(previous: str, group: list[str]) -> bool:
    """A lone capitalised word after a line ending with a comma: the place of a speech."""
    word = group[0]
    return len(group) == 1 and previous.endswith(",") and word.isalpha() and word.istitle()


# --- notes ---------------------------------------------------------------------------------

NOTE_LABEL_RE = re.compile(
    r"^(?:\((?P<paren>\d{1,2})\)|(?P<number>\d{1,2})\.(?!\d)|(?P<letter>A)\.)\s*"
)
RULE_RE = re.compile(r"^_{5,}$")


def split_notes(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """The document's content and its notes: after a "Notes" heading, or unheaded "(1) …"."""
    for index, line in enumerate(lines):
        if line.text == "Notes":
            content = lines[:index]
            while content and RULE_RE.match(content[-1].text):
                content = content[:-1]
            return content, lines[index + 1 :]
    for index in range(1, len(lines)):
        if _starts_unheaded_notes(lines, index):
            return lines[:index], lines[index:]
    return lines, []


def _starts_unheaded_notes(lines: list[Line], index: int) -> bool:
    previous, line = lines[index - 1], lines[index]
    if previous.sep == "line" and not previous.page_break:
        return False  # a note starts a paragraph
    if line.text.startswith("(1) "):
        return True
    return bool(re.match(r"1\.\s?[A-Z]", line.text)) and closing_kind(previous.text) is not None


def parse_notes(lines: list[Line], repairer: HyphenRepairer) -> list[tuple[str, str]]:
    """(label, text) of each note; a note runs until the line starting the next label."""
    notes: list[tuple[str, list[Line]]] = []
    for line in lines:
        match = NOTE_LABEL_RE.match(line.text)
        label = match and (match["paren"] or match["number"] or match["letter"])
        if label and label in _next_labels(notes):
            notes.append((label, [replace(line, text=line.text[match.end() :])]))
        elif notes:
            notes[-1][1].append(line)
    return [(label, render_blocks(note_lines, repairer)) for label, note_lines in notes]


def _next_labels(notes: list[tuple[str, list[Line]]]) -> tuple[str, ...]:
    if not notes:
        return ("1", "A")  # "A." is the transcriber's note
    last = notes[-1][0]
    return (str(int(last) + 1),) if last.isdigit() else ()


def render_blocks(lines: list[Line], repairer: HyphenRepairer) -> str:
    blocks = paragraph_blocks(lines, text_width(lines))
    return "\n\n".join(repairer.paragraph([line.text for line in block]) for block in blocks)


# --- closing block -------------------------------------------------------------------------

NAME = (
    r"(?:J\.\s?V\.\s?|J\.\s?)?Stalin|J\.\s?St\.|V\.\s?Ulyanov[- ]\(?Lenin\)?|Lenin"
    r"|(?:K\.\s?(?:E\.\s?)?)?Voroshilov|F\.\s?(?:E\.\s?)?Dzerzhinsky"
)
NAME_RE = re.compile(NAME)
CLOSING_PATTERNS = (
    ("name", re.compile(rf"^(?:Signed\s*:?\s*)?(?:Yours,\s*)?(?:{NAME})(?:\s+(?:{NAME}))*\.?$")),
    (
        "title",
        re.compile(
            r"^(?:People['’]?s'? Commissar.*|Chairman\b.*|Member of\b.*|On behalf of\b.*"
            r"|Revolutionary Military Council of\b.*|The Commission:|Yours,)$"
        ),
    ),
    (
        "date",
        re.compile(rf"^(?:[A-Z][A-Za-z-]+,\s+)?{DATE}(?:,\s*\d+(?:\.\d+)?\s*[ap]\.\s?m\.)?\.?$"),
    ),
    ("place", re.compile(r"^[A-Z][a-z]+,$")),
    (
        "publication",
        re.compile(
            r"^(?:The magazine )?[A-Z][A-Za-z’'. ]+(?: \([A-Za-z ]+\))?,? Nos?[.,]? ?\d+\b.*\d{4}$"
            r"|^[A-Z][A-Za-z’'. ]+, Nos?\. \d+,$"  # "Zhizn Natsionalnostei, No. 3," / date
            r"|^[A-Z].*\bPublishing House\b.*\d{4}$"
        ),
    ),
    (
        "first_publication",
        re.compile(
            r"^(?:First published|Published for the first time|Written in|Reproduced from)\b"
        ),
    ),
    ("remark", re.compile(r"^Editorial$")),
)
POSTSCRIPT_RE = re.compile(r"^P\.\s?S\.")


def closing_kind(text: str) -> str | None:
    for kind, pattern in CLOSING_PATTERNS:
        if pattern.match(text):
            return kind
    return None


@dataclass
class Closing:
    signature: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    dates: list[PrintedDate] = field(default_factory=list)
    publications: list[str] = field(default_factory=list)
    first_publications: list[str] = field(default_factory=list)


CLOSING_WINDOW = 30  # closing blocks, with a postscript, fit in a document's last lines


@dataclass
class Ending:
    """A document's content split at its end (see ``split_closing``)."""

    body: list[Line]
    postscript: list[Line] = field(default_factory=list)
    postscript_closing: list[Line] = field(default_factory=list)  # "Kursk," / "January 7, 1920"
    closing: list[Line] = field(default_factory=list)


def split_closing(lines: list[Line]) -> Ending:
    """Body, postscript (a "P. S." after the signature belongs to the body) and closing lines.

    When the closing before the postscript is already dated, a place and date right after the
    postscript are the postscript's own ("Serpukhov, December 26, 1919 / Signed: J. Stalin /
    P. S. … / Kursk, / January 7, 1920"): they stay in the text with it.
    """
    kinds = closing_kinds(lines)
    tail = _closing_start(kinds, len(lines))
    postscript = next(
        (i for i in range(tail - 1, 0, -1) if POSTSCRIPT_RE.match(lines[i].text) and kinds[i - 1]),
        None,
    )
    if postscript is not None:
        before = _closing_start(kinds, postscript)
        if "name" in kinds[before:postscript]:
            own = tail
            if "date" in kinds[before:postscript]:
                while own < len(lines) and kinds[own] == "place":
                    own += 1
                own += 1 if own < len(lines) and kinds[own] == "date" else 0
                own = own if kinds[own - 1] == "date" else tail
            closing = lines[before:postscript] + lines[own:]
            return Ending(lines[:before], lines[postscript:tail], lines[tail:own], closing)
    return Ending(lines[:tail], closing=lines[tail:])


def closing_kinds(lines: list[Line]) -> list[str | None]:
    """The closing kind of each of the last lines (None further up, and for body lines)."""
    kinds: list[str | None] = [None] * len(lines)
    for index in range(max(0, len(lines) - CLOSING_WINDOW), len(lines)):
        kinds[index] = closing_kind(lines[index].text)
        if index and kinds[index - 1] in ("first_publication", "continuation"):
            previous = lines[index - 1].text
            if previous.endswith(",") or previous[-1:].islower():
                kinds[index] = "continuation"  # "First published in 1945," / "in Lenin …"
    return kinds


def _closing_start(kinds: list[str | None], end: int) -> int:
    """Walk back over closing lines: names, titles above a name, places before a date, …"""
    index, named, dated = end, False, False
    while index > 0:
        kind = kinds[index - 1]
        if kind is None or (kind == "title" and not named) or (kind == "place" and not dated):
            break
        named, dated = named or kind == "name", dated or kind == "date"
        index -= 1
    return index


def parse_closing(lines: list[Line]) -> Closing:
    closing = Closing()
    place = ""
    for line, kind in zip(lines, closing_kinds(lines), strict=True):
        text = line.text
        if kind in ("name", "title"):
            # A reprint signs again after its publication line ("Signed: J. Stalin"): once is
            # enough for the signature.
            if kind == "title" or text not in closing.signature:
                closing.signature.append(text)
            closing.authors += [_author(name) for name in NAME_RE.findall(text)]
        elif kind == "place":
            place = text.rstrip(",")
        elif kind == "date":
            _read_closing_date(closing, text, place)
            place = ""
        elif kind == "continuation":
            _extend_last(closing, text)
        elif kind == "first_publication":
            closing.first_publications.append(text)
        else:
            closing.publications.append(text)
    return closing


def _read_closing_date(closing: Closing, text: str, place: str) -> None:
    if closing.publications and closing.publications[-1].endswith(","):
        closing.publications[-1] += " " + text  # "Zhizn Natsionalnostei, No. 3," / "November …"
        return
    match = re.match(r"^([A-Z][A-Za-z-]+),\s+(?=[A-Z])", text)
    if match and match[1] not in MONTHS:
        place, text = match[1], text[match.end() :]
    closing.places += [place] if place else []
    when = re.sub(r",\s*\d+(?:\.\d+)?\s*[ap]\.\s?m\.$", "", text.rstrip("."))
    if printed := parse_date(when):
        closing.dates.append(printed)


def _extend_last(closing: Closing, text: str) -> None:
    entries = closing.first_publications or closing.publications
    entries[-1] += " " + text


AUTHOR_NAMES = (
    ("Ulyanov", "V. I. Lenin"),
    ("Lenin", "V. I. Lenin"),
    ("Voroshilov", "K. E. Voroshilov"),
    ("Dzerzhinsky", "F. E. Dzerzhinsky"),
)


def _author(printed: str) -> str:
    """Signatures as the volume's editors name people ("V. Ulyanov-Lenin" -> "V. I. Lenin")."""
    return next((name for key, name in AUTHOR_NAMES if key in printed), DEFAULT_AUTHOR)


# --- body ----------------------------------------------------------------------------------

ROMAN_RE = re.compile(r"^[IVX]{1,4}$")
ORNAMENT_RE = re.compile(r"^\*+$")
LOWER_RE = re.compile(r"[a-z]")
UPPER_RE = re.compile(r"[A-Z]")
NUMBERED_HEADING_RE = re.compile(
    rf"^(?P<number>\d{{1,2}})\.\s+(?P<title>.+?)(?:\s+(?P<date>{MONTH} \d{{1,2}}))?$"
)
PART_DATE_RE = re.compile(
    rf"^(?P<date>{MONTH} \d{{1,2}}(?:, \d{{4}})?)(?:\s*(?P<note>\([^()]*\)))?$"
)
MERGE_MIN_LENGTH = 60  # a paragraph this long ending mid-sentence was split by the extraction


def text_width(lines: list[Line]) -> int:
    """The printed text width in characters: long lines, but not the few over-long ones."""
    lengths = sorted(len(line.text) for line in lines)
    if len(lengths) < 20:
        return DEFAULT_WIDTH
    return max(lengths[int(len(lengths) * 0.9)], 80)


def paragraph_blocks(
    lines: list[Line], width: int, report: Report | None = None
) -> list[list[Line]]:
    """Lines grouped into paragraphs: printed breaks, plus a sentence ending a short line."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for index, line in enumerate(lines):
        current.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is None or line.sep != "line" or _ends_paragraph(line, following, width):
            blocks.append(current)
            current = []
    return _merge_broken_sentences(blocks, report)


def _ends_paragraph(line: Line, following: Line, width: int) -> bool:
    # The next line's first word would have fitted: the line was ended on purpose. A heading
    # in capitals is left to ``heading_of``, which also takes the date printed under it.
    room = width - len(line.text) - 1 - len(first_word(following.text))
    return ends_sentence(line.text) and room >= PARAGRAPH_SLACK and not _is_capitals(line.text)


def _merge_broken_sentences(blocks: list[list[Line]], report: Report | None) -> list[list[Line]]:
    merged: list[list[Line]] = []
    for block in blocks:
        if merged and _breaks_sentence(merged[-1], block, report):
            merged[-1] = merged[-1] + block
        else:
            merged.append(block)
    return merged


def _breaks_sentence(block: list[Line], following: list[Line], report: Report | None) -> bool:
    """A printed paragraph break in mid-sentence ("… in Estland," / "Latvia, …")."""
    last, next_text = block[-1].text, following[0].text
    if block[-1].number in overrides.PARAGRAPH_JOINS and report:
        return _override_join(block[-1], report)
    long_enough = sum(len(line.text) for line in block) >= MERGE_MIN_LENGTH
    last_word = last.rsplit(maxsplit=1)[-1]
    # A sentence runs on after a comma or a word like "the", or into a small letter or a list
    # number ("… bound up" / "4) with the military question").
    mid_sentence = (
        last.endswith(",")
        or last_word in CONTINUING_WORDS
        or (last[-1:].islower() and (next_text[:1].islower() or next_text[:1].isdigit()))
    )
    headings = _only_heading(block) or _only_heading(following)
    return long_enough and mid_sentence and not headings


def _only_heading(block: list[Line]) -> bool:
    heading = heading_of(block)
    return heading is not None and heading.lines >= len(block)


def _override_join(line: Line, report: Report) -> bool:
    printed = overrides.PARAGRAPH_JOINS[line.number]
    if not line.text.endswith(printed):
        report.warn(f"paragraph-join override for line {line.number} not applied")
        return False
    report.decide(f"paragraph break after line {line.number} ('…{printed}') joined")
    return True


@dataclass(frozen=True)
class Heading:
    text: str
    lines: int  # how many lines of its block the heading takes
    part: bool  # numbered and roman headings divide the document into parts
    date: str = ""  # "January 15", printed under or beside the heading


def heading_of(block: list[Line]) -> Heading | None:
    texts = [line.text for line in block]
    if ORNAMENT_RE.match(texts[0]):
        return Heading(texts[0], 1, part=False)  # "***" between sections
    if ROMAN_RE.match(texts[0]) and len(texts) > 1 and len(texts[1]) <= 80:
        return Heading(f"{texts[0]}. {texts[1]}", 2, part=True)
    if (match := NUMBERED_HEADING_RE.match(texts[0])) and _is_capitals(match["title"]):
        return _numbered_heading(texts, match)
    if _is_capitals(texts[0]):
        count = _capital_lines(texts, 0)
        return Heading(" ".join(texts[:count]), count, part=False)
    if len(texts) > 1 and parse_date(texts[0]):
        return Heading(texts[0], 1, part=False)  # "February-March 1918" opening a section
    return None


def _is_capitals(text: str) -> bool:
    return not LOWER_RE.search(text) and len(UPPER_RE.findall(text)) >= 4


def _capital_lines(texts: list[str], start: int) -> int:
    count = start + 1
    while count < len(texts) and _is_capitals(texts[count]):
        count += 1
    return count


def _numbered_heading(texts: list[str], match: re.Match[str]) -> Heading:
    count = _capital_lines(texts, 0)
    heading = [texts[0][: match.start("date")].rstrip() if match["date"] else texts[0]]
    heading += texts[1:count]
    when = match["date"] or ""
    # "3. REPLY TO THE DISCUSSION ON THE REPORT" / "On the National Question" / "January 15"
    dated_next = count + 1 < len(texts) and PART_DATE_RE.match(texts[count + 1])
    if dated_next and not ends_sentence(texts[count]):
        heading.append(texts[count])
        count += 1
    if not when and count < len(texts) and (date_match := PART_DATE_RE.match(texts[count])):
        when = date_match["date"]
        heading += [date_match["note"]] if date_match["note"] else []
        count += 1
    return Heading(" ".join(heading), count, part=True, date=when)


@dataclass
class Body:
    text: str
    parts: list[Heading]
    part_starts: list[int]


def render_body(blocks: list[list[Line]], repairer: HyphenRepairer) -> Body:
    paragraphs: list[str] = []
    parts: list[Heading] = []
    starts: list[int] = []
    for block in blocks:
        rest = block
        while rest and (heading := heading_of(rest)):  # "***" may stand above a heading
            if heading.part:
                parts.append(heading)
                starts.append(_joined_length(paragraphs))
            paragraphs.append(heading.text)
            rest = rest[heading.lines :]
        if rest:
            paragraphs.append(repairer.paragraph([line.text for line in rest]))
    return Body("\n\n".join(paragraphs), parts, starts)


def _joined_length(paragraphs: list[str]) -> int:
    """Where the next paragraph will start once ``paragraphs`` are joined by blank lines."""
    return sum(len(p) + 2 for p in paragraphs)


# --- Biographical Chronicle ----------------------------------------------------------------

CHRONICLE_QUALIFIERS = "Night of|Not earlier than|Before|Prior to|Early|Beginning of|End of|Late"
CHRONICLE_DATE_RE = re.compile(
    rf"^(?P<qualifier>(?:{CHRONICLE_QUALIFIERS}) )?(?P<m1>{MONTH})(?: (?P<d1>\d{{1,2}}))?"
    rf"(?:\((?P<old>\d{{1,2}})\))?(?:\s*(?:-|and)\s*(?:(?P<m2>{MONTH}) )?(?P<d2>\d{{1,2}}))?$"
)
# "… leaves Smolensk for Moscow. September 26 J. V. Stalin takes part …": two entries run on.
INLINE_CHRONICLE_DATE_RE = re.compile(rf"(?<=[.!?]) ({MONTH} \d{{1,2}}) (?=[A-Z])")
CHRONICLE_YEAR_RE = re.compile(r"^1 9 \d \d$")  # only "1 9 1 7" survives
CHRONICLE_MARKER_RE = re.compile(r"(?<=[.)]) (?P<label>\d)$")  # "February 21(8) 1"


@dataclass
class Chronicle:
    title: str = ""
    entries: list[ParsedChronicleEntry] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    dates_by_line: dict[int, PrintedDate] = field(default_factory=dict)  # by date line

    def date_quoting(self, title: str) -> PrintedDate | None:
        """The date of the entry naming the document in quotes ("… article, "Two Years," …")."""
        quoted = re.compile(r"[\"“]" + re.escape(title.rstrip(".!?").lower()) + r"[,.!?\"”]")
        for entry in self.entries:
            if entry.date_start and quoted.search(entry.text.lower()):
                display = f"{entry.date_display}, {entry.date_start.year}"
                return PrintedDate(display, entry.date_start, entry.date_end, entry.date_precision)
        return None


@dataclass
class ChronicleCursor:
    """The year of the entries, inferred from the month order: a smaller month is a new year."""

    year: int = 1917
    month: int = 0

    def year_of(self, month: int) -> int:
        if month < self.month:
            self.year += 1
        self.month = month
        return self.year


def parse_chronicle(lines: list[Line], repairer: HyphenRepairer, report: Report) -> Chronicle:
    chronicle = Chronicle(title=lines[1].text if len(lines) > 1 else "")
    lines = lines[2:]
    notes_at = next((i for i, line in enumerate(lines) if line.text == "Notes"), len(lines))
    marked: dict[str, int] = {}
    days: list[tuple[Line, list[Line]]] = []
    for line in lines[:notes_at]:
        if CHRONICLE_YEAR_RE.match(line.text):
            continue
        text = line.text
        if match := CHRONICLE_MARKER_RE.search(text):
            marked[match["label"]] = line.number
            text = text[: match.start()]
        if CHRONICLE_DATE_RE.match(text):
            days.append((replace(line, text=text), []))
        elif days:
            days[-1][1].append(replace(line, text=text))
    cursor = ChronicleCursor(year=_first_year(lines))
    width = text_width([line for _, events in days for line in events])
    for date_line, event_lines in days:
        for block in paragraph_blocks(event_lines, width):
            _add_entries(chronicle, date_line, block, repairer, cursor, report)
    chronicle.notes = [
        {"label": label, "text": text, "entry_line": marked.get(label)}
        for label, text in parse_notes(lines[notes_at + 1 :], repairer)
    ]
    _check_order(chronicle.entries, report)
    return chronicle


def _first_year(lines: list[Line]) -> int:
    header = next((line.text for line in lines if CHRONICLE_YEAR_RE.match(line.text)), "1 9 1 7")
    return int(header.replace(" ", ""))


def _add_entries(
    chronicle: Chronicle,
    date_line: Line,
    block: list[Line],
    repairer: HyphenRepairer,
    cursor: ChronicleCursor,
    report: Report,
) -> None:
    text = repairer.paragraph([line.text for line in block])
    pieces = INLINE_CHRONICLE_DATE_RE.split(text)
    # split() alternates texts and the dates that start the following text.
    displays = [date_line.text, *pieces[1::2]]
    for display, piece in zip(displays, pieces[0::2], strict=True):
        is_first = display is date_line.text
        printed = _chronicle_date(display, cursor, date_line.number if is_first else 0, report)
        if is_first and printed.start:
            chronicle.dates_by_line.setdefault(date_line.number, printed)
        chronicle.entries.append(
            ParsedChronicleEntry(
                date_display=display,
                date_start=printed.start,
                date_end=printed.end,
                date_precision=printed.precision,
                text=piece.strip(),
                source_line=block[0].number,
                calendar=calendar_of(printed.start or printed.end),
            )
        )


def _chronicle_date(
    display: str, cursor: ChronicleCursor, line: int, report: Report
) -> PrintedDate:
    match = CHRONICLE_DATE_RE.match(display)
    month = MONTHS[match["m1"]]
    year = cursor.year_of(month)
    day = int(match["d1"]) if match["d1"] else None
    if line in overrides.CHRONICLE_DATE_FIXES:
        printed, (month, day) = overrides.CHRONICLE_DATE_FIXES[line]
        meant = f"{MONTH_NAMES[month - 1]} {day}"
        report.decide(f"chronicle date {printed!r} on line {line} read as {meant}")
    start = _day(year, month, day or 1)
    if day and start is None:
        report.warn(f"chronicle date {display!r} on line {line} is not a calendar date")
    end = None
    if match["d2"]:
        end = _day(year, MONTHS[match["m2"] or match["m1"]], int(match["d2"]))
    if match["qualifier"] in ("Before ", "Prior to "):
        start, end = None, start  # known only as an upper bound
    return PrintedDate(f"{display}, {year}", start, end, "day" if day else "month")


def _check_order(entries: list[ParsedChronicleEntry], report: Report) -> None:
    for previous, entry in pairwise(entries):
        if chronicle_before(entry, previous):
            report.warn(f"chronicle entry on line {entry.source_line} is dated before the last")


def chronicle_before(entry: ParsedChronicleEntry, previous: ParsedChronicleEntry) -> bool:
    """Is ``entry`` earlier than ``previous``? A month-only date is compared by its month."""
    current, earlier = entry.date_start or entry.date_end, previous.date_start or previous.date_end
    if current is None or earlier is None:
        return False
    if "month" in (entry.date_precision, previous.date_precision):
        return (current.year, current.month) < (earlier.year, earlier.month)
    return current < earlier


# --- documents -----------------------------------------------------------------------------

KIND_RULES = (
    (re.compile(r"\bInterview\b"), "interview"),
    (re.compile(r"\bTelegram\b|\bTelephone Message\b|\bDirect Wire\b"), "telegram"),
    (re.compile(r"\bOrder\b"), "decree"),
    (re.compile(r"\bResolution\b"), "resolution"),
    (re.compile(r"\bSpeech(?:es)?\b"), "speech"),
    (re.compile(r"\bReport\b"), "report"),
    (re.compile(r"\bLetter\b"), "letter"),
)
INITIALS_RE = re.compile(r"\b([A-Z])\.(?=[A-Z]\. [A-Z][a-z])")  # "V.I. Lenin", not "R.C.P."


@dataclass
class Dating:
    printed: PrintedDate | None = None
    second: str = ""
    source: str = ""


class DocumentParser:
    """Turns one document's lines into a ``ParsedDocument``."""

    def __init__(self, repairer: HyphenRepairer, chronicle: Chronicle, report: Report) -> None:
        self.repairer = repairer
        self.chronicle = chronicle
        self.report = report

    def parse(self, lines: list[Line], number: int) -> ParsedDocument:
        key = f"works-{number:03d}"
        first = lines[0].number
        header_count = len(_header_lines(lines) or lines[:1])
        self.report.subject = self.repairer.subject = key
        header = parse_header(lines[:header_count], self.report)
        content, note_lines = split_notes(header.body_lines + lines[header_count:])
        ending = split_closing(content)
        closing = parse_closing(ending.closing)
        width = text_width(ending.body)
        blocks = paragraph_blocks(ending.body, width, self.report)
        blocks += paragraph_blocks(ending.postscript, width, self.report)
        blocks += [ending.postscript_closing] if ending.postscript_closing else []
        body = render_body(blocks, self.repairer)
        notes = parse_notes(note_lines, self.repairer)
        text, notes, removed = self._link_notes(body.text, notes, header.markers)
        title = self._title(first, header.title)
        dating = self._dating(first, header, closing, body, title)
        printed = dating.printed
        first_published = header.published + closing.first_publications
        printed_in = header.published + closing.publications + closing.first_publications
        document = ParsedDocument(
            key=key,
            title=header.title,
            display_title=title,
            text=text,
            kind=self._kind(first, header),
            category="primary",
            subtitle=header.subtitle,
            authors=_authors(closing),
            date_start=printed.start if printed else None,
            date_end=printed.end if printed else None,
            date_precision=printed.precision if printed else "",
            calendar=calendar_of(printed.start if printed else None),
            date_display=printed.display if printed else "",
            second_date_display=dating.second,
            date_source=dating.source,
            origin="; ".join(first_published) or "; ".join(closing.publications),
            publication="; ".join(printed_in),
            place=(closing.places or [header.place or _place_in_title(header)])[0],
            signature="\n".join(closing.signature),
            parts=self._parts(body, text, removed, printed),
            notes=notes,
            source_start_line=first,
            source_end_line=lines[-1].number,
            source_start_offset=lines[0].start,
            source_end_offset=lines[-1].end,
        )
        _extend_to_parts(document)
        self.report.collect(self.repairer)
        return document

    def _link_notes(
        self, text: str, notes: list[tuple[str, str]], header_markers: list[str]
    ) -> tuple[str, list[ParsedNote], list[tuple[int, int]]]:
        labels = [label for label, _ in notes if label not in header_markers]
        text, offsets, removed = cut_markers(text, labels)
        for label in labels:
            if label not in offsets:
                self.report.warn(f"no marker found in the text for note {label}")
        parsed = [ParsedNote(label, note, offsets.get(label)) for label, note in notes]
        return text, parsed, removed

    def _title(self, first: int, printed: str) -> str:
        display = INITIALS_RE.sub(r"\1. ", printed)  # "V.I. Lenin" -> "V. I. Lenin"
        if first in overrides.DISPLAY_TITLES:
            expected, corrected = overrides.DISPLAY_TITLES[first]
            if expected != printed:
                self.report.warn(f"display-title override not applied, title is {printed!r}")
            else:
                self.report.decide(f"display title {printed!r} corrected to {corrected!r}")
                return corrected
        return display

    def _kind(self, first: int, header: Header) -> str:
        if first in overrides.KINDS:
            expected, kind = overrides.KINDS[first]
            if header.title.startswith(expected):
                self.report.decide(f"kind {kind!r} (works_overrides.KINDS)")
                return kind
            self.report.warn(f"kind override not applied, title is {header.title!r}")
        heading = f"{header.title} {header.subtitle}"
        return next((kind for rule, kind in KIND_RULES if rule.search(heading)), "article")

    def _dating(
        self, first: int, header: Header, closing: Closing, body: Body, display_title: str
    ) -> Dating:
        """Header date > "Date:"/"Written:" > a subtitle's date > the closing date > the first
        publication (if within the volume's years) > the Biographical Chronicle."""
        written = header.dates + header.embedded + closing.dates
        published = [d for t in header.published if (d := search_day_date(t))]
        published = [d for d in published if d.start and d.start.year in VOLUME_YEARS]
        candidates = written + published
        if candidates:
            primary = candidates[0]
            year = primary.start.year if primary.start else None
            part_days = {when.start for h in body.parts if (when := _part_date(h.date, year))}
            others = [
                d.display
                for d in written[1:]
                if not _same_date(d, primary) and d.start not in part_days
            ]
            return Dating(primary, others[0] if others else "", "document")
        printed = self._chronicle_date(first, header.title, display_title)
        if printed is None:
            self.report.warn("no date in the document and none found in the chronicle")
            return Dating()
        return Dating(printed, "", "chronicle")

    def _chronicle_date(self, first: int, title: str, display_title: str) -> PrintedDate | None:
        if first in overrides.CHRONICLE_DATES:
            expected, line = overrides.CHRONICLE_DATES[first]
            printed = self.chronicle.dates_by_line.get(line)
            if expected == title and printed:
                self.report.decide(f"dated {printed.display} by the chronicle entry on line {line}")
                return printed
            self.report.warn(f"chronicle-date override not applied for {title!r}")
        return self.chronicle.date_quoting(display_title)

    def _parts(
        self,
        body: Body,
        text: str,
        removed: list[tuple[int, int]],
        printed: PrintedDate | None,
    ) -> list[ParsedPart]:
        starts = [shifted(start, removed) for start in body.part_starts]
        ends = [start - 2 for start in starts[1:]] + [len(text)] if starts else []
        year = printed.start.year if printed and printed.start else None
        parts = []
        for heading, start, end in zip(body.parts, starts, ends, strict=True):
            when = _part_date(heading.date, year)
            parts.append(
                ParsedPart(
                    heading=heading.text,
                    start=start,
                    end=end,
                    date_display=heading.date,
                    date_start=when.start if when else None,
                    date_end=when.end if when else None,
                )
            )
        return parts


def _part_date(printed: str, year: int | None) -> PrintedDate | None:
    if not printed:
        return None
    if full := parse_date(printed):
        return full
    return parse_date(f"{printed}, {year}") if year else None


def _extend_to_parts(document: ParsedDocument) -> None:
    """A document whose parts were delivered on later days ends on the last part's day."""
    last = max((p.date_end or p.date_start for p in document.parts if p.date_start), default=None)
    if last and document.date_start and last > (document.date_end or document.date_start):
        document.date_end = last


def _authors(closing: Closing) -> list[str]:
    return list(dict.fromkeys([DEFAULT_AUTHOR, *closing.authors]))


def _place_in_title(header: Header) -> str:
    """Where a speech was made, if its title or subtitle says: "… in Vyatka", "held in …"."""
    if match := re.search(r"\bheld in ([A-Z][a-z]+)", header.subtitle):
        return match[1]
    speech = header.title.startswith(("Speech", "Report"))
    if speech and (match := re.search(r"\bin ([A-Z][a-z]+)$", header.title)):
        return match[1]
    return ""


# --- entry point ---------------------------------------------------------------------------


def parse_works(text: str, *, source_file: str = SOURCE_FILE) -> ParsedFile:
    """Parse the Works, vol. 4 file into its documents and its Biographical Chronicle."""
    lines = read_lines(normalise(_checked(text)))
    document_lines, chronicle_lines = split_volume(lines)
    lexicon = Lexicon(line.text for line in lines)
    repairer = HyphenRepairer(lexicon, overrides.TEXT_REPAIRS, overrides.HYPHENS)
    report = Report(subject="chronicle")
    repairer.subject = "chronicle"
    chronicle = parse_chronicle(chronicle_lines, repairer, report)
    report.collect(repairer)
    parser = DocumentParser(repairer, chronicle, report)
    documents = [parser.parse(doc, number) for number, doc in enumerate(document_lines, start=1)]
    report.subject = ""
    _report_unused_overrides(repairer, report)
    details = {
        **COLLECTION_DETAILS,
        "source_file": source_file,
        "chronicle_title": chronicle.title,
        "chronicle_notes": chronicle.notes,
    }
    return ParsedFile(
        kind="works",
        collection_key=COLLECTION_KEY,
        collection_title=COLLECTION_TITLE,
        collection_details=details,
        documents=documents,
        chronicle=chronicle.entries,
        warnings=report.warnings,
        decisions=report.decisions,
        hyphens=repairer.log,
    )


def _report_unused_overrides(repairer: HyphenRepairer, report: Report) -> None:
    """A table entry that never applied means the source changed under it: say so."""
    for printed in overrides.TEXT_REPAIRS:
        if printed not in repairer.used:
            report.warn(f"works_overrides.TEXT_REPAIRS entry {printed!r} not applied")
    for printed in overrides.HYPHENS:
        if printed.lower() not in repairer.used:
            report.warn(f"works_overrides.HYPHENS entry {printed!r} not applied")


def _checked(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CorpusFormatError("empty file")
    if "\x00" in text:
        raise CorpusFormatError("binary data, not a text file")
    return text
