"""Read an uploaded or bundled corpus file and hand it to the parser for its format.

Formats are recognised by content, never by file name, so a renamed file still imports and a
wrong file is refused with a message a teacher can act on.
"""

import re
import unicodedata
from collections.abc import Callable

from archive.importers.cards import parse_cards
from archive.importers.records import CorpusFormatError, ParsedFile
from archive.importers.web import parse_web_article, parse_web_essay

BINARY_SAMPLE = 8192
MAX_CONTROL_SHARE = 0.1  # more control bytes than this in the sample: not a text file
TEXT_CONTROLS = frozenset(b"\n\r\t\f")
CARD_COUNTER = re.compile(r"^(\d+) of (\d+)\s*$", re.M)
MIN_CARD_COUNTERS = 3
MIN_DOUBLE_SPACED_SHARE = 0.8  # the Works PDF puts an empty line after every text line


def read_corpus_bytes(data: bytes, *, source_file: str) -> str:
    """Decode a corpus file to NFC text with LF line ends, or explain why it cannot be."""
    if not data.strip():
        raise CorpusFormatError(f"{source_file} is empty: there is no text to import.")
    if _looks_binary(data):
        raise CorpusFormatError(
            f"{source_file} is a binary file (an image, PDF or word-processor file?), not "
            "plain text: save it as UTF-8 text and try again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CorpusFormatError(
            f"{source_file} is not UTF-8 text: byte 0x{data[error.start]:02x} at offset "
            f"{error.start} (line {line}) cannot be decoded. Save the file as UTF-8 and try "
            "again."
        ) from error
    if not text.strip():
        raise CorpusFormatError(f"{source_file} is empty: there is no text to import.")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n"))


def parse_corpus_file(data: bytes, *, source_file: str) -> ParsedFile:
    text = read_corpus_bytes(data, source_file=source_file)
    parser = _parser_for(detect_format(text, source_file=source_file))
    return parser(text, source_file=source_file)


def detect_format(text: str, *, source_file: str) -> str:
    """The file's format, named as ParsedFile.kind, judged from its content."""
    if _is_works_volume(text):
        return "works"
    if _is_card_set(text):
        return "cards"
    if _is_stalin_article(text):
        return "web_article"
    if _is_ussr_essay(text):
        return "web_essay"
    raise CorpusFormatError(
        f"{source_file} is not a corpus file Provenance recognises: it is not the Stalin Works "
        "volume (no Biographical Chronicle), a revision-card set (no 'N of M' card counters), "
        "the article 'Joseph Stalin - Revolution and Power' or the USSR website's index page."
    )


def _parser_for(kind: str) -> Callable[..., ParsedFile]:
    if kind == "works":
        # Imported here so the other formats keep working while the Works parser is built.
        from archive.importers.works import parse_works

        return parse_works
    return {"cards": parse_cards, "web_article": parse_web_article, "web_essay": parse_web_essay}[
        kind
    ]


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:BINARY_SAMPLE]
    controls = sum(1 for byte in sample if byte < 32 and byte not in TEXT_CONTROLS)
    return controls / len(sample) > MAX_CONTROL_SHARE


def _is_works_volume(text: str) -> bool:
    """The chronicle heading plus the PDF layout: every text line followed by an empty one."""
    lines = text.split("\n")
    if not any(line.strip().startswith("Biographical Chronicle") for line in lines):
        return False
    followers = lines[1::2]
    empty = sum(1 for line in followers if not line.strip())
    return bool(followers) and empty / len(followers) > MIN_DOUBLE_SPACED_SHARE


def _is_card_set(text: str) -> bool:
    totals = [int(total) for _, total in CARD_COUNTER.findall(text)]
    return len(totals) >= MIN_CARD_COUNTERS and len(set(totals)) == 1


def _is_stalin_article(text: str) -> bool:
    head = [line.strip() for line in text.split("\n")[:10] if line.strip()]
    return (
        len(head) > 1
        and head[0] == "CONTENTS"
        and head[1].startswith("Joseph Stalin")
        and "Revolution and Power" in head[1]
    )


def _is_ussr_essay(text: str) -> bool:
    title = text.lstrip().split("\n", 1)[0]
    return "Union of Soviet Socialist Republics" in title and "October Revolution" in text
