"""Markdown for teachers' notes: CommonMark plus tables, rendered and then sanitised.

markdown-it-py renders (raw HTML allowed, so a pasted <sup> survives); nh3 then keeps an
allow-list of tags and attributes, drops <script>/<style> with their content, every on*
attribute and any link that is not http(s), mailto or relative. Tables get Bootstrap classes and
column alignment becomes a class, because the strict CSP forbids style attributes.
"""

import functools

import nh3
from markdown_it import MarkdownIt

ALIGN_CLASSES = {"left": "text-start", "center": "text-center", "right": "text-end"}
TABLE_CLASSES = "table table-sm table-bordered"

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_CLASSES = {
    "table": set(TABLE_CLASSES.split()),
    "th": set(ALIGN_CLASSES.values()),
    "td": set(ALIGN_CLASSES.values()),
}
URL_SCHEMES = {"http", "https", "mailto"}


def _style_free_tables(state) -> None:
    """Turn markdown-it's `style="text-align:…"` into classes; mark header cells' scope."""
    for token in state.tokens:
        if token.type == "table_open":
            token.attrSet("class", TABLE_CLASSES)
        elif token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                align = ALIGN_CLASSES.get(style.removeprefix("text-align:"))
                if align:
                    token.attrSet("class", align)
            if token.type == "th_open":
                token.attrSet("scope", "col")


_parser = MarkdownIt("commonmark", {"html": True}).enable("table")
_parser.core.ruler.push("style_free_tables", _style_free_tables)


# A pure function of the text: the attempt page renders the same prompts for every student of
# a class sitting the same paper, so remembering them takes a third off its CPU at the start.
@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Safe HTML for a teacher's Markdown. Never mark anything else safe with this."""
    if not text or not text.strip():
        return ""
    return nh3.clean(
        _parser.render(text),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
