import pytest
from django.template import Context, Template

from common.markdown import render_markdown


def test_markdown_renders_commonmark():
    html = render_markdown("# Title\n\nSome *emphasis* and **strong** text.\n\n- one\n- two")
    assert "<h1>Title</h1>" in html
    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<li>one</li>" in html


def test_markdown_tables_get_classes_instead_of_style_attributes():
    html = render_markdown("| Source | Date |\n|:--|--:|\n| A | 1917 |")
    assert '<table class="table table-sm table-bordered">' in html
    assert '<th class="text-start" scope="col">Source</th>' in html
    assert '<td class="text-end">1917</td>' in html
    assert "style=" not in html


def test_markdown_removes_script_tags_with_their_content():
    html = render_markdown("Before\n\n<script>alert('x')</script>\n\nAfter")
    assert "<script" not in html
    assert "alert" not in html
    assert "<p>Before</p>" in html
    assert "<p>After</p>" in html


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
    ],
)
def test_markdown_drops_javascript_and_data_links(text):
    html = render_markdown(text).lower()
    assert "href" not in html  # the words may stay as text; no link is made of them
    assert "click" in html


@pytest.mark.parametrize(
    "text",
    [
        '<p onclick="alert(1)">hi</p>',
        '<img src="x" onerror="alert(1)">',
        '<a href="https://example.org" onmouseover="alert(1)">hi</a>',
        '<table><tr><td onfocus="alert(1)">x</td></tr></table>',
    ],
)
def test_markdown_removes_event_handler_attributes(text):
    html = render_markdown(text)
    assert "alert" not in html
    assert " on" not in html


def test_markdown_keeps_safe_links_and_marks_them():
    html = render_markdown("[the archive](https://example.org/archive) and [a page](/units/)")
    assert 'href="https://example.org/archive"' in html
    assert 'href="/units/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_markdown_strips_styles_iframes_and_forms():
    html = render_markdown(
        '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>'
        '<form action="/x"><input name="a"></form><span style="color:red">red</span>'
    )
    for fragment in ("<style", "display:none", "<iframe", "<form", "<input", "style="):
        assert fragment not in html
    assert "red" in html


def test_markdown_of_empty_text_is_empty():
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""


def test_markdown_filter_marks_the_sanitised_html_safe():
    template = Template("{% load markdown %}{{ text|markdown }}")
    html = template.render(Context({"text": "**bold** <script>x()</script>"}))
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "&lt;strong&gt;" not in html


def test_markdown_filter_accepts_none():
    template = Template("{% load markdown %}[{{ text|markdown }}]")
    assert template.render(Context({"text": None})) == "[]"
