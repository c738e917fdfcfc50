"""Reads for marking and feedback: totals, queues, the marking screen, second-marking agreement
and the student's feedback page.

Rules every function here keeps:
- "To mark" is never zero. A response whose `effective_score` is None is counted in `to_mark`
  and shown as "to mark"; it is never summed, averaged or displayed as 0.
- Only submitted attempts are marked. Every submitted attempt is marked (with more than one
  attempt allowed, the label says "attempt 2"), so no work is silently ignored.
- Anonymous marking: while `assignment.anonymous_marking` is on and the assignment has not been
  released to the whole class, every student in marking is "Student n". n is the rank of the
  student's first attempt (by pk) on the assignment, so it never changes as others start or
  submit. Releasing to a few students does not reveal their names: a mix of names and numbers
  would let a teacher work out who the numbered students are.

The callers check access (permissions loaders); these functions trust the objects given.
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from archive.models import Author
from archive.rendering import render_document
from assessments.models import (
    Assignment,
    Attempt,
    CommentBankEntry,
    Exemplar,
    Level,
    Mark,
    MarkChange,
    Question,
    QuestionSource,
    Response,
    SecondMark,
    SecondMarking,
    Skill,
)
from assessments.selectors_student import source_heading

BY_QUESTION = "question"
BY_STUDENT = "student"
ORDERS = (BY_QUESTION, BY_STUDENT)


def order_of(value: str | None) -> str:
    """The queue order asked for, question by question unless student by student is asked."""
    return value if value in ORDERS else BY_QUESTION


# --- totals: "14 / 40 + 2 to mark" -----------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    score: int  # the sum of the effective scores that exist
    out_of: int  # the sum of every question's marks, marked or not
    to_mark: int  # responses still waiting for a mark: never counted as zero

    def __str__(self) -> str:
        text = f"{self.score} / {self.out_of}"
        if self.to_mark:
            text += f" + {self.to_mark} to mark"
        return text

    @property
    def complete(self) -> bool:
        return self.to_mark == 0


def totals_of(scores: Iterable[tuple[int | None, int]]) -> Totals:
    """Totals of (effective score or None, question marks) pairs. Pure."""
    score = out_of = to_mark = 0
    for value, marks in scores:
        out_of += marks
        if value is None:
            to_mark += 1
        else:
            score += value
    return Totals(score=score, out_of=out_of, to_mark=to_mark)


def totals_prefetch(lookup: str = "responses") -> Prefetch:
    """The prefetch `attempt_totals` needs: `Attempt.objects.prefetch_related(totals_prefetch())`
    (one extra query for any number of attempts)."""
    return Prefetch(lookup, queryset=Response.objects.select_related("question", "mark"))


def attempt_totals(attempt: Attempt) -> Totals:
    """The attempt's score, out of, and how many answers are still to mark.

    Contract: `attempt.responses` must be prefetched with `question` and `mark` selected
    (`totals_prefetch()`); then this runs no query. Without it, it costs 1 + 2 per response.
    """
    return totals_of((r.effective_score, r.question.marks) for r in attempt.responses.all())


def to_mark_filter(prefix: str = "") -> Q:
    """Responses whose effective score is None, as a filter (`prefix` e.g. "responses__")."""
    return Q(**{f"{prefix}mark__isnull": True}) & (
        ~Q(**{f"{prefix}question__kind__in": Question.OBJECTIVE_KINDS})
        | Q(**{f"{prefix}auto_score__isnull": True})
    )


# --- who the students are, while marking ----------------------------------------------------


def names_hidden(assignment: Assignment) -> bool:
    return bool(assignment.anonymous_marking and not assignment.released_at)


@dataclass(frozen=True)
class Naming:
    anonymous: bool
    numbers: Mapping[int, int] = field(default_factory=dict)  # student pk → n

    def label(self, student) -> str:
        if not self.anonymous:
            return student.display_name
        number = self.numbers.get(student.pk)
        return f"Student {number}" if number else "A student"

    def sort_key(self, student) -> tuple:
        if self.anonymous:
            return (self.numbers.get(student.pk, 0),)
        # The roster's order (Enrolment.Meta.ordering).
        return (student.last_name.casefold(), student.first_name.casefold(), student.username)


def anonymous_numbers(attempts: Iterable[tuple[int, int]]) -> dict[int, int]:
    """{student pk: n} from (attempt pk, student pk) pairs: students by first attempt. Pure."""
    first: dict[int, int] = {}
    for attempt_pk, student_pk in attempts:
        if student_pk not in first or attempt_pk < first[student_pk]:
            first[student_pk] = attempt_pk
    ordered = sorted(first, key=lambda student_pk: (first[student_pk], student_pk))
    return {student_pk: n for n, student_pk in enumerate(ordered, start=1)}


def naming_for(assignment: Assignment) -> Naming:
    """How marking names the assignment's students. One query when names are hidden, else none."""
    if not names_hidden(assignment):
        return Naming(anonymous=False)
    rows = (
        Attempt.objects.filter(assignment=assignment)
        .values("student_id")
        .annotate(first=Min("pk"))
        .order_by()
        .values_list("first", "student_id")
    )
    return Naming(anonymous=True, numbers=anonymous_numbers(rows))


