"""archive/search.py on whichever database the suite runs (SQLite FTS5 or PostgreSQL)."""

import pytest
from django.db import connection

from archive.models import Document
from archive.search import parse_query, search_documents, snippet_html, to_fts5_query
from tests.factories import DocumentFactory

NEUTRAL = "The committee met in the evening.\n\nNothing else was decided."


def doc(title, text=NEUTRAL, **kwargs):
    return DocumentFactory(title=title, text=text, **kwargs)


def titles(page):
    return [hit.document.display_title for hit in page.hits]


@pytest.fixture
def armies(db):
    return [
        doc("Order one", "The red army advanced at dawn."),
        doc("Order two", "The army was red with the dust of the road."),
        doc("Order three", "The army retreated. Grain was left behind."),
    ]


def test_title_match_outranks_a_body_only_match(db):
    doc("Report from the front", "We asked for grain twice; no grain came.")
    doc("Grain requisitioning", "The committee met in the evening.")
    assert titles(search_documents("grain")) == ["Grain requisitioning", "Report from the front"]


def test_stemming_finds_other_forms_of_a_word(db):
    doc("Message from Tsaritsyn", "The telegram arrived at night.")
    doc("Unrelated", NEUTRAL)
    page = search_documents("telegrams")
    assert titles(page) == ["Message from Tsaritsyn"]
    assert page.total == 1


def test_phrase_search_needs_the_words_together(armies):
    assert titles(search_documents('"red army"')) == ["Order one"]
    assert set(titles(search_documents("red army"))) == {"Order one", "Order two"}


@pytest.fixture
def compounds(db):
    return [
        doc("Report one", "The counter-revolution gathered in the south."),
        doc("Report two", "A counter stood by the door; the revolution came later."),
        doc("Report three", "The revolution held the cities."),
    ]


def test_hyphenated_word_finds_the_compound_not_its_parts_apart(compounds):
    page = search_documents("counter-revolution")
    assert titles(page) == ["Report one"]
    assert page.total == 1
    assert "revolution</mark>" in page.hits[0].snippet


def test_a_compound_still_answers_a_search_for_its_part(compounds):
    found = titles(search_documents("revolution"))
    assert set(found) == {"Report one", "Report two", "Report three"}


def test_hyphenated_word_can_be_excluded(compounds):
    assert set(titles(search_documents("revolution -counter-revolution"))) == {
        "Report two",
        "Report three",
    }


def test_phrases_of_every_shape_need_their_words_in_order(armies):
    doc("Order four", "The dictatorship of the proletariat was proclaimed; the army was red.")
    assert titles(search_documents('"dictatorship of the proletariat"')) == ["Order four"]
    assert titles(search_documents('"army advanced at dawn"')) == ["Order one"]
    assert set(titles(search_documents('"red army" or retreated'))) == {"Order one", "Order three"}
    assert titles(search_documents('"red army" -dawn')) == []
    assert titles(search_documents('"army retreated" -"red army"')) == ["Order three"]
    assert titles(search_documents('"army advanced" -"red army"')) == []


def test_a_phrase_used_more_often_ranks_higher(db):
    doc("Once", "The national question was raised. Nothing else.")
    doc("Twice", "The national question, and again the national question, was raised.")
    doc("Apart", "A national holiday; the question of grain.")
    assert titles(search_documents('"national question"')) == ["Twice", "Once"]


def test_phrase_search_sees_edited_text(armies):
    armies[0].text = "The army advanced at dawn; nothing red in sight."
    armies[0].save()
    assert titles(search_documents('"red army"')) == []
    armies[2].text = "The Red Army retreated."
    armies[2].save()
    assert titles(search_documents('"red army"')) == ["Order three"]


def test_two_word_phrases_find_what_postgresql_phrase_search_finds(db):
    """On PostgreSQL a two-word phrase is looked up as a lexeme pair (migration 0007); it must
    find exactly the documents that the positional phrase query finds, titles included."""
    if connection.vendor != "postgresql":
        pytest.skip("Lexeme pairs are PostgreSQL's; FTS5 checks phrases itself.")
    doc("Order one", "Red army, red army! Army army.")
    doc("Army red", "The army red with dust. Order one came in 1917; army of 1917.")
    doc("Dawn", "Order the army at dawn. Dawn order. The army İ saw; red armé.")
    phrases = ["red army", "army red", "army army", "one order", "order one", "dawn order"]
    for phrase in [*phrases, "1917 army", "army 1917", "red dust", "army İ", "red armé"]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT display_title FROM archive_document"
                " WHERE search_vector @@ phraseto_tsquery('english', %s)",
                [phrase],
            )
            expected = {row[0] for row in cursor.fetchall()}
        assert set(titles(search_documents(f'"{phrase}"'))) == expected, phrase


def test_excluded_word_and_phrase_are_left_out(armies):
    assert set(titles(search_documents("army -advanced"))) == {"Order two", "Order three"}
    assert set(titles(search_documents('army -"red army"'))) == {"Order two", "Order three"}


def test_or_finds_either_word(armies):
    assert set(titles(search_documents("advanced or retreated"))) == {"Order one", "Order three"}


def test_or_binds_tighter_than_and(armies):
    # (retreated or advanced) and red: Order three retreated but is not red.
    assert titles(search_documents("retreated or advanced red")) == ["Order one"]


def test_a_word_the_parser_splits_keeps_its_pieces_together(db):
    doc("Together", "O'Brien spoke for the 10,000 men.")
    doc("Apart", "Brien met O at the station with 10 regiments and 1,000 men.")
    assert titles(search_documents("o'brien")) == ["Together"]
    assert titles(search_documents("10,000")) == ["Together"]


