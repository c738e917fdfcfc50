"""Reads for the student's side: My work, the attempt page, the submit summary."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from archive.models import Excerpt
from assessments import windows
from assessments.models import (
    Assessment,
    Assignment,
    Attempt,
    Extension,
    Question,
    QuestionSource,
    Response,
)

# --- My work --------------------------------------------------------------------------------


class WorkState:
    TO_DO = "to_do"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"


@dataclass(frozen=True)
class WorkItem:
    assignment: Assignment
    attempt: Attempt | None  # the latest
    state: str
    due_at: datetime  # with the student's extension
    close_at: datetime
    extended: bool
    not_open: bool
    closed: bool
    late: bool  # overdue (not submitted) or submitted late
    can_start: bool


@dataclass(frozen=True)
class MyWork:
    to_do: list[WorkItem]
    in_progress: list[WorkItem]
    submitted: list[WorkItem]
    returned: list[WorkItem]

    @property
    def is_empty(self) -> bool:
        return not (self.to_do or self.in_progress or self.submitted or self.returned)


def _with_student_work(assignments, student):
    return assignments.select_related("assessment", "classroom").prefetch_related(
        Prefetch(
            "extensions",
            queryset=Extension.objects.filter(student=student),
            to_attr="student_extensions",
        ),
        Prefetch(
            "attempts",
            queryset=Attempt.objects.filter(student=student).order_by("-number"),
            to_attr="student_attempts",
        ),
    )


def _work_item(assignment: Assignment, *, student, now: datetime) -> WorkItem:
    """Expects the prefetches of `_with_student_work`."""
    extension = next(iter(assignment.student_extensions), None)
    attempts = assignment.student_attempts
    attempt = attempts[0] if attempts else None
    due = windows.effective_due(assignment=assignment, student=student, extension=extension)
    close = windows.effective_close(assignment=assignment, student=student, extension=extension)
    not_open = now < assignment.opens_at
    if attempt is not None and attempt.status == Attempt.Status.IN_PROGRESS:
        # An extension's extra time can run past the close: the attempt's deadline decides.
        closed = not windows.accepts_saves(deadline_at=attempt.deadline_at, now=now)
    else:
        closed = now > close
    if attempt is None:
        state = WorkState.TO_DO
    elif attempt.status == Attempt.Status.IN_PROGRESS:
        state = WorkState.IN_PROGRESS
    elif attempt.feedback_released_at or assignment.released_at:
        state = WorkState.RETURNED
    else:
        state = WorkState.SUBMITTED
    if attempt is not None and attempt.status == Attempt.Status.SUBMITTED:
        late = attempt.is_late
    else:
        late = now > due
    return WorkItem(
        assignment=assignment,
        attempt=attempt,
        state=state,
        due_at=due,
        close_at=close,
        extended=due != assignment.due_at or close != assignment.closes_at,
        not_open=not_open,
        closed=closed,
        late=late,
        can_start=(
            not not_open
            and not closed
            and state != WorkState.IN_PROGRESS
            and len(attempts) < assignment.attempts_allowed
        ),
    )


def my_work(*, student, now: datetime | None = None) -> MyWork:
    """The student's assignments across their classes, grouped. Three queries, however many.

    Returned means the teacher released feedback on a submitted attempt.
    """
    now = now or timezone.now()
    assignments = _with_student_work(Assignment.objects.for_student(student), student)
    groups: dict[str, list[WorkItem]] = {
        WorkState.TO_DO: [],
        WorkState.IN_PROGRESS: [],
        WorkState.SUBMITTED: [],
        WorkState.RETURNED: [],
    }
    for assignment in assignments:
        item = _work_item(assignment, student=student, now=now)
        groups[item.state].append(item)
    by_due = lambda item: (item.due_at, item.assignment.pk)  # noqa: E731
    by_submission = lambda item: item.attempt.submitted_at or item.due_at  # noqa: E731
    return MyWork(
        to_do=sorted(groups[WorkState.TO_DO], key=by_due),
        in_progress=sorted(groups[WorkState.IN_PROGRESS], key=by_due),
        submitted=sorted(groups[WorkState.SUBMITTED], key=by_submission, reverse=True),
        returned=sorted(groups[WorkState.RETURNED], key=by_submission, reverse=True),
    )


def _preference(item: WorkItem) -> tuple:
    """Which of several settings of one assessment a page should point to: work in progress,
    then work that can be started, then work not open yet, then the latest due."""
    if item.state == WorkState.IN_PROGRESS:
        rank = 0
    elif item.can_start:
        rank = 1
    elif item.state == WorkState.TO_DO and item.not_open:
        rank = 2
    else:
        rank = 3
    return (rank, -item.due_at.timestamp(), -item.assignment.pk)


def work_for_assessments(*, student, assessment_ids, now: datetime | None = None) -> dict:
    """{assessment id: WorkItem} for the assessments set to one of the student's classes (an
    assessment set more than once: the setting the student should act on). Assessments not set
    to their classes are missing. Three queries, one when none is set, none without ids.
    """
    ids = set(assessment_ids)
    if not ids:
        return {}
    now = now or timezone.now()
    assignments = _with_student_work(
        Assignment.objects.for_student(student).filter(assessment_id__in=ids), student
    )
    work: dict[int, WorkItem] = {}
    for assignment in assignments:
        item = _work_item(assignment, student=student, now=now)
        current = work.get(assignment.assessment_id)
        if current is None or _preference(item) < _preference(current):
            work[assignment.assessment_id] = item
    return work


def get_assignment_for_student(*, student, pk) -> Assignment:
    """An assignment set to one of the student's classes; 404 otherwise."""
    return get_object_or_404(
        Assignment.objects.for_student(student).select_related("assessment"), pk=pk
    )


