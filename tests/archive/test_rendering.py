"""archive/rendering.py: pure functions, no database (unsaved model instances as input)."""

from html.parser import HTMLParser

import pytest

from archive.models import Excerpt, Note, Part
from archive.rendering import old_style_note, render_document

TEXT = (
    "The situation in the south is grave.\n\n"
    "Grain is being sent north by every train we can find.\n\n"
    "We shall not let the enemy through."
)
VOID = {"br"}


class _Nesting(HTMLParser):
    """Fails on a closing tag that does not match the innermost open one."""

    def __init__(self):
        super().__init__()
        self.stack, self.ids = [], []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()


def well_formed(html: str) -> list[str]:
    parser = _Nesting()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    assert len(parser.ids) == len(set(parser.ids)), "duplicate ids"
    return parser.ids


def note(position, label, offset, text="An editors' note."):
    return Note(position=position, label=label, text=text, marker_offset=offset)


def excerpt(pk, start, end, label=""):
    return Excerpt(pk=pk, start=start, end=end, label=label, text="")


def part(position, heading, start, date_display=""):
    return Part(position=position, heading=heading, start=start, end=0, date_display=date_display)


def test_paragraphs_split_on_blank_lines_and_lines_keep_their_breaks():
    rendered = render_document("One\nline two\n\n \n\nThree  ")
    assert rendered.body == "<p>One<br>\nline two</p>\n<p>Three</p>"
    assert rendered.notes == ""
    assert rendered.toc == ()


def test_everything_is_escaped():
    text = "Orders <script>alert(1)</script> & <b>grain</b>"
    rendered = render_document(
        text,
        notes=[note(0, "<i>1</i>", 6, text="<script>alert(2)</script>")],
        excerpts=[excerpt(4, text.index("<b>"), len(text), label="<b>A</b>")],
        parts=[part(0, "<em>Heading</em>", 0)],
    )
    html = rendered.body + rendered.notes
    for raw in ("<script>", "<b>", "<i>", "<em>"):
        assert raw not in html
    assert " &lt;script&gt;alert(1)&lt;/script&gt; &amp; " in rendered.body
    assert "Start of &lt;b&gt;A&lt;/b&gt;: </span>&lt;b&gt;grain&lt;/b&gt;" in rendered.body
    assert ">&lt;i&gt;1&lt;/i&gt;</a></sup>" in rendered.body
    assert '<h3 id="part-1" class="part-heading">&lt;em&gt;Heading&lt;/em&gt;</h3>' in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in rendered.notes
    well_formed(html)


def test_note_markers_stand_at_their_offsets():
    grave = TEXT.index(" is grave") + len(" is grave")
    train = TEXT.index("train") + len("train")
    rendered = render_document(TEXT, notes=[note(0, "1", grave), note(1, "2", train)])
    assert 'is grave<sup><a href="#note-1" id="noteref-1">1</a></sup>.</p>' in rendered.body
    assert 'every train<sup><a href="#note-2" id="noteref-2">2</a></sup> we can' in rendered.body
    assert '<li id="note-1"><span class="note-label">1</span> An editors&#x27; note. ' in (
        rendered.notes
    )
    assert (
        '<a class="note-backref" href="#noteref-2" aria-label="Back to note 2 in the text">↩</a>'
        in rendered.notes
    )
    well_formed(rendered.body + rendered.notes)


def test_marker_between_paragraphs_ends_the_paragraph_before():
    gap = TEXT.index("\n\n") + 1
    rendered = render_document(TEXT, notes=[note(0, "*", gap)])
    assert 'is grave.<sup><a href="#note-1" id="noteref-1">*</a></sup></p>' in rendered.body


@pytest.mark.parametrize("offset", [None, len(TEXT) + 1])
def test_note_without_a_usable_offset_is_listed_without_links(offset):
    rendered = render_document(
        TEXT, notes=[note(0, "Glossary: Kolkhoz", offset, text="A collective farm.")]
    )
    assert "<sup>" not in rendered.body
    assert rendered.notes == (
        '<ol class="notes">\n<li id="note-1"><span class="note-label">Glossary: Kolkhoz</span> '
        "A collective farm.</li>\n</ol>"
    )


def test_notes_are_numbered_by_position_not_by_input_order():
    rendered = render_document(TEXT, notes=[note(5, "b", 3), note(2, "a", 1)])
    assert 'T<sup><a href="#note-1" id="noteref-1">a</a></sup>h' in rendered.body
    assert rendered.notes.index('id="note-1"><span class="note-label">a') < rendered.notes.index(
        'id="note-2"><span class="note-label">b'
    )


def test_excerpt_is_marked_with_an_id_and_hidden_labels():
    start = TEXT.index("Grain")
    end = TEXT.index(" by every")
    rendered = render_document(TEXT, excerpts=[excerpt(7, start, end, label="Source A")])
    assert (
        '<p><mark class="excerpt excerpt-start excerpt-end" id="excerpt-7">'
        '<span class="visually-hidden">Start of Source A: </span>Grain is being sent north'
        '<span class="visually-hidden"> (end of Source A)</span></mark> by every train'
    ) in rendered.body


def test_excerpt_across_paragraphs_is_marked_in_each_without_crossing_them():
    start = TEXT.index("grave")
    end = TEXT.index("We shall") + len("We shall")
    rendered = render_document(TEXT, excerpts=[excerpt(3, start, end, label="Source B")])
    body = rendered.body
    assert body.count("<mark") == 3
    assert body.count('id="excerpt-3"') == 1
    assert '<mark class="excerpt excerpt-start" id="excerpt-3">' in body
    assert "Start of Source B: </span>grave.</mark></p>" in body
    assert '<p><mark class="excerpt">Grain is being sent north by every train we can find.' in body
    assert '<p><mark class="excerpt excerpt-end">We shall<span class="visually-hidden">' in body
    assert well_formed(body) == ["excerpt-3"]


