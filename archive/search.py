"""Full-text search over the archive: one function, the same behaviour on both databases.

PostgreSQL matches the generated `search_vector` column (migration 0002, not on the model) with
conditions built term by term (see _pg_where) and ranks by per-document lexeme scores kept in
`archive_document_term` (migration 0005); SQLite ranks the FTS5 table `archive_document_fts`
with `bm25`. On both, the snippet is computed only for the requested page, highlight markers
are control characters, and everything else is escaped before the markers become <mark>.

The user's query is read like PostgreSQL's websearch syntax: words are ANDed, "quoted text" is a
phrase, `or` between words means either, and a leading `-` excludes a word or phrase. Unlike
websearch, `or` binds tighter than the implied "and" (`red or white army` is (red or white)
and army), the same on both databases. For FTS5
the query is rebuilt from quoted strings only, so operators, quotes, brackets or `*` typed by a
user are never interpreted and never raise a syntax error.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.models import Document

MAX_TERMS = 32

# Highlight markers: characters that never reach the page unescaped (see snippet_html).
START, STOP = "\x02", "\x03"
# ts_headline drops anything that looks like an HTML tag, so "<" travels to it as \x01.
LT_STANDIN = "\x01"

# PostgreSQL's english.stop list, so that SQLite ignores the same words websearch_to_tsquery
# ignores ("the", "and", "or", "not" …) and a query of only stop words finds nothing on both.
_ENGLISH_STOP = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did doing
    a an the and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_ENGLISH_STOP.split())

_TERM = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class SearchHit:
    document: Document
    rank: float
    snippet: SafeString


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Term:
    """A word or "quoted phrase" of the query: its tokens, and the text as typed."""

    text: str  # the tokens, space-separated: what FTS5 gets, as one quoted string
    raw: str  # as typed, hyphens kept: what PostgreSQL's parser gets
    phrase: bool  # quoted, and more than one word: the words must come in this order


@dataclass(frozen=True)
class ParsedQuery:
    """A websearch-style query: OR-groups that must all match, and terms that must not."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def searchable(self) -> bool:
        # A query of exclusions alone would match nearly everything; FTS5 cannot express it.
        return bool(self.groups)