# --- the attempt page -----------------------------------------------------------------------


def get_attempt_for_student(*, student, pk) -> Attempt:
    """The student's own attempt (with assignment, assessment and class); 404 for anyone else's.

    One query.
    """
    return get_object_or_404(
        Attempt.objects.select_related("assignment__assessment", "assignment__classroom"),
        pk=pk,
        student=student,
    )


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def source_heading(label: str) -> str:
    """'A' → 'Source A'; a label that already says 'Source …' stays as it is."""
    return label if label.lower().startswith("source") else f"Source {label}"


GRID_ANSWERS = (("agree", "Agrees"), ("disagree", "Disagrees"), ("silent", "Silent"))
CHECKED = mark_safe(" checked")  # noqa: S308 - a constant
HIDDEN = mark_safe(" hidden")  # noqa: S308 - a constant


@dataclass(frozen=True)
class Paragraph:
    start: int  # offset of the paragraph's first character in the document's text
    text: str


@dataclass
class SourceView:
    """A labelled excerpt as the sources pane shows it (once, however many questions cite it)."""

    key: str
    label: str
    excerpt: Excerpt
    paragraphs: list[Paragraph]

    @property
    def document(self):
        return self.excerpt.document

    @property
    def heading(self) -> str:
        return source_heading(self.label)

    def quote(self, start: int, end: int) -> str:
        offset = self.excerpt.start
        return self.excerpt.text[start - offset : end - offset]


@dataclass(frozen=True)
class CitationView:
    excerpt: int
    document: int
    start: int
    end: int
    source: SourceView
    quote: str


