"""The archive's pages: browse and search, a document, the chronicle."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from archive.models import Document, Part
from tests.factories import (
    ChronicleEntryFactory,
    CollectionFactory,
    DocumentFactory,
    ExcerptFactory,
    NoteFactory,
)

BROWSE = reverse("archive:browse")
CHRONICLE = reverse("archive:chronicle")
XSS = "<script>alert(1)</script>"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"


def listed_titles(response) -> list[str]:
    return listed_titles_from(content(response))


def listed_titles_from(html: str) -> list[str]:
    return [
        unescape(title)
        for title in re.findall(r'<h3 class="h6 mb-1"><a href="[^"]+">([^<]*)</a></h3>', html)
    ]


def content(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def dated(title, start, end=None, **kwargs):
    return DocumentFactory(title=title, date_start=start, date_end=end, **kwargs)


def assert_csp_clean(html: str):
    assert " style=" not in html
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


@pytest.fixture
def document(db):
    return DocumentFactory(title="Telegram to Lenin")


# Access


@pytest.mark.parametrize("name", ["archive:browse", "archive:chronicle", "archive:document"])
def test_archive_pages_redirect_anonymous_to_login(client, document, name):
    url = reverse(name, args=[document.pk]) if name == "archive:document" else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("who", ["student", "teacher", "outsider", "admin_user"])
def test_every_logged_in_user_reads_the_archive(request, client_for, document, who):
    client = client_for(request.getfixturevalue(who))
    ChronicleEntryFactory(date_display="March 12", text="Returns to Petrograd.")
    assert "Telegram to Lenin" in listed_titles(client.get(BROWSE))
    assert '<h1 class="h3 mb-1" id="document-title">Telegram to Lenin</h1>' in content(
        client.get(document.get_absolute_url())
    )
    assert "Returns to Petrograd." in content(client.get(CHRONICLE))


def test_missing_document_is_a_404(client_for, student, document):
    response = client_for(student).get(reverse("archive:document", args=[document.pk + 1]))
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("name", ["archive:browse", "archive:chronicle", "archive:document"])
def test_archive_pages_are_read_only(client_for, student, document, name):
    url = reverse(name, args=[document.pk]) if name == "archive:document" else reverse(name)
    assert client_for(student).post(url).status_code == 405


# Browse


def test_browse_lists_documents_in_reading_order_with_their_details(client_for, student):
    second = CollectionFactory(title="Revision cards", position=2)
    first = CollectionFactory(title="Works, volume 4", position=1)
    DocumentFactory(title="Card on purges", collection=second, position=0, authors=[],
                    kind=Document.Kind.REVISION_CARD, category=Document.Category.LEARNER_NOTES,
                    date_display="")  # fmt: skip
    DocumentFactory(title="To Lenin", collection=first, position=1, authors=["J. V. Stalin"])
    DocumentFactory(title="Speech at Tsaritsyn", collection=first, position=0,
                    kind=Document.Kind.SPEECH, date_display="July 1918")  # fmt: skip
    html = content(client_for(student).get(BROWSE))
    assert listed_titles_from(html) == ["Speech at Tsaritsyn", "To Lenin", "Card on purges"]
    assert '<h2 class="h5" id="results-heading">3 documents</h2>' in html
    assert "Showing 1–3 of 3." in html
    speech = html[html.index("Speech at Tsaritsyn") : html.index("To Lenin")]
    assert '<span class="badge category-badge category-primary">Primary source</span>' in speech
    assert '<span class="visually-hidden">Kind: </span>Speech</span>' in speech
    assert '<span class="visually-hidden">Date: </span>July 1918</span>' in speech
    assert '<span class="visually-hidden">Authors: </span>J. V. Stalin</span>' in speech
    assert '<span class="visually-hidden">Collection: </span>Works, volume 4</span>' in speech
    card = html[html.index("Card on purges") :]
    assert "category-learner_notes" in card
    assert "Revision card" in card
    assert '<span class="visually-hidden">Date: </span>Undated</span>' in card
    assert "Authors: " not in card


def test_every_filter_control_has_a_label(client_for, student):
    html = content(client_for(student).get(BROWSE))
    for field in ["q", "kind", "category", "collection", "author", "year_from", "year_to"]:
        assert f'for="id_{field}"' in html
        assert f'id="id_{field}"' in html
    assert 'role="search"' in html
    assert_csp_clean(html)


@pytest.fixture
def filterable(db):
    works = CollectionFactory(key="works", title="Works")
    cards = CollectionFactory(key="cards", title="Cards")
    DocumentFactory(title="Speech", collection=works, kind=Document.Kind.SPEECH,
                    authors=["J. V. Stalin"], date_start=datetime.date(1917, 11, 14))  # fmt: skip
    DocumentFactory(title="Joint telegram", collection=works, authors=["V. I. Lenin",
                    "J. V. Stalin"], date_start=datetime.date(1918, 7, 7))  # fmt: skip
    DocumentFactory(title="Lenin's order", collection=works, kind=Document.Kind.DECREE,
                    authors=["V. I. Lenin"], date_start=datetime.date(1919, 1, 1))  # fmt: skip
    DocumentFactory(title="Card", collection=cards, kind=Document.Kind.REVISION_CARD,
                    category=Document.Category.LEARNER_NOTES, authors=[])  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Speech", "Joint telegram", "Lenin's order", "Card"}),
        ({"kind": "telegram"}, {"Joint telegram"}),
        ({"category": "learner_notes"}, {"Card"}),
        ({"collection": "works"}, {"Speech", "Joint telegram", "Lenin's order"}),
        ({"author": "V. I. Lenin"}, {"Joint telegram", "Lenin's order"}),
        ({"author": "J. V. Stalin", "kind": "speech"}, {"Speech"}),
        ({"collection": "cards", "author": "V. I. Lenin"}, set()),
        ({"year_from": "1918"}, {"Joint telegram", "Lenin's order"}),
        ({"year_to": "1918"}, {"Speech", "Joint telegram"}),
        ({"year_from": "1918", "year_to": "1918"}, {"Joint telegram"}),
        ({"kind": "", "category": "", "collection": "", "author": "", "q": ""},
         {"Speech", "Joint telegram", "Lenin's order", "Card"}),
    ],
)  # fmt: skip
def test_filters_narrow_the_list(client_for, student, filterable, params, expected):
    assert set(listed_titles(client_for(student).get(BROWSE, params))) == expected


def test_filter_selects_offer_collections_and_authors(client_for, student, filterable):
    html = content(client_for(student).get(BROWSE, {"author": "V. I. Lenin"}))
    assert '<option value="V. I. Lenin" selected>V. I. Lenin</option>' in html
    assert '<option value="J. V. Stalin">J. V. Stalin</option>' in html
    assert '<option value="works">Works</option>' in html


def test_unknown_filter_values_are_reported_and_ignored(client_for, student, filterable):
    html = content(client_for(student).get(BROWSE, {"kind": "poem", "author": "Nobody"}))
    assert len(listed_titles_from(html)) == 4
    assert html.count("Select a valid choice.") == 2


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        # A document spanning 1917–1919 overlaps every range that touches those years.
        (("1919", "1919"), {"Civil war letters", "Undated start, 1919"}),
        (("1917", "1917"), {"Civil war letters", "Revolution"}),
        (("1920", ""), set()),
        (("", "1916"), {"Before"}),
        (("1916", "1916"), {"Before"}),  # both bounds are inclusive
        (("1916", "1917"), {"Before", "Civil war letters", "Revolution"}),
    ],
)
def test_year_range_edges(client_for, student, years, expected):
    dated("Before", datetime.date(1916, 12, 31))
    dated("Revolution", datetime.date(1917, 11, 7))
    dated("Civil war letters", datetime.date(1917, 12, 1), datetime.date(1919, 3, 1))
    dated("Undated start, 1919", datetime.date(1919, 6, 1))
    dated("Undated", None)
    params = {"year_from": years[0], "year_to": years[1]}
    assert set(listed_titles(client_for(student).get(BROWSE, params))) == expected


def test_reversed_year_range_is_an_error_and_only_the_start_applies(client_for, student):
    dated("Early", datetime.date(1905, 1, 1))
    dated("Late", datetime.date(1920, 1, 1))
    html = content(client_for(student).get(BROWSE, {"year_from": "1910", "year_to": "1900"}))
    assert "The end year must not be before the start year." in html
    assert listed_titles_from(html) == ["Late"]


def test_browse_paginates_25_and_keeps_filters_in_links(client_for, student):
    collection = CollectionFactory()
    for n in range(30):
        DocumentFactory(title=f"Telegram {n:02d}", collection=collection, position=n)
    DocumentFactory(title="A speech", kind=Document.Kind.SPEECH)
    client = client_for(student)
    first = content(client.get(BROWSE, {"kind": "telegram", "year_from": ""}))
    assert listed_titles_from(first) == [f"Telegram {n:02d}" for n in range(25)]
    assert '<h2 class="h5" id="results-heading">30 documents</h2>' in first
    assert "Showing 1–25 of 30." in first
    assert (
        '<a class="page-link" aria-current="page" aria-label="Page 1" '
        'href="?kind=telegram&amp;year_from=&amp;page=1">1</a>'
    ) in first
    assert 'rel="next" href="?kind=telegram&amp;year_from=&amp;page=2">Next</a>' in first
    second = content(client.get(BROWSE, {"kind": "telegram", "year_from": "", "page": "2"}))
    assert listed_titles_from(second) == [f"Telegram {n:02d}" for n in range(25, 30)]
    assert 'aria-current="page" aria-label="Page 2"' in second
    assert "Showing 26–30 of 30." in second


def test_pages_never_overlap_when_collections_share_a_position(client_for, student):
    for name in ("B cards", "A cards"):
        collection = CollectionFactory(title=name, position=3)
        for n in range(15):
            DocumentFactory(title=f"{name} {n:02d}", collection=collection, position=n)
    client = client_for(student)
    first = listed_titles(client.get(BROWSE))
    second = listed_titles(client.get(BROWSE, {"page": "2"}))
    assert first + second == [f"A cards {n:02d}" for n in range(15)] + [
        f"B cards {n:02d}" for n in range(15)
    ]


@pytest.mark.parametrize(("page", "first_title"), [("abc", "Doc 00"), ("99", "Doc 25")])
def test_out_of_range_page_numbers_fall_back(client_for, student, page, first_title):
    collection = CollectionFactory()
    for n in range(30):
        DocumentFactory(title=f"Doc {n:02d}", collection=collection, position=n)
    titles = listed_titles(client_for(student).get(BROWSE, {"page": page}))
    assert titles[0] == first_title


def test_empty_archive_says_so(client_for, student):
    html = content(client_for(student).get(BROWSE))
    assert '<h2 class="h5" id="results-heading">0 documents</h2>' in html
    assert "No documents match. Try fewer words or fewer filters." in html
    assert 'aria-label="Pages of results"' not in html


@pytest.mark.parametrize("size", [3, 30])
def test_browse_query_count_is_constant(client_for, student, django_assert_num_queries, size):
    for n in range(size):
        DocumentFactory(title=f"Doc {n}", authors=["V. I. Lenin", "J. V. Stalin"])
    client = client_for(student)
    # user, collections and authors for the selects, count, page with collections, authors
    with django_assert_num_queries(6):
        response = client.get(BROWSE)
    assert len(listed_titles(response)) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_browse_with_filters_query_count_is_constant(
    client_for, student, django_assert_num_queries, size
):
    for n in range(size):
        dated(f"Doc {n}", datetime.date(1918, 1, 1), authors=["V. I. Lenin"])
        dated(f"Other {n}", datetime.date(1930, 1, 1), authors=["V. I. Lenin"])
    client = client_for(student)
    with django_assert_num_queries(6):
        response = client.get(BROWSE, {"author": "V. I. Lenin", "year_to": "1920", "page": "1"})
    assert len(listed_titles(response)) == min(size, 25)


# Search


def test_search_shows_ranked_highlighted_snippets(client_for, student):
    DocumentFactory(title="Report", text="We asked for grain twice. <b>Send</b> grain.")
    DocumentFactory(title="Grain requisitioning", text="The committee met.")
    DocumentFactory(title="Unrelated", text="Nothing here.")
    html = content(client_for(student).get(BROWSE, {"q": "grain"}))
    assert listed_titles_from(html) == ["Grain requisitioning", "Report"]
    assert '<h2 class="h5" id="results-heading">2 documents match “grain”</h2>' in html
    assert "Showing 1–2 of 2, best match first." in html
    assert "<mark>grain</mark>" in html
    assert "&lt;b&gt;Send&lt;/b&gt; <mark>grain</mark>" in html
    assert '<input type="search" name="q" value="grain"' in html
    assert "<title>Search the archive: grain · Provenance</title>" in html


def test_search_combines_with_filters(client_for, student, filterable):
    Document.objects.update(text="The grain must go north.")
    client = client_for(student)
    assert set(listed_titles(client.get(BROWSE, {"q": "grain", "author": "V. I. Lenin"}))) == {
        "Joint telegram",
        "Lenin's order",
    }
    assert listed_titles(client.get(BROWSE, {"q": "grain", "kind": "speech"})) == ["Speech"]
    assert listed_titles(client.get(BROWSE, {"q": "grain", "year_from": "1919"})) == [
        "Lenin's order"
    ]


def test_search_paginates_and_keeps_query_and_filters(client_for, student):
    for n in range(30):
        DocumentFactory(title=f"Grain report {n}", text="grain " * (n + 1))
    client = client_for(student)
    first = content(client.get(BROWSE, {"q": "grain", "kind": "telegram"}))
    assert len(listed_titles_from(first)) == 25
    assert '<h2 class="h5" id="results-heading">30 documents match “grain”</h2>' in first
    assert 'rel="next" href="?q=grain&amp;kind=telegram&amp;page=2">Next</a>' in first
    second = content(client.get(BROWSE, {"q": "grain", "kind": "telegram", "page": "2"}))
    assert len(listed_titles_from(second)) == 5
    assert "Showing 26–30 of 30, best match first." in second
    assert not set(listed_titles_from(first)) & set(listed_titles_from(second))
    last = content(client.get(BROWSE, {"q": "grain", "page": "7"}))
    assert listed_titles_from(last) == listed_titles_from(second)


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "*", "(", XSS, "-grain", "title:grain"])
def test_hostile_searches_render_cleanly(client_for, student, query):
    DocumentFactory(title="Grain", text="grain")
    html = content(client_for(student).get(BROWSE, {"q": query}))
    assert 'id="results-heading"' in html
    assert "<script>alert(1)" not in html


def test_search_with_no_matches_says_so(client_for, student, document):
    html = content(client_for(student).get(BROWSE, {"q": "cavalry"}))
    assert '<h2 class="h5" id="results-heading">0 documents match “cavalry”</h2>' in html
    assert "No documents match these words. Try fewer words or fewer filters." in html


@pytest.mark.parametrize("size", [3, 30])
def test_search_page_query_count_is_constant(client_for, student, django_assert_num_queries, size):
    for n in range(size):
        DocumentFactory(title=f"Grain report {n}", authors=["V. I. Lenin", "J. V. Stalin"])
    client = client_for(student)
    # user, collections, authors, search (ranks, total, snippets), documents, their authors
    with django_assert_num_queries(6):
        response = client.get(BROWSE, {"q": "grain", "kind": "telegram"})
    assert len(listed_titles(response)) == min(size, 25)


# Document page


@pytest.fixture
def speech(db):
    works = CollectionFactory(title="Works, volume 4", source_file="works-4.txt")
    return DocumentFactory(
        collection=works,
        position=5,
        title="Speech at the Helsingfors congress",
        display_title="Speech at the Helsingfors Congress",
        subtitle="Delivered November 14, 1917",
        kind=Document.Kind.SPEECH,
        authors=["J. V. Stalin"],
        date_start=datetime.date(1917, 11, 1),
        date_display="November 1, 1917",
        date_precision=Document.Precision.DAY,
        calendar=Document.Calendar.OLD_STYLE,
        second_date_display="November 14, 1917 (New Style)",
        origin="Pravda, No. 191",
        publication="Published in Pravda,\nNovember 16, 1917",
        place="Helsingfors",
        signature="J. Stalin",
        audience="",
        purpose="To win Finnish Social-Democrats for the revolution",
        source_file="works-4.txt",
        source_start_line=120,
        source_end_line=180,
    )


def test_document_page_shows_the_provenance_card(client_for, student, speech):
    html = content(client_for(student).get(speech.get_absolute_url()))
    card = html[html.index('id="provenance-heading"') : html.index("</section>")]
    pairs = dict(
        (dt, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dd)).strip())
        for dt, dd in re.findall(r"<dt[^>]*>([^<]+)</dt>\s*<dd[^>]*>(.*?)</dd>", card, re.S)
    )
    assert pairs == {
        "Author": "J. V. Stalin",
        "Date": "November 1, 1917 (as printed; precise to the day; Old Style (Julian)) Old Style: "
        "a Julian-calendar date, used in Russia until February 1918. Add 13 days for the New "
        "Style (Gregorian) date.",
        "Second date": "November 14, 1917 (New Style)",
        "Kind": "Speech",
        "Category": "Primary source",
        "Collection": "Works, volume 4",
        "Origin": "Pravda, No. 191",
        "Publication": "Published in Pravda, November 16, 1917",
        "Place": "Helsingfors",
        "Signature": "J. Stalin",
        "Purpose": "To win Finnish Social-Democrats for the revolution",
        "Source": "works-4.txt, lines 120–180",
    }
    assert "Published in Pravda,<br>November 16, 1917" in card


def test_document_page_shows_titles_and_citation(client_for, student, speech):
    html = content(client_for(student).get(speech.get_absolute_url()))
    assert '<h1 class="h3 mb-1" id="document-title">Speech at the Helsingfors Congress</h1>' in html
    assert '<p class="lead mb-1">Delivered November 14, 1917</p>' in html
    assert "Printed as: “Speech at the Helsingfors congress”" in html
    assert "Learner notes — check against the sources" not in html
    assert (
        '<p class="citation">J. V. Stalin, “Speech at the Helsingfors Congress”, November 1, '
        "1917. In: Works, volume 4 (works-4.txt, lines 120–180).</p>"
    ) in html
    assert "<title>Speech at the Helsingfors Congress · Provenance</title>" in html
    assert_csp_clean(html)


def test_document_page_omits_what_is_not_known(client_for, student, document):
    html = content(client_for(student).get(document.get_absolute_url()))
    for absent in ["Printed as:", "Second date", "Origin", "Audience", "Purpose", "Old Style:",
                   'id="toc-heading"', 'id="notes-heading"', 'id="excerpts-heading"']:  # fmt: skip
        assert absent not in html


def test_learner_notes_carry_a_warning(client_for, student):
    card = DocumentFactory(category=Document.Category.LEARNER_NOTES, authors=[])
    html = content(client_for(student).get(card.get_absolute_url()))
    assert (
        '<span class="badge learner-notes-badge">Learner notes — check against the sources</span>'
        in html
    )
    assert '<dd class="col-sm-9">Not named</dd>' in html
    assert '<p class="citation">Author not named, “' in html


def test_document_text_has_paragraphs_notes_and_excerpts(client_for, student, document):
    text = document.text
    NoteFactory(document=document, label="1", text="Tsaritsyn.", marker_offset=text.index(".") + 1)
    NoteFactory(document=document, label="Glossary: Grain", text="Wheat and rye.")
    excerpt = ExcerptFactory(document=document, label="Source A", caption="The south")
    html = content(client_for(student).get(document.get_absolute_url()))
    assert (
        f'<p><mark class="excerpt excerpt-start excerpt-end" id="excerpt-{excerpt.pk}">'
        '<span class="visually-hidden">Start of Source A: </span>The situation in the south is '
        'grave.<span class="visually-hidden"> (end of Source A)</span></mark>'
        '<sup><a href="#note-1" id="noteref-1">1</a></sup></p>'
    ) in html
    assert "<p>Grain is being sent north by every train we can find.</p>" in html
    assert (
        '<li id="note-1"><span class="note-label">1</span> Tsaritsyn. <a class="note-backref" '
        'href="#noteref-1" aria-label="Back to note 1 in the text">↩</a></li>'
    ) in html
    assert '<li id="note-2"><span class="note-label">Glossary: Grain</span> Wheat and rye.' in html
    assert f'<li><a href="#excerpt-{excerpt.pk}">Source A</a>: The south</li>' in html


def test_adapted_excerpts_are_not_highlighted(client_for, student, document):
    exact = ExcerptFactory(document=document)
    adapted = ExcerptFactory(document=document, adapted_from=exact, adaptation="simplified",
                             text="The south is in danger.")  # fmt: skip
    html = content(client_for(student).get(document.get_absolute_url()))
    assert f'id="excerpt-{exact.pk}"' in html
    assert f"excerpt-{adapted.pk}" not in html


def test_parts_become_headings_with_a_table_of_contents(client_for, student):
    text = "First day\n\nWe met.\n\nSecond day\n\nWe left."
    document = DocumentFactory(text=text)
    Part.objects.create(document=document, position=0, heading="First day", start=0, end=16,
                        date_display="May 1")  # fmt: skip
    Part.objects.create(document=document, position=1, heading="Second day",
                        start=text.index("Second"), end=len(text))  # fmt: skip
    html = content(client_for(student).get(document.get_absolute_url()))
    assert (
        '<h3 id="part-1" class="part-heading">First day</h3>\n<p class="part-date">May 1</p>\n'
        '<p>We met.</p>\n<h3 id="part-2" class="part-heading">Second day</h3>\n<p>We left.</p>'
    ) in html
    assert (
        '<li><a href="#part-1">First day</a> <span class="text-body-secondary">(May 1)</span></li>'
    ) in html
    assert '<li><a href="#part-2">Second day</a></li>' in html


def test_a_single_part_gets_no_table_of_contents(client_for, student, document):
    Part.objects.create(document=document, position=0, heading="Only", start=0, end=10)
    html = content(client_for(student).get(document.get_absolute_url()))
    assert 'id="toc-heading"' not in html
    assert '<h3 id="part-1" class="part-heading">Only</h3>' in html


def test_previous_and_next_stay_in_the_collection(client_for, student):
    works, other = CollectionFactory(), CollectionFactory()
    first = DocumentFactory(title="First", collection=works, position=1)
    middle = DocumentFactory(title="Middle", collection=works, position=4)
    last = DocumentFactory(title="Last", collection=works, position=9)
    DocumentFactory(title="Elsewhere", collection=other, position=5)
    client = client_for(student)
    html = content(client.get(middle.get_absolute_url()))
    assert f'<a href="{first.get_absolute_url()}" rel="prev">' in html
    assert "Previous: First</a>" in html
    assert f'<a href="{last.get_absolute_url()}" rel="next">Next: Last ' in html
    first_html = content(client.get(first.get_absolute_url()))
    assert 'rel="prev"' not in first_html
    assert "Next: Middle" in first_html
    assert 'rel="next"' not in content(client.get(last.get_absolute_url()))


@pytest.mark.parametrize("size", [1, 5])
def test_document_page_query_count_is_constant(
    client_for, student, django_assert_num_queries, size
):
    collection = CollectionFactory()
    DocumentFactory(collection=collection, position=0)
    document = DocumentFactory(collection=collection, position=1, authors=["A", "B"])
    DocumentFactory(collection=collection, position=2)
    text = document.text
    for n in range(size):
        NoteFactory(document=document, marker_offset=n)
        ExcerptFactory(document=document, start=n, end=n + 10, text=text[n : n + 10])
        Part.objects.create(document=document, position=n, heading=f"Part {n}", start=n * 2,
                            end=n * 2 + 1)  # fmt: skip
    client = client_for(student)
    # user, document with collection and neighbours, authors, parts, notes, excerpts
    with django_assert_num_queries(6):
        html = content(client.get(document.get_absolute_url()))
    assert html.count('class="note-backref"') == size
    assert html.count('<mark class="excerpt') >= size
    assert html.count('class="part-heading"') == size
    assert 'rel="prev"' in html
    assert 'rel="next"' in html


# Chronicle


def test_chronicle_groups_entries_by_year(client_for, student):
    ChronicleEntryFactory(date_display="March 12", date_start=datetime.date(1917, 3, 12),
                          text="Returns to Petrograd.")  # fmt: skip
    ChronicleEntryFactory(date_display="Date unclear", text="Meets Lenin.")
    ChronicleEntryFactory(date_display="January 1918", date_start=datetime.date(1918, 1, 1),
                          text="Commissar of Nationalities.")  # fmt: skip
    ChronicleEntryFactory(date_display="October 25", date_start=datetime.date(1917, 10, 25),
                          text="The rising.")  # fmt: skip
    html = content(client_for(student).get(CHRONICLE))
    years = re.findall(r'<h2 class="h4" id="year-([^"]+)">([^<]+)</h2>', html)
    assert years == [("1917", "1917"), ("1918", "1918"), ("undated", "Undated")]
    entries = re.findall(
        r'<span class="chronicle-date">([^<]+)</span></dt>\s*<dd[^>]*>([^<]+)</dd>', html
    )
    assert entries == [
        ("March 12", "Returns to Petrograd."),
        ("October 25", "The rising."),
        ("January 1918", "Commissar of Nationalities."),
        ("Date unclear", "Meets Lenin."),
    ]
    assert '<a href="#year-1918">1918</a>' in html
    assert_csp_clean(html)


def test_chronicle_places_entries_known_only_as_before_a_date(client_for, student):
    # "Prior to July 11" (1920): no start, only an upper bound; it belongs with July 1920.
    ChronicleEntryFactory(date_display="July 1", date_start=datetime.date(1920, 7, 1),
                          text="Leaves for the front.")  # fmt: skip
    ChronicleEntryFactory(date_display="Prior to July 11", date_end=datetime.date(1920, 7, 11),
                          text="Inspects the reserves.")  # fmt: skip
    ChronicleEntryFactory(date_display="July 19", date_start=datetime.date(1920, 7, 19),
                          text="Returns to Moscow.")  # fmt: skip
    ChronicleEntryFactory(date_display="January 2", date_start=datetime.date(1921, 1, 2),
                          text="A later year.")  # fmt: skip
    html = content(client_for(student).get(CHRONICLE))
    years = re.findall(r'<h2 class="h4" id="year-([^"]+)">', html)
    assert years == ["1920", "1921"]
    dates = re.findall(r'<span class="chronicle-date">([^<]+)</span>', html)
    assert dates == ["July 1", "Prior to July 11", "July 19", "January 2"]
    assert '<span class="chronicle-bound">(before 11 July 1920)</span>' in html
    assert html.count("chronicle-bound") == 1
    assert "Undated" not in html


def test_chronicle_shows_each_entrys_calendar(client_for, student):
    ChronicleEntryFactory(date_display="October 25", date_start=datetime.date(1917, 10, 25),
                          calendar="old_style", text="The rising.")  # fmt: skip
    ChronicleEntryFactory(date_display="March 10", date_start=datetime.date(1918, 3, 10),
                          calendar="new_style", text="Moves to Moscow.")  # fmt: skip
    html = content(client_for(student).get(CHRONICLE))
    marks = re.findall(
        r'<abbr class="chronicle-calendar" title="([^"]+)">([^<]+)</abbr></dt>\s*<dd[^>]*>([^<]+)',
        html,
    )
    assert marks == [
        ("Old Style (Julian)", "O.S.", "The rising."),
        ("New Style (Gregorian)", "N.S.", "Moves to Moscow."),
    ]
    assert "Add 12 days (19th century) or 13 days (20th century)" in html


def test_empty_chronicle_says_so(client_for, student):
    html = content(client_for(student).get(CHRONICLE))
    assert "No chronicle entries yet." in html


@pytest.mark.parametrize("size", [3, 30])
def test_chronicle_query_count_is_constant(client_for, student, django_assert_num_queries, size):
    collection = CollectionFactory()
    for n in range(size):
        ChronicleEntryFactory(collection=collection, date_start=datetime.date(1900 + n, 1, 1))
    client = client_for(student)
    with django_assert_num_queries(2):  # user, entries
        html = content(client.get(CHRONICLE))
    assert html.count('<h2 class="h4"') == size


# Escaping


def test_hostile_document_is_escaped_everywhere(client_for, student):
    document = DocumentFactory(
        title=f"Orders {XSS}",
        text=f"Grain {XSS} & more grain.\n\nSecond.",
        origin=XSS,
        authors=[XSS],
        collection=CollectionFactory(title=XSS),
        date_display=XSS,
    )
    NoteFactory(document=document, label=XSS, text=XSS, marker_offset=3)
    ExcerptFactory(document=document, label=XSS)
    ChronicleEntryFactory(date_display=XSS, text=XSS)
    client = client_for(student)
    pages = [
        client.get(BROWSE),
        client.get(BROWSE, {"q": "grain"}),
        client.get(BROWSE, {"q": XSS}),
        client.get(document.get_absolute_url()),
        client.get(CHRONICLE),
    ]
    for response in pages:
        html = content(response)
        assert "<script>alert" not in html
        assert ESCAPED_XSS in html
        assert_csp_clean(html)
