"""Parser for the revision-card sets (corpus files 002 and 004).

A set opens with its title (and sometimes a one-line description) ending in a run of blank
lines; each card then ends with a counter line "N of M". A card's first non-bullet line is its
heading; the rest is bullets, sub-headings and prose. After the last card comes the website's
trailer (comments, links), which is never imported: it holds other people's names.

The files carry no explicit topics, but a heading is repeated on consecutive cards ("Stalin's
Purges" ×13) with small variants ("The 5-Year-Plans" / "The Five-Year-Plans"), so a topic is a
run of consecutive cards whose headings agree once those variants are ignored.
"""

import re
import unicodedata
from dataclasses import dataclass

from archive.importers.records import CorpusFormatError, ParsedDocument, ParsedFile

COUNTER = re.compile(r"^(\d+) of (\d+)$")
BULLET = re.compile(r"^(\s*)•\s*(.*)$")
EXAM_UNIT = re.compile(r"\b(aqa|edexcel|ocr|wjec|eduqas|cie)\s+([a-z]?\d+[a-z]?)\b", re.IGNORECASE)
SUBJECT_AND_PERIOD = re.compile(r"(\w+)\s+(\d{4}\s*-\s*\d{2,4})$")
TRAILING_PERIOD = re.compile(r"\(?\b\d{4}(\s*[-–]\s*\d{1,4})?\)?$")
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6"}

PURPOSE = (
    "Student revision notes condensing a textbook account for exam revision: unsourced, "
    "written by a learner, with spelling slips and some factual errors. Check every claim "
    "against the sources."
)
AUDIENCE = "Students revising for an AS/A-level Russian history exam"


@dataclass(frozen=True)
class SourceLine:
    number: int  # 1-based
    start: int  # character offsets into the source text
    end: int  # end of the line's content, newline excluded
    text: str  # cleaned: NFC, NBSP as space, trailing whitespace removed

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def parse_cards(text: str, *, source_file: str) -> ParsedFile:
    lines = source_lines(text)
    counters = _counter_indexes(lines, source_file)
    set_title, description, first_card = _read_header(lines, counters[0], source_file)
    key_part = _collection_key_part(set_title)
    documents, warnings = _read_cards(lines, counters, first_card, source_file)
    trailer = [line for line in lines[counters[-1] + 1 :] if not line.blank]
    if trailer:
        # Count only: the trailer's comments carry commenters' names and must not be stored.
        warnings.append(
            f"Website trailer after the last card ({len(trailer)} lines: comments, links) "
            "was not imported."
        )
    return ParsedFile(
        kind="cards",
        collection_key=f"cards-{key_part}",
        collection_title=set_title,
        collection_details=_collection_details(set_title, description, len(documents)),
        documents=documents,
        warnings=warnings,
    )


def source_lines(text: str) -> list[SourceLine]:
    lines, offset = [], 0
    for number, raw in enumerate(text.split("\n"), start=1):
        lines.append(SourceLine(number, offset, offset + len(raw), clean(raw)))
        offset += len(raw) + 1
    return lines


def clean(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).replace("\u00a0", " ").rstrip()


def _counter_indexes(lines: list[SourceLine], source_file: str) -> list[int]:
    """Indexes of the "N of M" lines, checked to run 1..M without gaps."""
    found = [(i, COUNTER.match(line.text.strip())) for i, line in enumerate(lines)]
    counters = [(i, int(m[1]), int(m[2])) for i, m in found if m]
    if not counters:
        raise CorpusFormatError(f"{source_file} has no 'N of M' card counters.")
    total = counters[0][2]
    numbers = [number for _, number, _ in counters]
    if numbers != list(range(1, total + 1)) or any(t != total for _, _, t in counters):
        raise CorpusFormatError(
            f"{source_file}: card counters do not run 1 of {total} … {total} of {total} "
            f"(found {', '.join(map(str, numbers))})."
        )
    return [i for i, _, _ in counters]


def _read_header(
    lines: list[SourceLine], first_counter: int, source_file: str
) -> tuple[str, str, int]:
    """Set title, description and the index where the first card starts.

    The header ends at the first run of two or more blank lines; inside cards blank runs
    only separate bullet groups, so the first such run before card 1 closes the header.
    """
    content = [i for i in range(first_counter) if not lines[i].blank]
    if not content:
        raise CorpusFormatError(f"{source_file} has no set title or card before '1 of …'.")
    title_index = content[0]
    for i in range(title_index + 1, first_counter - 1):
        if lines[i].blank and lines[i + 1].blank:
            description = " ".join(lines[j].text.strip() for j in content if title_index < j < i)
            return lines[title_index].text.strip(), description, i
    return lines[title_index].text.strip(), "", title_index + 1


