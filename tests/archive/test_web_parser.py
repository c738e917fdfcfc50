"""The web-page parsers on the real essay (000) and article (001)."""

from datetime import date
from pathlib import Path

import pytest

from archive.importers.web import parse_web_article, parse_web_essay

CORPUS = Path(__file__).resolve().parents[2] / "archive" / "corpus"
ESSAY = "000_d14e40c2464dfdba.txt"
ARTICLE = "001_a47e9af67c6b072e.txt"


def _source(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def essay_file():
    return parse_web_essay(_source(ESSAY), source_file=ESSAY)


@pytest.fixture(scope="module")
def essay(essay_file):
    return essay_file.documents[0]


@pytest.fixture(scope="module")
def article_file():
    return parse_web_article(_source(ARTICLE), source_file=ARTICLE)


@pytest.fixture(scope="module")
def article(article_file):
    return article_file.documents[0]


# --- essay ------------------------------------------------------------------------------------


def test_essay_is_one_secondary_web_page(essay_file, essay):
    assert essay_file.kind == "web_essay"
    assert len(essay_file.documents) == 1
    assert (essay.kind, essay.category) == ("web_page", "secondary")
    assert essay.title == essay.display_title == "Union of Soviet Socialist Republics – USSR"
    assert essay_file.collection_key == "web-essay-union-of-soviet-socialist-republics-ussr"


def test_essay_text_is_the_eight_prose_paragraphs(essay):
    assert essay.text.startswith(
        "The world would never be the same after the events of 7th November (25th October"
    )
    assert essay.text.endswith("but also to be able to see where the mistakes were made.")
    assert len(essay.text.split("\n\n")) == 8
    assert (essay.source_start_line, essay.source_end_line) == (9, 23)
    span = _source(ESSAY)[essay.source_start_offset : essay.source_end_offset]
    assert span.startswith("The world would never")
    assert span.endswith("mistakes were made.")


def test_essay_keeps_curly_quotes_and_drops_nbsp(essay):
    assert "‘Bloody Week’" in essay.text
    assert "weren’t" in essay.text
    assert "\u00a0" not in essay.text
    assert "armed revolutionary proletariat.\n\n" in essay.text


@pytest.mark.parametrize(
    "furniture",
    [
        "Lenin at the Smolny Institute",
        "Kudrinskaya Apartment Building",
        "Hilton Moscow Leningradskaya",
        "Don-vip",
        "JV Stalin – Collected Works",
        "The Stalin Society – publications",
        "Celebrate the 104th Anniversary",
        "Union of Soviet Socialist Republics – USSR",
    ],
)
def test_essay_text_has_no_captions_links_or_title(essay, furniture):
    assert furniture not in essay.text


def test_essay_captions_are_listed_once_in_en_dash_form(essay_file):
    captions = essay_file.collection_details["image_captions"]
    assert captions.count("Hilton Moscow Leningradskaya – Don-vip") == 1
    assert "Hilton Moscow Leningradskaya - Don-vip" not in captions
    assert captions.count("Lenin at the Smolny Institute") == 1
    assert len(captions) == len(set(captions)) == 8
    entries = essay_file.collection_details["index_entries"]
    assert entries[0] == "JV Stalin – Collected Works"
    assert (
        entries[-1] == "Celebrate the 104th Anniversary of the Great October Socialist Revolution"
    )
    assert not set(entries) & set(captions)


def test_essay_provenance_is_inferred(essay):
    assert essay.authors == []
    assert essay.date_start == date(2021, 11, 1)
    assert essay.date_end is None
    assert (essay.date_precision, essay.date_source) == ("month", "inferred")
    assert essay.date_display == "November 2021 or later"
    assert "104th Anniversary" in essay.origin
    assert "pro-Soviet" in essay.purpose
    assert "commemorative" in essay.purpose


# --- article ----------------------------------------------------------------------------------


def test_article_is_one_secondary_encyclopaedia_entry(article_file, article):
    assert article_file.kind == "web_article"
    assert len(article_file.documents) == 1
    assert (article.kind, article.category) == ("encyclopaedia", "secondary")
    assert article.title == "Joseph Stalin - Иосиф Сталин - Revolution and Power"
    assert article.display_title == "Joseph Stalin - Revolution and Power"
    assert article_file.collection_key == "web-article-joseph-stalin-revolution-and-power"


def test_article_text_first_and_last_words(article):
    assert article.text.startswith(
        "Role during the Russian Revolution of 1917\n\n"
        "After returning to Petrograd on March 12, 1917 from exile in the village of Kostino"
    )
    assert article.text.endswith('"Trotskyism or Leninism", and "The Principles of Leninism."')
    assert (article.source_start_line, article.source_end_line) == (10, 402)


@pytest.mark.parametrize(
    "furniture",
    [
        "CONTENTS",
        "click below for information about",
        "_____",
        "© Copyright",
        "Peter Crawford",
        "Here he is shown on a 1911 information card",
        "In the middle are Stalin, Vladimir Lenin, and Mikhail Kalinin",
        "Flowers for Stalin",
        "Komsomol Emblem",
        "Lev Davidovich Bronshtein",
        "Иосиф",
        "korenization",  # glossary boxes
        "Kirovakan",
        "Ramón Mercader",
        "ВЛКСМ",
        "sovkhozy",
    ],
)
def test_article_text_has_no_chrome_captions_or_glossary(article, furniture):
    assert furniture not in article.text


@pytest.mark.parametrize("caption", ["Stalin", "NKVD", "Stakhanovites", "'Ivan the Terrible'"])
def test_one_word_captions_are_gone_but_the_words_stay_in_the_prose(article, caption):
    assert caption not in article.text.split("\n\n")


def test_article_keeps_the_prose_between_furniture(article):
    assert "These peasants were about 60% of the population." in article.text
    assert "Workers who exceeded their quotas, Stakhanovites, received" in article.text
    assert "Stalin's hand-picked executioner, Vasili Blokhin" in article.text
    assert "\u00a0" not in article.text
    assert "everely debilitated" in article.text  # kept as printed, flagged below


def test_article_glossary_boxes_become_unanchored_notes(article):
    assert [note.label for note in article.notes] == [
        "Glossary: Korenizatsiya",
        "Glossary: Sergei Mironovich Kirov",
        "Glossary: Leon Trotsky",
        "Glossary: Komsomol",
        "Glossary: Kolkhoz",
    ]
    assert all(note.marker_offset is None for note in article.notes)
    kirov = article.notes[1].text
    assert kirov.startswith("Серге́й Миро́нович Ки́ров (Sergei Mironovich Kirov)")
    assert kirov.endswith("Vanadzor and Ganja, respectively.")
    trotsky = article.notes[2].text.split("\n\n")
    assert trotsky[0].startswith("Лев Троцкий - Leon Trotsky - born Lev Davidovich Bronshtein")
    assert trotsky[-1].endswith("by Ramón Mercader, a Spanish-born Soviet agent in August 1940")


def test_article_sections_become_parts(article):
    headings = [part.heading for part in article.parts]
    assert len(headings) == 24
    assert headings[0] == "Role during the Russian Revolution of 1917"
    assert "Stalin's image in propaganda and the mass media" in headings
    assert headings[-1] == "Stalin the Theorist"
    for part in article.parts:
        assert article.text[part.start :].startswith(part.heading)
    assert article.parts[-1].end == len(article.text)


def test_article_provenance_is_inferred_from_the_image_credit(article_file, article):
    assert article.authors == []
    assert "Peter Crawford" in article.origin
    assert article.date_start == date(2014, 1, 1)
    assert (article.date_precision, article.date_source) == ("year", "inferred")
    assert article.date_display == "2014 or later"
    assert "no sources" in article.purpose
    assert "Derivative" in article.purpose
    assert article_file.collection_details["image_credits"] == ["© Copyright Peter Crawford 2014"]
    assert article_file.collection_details["image_captions"].count("Stalin") == 1


def test_article_review_notes(article_file):
    assert any("Line 68 starts in lower case" in w for w in article_file.warnings)
    assert not any("not found" in w for w in article_file.warnings)
    assert any(d.startswith("lines 231-233: glossary") for d in article_file.decisions)