@dataclass
class QuestionView:
    """A question with the student's response, as the attempt page shows it.

    The properties below `grid_rows` are what `_question.html` prints of the response; the
    attempt page's cache (assessments/attempt_page.py) renders the template once with
    placeholders for them and fills them in per student, so the template must print nothing
    else of the response.
    """

    number: int
    question: Question
    response: Response
    sources: list[SourceView]
    choices: list
    claims: list
    grid_labels: list[str]
    citations: list[CitationView] = field(default_factory=list)
    html: str = ""  # the rendered card, when the attempt page's cache made it

    grid_answers = GRID_ANSWERS

    @cached_property
    def chosen(self) -> set[int]:
        return {int(c) for c in self.response.choices or () if str(c).isdigit()}

    @property
    def is_answered(self) -> bool:
        r = self.response
        if self.question.kind == Question.Kind.GRID:
            return bool(r.grid)
        if self.question.kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
            return bool(r.choices)
        return bool(r.text.strip())

    @property
    def grid_cells(self) -> int:
        return sum(len(row) for row in (self.response.grid or {}).values())

    @property
    def grid_headings(self) -> list[str]:
        return [source_heading(label) for label in self.grid_labels]

    @property
    def grid_rows(self) -> list[tuple]:
        """[(claim, [(label, heading, the student's answer or "")])] for the grid's table."""
        grid = self.response.grid if isinstance(self.response.grid, dict) else {}
        return [
            (
                claim,
                [
                    (label, source_heading(label), (grid.get(str(claim.pk)) or {}).get(label, ""))
                    for label in self.grid_labels
                ],
            )
            for claim in self.claims
        ]

    # --- what the answer form prints of the response ---

    @property
    def rid(self):
        """The id the answer controls carry (an unsaved response of the preview: the question's)."""
        return self.response.pk or self.question.pk

    @property
    def version(self) -> int:
        return self.response.version

    @property
    def text(self) -> str:
        return self.response.text

    @property
    def save_url(self) -> str:
        return reverse("assessments:autosave", args=[self.response.attempt_id, self.response.pk])

    @property
    def saved_at_iso(self) -> str:
        return self.response.saved_at.isoformat() if self.response.saved_at else ""

    @property
    def save_status(self) -> str:
        if not self.response.saved_at:
            return "Not answered yet"
        return f"Saved {date_filter(template_localtime(self.response.saved_at), 'H:i')}"

    def choice_checked(self, pk: int) -> str:
        return CHECKED if pk in self.chosen else ""

    def grid_checked(self, claim_pk: int, label: str, answer: str) -> str:
        grid = self.response.grid if isinstance(self.response.grid, dict) else {}
        return CHECKED if (grid.get(str(claim_pk)) or {}).get(label, "") == answer else ""

    @property
    def choice_inputs(self) -> list[tuple]:
        """[(choice, " checked" or "")]"""
        return [(choice, self.choice_checked(choice.pk)) for choice in self.choices]

    @property
    def grid_inputs(self) -> list[tuple]:
        """[(claim, [(label, heading, [(answer, answer text, " checked" or "")])])]"""
        return [
            (
                claim,
                [
                    (
                        label,
                        source_heading(label),
                        [
                            (answer, text, self.grid_checked(claim.pk, label, answer))
                            for answer, text in GRID_ANSWERS
                        ],
                    )
                    for label in self.grid_labels
                ],
            )
            for claim in self.claims
        ]

    @property
    def citation_items(self) -> str:
        if not self.citations:
            return ""
        return _citation_items().render({"citations": self.citations})

    @property
    def no_citations_hidden(self) -> str:
        return HIDDEN if self.citations else ""


@cache
def _citation_items():
    return engines["django"].from_string(
        '{% load l10n %}{% localize off %}{% for c in citations %}{% include "assessments/student/'
        '_citation.html" with removable=True %}{% endfor %}{% endlocalize %}'
    )


def paragraphs_of(excerpt: Excerpt) -> list[Paragraph]:
    """The excerpt's paragraphs with offsets into the document (excerpt start + offset)."""
    paragraphs = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(excerpt.text):
        if match.start() > position:
            paragraphs.append(
                Paragraph(excerpt.start + position, excerpt.text[position : match.start()])
            )
        position = match.end()
    if position < len(excerpt.text):
        paragraphs.append(Paragraph(excerpt.start + position, excerpt.text[position:]))
    return paragraphs


def sources_queryset():
    # Documents come without their full text: the excerpts carry what is shown.
    return (
        QuestionSource.objects.select_related("excerpt__document__collection")
        .defer("excerpt__document__text")
        .prefetch_related("excerpt__document__authors")
    )