def test_excerpt_starting_in_a_paragraph_gap_gets_its_id_on_the_next_paragraph():
    gap = TEXT.index("\n\n")
    rendered = render_document(TEXT, excerpts=[excerpt(9, gap, TEXT.index(" is being"))])
    assert (
        '<p><mark class="excerpt excerpt-start excerpt-end" id="excerpt-9">'
        '<span class="visually-hidden">Start of excerpt 9: </span>Grain'
    ) in rendered.body


def test_overlapping_excerpts_share_a_piece_and_keep_both_ids():
    rendered = render_document(
        TEXT,
        excerpts=[
            excerpt(1, TEXT.index("situation"), TEXT.index(" is grave"), label="A"),
            excerpt(2, TEXT.index("south"), TEXT.index("."), label="B"),
        ],
    )
    body = rendered.body
    assert '<mark class="excerpt excerpt-start" id="excerpt-1">' in body
    assert (
        '<mark class="excerpt excerpt-overlap excerpt-start excerpt-end" id="excerpt-2">'
        '<span class="visually-hidden">Start of B: </span>south'
        '<span class="visually-hidden"> (end of A)</span></mark>'
    ) in body
    assert '<mark class="excerpt excerpt-end"> is grave<span class="visually-hidden"> (end' in body
    assert well_formed(body) == ["excerpt-1", "excerpt-2"]


def test_nested_and_same_start_excerpts_all_get_targets():
    start = TEXT.index("Grain")
    rendered = render_document(
        TEXT,
        excerpts=[
            excerpt(5, start, start + len("Grain is being sent")),
            excerpt(6, start, start + len("Grain")),
            excerpt(8, start + len("Grain is "), start + len("Grain is being")),
        ],
    )
    ids = well_formed(rendered.body)
    assert sorted(ids) == ["excerpt-5", "excerpt-6", "excerpt-8"]
    assert '<mark class="excerpt excerpt-overlap excerpt-start excerpt-end" id="excerpt-5">' in (
        rendered.body
    )
    assert '<span id="excerpt-6"></span>' in rendered.body


def test_adjacent_excerpts_stay_two_marks():
    middle = TEXT.index(" is grave")
    rendered = render_document(
        TEXT, excerpts=[excerpt(1, 0, middle, label="A"), excerpt(2, middle, middle + 9, "B")]
    )
    assert (
        '(end of A)</span></mark><mark class="excerpt excerpt-start excerpt-end" id="excerpt-2">'
        in rendered.body
    )


def test_marker_inside_an_excerpt_splits_the_highlight_around_it():
    start, end = TEXT.index("Grain"), TEXT.index(" we can")
    rendered = render_document(
        TEXT,
        notes=[note(0, "4", TEXT.index(" north"))],
        excerpts=[excerpt(1, start, end, label="A")],
    )
    assert (
        'sent</mark><sup><a href="#note-1" id="noteref-1">4</a></sup>'
        '<mark class="excerpt excerpt-end"> north'
    ) in rendered.body
    well_formed(rendered.body)


def test_part_whose_first_paragraph_is_its_heading_becomes_the_heading():
    text = "First part\n\nIts text.\n\nSecond part\n\nMore text."
    rendered = render_document(
        text,
        parts=[
            part(0, "First part", 0, date_display="July 1918"),
            part(1, "Second part", text.index("Second")),
        ],
    )
    assert rendered.body == (
        '<h3 id="part-1" class="part-heading">First part</h3>\n'
        '<p class="part-date">July 1918</p>\n'
        "<p>Its text.</p>\n"
        '<h3 id="part-2" class="part-heading">Second part</h3>\n'
        "<p>More text.</p>"
    )
    assert [(e.anchor, e.heading, e.date_display) for e in rendered.toc] == [
        ("part-1", "First part", "July 1918"),
        ("part-2", "Second part", ""),
    ]


def test_part_without_a_printed_heading_gets_one_and_may_split_a_paragraph():
    text = "Opening words. Then the order itself."
    rendered = render_document(
        text, parts=[part(0, "The order", text.index("Then"))], heading_level=2
    )
    assert rendered.body == (
        "<p>Opening words.</p>\n"
        '<h2 id="part-1" class="part-heading">The order</h2>\n'
        "<p>Then the order itself.</p>"
    )


def test_marker_at_a_split_is_rendered_once():
    text = "Opening words.Then the order."
    cut = text.index("Then")
    rendered = render_document(text, notes=[note(0, "1", cut)], parts=[part(0, "Order", cut)])
    assert rendered.body.count("noteref-1") == 1
    assert 'words.<sup><a href="#note-1" id="noteref-1">1</a></sup></p>' in rendered.body


def test_empty_text_renders_nothing_but_still_lists_notes():
    rendered = render_document("", notes=[note(0, "1", 0)])
    assert rendered.body == ""
    assert '<li id="note-1">' in rendered.notes
    assert "noteref" not in rendered.notes


@pytest.mark.parametrize(
    ("year", "days"), [(1917, "13 days"), (1899, "12 days"), (None, "12 days")]
)
def test_old_style_note_gives_the_calendar_difference(year, days):
    assert days in old_style_note(year)
    assert "Julian" in old_style_note(year)