@pytest.mark.parametrize("query", ["½ -dawn", "½", '½ "red army"', "½ or -army"])
def test_a_query_of_unindexed_characters_finds_nothing(armies, query):
    assert titles(search_documents(query)) == []


def test_stop_words_do_not_use_up_the_query_terms(armies):
    assert titles(search_documents("army " + "the " * 40 + "dawn")) == ["Order one"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"red',
        "AND OR NOT",
        "*",
        "(",
        ")army(",
        "<script>",
        "army*",
        "NEAR(red army)",
        "title:army",
        "-",
        "--army",
        "red'); DROP TABLE archive_document; --",
        "^army",
        "a" * 300,
        "\x00\x02\x03",
    ],
)
def test_hostile_queries_return_cleanly(armies, query):
    page = search_documents(query)
    assert page.total == len(page.hits)
    assert Document.objects.count() == 3


def test_operators_typed_by_the_user_are_only_words(armies):
    # On FTS5 "NEAR", "AND" and "*" would be syntax; here they are words or nothing.
    assert set(titles(search_documents("army*"))) == {"Order one", "Order two", "Order three"}
    assert titles(search_documents("AND OR NOT")) == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "the and of", "-army", "* ( )"])
def test_query_with_nothing_to_search_costs_no_query(armies, django_assert_num_queries, query):
    with django_assert_num_queries(0):
        page = search_documents(query)
    assert page.hits == []
    assert page.total == 0


def test_snippet_is_escaped_and_highlighted(db):
    doc("Orders", "Orders: <b>grain</b> & <script>alert(1)</script>.")
    [hit] = search_documents("grain").hits
    escaped = (
        "Orders: &lt;b&gt;<mark>grain</mark>&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script"
    )
    assert escaped in hit.snippet
    assert "<script>" not in hit.snippet
    assert "<b>" not in hit.snippet


def test_snippet_finds_a_match_deep_in_a_long_text(db):
    filler = "The committee met in the evening and nothing was decided. " * 300
    doc("Long speech", f"{filler}\n\nThe telegrams from Tsaritsyn arrived.\n\n{filler}")
    [hit] = search_documents("telegram").hits
    assert "<mark>telegrams</mark> from Tsaritsyn" in hit.snippet
    assert len(hit.snippet) < 400


def test_hits_carry_their_document_with_provenance(db, django_assert_num_queries):
    doc("Grain order", authors=["V. I. Lenin", "J. V. Stalin"])
    [hit] = search_documents("grain").hits
    with django_assert_num_queries(0):
        assert {a.name for a in hit.document.authors.all()} == {"V. I. Lenin", "J. V. Stalin"}
        assert hit.document.collection.title.startswith("Collection")
    assert hit.rank > 0


@pytest.mark.parametrize("size", [3, 30])
def test_search_query_count_is_constant(db, django_assert_num_queries, size):
    for n in range(size):
        doc(f"Grain report {n}")
    with django_assert_num_queries(3):  # ranks + total + snippets, documents, authors
        page = search_documents("grain", limit=20)
    assert page.total == size
    assert len(page.hits) == min(size, 20)


def test_pages_follow_the_ranking_and_keep_the_total(db):
    for n in range(5):
        doc(f"Grain report {n}", "grain " * (n + 1))
    everything = titles(search_documents("grain", limit=5))
    first = search_documents("grain", limit=2, offset=0)
    second = search_documents("grain", limit=2, offset=2)
    assert titles(first) + titles(second) == everything[:4]
    assert first.total == second.total == 5


def test_offset_past_the_end_still_counts_the_matches(armies):
    page = search_documents("army", limit=2, offset=10)
    assert page.hits == []
    assert page.total == 3


def test_search_within_a_filtered_queryset(armies):
    armies[0].kind = Document.Kind.DECREE
    armies[0].save()
    page = search_documents("army", within=Document.objects.filter(kind=Document.Kind.DECREE))
    assert titles(page) == ["Order one"]
    assert page.total == 1


def test_search_sees_edited_text(armies):
    armies[2].text = "The cavalry retreated."
    armies[2].save()
    assert "Order three" not in titles(search_documents("army"))
    assert titles(search_documents("cavalry")) == ["Order three"]


# The query translation is pure: no database needed.


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("grain", '("grain")'),
        ("Grain  TRAIN", '("Grain") AND ("TRAIN")'),
        ('"red army" advanced', '("red army") AND ("advanced")'),
        ("red or white army", '("red" OR "white") AND ("army")'),
        ("army -advanced", '(("army")) NOT "advanced"'),
        ('army -"red army"', '(("army")) NOT "red army"'),
        ("<script>alert(1)</script>", '("script alert 1 script")'),
        ('say "" nothing', '("say") AND ("nothing")'),
        ('NEAR(a b) "unclosed', '("NEAR a") AND ("b") AND ("unclosed")'),
        ("the war and the peace", '("war") AND ("peace")'),
        ("Серге́й Киров", '("Серге́й") AND ("Киров")'),
    ],
)
def test_fts5_query_quotes_every_term(query, expected):
    assert to_fts5_query(parse_query(query)) == expected


@pytest.mark.parametrize("query", ["", "-army", "the", "* ( ) \"\" ''", "or", "or -the"])
def test_queries_without_a_positive_term_are_not_searchable(query):
    assert not parse_query(query).searchable


def test_snippet_markers_become_balanced_marks():
    assert snippet_html("a \x02b\x03 <c>\n\nd") == "a <mark>b</mark> &lt;c&gt; d"
    assert snippet_html("\x03x\x02y\x02z") == "x<mark>yz</mark>"
    assert snippet_html("1 \x01 2") == "1 &lt; 2"