# --- the queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One response in a marking queue."""

    response: Response  # with question, mark and attempt (with student); no answer text
    number: int  # the question's number in the assessment, from 1
    label: str  # the student as marking shows them
    to_mark: bool
    score: int | None  # what to show beside it; None while to mark

    @property
    def pk(self) -> int:
        return self.response.pk

    @property
    def question(self) -> Question:
        return self.response.question

    @property
    def attempt(self) -> Attempt:
        return self.response.attempt


def question_numbers(questions: Iterable[Question]) -> dict[int, int]:
    return {q.pk: n for n, q in enumerate(questions, start=1)}


def _submitted_responses(assignment: Assignment):
    return (
        Response.objects.filter(
            attempt__assignment=assignment, attempt__status=Attempt.Status.SUBMITTED
        )
        .select_related("question", "mark__level", "attempt__student")
        .defer("text", "choices", "grid", "citations", "mark__comment", "question__prompt")
        .order_by()
    )


def _ordered(entries: list[Entry], by: str, naming: Naming) -> list[Entry]:
    def student(e: Entry) -> tuple:
        return (*naming.sort_key(e.attempt.student), e.attempt.student_id, e.attempt.number)

    if by == BY_STUDENT:
        return sorted(entries, key=lambda e: (*student(e), e.number))
    return sorted(entries, key=lambda e: (e.number, *student(e)))


def student_label(naming: Naming, attempt: Attempt) -> str:
    label = naming.label(attempt.student)
    return f"{label} (attempt {attempt.number})" if attempt.number > 1 else label


def marking_entries(
    *,
    assignment: Assignment,
    by: str = BY_QUESTION,
    naming: Naming | None = None,
    questions: Sequence[Question] | None = None,
) -> list[Entry]:
    """Every response of the assignment's submitted attempts, in queue order.

    Question by question: all of question 1 (students in roster order, or by anonymous number),
    then question 2… Student by student: each student's answers in question order. One query,
    plus one for the questions unless given, plus one for anonymous numbers unless `naming` is.
    """
    naming = naming if naming is not None else naming_for(assignment)
    if questions is None:
        questions = list(assignment.assessment.questions.all())
    numbers = question_numbers(questions)
    entries = []
    for response in _submitted_responses(assignment):
        score = response.effective_score
        entries.append(
            Entry(
                response=response,
                number=numbers.get(response.question_id, 0),
                label=student_label(naming, response.attempt),
                to_mark=score is None,
                score=score,
            )
        )
    return _ordered(entries, by, naming)


def neighbours(entries: Sequence[Entry], pk: int) -> tuple[int, Entry | None, Entry | None]:
    """(0-based index of the response pk, the entry before, the entry after); index -1 if absent."""
    for index, entry in enumerate(entries):
        if entry.pk == pk:
            before = entries[index - 1] if index > 0 else None
            after = entries[index + 1] if index + 1 < len(entries) else None
            return index, before, after
    return -1, None, None


def next_to_mark(entries: Sequence[Entry], pk: int | None = None) -> Entry | None:
    """The first entry still to mark after `pk` in queue order, wrapping round; None when done."""
    index, _, _ = neighbours(entries, pk) if pk is not None else (-1, None, None)
    ordered = list(entries[index + 1 :]) + list(entries[: max(index, 0)])
    return next((e for e in ordered if e.to_mark and e.pk != pk), None)


