"""The attempt page's questions and sources pane, rendered once per paper and filled in per student.

Everything a student sees of the paper (the question cards' prompts, choices, grids and source
links, and the sources pane) is the same for every student of an assessment; only the response
differs (its id, version, text, choices, grid answers, citations, save time). So the cards are
rendered once per assessment with `_question.html`, with placeholders where the template prints
the response (the properties of `QuestionView` it uses), and each request fills in its student's
values, escaped as the template would. At the exam's start that turns ~30 ms of CPU per page
(five queries and sixteen cards rendered) into a few.

The cache is per process, keyed by the assessment's id, creation time and `content_version`,
which every change to what students see of the paper replaces (assessments/content_version.py):
the next page load after a teacher's edit renders the new paper. A deploy starts new processes,
so a changed template never meets an old rendering. Only the answerable page uses it; the
read-only page after submission and the teacher's preview render as before.
"""

import threading
from dataclasses import dataclass

from django.db.models import Prefetch
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from assessments import selectors_student
from assessments.autosave import MAX_ANSWER_CHARS
from assessments.models import Assessment, Attempt, Response
from assessments.selectors_student import QuestionParts, QuestionView, SourceView

# Placeholders are NUL-delimited: NUL never reaches a page (Markdown and the database refuse or
# drop it), and a paper whose rendering holds one anyway is rendered per request as before.
_MARK = "\x00"
_ARG = "\x01"
_SLOTS = frozenset(
    [
        "rid",
        "version",
        "text",
        "save_url",
        "saved_at_iso",
        "save_status",
        "number",
        "citation_items",
        "no_citations_hidden",
    ]
)
_MAX_PAPERS = 64  # per process; a school's exams in one sitting are a handful


def _slot(name: str) -> SafeString:
    return mark_safe(f"{_MARK}{name}{_MARK}")  # noqa: S308 - placeholders, replaced before sending


class _Placeholders(QuestionView):
    """A QuestionView whose response-dependent properties print placeholders."""

    def __getattribute__(self, name):
        if name in _SLOTS:
            return _slot(name)
        return super().__getattribute__(name)

    def choice_checked(self, pk):
        return _slot(f"choice{_ARG}{pk}")

    def grid_checked(self, claim_pk, label, answer):
        return _slot(f"grid{_ARG}{claim_pk}{_ARG}{label}{_ARG}{answer}")


@dataclass(frozen=True)
class _Card:
    parts: QuestionParts
    pieces: tuple[str, ...]  # even: HTML as is; odd: a placeholder's name


@dataclass(frozen=True)
class Paper:
    cards: dict[int, _Card]  # by question id
    order: tuple[int, ...]  # question ids in the attempt page's order
    sources: list[SourceView]
    sources_html: SafeString  # the pane's cards, as the answerable page shows them


_CARD = (
    "{% load l10n %}{% localize off %}"
    '{% include "assessments/student/_question.html" %}{% endlocalize %}'
)
_PANE = (
    "{% load l10n %}{% localize off %}{% for source in sources %}"
    '{% include "assessments/student/_source.html" %}{% endfor %}{% endlocalize %}'
)
_papers: dict[tuple, Paper | None] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget every rendered paper (tests)."""
    with _lock:
        _papers.clear()


def _pieces(html: str) -> tuple[str, ...] | None:
    pieces = tuple(html.split(_MARK))
    names = pieces[1::2]
    if len(pieces) % 2 == 0 or any(
        name not in _SLOTS and name.split(_ARG, 1)[0] not in ("choice", "grid") for name in names
    ):
        return None
    return pieces


def _render(assessment: Assessment) -> Paper | None:
    """The paper's cards and pane. Five queries (questions, choices, claims, sources with
    excerpts, documents and collections, authors)."""
    questions = assessment.questions.prefetch_related(
        "choices", "claims", Prefetch("sources", queryset=selectors_student.sources_queryset())
    ).order_by("position", "pk")
    engine = engines["django"]
    card_template, pane_template = engine.from_string(_CARD), engine.from_string(_PANE)
    pane: dict[str, SourceView] = {}
    cards = {}
    for question in questions:
        parts = selectors_student.question_parts(question, pane)
        view = _Placeholders(
            number=0,
            question=parts.question,
            response=Response(question=question),
            sources=parts.sources,
            choices=parts.choices,
            claims=parts.claims,
            grid_labels=parts.grid_labels,
        )
        html = card_template.render(
            {"q": view, "preview": False, "max_answer_chars": MAX_ANSWER_CHARS}
        )
        pieces = _pieces(html)
        if pieces is None:
            return None
        cards[question.pk] = _Card(parts=parts, pieces=pieces)
    sources = list(pane.values())
    sources_html = pane_template.render({"sources": sources, "editable": True})
    if _MARK in sources_html:
        return None
    return Paper(
        cards=cards,
        order=tuple(cards),
        sources=sources,
        sources_html=mark_safe(sources_html),  # noqa: S308 - rendered with autoescape
    )


def _paper(assessment: Assessment) -> Paper | None:
    key = (assessment.pk, assessment.created_at, assessment.content_version)
    try:
        return _papers[key]
    except KeyError:
        pass
    paper = _render(assessment)
    with _lock:
        for old in [k for k in _papers if k[0] == assessment.pk]:
            del _papers[old]  # an earlier version of the paper
        while len(_papers) >= _MAX_PAPERS:
            del _papers[next(iter(_papers))]
        _papers[key] = paper
    return paper


def _value(view: QuestionView, name: str):
    if _ARG not in name:
        return getattr(view, name)
    kind, *args = name.split(_ARG)
    if kind == "choice":
        return view.choice_checked(int(args[0]))
    claim, label, answer = args
    return view.grid_checked(int(claim), label, answer)


def _fill(card: _Card, view: QuestionView) -> SafeString:
    pieces = card.pieces
    out = list(pieces)
    values = {}  # the response's id appears in every control's id: work it out once
    for i in range(1, len(pieces), 2):
        name = pieces[i]
        value = values.get(name)
        if value is None:
            value = values[name] = conditional_escape(_value(view, name))
        out[i] = value
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above


def answerable_questions(
    *, attempt: Attempt
) -> tuple[list[QuestionView], list[SourceView], SafeString] | None:
    """The attempt's questions, each with its card rendered (`view.html`), the sources pane and
    its rendered cards; None when the paper cannot be served from the cache (then render the
    page as `selectors_student.attempt_questions` does).

    One query (the responses) when this process has rendered the paper's current version,
    six when it has not. Expects `attempt.assignment.assessment` loaded.
    """
    paper = _paper(attempt.assignment.assessment)
    if paper is None:
        return None
    responses = {
        r.question_id: r for r in Response.objects.filter(attempt_id=attempt.pk).order_by()
    }
    if responses.keys() != paper.cards.keys():
        return None  # the paper changed after this attempt started: render it as it is
    views = []
    for number, question_id in enumerate(paper.order, start=1):
        card = paper.cards[question_id]
        view = selectors_student.question_view(
            card.parts, number=number, response=responses[question_id]
        )
        view.html = _fill(card, view)
        views.append(view)
    return views, paper.sources, paper.sources_html