def search_documents(
    query: str,
    *,
    within: QuerySet[Document] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Documents matching `query`, best first, with a highlighted snippet of their text.

    `within` restricts the search to a filtered queryset (its ids become a subquery). Costs one
    query for ranks, total and snippets, then one for the page's documents (with collection)
    and one for their authors; nothing at all for a blank query. The documents come with
    `text` and `collection.details` deferred. `total` counts every match, also when `offset`
    is past the last one.
    """
    # Control characters mean nothing to either parser (and PostgreSQL refuses NUL outright).
    query = "".join(" " if unicodedata.category(c) == "Cc" else c for c in query or "")
    parsed = parse_query(query)
    if not parsed.searchable:
        return SearchPage(query=query, limit=limit, offset=offset)
    limit, offset = max(int(limit), 0), max(int(offset), 0)
    if connection.vendor == "postgresql":
        rows, total = _postgresql(query, parsed, within, limit, offset)
    else:
        rows, total = _sqlite(to_fts5_query(parsed), within, limit, offset)
    ids = [row[0] for row in rows]
    # Listings need neither the text nor the collection's bibliographic JSON.
    listed = Document.objects.with_provenance().defer("text", "collection__details")
    documents = listed.in_bulk(ids) if ids else {}
    hits = [
        SearchHit(document=documents[pk], rank=float(rank), snippet=snippet_html(snippet or ""))
        for pk, rank, snippet in rows
        if pk in documents  # deleted between the two queries
    ]
    return SearchPage(query=query, hits=hits, total=total, limit=limit, offset=offset)


def parse_query(query: str) -> ParsedQuery:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    kept = 0  # stop words and "or" do not count towards MAX_TERMS
    for match in _TERM.finditer(query or ""):
        if kept == MAX_TERMS:
            break
        negated = bool(match["neg"])
        quoted = match["phrase"] is not None
        raw = match["phrase"] if quoted else match["word"]
        text = " ".join(_tokens(raw))
        if not quoted and not negated and text.lower() == "or":
            pending_or = True
            continue
        if not text or all(token.lower() in STOP_WORDS for token in text.split()):
            continue  # nothing searchable: punctuation, or stop words PostgreSQL would drop
        term = Term(text=text, raw=" ".join(raw.split()), phrase=quoted and len(raw.split()) > 1)
        kept += 1
        if negated:
            excluded.append(term)
        elif pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return ParsedQuery(groups=tuple(tuple(g) for g in groups), excluded=tuple(excluded))


def to_fts5_query(parsed: ParsedQuery) -> str:
    """An FTS5 expression in which every user term is a quoted string (never an operator)."""

    def quoted(term: Term) -> str:
        return '"' + term.text.replace('"', '""') + '"'

    expression = " AND ".join("(" + " OR ".join(map(quoted, g)) + ")" for g in parsed.groups)
    for term in parsed.excluded:
        expression = f"({expression}) NOT {quoted(term)}"
    return expression


def snippet_html(raw: str) -> SafeString:
    """Escape a snippet and turn its START/STOP markers into balanced <mark> elements."""
    out: list[str] = []
    is_open = False
    for chunk in re.split(f"([{START}{STOP}])", " ".join(raw.split())):
        if chunk == START:
            if not is_open:
                out.append("<mark>")
            is_open = True
        elif chunk == STOP:
            if is_open:
                out.append("</mark>")
            is_open = False
        else:
            out.append(escape(chunk.replace(LT_STANDIN, "<")))
    if is_open:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def _tokens(text: str) -> list[str]:
    """Runs of letters and digits (what both databases' parsers index), in order."""
    tokens, current = [], []
    for char in text:
        if unicodedata.category(char)[0] in "LNM" or unicodedata.category(char) == "Co":
            current.append(char)
        elif current:
            tokens.append("".join(current))
            current = []
    if current:
        tokens.append("".join(current))
    return tokens


def _within_sql(within: QuerySet[Document] | None, column: str) -> tuple[str, Sequence]:
    if within is None:
        return "", ()
    sql, params = within.order_by().values("pk").query.get_compiler(connection=connection).as_sql()
    return f" AND {column} IN ({sql})", tuple(params)


# Two fragments of up to 18 words give context on both sides of the matches (about the 32
# tokens of the SQLite snippet).
_PG_HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=18, MinWords=8, ShortWord=3, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
# ts_headline parses the whole text it is given, which for a page of long speeches costs tens of
# milliseconds. It is given a window instead: from a little before the first word that starts
# like a query term (a regex on word prefixes, a cheap stand-in for stemming) to 800
# characters on. ts_headline still decides what to highlight. The regex looks in the first
# 2,000 characters before the whole text: most matches are early, and a prefix is read from
# TOAST in a few chunks where the whole of a long speech costs ~0.2 ms a document to fetch.
SNIPPET_WINDOW, SNIPPET_LEAD = 800, 250  # 1,500 took twice as long, for snippets alike
SNIPPET_PREFIX = 2000

# The match is built per term (_pg_where). An unquoted hyphenated word ("counter-revolution")
# is its compound lexeme alone, through the english_whole_words configuration (migration
# 0006): websearch_to_tsquery makes it the phrase 'counter-revolut' <-> 'counter' <->
# 'revolut', which finds the same documents (the parser always follows a compound with its
# parts) but makes PostgreSQL re-read the whole tsvector of every candidate to check
# positions. For the same reason a quoted phrase of two plain words is looked up as a lexeme
# pair in archive_document_term (migration 0007), an index-only scan; longer phrases keep
# phraseto_tsquery and its positions. The tsquery functions and operators are immutable, so
# the planner folds the expression to a constant and the GIN index decides what matches.
# The rank is read from archive_document_term (migration 0005): the summed scores of the
# query's lexemes and phrases' pairs, an index-only scan each, instead of ts_rank_cd, which
# de-TOASTs and walks the whole tsvector of every match (three times slower when a query
# matches thousands of documents). ts_headline, the expensive part, runs only for the rows of
# the page, with websearch_to_tsquery so that compounds' parts light up.
_PG_PAGE = """
    SELECT page.id, page.rank, page.total,
           ts_headline('english', replace(
               CASE WHEN octet_length(d.text) <= %s THEN d.text
                    ELSE substr(d.text, greatest(coalesce(
                        nullif(regexp_instr(substr(d.text, 1, %s), %s, 1, 1, 0, 'i'), 0),
                        regexp_instr(d.text, %s, 1, 1, 0, 'i')) - %s, 1), %s)
               END, '<', chr(1)), websearch_to_tsquery('english', %s), %s)
    FROM (
        SELECT d.id, coalesce(sum(t.score), 0) AS rank, count(*) OVER () AS total
        FROM archive_document d
        LEFT JOIN archive_document_term t
               ON t.document_id = d.id
              AND t.lexeme = ANY (tsvector_to_array(to_tsvector('english_whole_words', %s))
                                  || archive_phrase_pairs(%s::text[]))
        WHERE {where}{within}
        GROUP BY d.id
        ORDER BY rank DESC, d.id
        LIMIT %s OFFSET %s
    ) page
    JOIN archive_document d ON d.id = page.id
    ORDER BY page.rank DESC, page.id
"""
_PG_COUNT = "SELECT count(*) FROM archive_document d WHERE {where}{within}"
_PG_PAIR = """d.id IN (SELECT t.document_id FROM archive_document_term t
                       WHERE t.lexeme = archive_phrase_pair(%s))"""


def _pairable(term: Term) -> bool:
    """A quoted phrase that PostgreSQL's parser certainly makes two adjacent lexemes: two
    ASCII words or numbers, neither a stop word. Other letters can split or case-fold unlike
    Python's ("İ" lower-cases to "i", a stop word), so those phrases keep the positional
    query; archive_phrase_pair gives NULL, which matches nothing, if this is ever wrong."""
    words = term.raw.split()
    return (
        term.phrase
        and len(words) == 2
        and all(w.isascii() and w.isalnum() and w.lower() not in STOP_WORDS for w in words)
    )


def _operand(term: Term) -> str:
    """A term as a tsquery expression with one parameter, its text as typed."""
    if term.phrase:
        return "phraseto_tsquery('english', %s)"
    # A word the parser splits ("o'brien", "10,000") stays a phrase, as in websearch.
    return "phraseto_tsquery('english_whole_words', %s)"


def _pg_where(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """The query as SQL conditions on `d` and their parameters.

    Tsquery operands are all parenthesised: `&&`, `||` and `!!` share one precedence in SQL.
    A pairable phrase that is a group of its own becomes a lookup of its lexeme pair.
    """
    conditions: list[tuple[str, list[str]]] = []
    pairs = [g[0] for g in parsed.groups if len(g) == 1 and _pairable(g[0])]
    others = [g for g in parsed.groups if not (len(g) == 1 and _pairable(g[0]))]
    excluded = [_operand(term) for term in parsed.excluded]
    excluded_params = [term.raw for term in parsed.excluded]
    if others:
        positive = " && ".join("(" + " || ".join(map(_operand, g)) + ")" for g in others)
        positive_params = [term.raw for g in others for term in g]
        tsquery = " && ".join([positive, *(f"(!! {sql})" for sql in excluded)])
        conditions.append((f"d.search_vector @@ ({tsquery})", positive_params + excluded_params))
        # Words the parser drops ("½") leave an empty operand; without the guard "½ -dawn"
        # would be a NOT-only tsquery, every document without "dawn" (FTS5 finds none).
        conditions.append((f"numnode({positive}) > 0", positive_params))
    elif excluded:
        # Not a tsquery of NOTs alone: the GIN index would scan every entry. A filter on the
        # documents the pairs found.
        conditions.append((f"NOT (d.search_vector @@ ({' || '.join(excluded)}))", excluded_params))
    conditions += [(_PG_PAIR, [term.raw]) for term in pairs]
    return " AND ".join(sql for sql, _ in conditions), [p for _, ps in conditions for p in ps]


def _window_pattern(parsed: ParsedQuery) -> str:
    """A PostgreSQL regex for the start of a word beginning like any wanted term."""
    prefixes = set()
    for group in parsed.groups:
        for term in group:
            words = term.text.split()
            token = next((w for w in words if w.lower() not in STOP_WORDS), words[0])
            prefixes.add(token[: max(4, len(token) - 3)])
    return r"\m(" + "|".join(sorted(prefixes)) + ")"  # tokens are letters and digits only


def _postgresql(query, parsed, within, limit, offset):
    within_sql, within_params = _within_sql(within, "d.id")
    pattern = _window_pattern(parsed)
    window = [SNIPPET_WINDOW, SNIPPET_PREFIX, pattern, pattern, SNIPPET_LEAD, SNIPPET_WINDOW]
    # The words that rank: every wanted term, none of the excluded ones.
    wanted = [term for group in parsed.groups for term in group]
    words = " ".join(term.raw for term in wanted)
    phrases = [term.raw for term in wanted if term.phrase]
    where_sql, where_params = _pg_where(parsed)
    params = [*window, query, _PG_HEADLINE_OPTIONS, words, phrases, *where_params]
    with connection.cursor() as cursor:
        page_sql = _PG_PAGE.format(where=where_sql, within=within_sql)
        cursor.execute(page_sql, [*params, *within_params, limit, offset])
        rows = cursor.fetchall()
        if rows:
            return [(pk, rank, snippet) for pk, rank, _, snippet in rows], rows[0][2]
        if offset == 0:
            return [], 0
        count_sql = _PG_COUNT.format(where=where_sql, within=within_sql)
        cursor.execute(count_sql, [*where_params, *within_params])
        return [], cursor.fetchone()[0]


# bm25 weights: title 10, topic 3, text 1 (lower is better, so the rank is its negation). The
# snippet comes from the text column only: the FTS "title" column concatenates three fields, so
# it cannot be re-read from the external content table. bm25 cannot sit next to a window
# function (FTS5 refuses the context), hence the extra level of subquery.
_SQLITE_PAGE = """
    SELECT page.id, -page.score, page.total,
           snippet(archive_document_fts, 2, char(2), char(3), '…', 32)
    FROM (
        SELECT id, score, count(*) OVER () AS total FROM (
            SELECT rowid AS id, bm25(archive_document_fts, 10.0, 3.0, 1.0) AS score
            FROM archive_document_fts
            WHERE archive_document_fts MATCH %s{within}
        )
        ORDER BY score, id
        LIMIT %s OFFSET %s
    ) page
    JOIN archive_document_fts ON archive_document_fts.rowid = page.id
    WHERE archive_document_fts MATCH %s
    ORDER BY page.score, page.id
"""
_SQLITE_COUNT = """
    SELECT count(*) FROM archive_document_fts WHERE archive_document_fts MATCH %s{within}
"""


def _sqlite(expression, within, limit, offset):
    within_sql, within_params = _within_sql(within, "rowid")
    with connection.cursor() as cursor:
        cursor.execute(
            _SQLITE_PAGE.format(within=within_sql),
            [expression, *within_params, limit, offset, expression],
        )
        rows = cursor.fetchall()
        if rows:
            return [(pk, rank, snippet) for pk, rank, _, snippet in rows], rows[0][2]
        if offset == 0:
            return [], 0
        cursor.execute(_SQLITE_COUNT.format(within=within_sql), [expression, *within_params])
        return [], cursor.fetchone()[0]