@dataclass(frozen=True)
class QuestionQueue:
    question: Question
    number: int
    entries: list[Entry]

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def marked(self) -> int:
        return sum(not e.to_mark for e in self.entries)

    @property
    def to_mark(self) -> int:
        return self.total - self.marked


@dataclass(frozen=True)
class StudentRow:
    attempt: Attempt
    label: str
    cells: list[Entry | None]  # one per question, in question order
    totals: Totals
    hidden: bool = False  # has answers in the viewer's open blind sample: totals not shown

    @property
    def student(self):
        return self.attempt.student

    @property
    def released_at(self) -> datetime | None:
        return self.attempt.feedback_released_at or self.attempt.assignment.released_at

    @property
    def first_to_mark(self) -> Entry | None:
        return next((c for c in self.cells if c is not None and c.to_mark), None)


@dataclass(frozen=True)
class MarkingOverview:
    assignment: Assignment
    by: str
    naming: Naming
    entries: list[Entry]
    questions: list[QuestionQueue]
    students: list[StudentRow]
    second_markings: list[SecondMarking]
    blind: frozenset[int] = frozenset()  # responses the viewer is second-marking blind

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def marked(self) -> int:
        return sum(not e.to_mark for e in self.entries)

    @property
    def to_mark(self) -> int:
        return self.total - self.marked

    @property
    def first_to_mark(self) -> Entry | None:
        return next_to_mark(self.entries)

    @property
    def viewed(self) -> int:
        return sum(1 for row in self.students if row.attempt.feedback_viewed_at)


