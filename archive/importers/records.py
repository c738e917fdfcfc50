"""Plain records the corpus parsers produce and the importer writes.

Parsers are pure functions (text in, records out) with no Django import, so they are tested
without a database and reused by the management command and the admin upload alike.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ParsedNote:
    label: str  # "1", "2", "A" … as printed
    text: str
    marker_offset: int | None  # offset in ParsedDocument.text where the marker stood, if found


@dataclass(frozen=True)
class ParsedPart:
    heading: str
    start: int  # offsets into ParsedDocument.text
    end: int
    date_display: str = ""
    date_start: date | None = None
    date_end: date | None = None


@dataclass
class ParsedDocument:
    key: str  # stable identity inside its file, e.g. "works-001"; re-imports match on (file, key)
    title: str  # as printed
    display_title: str  # corrected title for display
    text: str  # clean text: paragraphs separated by "\n\n", no markers, no artefacts
    kind: str  # speech, article, telegram, letter, report, interview, resolution, decree,
    #            web_page, encyclopaedia, revision_card
    category: str  # primary, secondary, learner_notes
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    date_start: date | None = None
    date_end: date | None = None
    date_precision: str = ""  # day, month, year, "" when unknown
    calendar: str = ""  # old_style, new_style, ""
    date_display: str = ""  # as printed
    second_date_display: str = ""  # a second / conflicting date as printed
    date_source: str = ""  # "document", "chronicle", "inferred"
    origin: str = ""  # e.g. "First published in Pravda, No. 1, 1918"
    publication: str = ""  # publication lines as printed
    place: str = ""
    signature: str = ""
    purpose: str = ""  # viewpoint, when it can be inferred
    audience: str = ""
    card_number: int | None = None
    topic: str = ""
    parts: list[ParsedPart] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)
    source_start_line: int = 0  # 1-based, inclusive
    source_end_line: int = 0
    source_start_offset: int = 0  # character offsets into the source file
    source_end_offset: int = 0


@dataclass(frozen=True)
class ParsedChronicleEntry:
    date_display: str
    date_start: date | None
    date_end: date | None
    date_precision: str
    text: str
    source_line: int
    calendar: str = ""  # old_style, new_style, "" (the chronicle switches on 21 February 1918)


@dataclass(frozen=True)
class HyphenChoice:
    """One hyphen decision: "left-right" joined or kept, and the rule (or override) behind it."""

    subject: str  # "works-001", "chronicle"
    left: str
    right: str
    where: str  # "line_end", "spaced" or "inline"
    joined: bool
    rule: str  # see text.decide_hyphen; "override" for the reviewed table, "guess" if undecided


@dataclass
class ParsedFile:
    kind: str  # "works", "cards", "web_essay", "web_article"
    collection_key: str
    collection_title: str
    collection_details: dict  # bibliographic provenance: editor, publisher, year, url hints…
    documents: list[ParsedDocument]
    chronicle: list[ParsedChronicleEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # things needing a human review
    decisions: list[str] = field(default_factory=list)  # every override-table decision applied
    hyphens: list[HyphenChoice] = field(default_factory=list)  # every hyphen decided, and how


class CorpusFormatError(ValueError):
    """The file is empty, binary, not UTF-8 or not a corpus file we recognise."""
