"""The revision-card parser on the two real card sets (corpus files 002 and 004)."""

from pathlib import Path

import pytest

from archive.importers.cards import parse_cards
from archive.importers.records import CorpusFormatError

CORPUS = Path(__file__).resolve().parents[2] / "archive" / "corpus"
RUSSIA = "002_df4bd9e8e2d07b5b.txt"
EDEXCEL = "004_4bb221f8193243df.txt"

# The people and comments in 004's trailer, read off the file: none may be imported.
COMMENTERS = ("Karman Bains", "Georgina Mackay", "Edward")
COMMENT_TEXT = (
    "Good set of cards",
    "really good for revision",
    "Truly incredible",
    "these helped me loads",
    "anyone else agree",
    "Similar History resources",
    "See all History resources",
)


def _source(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def russia():
    return parse_cards(_source(RUSSIA), source_file=RUSSIA)


@pytest.fixture(scope="module")
def edexcel():
    return parse_cards(_source(EDEXCEL), source_file=EDEXCEL)


def _card(parsed, number):
    return parsed.documents[number - 1]


def test_russia_has_68_cards_numbered_in_order(russia):
    assert [doc.card_number for doc in russia.documents] == list(range(1, 69))
    assert [doc.key for doc in russia.documents][:2] == ["card-001", "card-002"]
    assert russia.documents[-1].key == "card-068"


def test_edexcel_has_32_cards_numbered_in_order(edexcel):
    assert [doc.card_number for doc in edexcel.documents] == list(range(1, 33))


def test_collections_are_named_from_the_set_titles(russia, edexcel):
    assert russia.kind == edexcel.kind == "cards"
    assert russia.collection_key == "cards-russia-1918-56"
    assert russia.collection_title == "Bolshevik and Stalinist Russia 1918-56"
    assert edexcel.collection_key == "cards-edexcel-d4"
    assert edexcel.collection_title == (
        "AS Level Russian History; edexcel D4: Stalin's Russia 1924-1953"
    )
    assert edexcel.collection_details["exam_unit"] == "edexcel D4"
    assert edexcel.collection_details["description"] == (
        "Complete set of revision cards for the above topic; good luck!"
    )
    assert "check against the sources" in russia.collection_details["reliability"]


def test_every_card_is_unsourced_learner_notes(russia, edexcel):
    for doc in russia.documents + edexcel.documents:
        assert (doc.kind, doc.category, doc.authors) == ("revision_card", "learner_notes", [])
        assert doc.purpose
        assert doc.title
        assert doc.display_title == doc.title


# number, title, topic, start of text, end of text: read by hand from 002.
RUSSIA_BY_HAND = [
    (
        1,
        "The Bolshevik Consolidation of Power Under Lenin",
        "The Bolshevik Consolidation of Power Under Lenin",
        "• Bolsheviks were a Marxist revolutionary party founded in 1903",
        "• Could they bring economic stability to Russia?",
    ),
    (
        3,
        "The Bolshevik Consolidation of Power Under Lenin",
        "The Bolshevik Consolidation of Power Under Lenin",
        "The stucture of power under the Bolsheviks:\n\n• Reality was altogether different",
        "rather than the bottom up",
    ),
    (
        9,
        "Russian Civil War",
        "The Russian Civil War 1918-20",
        "A war over food?\n\n• On occasion, fighting was desperate struggle for food",
        "• June: workforce in Petrograd had shrunk by 60%",
    ),
    (
        15,
        "War Communism (1918-21)",
        "War Communism (1918-21)",
        "End of War Communism:\n\n• By 1921, grim economic situation",
        "• ending of private ownership\n• the persecution of peasants",
    ),
    (
        41,
        "The Defeat of the Right",
        "The Defeat of the Right",
        "• Major representatives of the Right were Rykov, Tomsky and Bukharin",
        "as this would make them resentful and less productive",
    ),
    (
        50,
        "Stalin and the Soviet Economy",
        "Stalin and the Soviet Economy",
        "The First Five Year Plan 1928-32\n\n• First FYP laid down what was to be achieved",
        "• New quotas hopelessly unrealistic and stood no change of being reached",
    ),
    (
        68,
        "Stalin's Purges",
        "Stalin's Purges",
        "The Leningrad Affair\n\n• as he grew older, Stalin became more suspicious",
        "prevented by death of Stalin in March 1953",
    ),
]

# The same, read by hand from 004.
EDEXCEL_BY_HAND = [
    (
        1,
        "Bolshevism after the war and Lenin's Legacy",
        "Bolshevism after the war and Lenin's Legacy",
        "• The Bolsheviks weren't very strong after the war",
        "but his views weren't truly Marxist, which would be a problem in a revolution",
    ),
    (
        2,
        "The Potential Candidates",
        "The Potential Candidates",
        "Kamenev had a secure power base in Moscow (Moscow Soviet)",
        "he gave inspirrational speeches to troops whom he visited.",
    ),
    (
        12,
        "Collectivisation of Agriculture",
        "Collectivisation of agriculture",
        "Collectivisation increased the hold the state had on the countryside:",
        "TO MONITOR THE PEASANTS) for example.",
    ),
    (
        14,
        "The Five-Year-Plans",
        "The 5-Year-Plans",
        "• Tractor factories built in Stalingrad and Cars built in Moscow",
        "• New system of wages inspired greater effort for more pay",
    ),
    (
        26,
        "Culture under Stalin",
        "Culture under Stalin",
        "RAPP closed in 1932. Sholokov wrote of peolpe struggling",
        "buildings were more traditional ('wedding cake architecture')",
    ),
    (
        32,
        "Stalin's Legacy",
        "Stalin's Legacy",
        "Attacked by Khrushchev (Stalin's successor) after 1953",
        "and he was buried in Moscow.",
    ),
]


@pytest.mark.parametrize(("number", "title", "topic", "start", "end"), RUSSIA_BY_HAND)
def test_russia_cards_match_the_file(russia, number, title, topic, start, end):
    card = _card(russia, number)
    assert (card.card_number, card.title, card.topic) == (number, title, topic)
    assert card.text.startswith(start)
    assert card.text.endswith(end)


@pytest.mark.parametrize(("number", "title", "topic", "start", "end"), EDEXCEL_BY_HAND)
def test_edexcel_cards_match_the_file(edexcel, number, title, topic, start, end):
    card = _card(edexcel, number)
    assert (card.card_number, card.title, card.topic) == (number, title, topic)
    assert card.text.startswith(start)
    assert card.text.endswith(end)


def test_untitled_card_continues_the_previous_topic(russia):
    card = _card(russia, 24)
    assert card.title == "Lenin's legacy (continued)"
    assert card.topic == _card(russia, 23).topic == "Lenin's legacy"
    assert card.text.startswith("• This was Lenin's greatest legacy to Soviet Russia")
    assert card.text.endswith(
        "• Prohibition of public worship - Orthodox churches had been looted then closed"
    )
    assert any("Card 24 has no title" in warning for warning in russia.warnings)


def test_topics_group_consecutive_cards(russia, edexcel):
    russia_topics = {doc.topic for doc in russia.documents}
    assert {_card(russia, n).topic for n in range(56, 69)} == {"Stalin's Purges"}
    assert len(russia_topics) == 19
    # "The 5-Year-Plans" and "The Five-Year-Plans" are one topic.
    assert {_card(edexcel, n).topic for n in range(13, 18)} == {"The 5-Year-Plans"}


def test_bullets_are_one_line_each_and_groups_are_paragraphs(russia, edexcel):
    impact = _card(russia, 10).text.split("\n\n")
    assert len(impact) == 3
    assert impact[1].split("\n")[0] == "• Revolution had been born in war"
    nested = _card(edexcel, 1).text.split("\n")
    assert nested[2].startswith("  • Stalin (General Secretary) had a lot of power")


def test_source_spans_cover_the_card_from_title_to_counter(russia, edexcel):
    for parsed, name, total in ((russia, RUSSIA, 68), (edexcel, EDEXCEL, 32)):
        source = _source(name)
        for card in parsed.documents:
            span = source[card.source_start_offset : card.source_end_offset]
            assert span.endswith(f"{card.card_number} of {total}")
            assert source.split("\n")[card.source_end_line - 1] == f"{card.card_number} of {total}"
    first = _card(russia, 1)
    assert (first.source_start_line, first.source_end_line) == (4, 15)
    assert _source(RUSSIA)[first.source_start_offset :].startswith(first.title)


def test_no_site_comment_or_commenter_is_imported(russia, edexcel):
    for card in russia.documents + edexcel.documents:
        for fragment in COMMENTERS + COMMENT_TEXT + ("No comments have yet been made",):
            assert fragment not in card.text
            assert fragment not in card.title
    assert not any(name in warning for warning in edexcel.warnings for name in COMMENTERS)
    assert _card(edexcel, 32).source_end_line == 384


def test_text_is_clean(russia, edexcel):
    for card in russia.documents + edexcel.documents:
        assert "\u00a0" not in card.text
        assert "  " not in card.text.replace("\n  •", "")
        assert f"{card.card_number} of " not in card.text.split("\n")[-1]
        assert "\n\n\n" not in card.text


def test_counters_out_of_order_are_refused():
    text = "Set title\n\n\nHeading\n  • a point\n1 of 3\n\nHeading\n  • b\n3 of 3\n"
    with pytest.raises(CorpusFormatError, match="do not run 1 of 3"):
        parse_cards(text, source_file="broken.txt")