def marking_overview(
    *, assignment: Assignment, by: str = BY_QUESTION, user=None
) -> MarkingOverview:
    """The marking queue and feedback page of an assignment.

    Three queries (four with anonymous marking), whatever the class size: questions, submitted
    responses with marks and students, second-marking requests with counts; one more when
    `user` is second-marking a sample blind (those responses' marks are then left out of what
    the page shows them). Expects `assignment` loaded with its assessment (the loader does).
    """
    naming = naming_for(assignment)
    questions = list(assignment.assessment.questions.all())
    entries = marking_entries(assignment=assignment, by=by, naming=naming, questions=questions)
    numbers = question_numbers(questions)
    second = list(
        SecondMarking.objects.filter(assignment=assignment)
        .select_related("question", "requested_by", "second_marker")
        .annotate(
            sample_size=Count("responses", distinct=True),
            second_marked=Count("marks", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    for request in second:
        request.question_number = numbers.get(request.question_id, 0)
    mine = [
        r.pk
        for r in second
        if user is not None and r.second_marker_id == user.pk and r.completed_at is None
    ]
    blind = frozenset(
        SecondMarking.responses.through.objects.filter(secondmarking_id__in=mine).values_list(
            "response_id", flat=True
        )
        if mine
        else ()
    )
    for entry in entries:
        entry.attempt.assignment = assignment  # released_at without a query per row
    by_question: dict[int, list[Entry]] = {q.pk: [] for q in questions}
    for entry in _ordered(entries, BY_QUESTION, naming):
        by_question.setdefault(entry.question.pk, []).append(entry)
    queues = [QuestionQueue(q, numbers[q.pk], by_question[q.pk]) for q in questions]
    students = []
    for _, group in itertools.groupby(
        _ordered(entries, BY_STUDENT, naming), key=lambda e: e.attempt.pk
    ):
        group = list(group)
        by_pk = {e.question.pk: e for e in group}
        students.append(
            StudentRow(
                attempt=group[0].attempt,
                label=group[0].label,
                cells=[by_pk.get(q.pk) for q in questions],
                totals=totals_of((e.score, e.question.marks) for e in group),
                hidden=any(e.pk in blind for e in group),
            )
        )
    return MarkingOverview(
        assignment=assignment,
        by=by,
        naming=naming,
        entries=entries,
        questions=queues,
        students=students,
        second_markings=second,
        blind=blind,
    )


def _open_blind_requests(user):
    """Second-marking requests to `user` not yet completed: while one is open, the first marks of
    its assignment are hidden from them."""
    return SecondMarking.objects.filter(second_marker=user, completed_at__isnull=True)


def blind_requests(*, user, assignment) -> list[SecondMarking]:
    """The open blind second markings `user` has on `assignment`, oldest first. One query."""
    return list(_open_blind_requests(user).filter(assignment=assignment).order_by("pk"))


def open_second_marking_for(*, user, response: Response) -> SecondMarking | None:
    """The user's unfinished blind second marking that samples this response, if any. One
    query. While it is open the user must not see the first mark (the views send them to the
    blind screen)."""
    return _open_blind_requests(user).filter(responses=response).order_by("pk").first()


def blind_assignment_ids(*, user, classroom=None, assignment=None) -> frozenset[int]:
    """The assignments (of `classroom`, or just `assignment`, if given) on which `user` is
    second-marking a sample blind: a request to them not yet completed. While it is open no page
    or export may show them that assignment's first marks or comments (results, sources, class
    overview, skills, progress, exports). One query."""
    requests = _open_blind_requests(user)
    if classroom is not None:
        requests = requests.filter(assignment__classroom=classroom)
    if assignment is not None:
        requests = requests.filter(assignment=assignment)
    return frozenset(requests.order_by().values_list("assignment_id", flat=True).distinct())


# --- the marking screen ---------------------------------------------------------------------


def chosen_ids(response: Response) -> set[int]:
    return {int(c) for c in response.choices or () if str(c).isdigit()}


def grid_answer(response: Response) -> tuple[list[str], list[tuple]]:
    """(source labels, [(claim, [(label, the student's answer, the expected answer)])]) for a
    grid question; expects the question's claims prefetched."""
    grid = response.grid if isinstance(response.grid, dict) else {}
    claims = list(response.question.claims.all())
    labels: list[str] = []
    for claim in claims:
        labels += [label for label in claim.expected or {} if label not in labels]
    rows = []
    for claim in claims:
        given = grid.get(str(claim.pk)) or {}
        expected = claim.expected or {}
        rows.append(
            (claim, [(label, given.get(label, ""), expected.get(label, "")) for label in labels])
        )
    return labels, rows


def get_response_for_marking(*, assignment: Assignment, pk, with_mark: bool = True) -> Response:
    """A response of a submitted attempt on the assignment, with everything the marking screen
    shows about its question; 404 otherwise. Eight queries: the response (with attempt, student,
    question and mark), then levels, indicative points, exemplars, choices, claims, sources
    (with excerpt, document, collection) and their documents' authors. `with_mark=False` leaves
    the teacher's mark unloaded (blind second marking must not show it).
    """
    sources = (
        QuestionSource.objects.select_related("excerpt__document__collection")
        .defer("excerpt__document__text")
        .prefetch_related(
            Prefetch(
                "excerpt__document__authors",
                queryset=Author.objects.order_by("authorship__position"),
            )
        )
    )
    queryset = (
        Response.objects.filter(
            attempt__assignment=assignment, attempt__status=Attempt.Status.SUBMITTED
        )
        .select_related(
            "attempt__student", "question", *(["mark__level", "mark__marker"] if with_mark else [])
        )
        .prefetch_related(
            "question__levels",
            "question__indicative_points",
            Prefetch("question__exemplars", queryset=Exemplar.objects.select_related("level")),
            "question__choices",
            "question__claims",
            Prefetch("question__sources", queryset=sources),
        )
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass(frozen=True)
class CitedPassage:
    """A passage the student cited; shaped for archive.rendering (pk, start, end, label)."""

    pk: str  # unique on the page: the highlight's id is "excerpt-<pk>"
    start: int  # offsets into the excerpt's text
    end: int
    label: str
    quote: str
    source: str  # "Source A"


@dataclass(frozen=True)
class RenderedSource:
    heading: str
    excerpt: object
    body: SafeString
    passages: tuple[CitedPassage, ...]

    @property
    def document(self):
        return self.excerpt.document


def cited_sources(response: Response) -> tuple[list[RenderedSource], list[CitedPassage]]:
    """The question's sources with the student's cited passages highlighted, and the passages.

    A citation is kept in document offsets inside a source excerpt; one whose excerpt is no
    longer among the question's sources (the teacher changed them) is left out. Expects the
    question's sources prefetched (get_response_for_marking); runs no query.
    """
    sources = list(response.question.sources.all())
    by_excerpt = {qs.excerpt_id: qs for qs in sources}
    passages: dict[int, list[CitedPassage]] = {}
    everything = []
    for number, citation in enumerate(response.citations or (), start=1):
        qs = by_excerpt.get(citation.get("excerpt")) if isinstance(citation, dict) else None
        if qs is None:
            continue
        excerpt = qs.excerpt
        try:
            start = int(citation["start"]) - excerpt.start
            end = int(citation["end"]) - excerpt.start
        except (KeyError, TypeError, ValueError):
            continue
        start, end = max(start, 0), min(end, len(excerpt.text))
        if start >= end:
            continue
        passage = CitedPassage(
            pk=f"r{response.pk}-c{number}",
            start=start,
            end=end,
            label=f"cited passage {number}",
            quote=excerpt.text[start:end],
            source=source_heading(qs.label),
        )
        passages.setdefault(qs.pk, []).append(passage)
        everything.append(passage)
    rendered = []
    for qs in sources:
        mine = tuple(passages.get(qs.pk, ()))
        body = render_document(qs.excerpt.text, excerpts=mine, heading_level=4).body
        rendered.append(
            RenderedSource(
                heading=source_heading(qs.label), excerpt=qs.excerpt, body=body, passages=mine
            )
        )
    return rendered, everything


@dataclass
class MarkingScreen:
    assignment: Assignment
    response: Response
    number: int
    label: str
    by: str
    entries: list[Entry]
    index: int
    previous: Entry | None
    next: Entry | None
    sources: list[RenderedSource]
    passages: list[CitedPassage]
    history: list[MarkChange]
    bank: list[CommentBankEntry]
    latest_change: int  # pk of the newest MarkChange, 0 if none: the form's `based_on`

    @property
    def question(self) -> Question:
        return self.response.question

    @property
    def mark(self) -> Mark | None:
        return self.response.teacher_mark

    @property
    def levels(self) -> list[Level]:
        return list(self.question.levels.all())

    @property
    def exemplars_by_level(self) -> list[tuple[Level, list[Exemplar]]]:
        exemplars = list(self.question.exemplars.all())
        return [
            (level, [e for e in exemplars if e.level_id == level.pk])
            for level in self.levels
            if any(e.level_id == level.pk for e in exemplars)
        ]

    @property
    def position(self) -> int:
        return self.index + 1

    @property
    def chosen(self) -> set[int]:
        return chosen_ids(self.response)

    @property
    def grid(self) -> tuple[list[str], list[tuple]]:
        return grid_answer(self.response)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def marked(self) -> int:
        return sum(not e.to_mark for e in self.entries)

    @property
    def question_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.question.pk == self.question.pk]

    @property
    def question_marked(self) -> int:
        return sum(not e.to_mark for e in self.question_entries)


def comment_bank_for(*, user, question: Question) -> list[CommentBankEntry]:
    """The user's comments for this question, then those for other questions of the same skill
    (the bank is reusable across assessments). One query."""
    entries = list(
        CommentBankEntry.objects.filter(owner=user)
        .filter(Q(question=question) | Q(skill=question.skill))
        .order_by("level_number", "text", "pk")
    )
    entries.sort(key=lambda e: (e.question_id != question.pk, e.level_number is None))
    return entries


def marking_screen(
    *,
    assignment: Assignment,
    response: Response,
    user,
    by: str = BY_QUESTION,
    entries: list[Entry] | None = None,
    naming: Naming | None = None,
    history: bool = True,
) -> MarkingScreen:
    """Everything the marking screen shows for `response` (from get_response_for_marking).

    Four queries besides the response's eight (five with anonymous marking), whatever the class
    size: questions, the queue, the history with who changed it, and the comment bank.
    `history=False` (blind second marking) skips the history.
    """
    naming = naming if naming is not None else naming_for(assignment)
    questions = list(assignment.assessment.questions.all())
    if entries is None:
        entries = marking_entries(assignment=assignment, by=by, naming=naming, questions=questions)
    index, previous, following = neighbours(entries, response.pk)
    changes = []
    if history:
        changes = list(
            MarkChange.objects.filter(response=response)
            .select_related("changed_by")
            .order_by("changed_at", "pk")
        )
    sources, passages = cited_sources(response)
    return MarkingScreen(
        assignment=assignment,
        response=response,
        number=question_numbers(questions).get(response.question_id, 0),
        label=student_label(naming, response.attempt),
        by=by,
        entries=entries,
        index=index,
        previous=previous,
        next=following,
        sources=sources,
        passages=passages,
        history=changes,
        bank=comment_bank_for(user=user, question=response.question),
        latest_change=changes[-1].pk if changes else 0,
    )


# --- second marking -------------------------------------------------------------------------


def second_markings_for(*, user):
    """Second-marking requests the user made or was asked to do, on classes they still teach."""
    return (
        SecondMarking.objects.filter(
            assignment__in=Assignment.objects.for_teacher(user).values("pk")
        )
        .filter(Q(requested_by=user) | Q(second_marker=user))
        .select_related(
            "assignment__assessment",
            "assignment__classroom",
            "question",
            "requested_by",
            "second_marker",
        )
        .annotate(
            sample_size=Count("responses", distinct=True),
            second_marked=Count("marks", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def get_second_marking(*, assignment: Assignment, pk) -> SecondMarking:
    return get_object_or_404(
        SecondMarking.objects.select_related("question", "requested_by", "second_marker"),
        assignment=assignment,
        pk=pk,
    )


def second_marking_entries(
    *, second_marking: SecondMarking, naming: Naming, questions: Sequence[Question]
) -> list[Entry]:
    """The sample in queue order, "to mark" meaning not yet second-marked. The first marker's
    marks are not loaded at all: the queue is blind. Two queries."""
    numbers = question_numbers(questions)
    done = {m.response_id: m for m in SecondMark.objects.filter(request=second_marking).order_by()}
    responses = (
        second_marking.responses.select_related("question", "attempt__student")
        .defer("text", "choices", "grid", "citations", "question__prompt")
        .order_by()
    )
    entries = [
        Entry(
            response=r,
            number=numbers.get(r.question_id, 0),
            label=student_label(naming, r.attempt),
            to_mark=r.pk not in done,
            score=done[r.pk].score if r.pk in done else None,
        )
        for r in responses
    ]
    return _ordered(entries, BY_QUESTION, naming)


def get_second_response(*, second_marking: SecondMarking, pk) -> Response:
    """A response of the sample, loaded like get_response_for_marking but never with its mark."""
    response = get_response_for_marking(
        assignment=second_marking.assignment, pk=pk, with_mark=False
    )
    if not second_marking.responses.filter(pk=response.pk).exists():
        raise Http404("This answer is not in the sample.")
    return response


@dataclass(frozen=True)
class Agreement:
    compared: int  # responses with both marks
    same_level: int
    total_difference: int  # the sum of |first − second|

    @property
    def same_level_percent(self) -> float | None:
        return 100 * self.same_level / self.compared if self.compared else None

    @property
    def mean_difference(self) -> float | None:
        return self.total_difference / self.compared if self.compared else None


def agreement_of(pairs: Iterable[tuple[int | None, int, int | None, int]]) -> Agreement:
    """(first level, first score, second level, second score) pairs → agreement. Pure."""
    compared = same = difference = 0
    for first_level, first_score, second_level, second_score in pairs:
        compared += 1
        same += first_level == second_level
        difference += abs(first_score - second_score)
    return Agreement(compared=compared, same_level=same, total_difference=difference)


@dataclass(frozen=True)
class Comparison:
    entry: Entry
    first: Mark | None
    second: SecondMark | None

    @property
    def both(self) -> bool:
        return self.first is not None and self.second is not None

    @property
    def difference(self) -> int | None:
        return abs(self.first.score - self.second.score) if self.both else None

    @property
    def first_level(self) -> int | None:
        return self.first.level.number if self.first and self.first.level else None

    @property
    def second_level(self) -> int | None:
        return self.second.level.number if self.second and self.second.level else None

    @property
    def agrees(self) -> bool:
        return self.both and self.difference == 0 and self.first_level == self.second_level


def second_marking_comparison(
    *, second_marking: SecondMarking, naming: Naming, questions: Sequence[Question]
) -> tuple[list[Comparison], Agreement]:
    """Each sampled response with both marks, and the agreement over those that have both.

    Two queries: the second marks, and the sample with its first marks and students.
    """
    numbers = question_numbers(questions)
    seconds = {
        m.response_id: m
        for m in SecondMark.objects.filter(request=second_marking).select_related("level")
    }
    responses = (
        second_marking.responses.select_related("question", "attempt__student", "mark__level")
        .defer("text", "choices", "grid", "citations", "question__prompt")
        .order_by()
    )
    entries = []
    for r in responses:
        score = r.effective_score
        entries.append(
            Entry(
                response=r,
                number=numbers.get(r.question_id, 0),
                label=student_label(naming, r.attempt),
                to_mark=score is None,
                score=score,
            )
        )
    rows = [
        Comparison(entry=e, first=e.response.teacher_mark, second=seconds.get(e.pk))
        for e in _ordered(entries, BY_QUESTION, naming)
    ]
    agreement = agreement_of(
        (row.first_level, row.first.score, row.second_level, row.second.score)
        for row in rows
        if row.both
    )
    return rows, agreement


# --- the student's feedback -----------------------------------------------------------------

NEXT_STEPS = {
    Skill.SOURCING: (
        "Before judging usefulness, ask who made the source, when, for whom and why, and say "
        "how each of those makes it more or less useful for this enquiry."
    ),
    Skill.CONTEXTUALISATION: (
        "Tie the source to what was happening at the time: name a specific event or policy "
        "and explain how it shaped what the source says."
    ),
    Skill.CORROBORATION: (
        "Compare the sources point by point: quote where they agree and where they differ, and "
        "explain why they might differ."
    ),
    Skill.CLOSE_READING: (
        "Read the passage twice and quote precise words; explain what each quotation shows, "
        "including tone and what is left unsaid."
    ),
    Skill.KNOWLEDGE: (
        "Revise the key dates, people and events of the topic, and use at least one precise "
        "fact to support each point you make."
    ),
}
# For a skill already secure (70 % of its marks or more): keep it up, then a stretch.
STRETCH_STEPS = {
    Skill.SOURCING: (
        "Keep weighing who made each source and why. To stretch yourself, judge how useful a "
        "source is for a different enquiry, and say what its provenance makes it unable to show."
    ),
    Skill.CONTEXTUALISATION: (
        "Keep tying sources to their moment. To stretch yourself, explain how the context "
        "shaped what the author chose to leave out, not only what they said."
    ),
    Skill.CORROBORATION: (
        "Keep comparing sources point by point. To stretch yourself, weigh which source is more "
        "reliable where they disagree, and say what a third source would need to show."
    ),
    Skill.CLOSE_READING: (
        "Keep quoting precise words. To stretch yourself, explain how the source's tone and "
        "structure build its argument, and what it suggests without saying."
    ),
    Skill.KNOWLEDGE: (
        "Keep using precise facts. To stretch yourself, use your knowledge to test a source's "
        "claims: where does it fit what you know, and where does it not?"
    ),
}
PENDING_STEP = (
    "Not marked yet: your next step for this skill comes when your teacher has marked it."
)
WEAK_BELOW = 0.7  # under 70 % of a skill's marks: a concrete next step; else keep it up/stretch


@dataclass(frozen=True)
class SkillShare:
    skill: str
    gained: int
    available: int

    @property
    def label(self) -> str:
        return Skill(self.skill).label if self.skill in Skill.values else self.skill

    @property
    def share(self) -> float:
        return self.gained / self.available if self.available else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def secure(self) -> bool:
        return self.available > 0 and self.share >= WEAK_BELOW

    @property
    def pending(self) -> bool:
        """Assessed, but none of its answers marked yet."""
        return self.available == 0

    @property
    def next_step(self) -> str:
        if self.pending:
            return PENDING_STEP
        return (STRETCH_STEPS if self.secure else NEXT_STEPS).get(self.skill, "")


def skill_shares(items: Iterable[tuple[str, int | None, int]]) -> list[SkillShare]:
    """Per skill, marks gained out of marks available, from (skill, score or None, marks).
    Answers still to mark are left out, not counted as zero. In Skill order. Pure."""
    gained: dict[str, int] = {}
    available: dict[str, int] = {}
    for skill, score, marks in items:
        if score is None or not marks:
            continue
        gained[skill] = gained.get(skill, 0) + score
        available[skill] = available.get(skill, 0) + marks
    order = {value: n for n, value in enumerate(Skill.values)}
    return [
        SkillShare(skill=s, gained=gained[s], available=available[s])
        for s in sorted(available, key=lambda s: (order.get(s, len(order)), s))
    ]


def next_steps(shares: Iterable[SkillShare], *, assessed: Iterable[str] = ()) -> list[SkillShare]:
    """A next step for every skill the assignment assessed, weakest first: a concrete step
    under `WEAK_BELOW`, a keep-it-up-and-stretch line above it. Skills in `assessed` with no
    marked answer yet come last, as "not marked yet" (never as 0 %). Pure."""
    shares = list(shares)
    ranked = sorted(shares, key=lambda s: (s.share, -s.available, s.skill))
    known = {s.skill for s in shares}
    order = {value: n for n, value in enumerate(Skill.values)}
    pending = sorted(
        {skill for skill in assessed if skill not in known},
        key=lambda s: (order.get(s, len(order)), s),
    )
    return ranked + [SkillShare(skill=skill, gained=0, available=0) for skill in pending]


@dataclass(frozen=True)
class FeedbackItem:
    number: int
    response: Response
    show_mark: bool  # False before release, except objective marks under objective_at_once
    score: int | None  # the score shown; None with show_mark means "not marked yet"
    level: Level | None
    comment: str

    @property
    def question(self) -> Question:
        return self.response.question

    @property
    def to_mark(self) -> bool:
        return self.show_mark and self.score is None

    @property
    def chosen(self) -> set[int]:
        return chosen_ids(self.response)

    @property
    def grid(self) -> tuple[list[str], list[tuple]]:
        return grid_answer(self.response)


@dataclass(frozen=True)
class FeedbackPage:
    attempt: Attempt
    released: bool
    items: list[FeedbackItem]
    totals: Totals | None  # None before release
    skills: list[SkillShare]
    next_steps: list[SkillShare]


def shown_scores(*, attempt: Attempt) -> dict[int, int | None]:
    """{response id: the mark the student may see} for their attempt page, as the feedback page
    shows it: once released, the final mark (a teacher's mark or override, else the automatic
    score of an objective question; None = not marked yet); before, only automatic objective
    scores. One query; expects `attempt.assignment` loaded."""
    released = attempt.feedback_released
    scores = {}
    for pk, kind, auto, mark in (
        Response.objects.filter(attempt=attempt)
        .order_by()
        .values_list("pk", "question__kind", "auto_score", "mark__score")
    ):
        objective = kind in Question.OBJECTIVE_KINDS
        if released:
            scores[pk] = mark if mark is not None else (auto if objective else None)
        elif objective:
            scores[pk] = auto
    return scores


def get_attempt_for_feedback(*, student, pk) -> Attempt:
    """The student's own submitted attempt; 404 for anyone else's or an unsubmitted one."""
    return get_object_or_404(
        Attempt.objects.select_related("assignment__assessment", "assignment__classroom"),
        pk=pk,
        student=student,
        status=Attempt.Status.SUBMITTED,
    )


def feedback_page(*, attempt: Attempt) -> FeedbackPage:
    """What the student may see of their marks. Before release: only automatic marks, and only
    when the assignment's policy is objective_at_once; no levels, comments or mark scheme.

    Five queries, however many questions: responses with questions, marks and levels, then the
    questions' levels, indicative points, choices and grid claims.
    """
    assignment = attempt.assignment
    released = attempt.feedback_released
    objective_now = assignment.feedback_policy == Assignment.FeedbackPolicy.OBJECTIVE_AT_ONCE
    responses = (
        Response.objects.filter(attempt=attempt)
        .select_related("question", "mark__level")
        .prefetch_related(
            "question__levels",
            "question__indicative_points",
            "question__choices",
            "question__claims",
        )
        .order_by("question__position", "question__pk")
    )
    items = []
    for number, response in enumerate(responses, start=1):
        question = response.question
        if released:
            mark = response.teacher_mark
            items.append(
                FeedbackItem(
                    number=number,
                    response=response,
                    show_mark=True,
                    score=response.effective_score,
                    level=mark.level if mark else None,
                    comment=mark.comment if mark else "",
                )
            )
        else:
            # The automatic mark, not a teacher's override: overrides come with the release.
            visible = objective_now and question.is_objective
            items.append(
                FeedbackItem(
                    number=number,
                    response=response,
                    show_mark=visible,
                    score=response.auto_score if visible else None,
                    level=None,
                    comment="",
                )
            )
    if not released:
        return FeedbackPage(attempt, False, items, None, [], [])
    shares = skill_shares((i.question.skill, i.score, i.question.marks) for i in items)
    return FeedbackPage(
        attempt=attempt,
        released=True,
        items=items,
        totals=totals_of((i.score, i.question.marks) for i in items),
        skills=shares,
        next_steps=next_steps(shares, assessed=(i.question.skill for i in items)),
    )