@dataclass(frozen=True)
class QuestionParts:
    """What a QuestionView shows of the question alone, the same for every student."""

    question: Question
    sources: list[SourceView]
    choices: list
    claims: list
    grid_labels: list[str]


def question_parts(question: Question, pane: dict[str, SourceView]) -> QuestionParts:
    """Expects `choices`, `claims` and `sources` (as `sources_queryset`) prefetched. Adds the
    question's sources to `pane` (key: SourceView) in order of first use."""
    sources = []
    for qs in question.sources.all():
        key = f"{qs.excerpt_id}-{qs.label}"
        if key not in pane:
            pane[key] = SourceView(
                key=key, label=qs.label, excerpt=qs.excerpt, paragraphs=paragraphs_of(qs.excerpt)
            )
        sources.append(pane[key])
    claims = list(question.claims.all())
    labels = [s.label for s in sources]
    if not labels:
        labels = sorted({label for claim in claims for label in claim.expected or {}})
    return QuestionParts(
        question=question,
        sources=sources,
        choices=list(question.choices.all()),
        claims=claims,
        grid_labels=labels,
    )


def question_view(parts: QuestionParts, *, number: int, response: Response) -> QuestionView:
    """The question with the student's response and its citations. No queries."""
    view = QuestionView(
        number=number,
        question=parts.question,
        response=response,
        sources=parts.sources,
        choices=parts.choices,
        claims=parts.claims,
        grid_labels=parts.grid_labels,
    )
    by_excerpt = {s.excerpt.pk: s for s in parts.sources}
    for citation in response.citations or ():
        source = by_excerpt.get(citation.get("excerpt"))
        if source is None:
            continue  # the teacher changed the question's sources since
        view.citations.append(
            CitationView(
                excerpt=source.excerpt.pk,
                document=source.excerpt.document_id,
                start=citation["start"],
                end=citation["end"],
                source=source,
                quote=source.quote(citation["start"], citation["end"]),
            )
        )
    return view


def _question_views(responses) -> tuple[list[QuestionView], list[SourceView]]:
    """QuestionViews for responses in question order, and the sources pane (each labelled
    excerpt once, in order of first use). No queries of its own: expects each response's
    `question` with `choices`, `claims` and `sources` (as `sources_queryset`) prefetched.
    The responses need not be saved.
    """
    pane: dict[str, SourceView] = {}
    views = [
        question_view(question_parts(response.question, pane), number=number, response=response)
        for number, response in enumerate(responses, start=1)
    ]
    return views, list(pane.values())


def attempt_questions(*, attempt: Attempt) -> tuple[list[QuestionView], list[SourceView]]:
    """Each question with its response, choices, claims, sources and citations; and the
    sources pane (each labelled excerpt once, in order of first use). Five queries, however
    many questions. Documents come without their full text (excerpts carry what is shown).
    """
    responses = (
        Response.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related(
            "question__choices",
            "question__claims",
            Prefetch("question__sources", queryset=sources_queryset()),
        )
        .order_by("question__position", "question__pk")
    )
    return _question_views(responses)


def preview_questions(*, assessment: Assessment) -> tuple[list[QuestionView], list[SourceView]]:
    """The attempt page's questions and sources pane for an assessment nobody has started:
    each question with an empty, unsaved Response (no Attempt or Response row is written).

    Six queries, however many questions. Each `view.question` also has its `levels`
    prefetched, so `services.question_problems` can run on it without more queries.
    """
    questions = assessment.questions.prefetch_related(
        "choices",
        "claims",
        "levels",
        Prefetch("sources", queryset=sources_queryset()),
    ).order_by("position", "pk")
    return _question_views(Response(question=question) for question in questions)


def objective_marks_visible(*, attempt: Attempt) -> bool:
    """Objective marks show after submission under objective_at_once, or once released."""
    if attempt.status != Attempt.Status.SUBMITTED:
        return False
    assignment = attempt.assignment
    return (
        attempt.feedback_released
        or assignment.feedback_policy == Assignment.FeedbackPolicy.OBJECTIVE_AT_ONCE
    )