def _read_cards(
    lines: list[SourceLine], counters: list[int], first_card: int, source_file: str
) -> tuple[list[ParsedDocument], list[str]]:
    base_indent = min(
        len(m[1]) for line in lines[first_card : counters[-1]] if (m := BULLET.match(line.text))
    )
    documents: list[ParsedDocument] = []
    warnings: list[str] = []
    start, topic_key = first_card, ""
    for number, counter in enumerate(counters, start=1):
        content = [line for line in lines[start:counter] if not line.blank]
        if not content:
            raise CorpusFormatError(f"{source_file}: card {number} of {len(counters)} is empty.")
        heading = "" if BULLET.match(content[0].text) else content[0].text.strip()
        if heading:
            if _topic_key(heading) != topic_key:
                topic, topic_key = heading, _topic_key(heading)
            title = heading
        else:
            if not documents:
                raise CorpusFormatError(f"{source_file}: card 1 has no title.")
            previous = documents[-1]
            topic, title = previous.topic, f"{previous.title} (continued)"
            warnings.append(
                f"Card {number} has no title: it continues card {number - 1}, so it was given "
                f"topic {topic!r} and title {title!r}."
            )
        documents.append(
            ParsedDocument(
                key=f"card-{number:03d}",
                title=title,
                display_title=title,
                text=_card_text(content[1:] if heading else content, base_indent),
                kind="revision_card",
                category="learner_notes",
                purpose=PURPOSE,
                audience=AUDIENCE,
                card_number=number,
                topic=topic,
                source_start_line=content[0].number,
                source_end_line=lines[counter].number,
                source_start_offset=content[0].start,
                source_end_offset=lines[counter].end,
            )
        )
        start = counter + 1
    return documents, warnings


def _card_text(content: list[SourceLine], base_indent: int) -> str:
    """Paragraphs and sub-headings as blocks; a run of bullets is one block, an item a line."""
    blocks: list[list[str]] = []
    previous: SourceLine | None = None
    for line in content:
        bullet = BULLET.match(line.text)
        # A bullet joins the list above only when no blank line separates them.
        continues_list = (
            previous is not None
            and previous.number == line.number - 1
            and BULLET.match(previous.text) is not None
        )
        if bullet and continues_list:
            blocks[-1].append(_bullet_item(bullet, base_indent))
        elif bullet:
            blocks.append([_bullet_item(bullet, base_indent)])
        else:
            blocks.append([single_spaced(line.text)])
        previous = line
    return "\n\n".join("\n".join(block) for block in blocks)


def _bullet_item(bullet: re.Match, base_indent: int) -> str:
    level = max(0, (len(bullet[1]) - base_indent) // 2)
    return "  " * level + "• " + single_spaced(bullet[2])


def single_spaced(value: str) -> str:
    """Runs of spaces inside a line are typing slips, not content."""
    return re.sub(r" {2,}", " ", value.strip())


def _topic_key(heading: str) -> str:
    """Heading with article, trailing dates, case, punctuation and number spelling ignored."""
    key = TRAILING_PERIOD.sub("", heading.casefold().strip()).strip()
    for word, digit in NUMBER_WORDS.items():
        key = re.sub(rf"\b{word}\b", digit, key)
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"[\W_]+", "", key)


def _collection_key_part(set_title: str) -> str:
    """An exam unit ("edexcel D4") names a set best; otherwise its subject and period."""
    if unit := EXAM_UNIT.search(set_title):
        return slug(f"{unit[1]} {unit[2]}")
    if subject := SUBJECT_AND_PERIOD.search(set_title):
        return slug(f"{subject[1]} {subject[2]}")
    return slug(set_title)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.casefold().replace("'", "")).strip("-")


def _collection_details(set_title: str, description: str, card_count: int) -> dict:
    details = {
        "source_type": "Revision card set published on a student revision website",
        "set_title": set_title,
        "card_count": card_count,
        "authorship": "Unsourced learner notes; the author is not named in the text",
        "reliability": "Learner notes with errors: check against the sources",
    }
    if description:
        details["description"] = description
    if unit := EXAM_UNIT.search(set_title):
        details["exam_unit"] = f"{unit[1]} {unit[2]}"
    return details
