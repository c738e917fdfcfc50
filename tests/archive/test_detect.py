"""Reading corpus bytes and recognising a file's format by its content."""

import re
from pathlib import Path

import pytest

from archive.importers.detect import detect_format, parse_corpus_file, read_corpus_bytes
from archive.importers.records import CorpusFormatError

CORPUS = Path(__file__).resolve().parents[2] / "archive" / "corpus"


@pytest.fixture(scope="module")
def corpus_bytes():
    return {path.name[:3]: path.read_bytes() for path in CORPUS.glob("*.txt")}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "upload.txt is empty"),
        (b" \n\n  \n", "upload.txt is empty"),
        (b"\x00\x01PNG\r\n\x1a\n", "upload.txt is a binary file"),
        (bytes(range(1, 32)) * 10, "upload.txt is a binary file"),
        (b"caf\xe9", "upload.txt is not UTF-8 text: byte 0xe9 at offset 3 (line 1)"),
        (b"line one\nline two\ncaf\xe9\n", "byte 0xe9 at offset 21 (line 3)"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, message):
    with pytest.raises(CorpusFormatError, match=re.escape(message)):
        read_corpus_bytes(data, source_file="upload.txt")


def test_unrelated_text_is_refused():
    with pytest.raises(CorpusFormatError) as refused:
        parse_corpus_file(b"Dear parents,\nThe trip is on Friday.\n", source_file="letter.txt")
    assert str(refused.value).startswith("letter.txt is not a corpus file Provenance recognises: ")


def test_text_is_nfc_with_lf_and_no_bom():
    data = "\ufeffCafe\u0301\r\nline two\r\n".encode()
    assert read_corpus_bytes(data, source_file="x.txt") == "Caf\u00e9\nline two\n"


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("000", "web_essay"),
        ("001", "web_article"),
        ("002", "cards"),
        ("003", "works"),
        ("004", "cards"),
    ],
)
def test_real_files_are_recognised_by_content(corpus_bytes, prefix, kind):
    text = read_corpus_bytes(corpus_bytes[prefix], source_file="renamed.txt")
    assert detect_format(text, source_file="renamed.txt") == kind


@pytest.mark.parametrize(
    ("prefix", "kind", "documents"),
    [
        ("000", "web_essay", 1),
        ("001", "web_article", 1),
        ("002", "cards", 68),
        ("004", "cards", 32),
    ],
)
def test_real_files_are_parsed_whatever_their_name(corpus_bytes, prefix, kind, documents):
    parsed = parse_corpus_file(corpus_bytes[prefix], source_file="upload.txt")
    assert parsed.kind == kind
    assert len(parsed.documents) == documents
