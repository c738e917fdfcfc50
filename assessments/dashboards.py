"""Reads for the results dashboards: class overview, assignment heatmap, skills, sources, and a
student's progress.

Every selector runs a fixed handful of queries whatever the class size (values() rows
aggregated here, or one GROUP BY in the database) and returns small frozen dataclasses.
Teacher selectors take the class or assignment as loaded by a permission loader (as
`selectors.assignment_roster` does); `student_progress` takes the requesting user, because what
it shows depends on who asks.

Rules shared by every dashboard and export:
- The attempt that counts is the student's latest *submitted* attempt, else their latest one.
  A student retrying keeps their submitted result until the new attempt is submitted.
- A score is `Response.effective_score`: the teacher's mark, else the automatic score of an
  objective question. None means "to mark": it is counted apart, never as zero. Totals read
  as on the marking screen ("14 / 40 + 2 to mark"); a percentage divides by the marks of the
  questions already scored (14 of 30 is 47 %), never by marks still to give.
- Anonymous marking: until the whole class's feedback is released, an anonymous assignment
  shows students as "Student N", with the marking screen's numbers (`selectors_marking`: the
  order of first attempts, which says nothing about who they are), wherever marks or answers
  appear next to them. Where a named row cannot be relabelled (the class overview, one
  student's skills, the class marks book) that assignment's marks stay hidden until release.
- Blind second marking: a teacher with an open blind second-marking request on an assignment
  (`selectors_marking.blind_assignment_ids`) must not see its first marks anywhere. The views
  refuse them the assignment's own pages and exports; selectors covering several assignments
  take `blind` (those assignments' ids) and hide their marks as they do for anonymous marking.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Classroom, Enrolment, User
from assessments.models import (
    Assignment,
    Attempt,
    Level,
    Question,
    QuestionSource,
    Response,
    Skill,
)
from assessments.selectors_marking import anonymous_numbers, names_hidden

OBJECTIVE_KINDS = frozenset(Question.OBJECTIVE_KINDS)
BANDS = 5  # heatmap colour bands, by share of the question's marks


# --- shared rules -------------------------------------------------------------------------


def effective_score(*, kind: str, auto_score: int | None, mark_score: int | None) -> int | None:
    """`Response.effective_score` on plain values: the teacher's mark, else the automatic
    score of an objective question, else None ("to mark", never zero)."""
    if mark_score is not None:
        return mark_score
    if kind in OBJECTIVE_KINDS:
        return auto_score
    return None


def effective_score_expression():
    """The same rule as a database expression on Response rows (NULL = to mark)."""
    return Coalesce(
        F("mark__score"),
        Case(
            When(question__kind__in=Question.OBJECTIVE_KINDS, then=F("auto_score")),
            default=Value(None),
            output_field=IntegerField(),
        ),
        output_field=IntegerField(),
    )


def band_of(score: int, marks: int) -> int | None:
    """0..4 by share of the marks: <20 %, 20–39 %, 40–59 %, 60–79 %, 80 % and over."""
    if marks <= 0:
        return None
    return min(BANDS - 1, score * BANDS // marks)


@dataclass(frozen=True)
class Totals:
    """As `selectors_marking.Totals` ("14 / 40 + 2 to mark"), plus the marks of the questions
    already scored, which is what the percentage divides by: "to mark" never counts as 0."""

    score: int = 0  # the sum of the scores that exist
    out_of: int = 0  # the sum of every question's marks, marked or not
    to_mark: int = 0  # responses still waiting for a mark
    marked_out_of: int = 0  # the marks of the questions that have a score

    @property
    def percentage(self) -> float | None:
        if not self.marked_out_of:
            return None
        return round(100 * self.score / self.marked_out_of, 1)

    @property
    def fully_marked(self) -> bool:
        return self.to_mark == 0


class _Tally:
    __slots__ = ("score", "out_of", "to_mark", "marked_out_of", "scored")

    def __init__(self):
        self.score = self.out_of = self.to_mark = self.marked_out_of = self.scored = 0

    def add(self, score: int | None, marks: int) -> None:
        self.out_of += marks
        if score is None:
            self.to_mark += 1
        else:
            self.score += score
            self.marked_out_of += marks
            self.scored += 1

    def freeze(self) -> Totals:
        return Totals(self.score, self.out_of, self.to_mark, self.marked_out_of)


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    LATE = "late"
    TO_MARK = "to_mark"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "submitted": "Submitted",
            "late": "Submitted late",
            "to_mark": "To mark",
            "returned": "Returned",
        }[self.value]


UNSUBMITTED = (Status.NOT_STARTED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class StudentRef:
    pk: int
    name: str  # the display name, or "Student N" on an anonymous assignment
    username: str  # "" when anonymous
    anonymous: bool = False


@dataclass(frozen=True)
class AttemptRef:
    pk: int
    assignment_id: int
    student_id: int
    number: int
    status: str
    started_at: datetime
    submitted_at: datetime | None
    is_late: bool
    feedback_released_at: datetime | None

    @property
    def submitted(self) -> bool:
        return self.status == Attempt.Status.SUBMITTED

    @property
    def time_taken(self) -> timedelta | None:
        return self.submitted_at - self.started_at if self.submitted_at else None


ATTEMPT_FIELDS = (
    "pk",
    "assignment_id",
    "student_id",
    "number",
    "status",
    "started_at",
    "submitted_at",
    "is_late",
    "feedback_released_at",
)


@dataclass(frozen=True)
class Counted:
    """For one student on one assignment: the attempt that counts, and when they first began."""

    attempt: AttemptRef
    first_pk: int  # the pk of their first attempt: the anonymous numbering's order
    attempts: int


def counted_attempts(rows: Iterable[AttemptRef]) -> dict[tuple[int, int], Counted]:
    """{(assignment id, student id): Counted} from all attempts; see the module's rules."""
    best: dict[tuple[int, int], AttemptRef] = {}
    first: dict[tuple[int, int], int] = {}
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        key = (row.assignment_id, row.student_id)
        counts[key] += 1
        first[key] = min(first.get(key, row.pk), row.pk)
        current = best.get(key)
        if current is None or (row.submitted, row.number) > (current.submitted, current.number):
            best[key] = row
    return {key: Counted(best[key], first[key], counts[key]) for key in best}


def load_attempts(**filters) -> list[AttemptRef]:
    """Attempts as plain values; one query."""
    return [
        AttemptRef(*row)
        for row in Attempt.objects.filter(**filters).order_by().values_list(*ATTEMPT_FIELDS)
    ]


def released(assignment: Assignment, attempt: AttemptRef | None) -> bool:
    return attempt is not None and bool(attempt.feedback_released_at or assignment.released_at)


def status_of(
    *, assignment: Assignment, attempt: AttemptRef | None, totals: Totals | None
) -> Status:
    if attempt is None:
        return Status.NOT_STARTED
    if not attempt.submitted:
        return Status.IN_PROGRESS
    if released(assignment, attempt):
        return Status.RETURNED
    if totals is not None and totals.to_mark:
        return Status.TO_MARK
    return Status.LATE if attempt.is_late else Status.SUBMITTED


def format_duration(value: timedelta | None) -> str:
    """'42 min', '1 h 05 min'; '—' for None."""
    if value is None:
        return "—"
    minutes = max(0, round(value.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def display_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def class_students(classroom_id: int) -> list[StudentRef]:
    """The class's students in roster order (last name, first name, username); one query."""
    rows = (
        Enrolment.objects.filter(classroom_id=classroom_id)
        .values_list("student_id", "student__first_name", "student__last_name", "student__username")
        .order_by("student__last_name", "student__first_name", "student__username")
    )
    return [StudentRef(pk, display_name(first, last, u), u) for pk, first, last, u in rows]


def student_numbers(
    students: Iterable[int], counted: dict[tuple[int, int], Counted], assignment_id: int
) -> dict[int, int]:
    """{student id: N} for "Student N", the marking screen's numbers (by first attempt, over
    everyone who started, `selectors_marking.anonymous_numbers`); students who have not started
    (nothing to mark, nothing to hide; marking never shows them) follow in roster order."""
    numbers = anonymous_numbers(
        (entry.first_pk, student_id)
        for (a, student_id), entry in counted.items()
        if a == assignment_id
    )
    following = len(numbers)
    for student_id in students:
        if student_id not in numbers:
            following += 1
            numbers[student_id] = following
    return numbers


def anonymous_label(number: int) -> str:
    return f"Student {number}"


def _order_students(
    assignment: Assignment, students: list[StudentRef], counted: dict
) -> list[StudentRef]:
    """Roster order, or "Student N" order with names removed while names are hidden."""
    if not names_hidden(assignment):
        return students
    numbers = student_numbers((s.pk for s in students), counted, assignment.pk)
    relabelled = [
        StudentRef(s.pk, anonymous_label(numbers[s.pk]), "", anonymous=True) for s in students
    ]
    return sorted(relabelled, key=lambda s: numbers[s.pk])


# --- class overview -----------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewCell:
    status: Status
    late: bool
    totals: Totals | None  # None before submission, and while names or marks are hidden
    hidden: bool = False  # anonymous marking not yet released, or the viewer marks it blind
    blind: bool = False  # hidden because the viewer is second-marking this assignment blind

    @property
    def percentage(self) -> float | None:
        return self.totals.percentage if self.totals else None


@dataclass(frozen=True)
class OverviewColumn:
    assignment: Assignment
    counts: dict  # {Status: n}
    mean_percentage: float | None  # over submitted students with at least one mark
    to_mark: int  # responses still to mark (0 while hidden by blind second marking)
    hidden: bool
    blind: bool = False

    @property
    def submitted(self) -> int:
        return sum(n for s, n in self.counts.items() if s not in UNSUBMITTED)


@dataclass(frozen=True)
class OverviewRow:
    student: StudentRef
    cells: tuple[OverviewCell, ...]  # in the columns' order


@dataclass(frozen=True)
class ClassOverview:
    classroom: Classroom
    columns: tuple[OverviewColumn, ...]
    rows: tuple[OverviewRow, ...]

    @property
    def blind(self) -> list[Assignment]:
        """The assignments whose marks are hidden because the viewer second-marks them blind."""
        return [c.assignment for c in self.columns if c.blind]


# Totals per group of Response rows, in the database (the aliased `effective` score).
TOTALS_AGGREGATES = {
    "score": Coalesce(Sum("effective"), 0),
    "out_of": Coalesce(Sum("question__marks"), 0),
    "to_mark": Count("pk", filter=Q(effective__isnull=True)),
    "marked_out_of": Coalesce(Sum("question__marks", filter=Q(effective__isnull=False)), 0),
}


def attempt_totals_by_attempt(**filters) -> dict[int, Totals]:
    """{attempt id: Totals} for the matching responses, summed in the database; one query."""
    effective = effective_score_expression()
    rows = (
        Response.objects.filter(**filters)
        .alias(effective=effective)
        .order_by()
        .values("attempt_id")
        .annotate(**TOTALS_AGGREGATES)
        .values_list("attempt_id", *TOTALS_AGGREGATES)
    )
    return {pk: Totals(*totals) for pk, *totals in rows}


def class_assignments(classroom: Classroom) -> list[Assignment]:
    """The class's assignments, oldest due first, with their assessments; one query."""
    return list(
        Assignment.objects.filter(classroom=classroom)
        .select_related("assessment")
        .order_by("due_at", "pk")
    )


def class_overview(*, classroom: Classroom, blind: frozenset[int] = frozenset()) -> ClassOverview:
    """Every student × every assignment of the class: status and percentage.

    Four queries whatever the class size: assignments, students, attempts, and the totals of
    submitted attempts (one GROUP BY). The caller loads `classroom` with a permission loader;
    the marks of the assignments in `blind` (the viewer second-marks them blind) stay hidden.
    """
    assignments = class_assignments(classroom)
    students = class_students(classroom.pk)
    counted = counted_attempts(load_attempts(assignment__classroom=classroom))
    totals = attempt_totals_by_attempt(
        attempt__assignment__classroom=classroom, attempt__status=Attempt.Status.SUBMITTED
    )
    grid: list[list[OverviewCell]] = [[] for _ in students]
    columns = []
    for assignment in assignments:
        is_blind = assignment.pk in blind
        hidden = is_blind or names_hidden(assignment)
        counts = dict.fromkeys(Status, 0)
        percentages = []
        to_mark = 0
        for i, student in enumerate(students):
            entry = counted.get((assignment.pk, student.pk))
            attempt = entry.attempt if entry else None
            result = totals.get(attempt.pk, Totals()) if attempt and attempt.submitted else None
            # Blind: "to mark" would say how far the first marking has got.
            status = status_of(
                assignment=assignment, attempt=attempt, totals=None if is_blind else result
            )
            counts[status] += 1
            if result is not None:
                to_mark += result.to_mark
                if result.percentage is not None:
                    percentages.append(result.percentage)
            grid[i].append(
                OverviewCell(
                    status=status,
                    late=bool(attempt and attempt.is_late),
                    totals=None if hidden else result,
                    hidden=hidden and result is not None,
                    blind=is_blind and result is not None,
                )
            )
        columns.append(
            OverviewColumn(
                assignment=assignment,
                counts=counts,
                mean_percentage=(
                    round(statistics.fmean(percentages), 1) if percentages and not hidden else None
                ),
                to_mark=0 if is_blind else to_mark,
                hidden=hidden,
                blind=is_blind,
            )
        )
    return ClassOverview(
        classroom=classroom,
        columns=tuple(columns),
        rows=tuple(
            OverviewRow(student, tuple(cells))
            for student, cells in zip(students, grid, strict=True)
        ),
    )


# --- assignment heatmap -------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionColumn:
    pk: int
    number: int
    kind: str
    marks: int
    skill: str
    prompt: str

    @property
    def label(self) -> str:
        return f"Q{self.number}"

    @property
    def skill_label(self) -> str:
        return Skill(self.skill).label if self.skill in Skill.values else self.skill

    @property
    def is_extended(self) -> bool:
        return self.kind == Question.Kind.EXTENDED

    @property
    def is_objective(self) -> bool:
        return self.kind in OBJECTIVE_KINDS


def assessment_questions(assessment_ids: Iterable[int]) -> dict[int, list[QuestionColumn]]:
    """{assessment id: its questions in order, numbered from 1}; one query."""
    by_assessment: dict[int, list[QuestionColumn]] = defaultdict(list)
    rows = (
        Question.objects.filter(assessment_id__in=list(assessment_ids))
        .order_by("assessment_id", "position", "pk")
        .values_list("assessment_id", "pk", "kind", "marks", "skill", "prompt")
    )
    for assessment_id, pk, kind, marks, skill, prompt in rows:
        columns = by_assessment[assessment_id]
        columns.append(QuestionColumn(pk, len(columns) + 1, kind, marks, skill, prompt))
    return by_assessment


class HeatCell(NamedTuple):
    """One student's score on one question. A named tuple, not a dataclass: a 300 × 50 heatmap
    makes 15,000 of them, and a tuple is built several times faster."""

    score: int | None
    marks: int
    to_mark: bool
    level: int | None = None

    @property
    def band(self) -> int | None:
        return None if self.to_mark else band_of(self.score, self.marks)

    @property
    def css(self) -> str:
        if self.to_mark:
            return "heat-to-mark"
        band = self.band
        return "heat-none" if band is None else f"heat-{band}"

    @property
    def text(self) -> str:
        return "to mark" if self.to_mark else str(self.score)


@dataclass(frozen=True)
class HeatRow:
    student: StudentRef
    status: Status
    late: bool
    totals: Totals | None  # None unless submitted
    time_taken: timedelta | None
    submitted_at: datetime | None
    cells: tuple[HeatCell, ...]  # empty unless submitted; else one per question

    @property
    def time_text(self) -> str:
        return format_duration(self.time_taken)


@dataclass(frozen=True)
class QuestionStats:
    question: QuestionColumn
    facility: float | None  # mean share of the marks, 0–100, over the responses with a score
    scored: int
    to_mark: int
    levels: tuple[tuple[int, int], ...]  # extended questions: ((level number, responses), ...)


@dataclass(frozen=True)
class AssignmentResults:
    assignment: Assignment
    questions: tuple[QuestionColumn, ...]
    rows: tuple[HeatRow, ...]
    stats: tuple[QuestionStats, ...]
    counts: dict  # {Status: n}
    median_time: timedelta | None
    to_mark: int
    names_hidden: bool

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.cells)

    @property
    def median_time_text(self) -> str:
        return format_duration(self.median_time)


NO_ANSWER = (None, None, None)
RESPONSE_SCORE_FIELDS = (
    "attempt_id",
    "question_id",
    "auto_score",
    "mark__score",
    "mark__level__number",
)


def assignment_results(*, assignment: Assignment) -> AssignmentResults:
    """Student × question scores, per-question facility and level spread, time taken.

    Five queries whatever the class size: questions, levels, students, attempts, and the
    scores of the counted attempts' responses. `assignment` comes from a permission loader,
    with its assessment.
    """
    questions = assessment_questions([assignment.assessment_id])[assignment.assessment_id]
    levels_of: dict[int, list[int]] = defaultdict(list)
    for question_id, number in (
        Level.objects.filter(question__assessment_id=assignment.assessment_id)
        .order_by("question_id", "number")
        .values_list("question_id", "number")
    ):
        levels_of[question_id].append(number)
    students = class_students(assignment.classroom_id)
    counted = counted_attempts(load_attempts(assignment=assignment))
    enrolled = {s.pk for s in students}
    submitted_ids = [
        entry.attempt.pk
        for (_, student_id), entry in counted.items()
        if entry.attempt.submitted and student_id in enrolled
    ]
    scores: dict[int, dict[int, tuple]] = defaultdict(dict)
    for attempt_id, question_id, auto, mark, level in (
        Response.objects.filter(attempt_id__in=submitted_ids)
        .order_by()
        .values_list(*RESPONSE_SCORE_FIELDS)
    ):
        scores[attempt_id][question_id] = (auto, mark, level)

    tallies = {q.pk: _Tally() for q in questions}
    level_counts: dict[int, dict[int, int]] = {
        q.pk: dict.fromkeys(levels_of.get(q.pk, ()), 0) for q in questions if q.is_extended
    }
    shares: dict[int, list[float]] = {q.pk: [] for q in questions}
    plan = [
        (q.pk, q.is_objective, q.marks, tallies[q.pk], shares[q.pk], level_counts.get(q.pk))
        for q in questions
    ]
    counts = dict.fromkeys(Status, 0)
    rows, times = [], []
    total_to_mark = 0
    for student in _order_students(assignment, students, counted):
        entry = counted.get((assignment.pk, student.pk))
        attempt = entry.attempt if entry else None
        cells: list[HeatCell] = []
        totals = None
        if attempt is not None and attempt.submitted:
            answers = scores.get(attempt.pk, {})
            tally = _Tally()
            # The hot loop (students × questions): the rule of `effective_score`, inlined.
            for pk, objective, marks, q_tally, q_shares, q_levels in plan:
                auto, mark, level = answers.get(pk, NO_ANSWER)
                score = mark if mark is not None else (auto if objective else None)
                tally.add(score, marks)
                q_tally.add(score, marks)
                if score is not None and marks:
                    q_shares.append(score / marks)
                if level is not None and q_levels is not None:
                    q_levels[level] = q_levels.get(level, 0) + 1
                cells.append(HeatCell(score, marks, score is None, level))
            totals = tally.freeze()
            total_to_mark += totals.to_mark
            if attempt.time_taken is not None:
                times.append(attempt.time_taken)
        status = status_of(assignment=assignment, attempt=attempt, totals=totals)
        counts[status] += 1
        rows.append(
            HeatRow(
                student=student,
                status=status,
                late=bool(attempt and attempt.is_late),
                totals=totals,
                time_taken=attempt.time_taken if attempt else None,
                submitted_at=attempt.submitted_at if attempt else None,
                cells=tuple(cells),
            )
        )
    stats = tuple(
        QuestionStats(
            question=q,
            facility=(round(100 * statistics.fmean(shares[q.pk]), 1) if shares[q.pk] else None),
            scored=tallies[q.pk].scored,
            to_mark=tallies[q.pk].to_mark,
            levels=tuple(sorted(level_counts.get(q.pk, {}).items())),
        )
        for q in questions
    )
    return AssignmentResults(
        assignment=assignment,
        questions=tuple(questions),
        rows=tuple(rows),
        stats=stats,
        counts=counts,
        median_time=statistics.median(times) if times else None,
        to_mark=total_to_mark,
        names_hidden=names_hidden(assignment),
    )


# --- the class marks book -----------------------------------------------------------------


class Hidden(StrEnum):
    NO = ""
    ANONYMOUS = "anonymous"  # anonymous marking, not yet released to the class
    BLIND = "blind"  # the viewer is second-marking it blind


@dataclass(frozen=True)
class BookCell:
    """One student on one assignment of the marks book."""

    status: Status
    late: bool
    submitted_at: datetime | None
    cells: tuple[HeatCell, ...]  # one per question once submitted and shown, else empty
    totals: Totals | None  # None unless submitted and shown


@dataclass(frozen=True)
class BookColumn:
    assignment: Assignment
    questions: tuple[QuestionColumn, ...]
    hidden: Hidden

    @property
    def extended(self) -> tuple[int, ...]:
        """Indexes of the extended questions, which have a level column."""
        return tuple(i for i, q in enumerate(self.questions) if q.is_extended)


@dataclass(frozen=True)
class MarksBook:
    classroom: Classroom
    columns: tuple[BookColumn, ...]
    rows: tuple[tuple[StudentRef, tuple[BookCell, ...]], ...]  # cells in the columns' order


def class_marks_book(*, classroom: Classroom, blind: frozenset[int] = frozenset()) -> MarksBook:
    """Every student × every assignment of the class, question by question: each question's
    score and level, totals, status, when submitted and whether late.

    Five queries whatever the class size: assignments, students, attempts, questions, and the
    scores of the submitted attempts' responses. Marks of anonymous assignments not yet
    released, and of those in `blind` (the viewer second-marks them blind), are left out; their
    status, submission time and lateness stay. `classroom` comes from a permission loader.
    """
    assignments = class_assignments(classroom)
    students = class_students(classroom.pk)
    counted = counted_attempts(load_attempts(assignment__classroom=classroom))
    questions = assessment_questions({a.assessment_id for a in assignments})
    columns = []
    for assignment in assignments:
        if assignment.pk in blind:
            hidden = Hidden.BLIND
        elif names_hidden(assignment):
            hidden = Hidden.ANONYMOUS
        else:
            hidden = Hidden.NO
        columns.append(
            BookColumn(assignment, tuple(questions.get(assignment.assessment_id, ())), hidden)
        )
    wanted = {
        entry.attempt.pk
        for (assignment_id, _), entry in counted.items()
        if entry.attempt.submitted and assignment_id not in blind
    }
    scores: dict[int, dict[int, tuple]] = defaultdict(dict)
    for attempt_id, question_id, auto, mark, level in (
        Response.objects.filter(
            attempt__assignment__classroom=classroom, attempt__status=Attempt.Status.SUBMITTED
        )
        .order_by()
        .values_list(*RESPONSE_SCORE_FIELDS)
    ):
        if attempt_id in wanted:  # an earlier submitted attempt does not count
            scores[attempt_id][question_id] = (auto, mark, level)
    rows = []
    for student in students:
        cells = []
        for column in columns:
            entry = counted.get((column.assignment.pk, student.pk))
            attempt = entry.attempt if entry else None
            marks: list[HeatCell] = []
            totals = None
            if attempt is not None and attempt.submitted and column.hidden != Hidden.BLIND:
                answers = scores.get(attempt.pk, {})
                tally = _Tally()
                for q in column.questions:
                    auto, mark, level = answers.get(q.pk, (None, None, None))
                    score = effective_score(kind=q.kind, auto_score=auto, mark_score=mark)
                    tally.add(score, q.marks)
                    marks.append(HeatCell(score, q.marks, score is None, level))
                totals = tally.freeze()
            status = status_of(assignment=column.assignment, attempt=attempt, totals=totals)
            shown = column.hidden == Hidden.NO
            cells.append(
                BookCell(
                    status=status,
                    late=bool(attempt and attempt.is_late),
                    submitted_at=attempt.submitted_at if attempt else None,
                    cells=tuple(marks) if shown else (),
                    totals=totals if shown else None,
                )
            )
        rows.append((student, tuple(cells)))
    return MarksBook(classroom=classroom, columns=tuple(columns), rows=tuple(rows))


# --- skills over time ---------------------------------------------------------------------


@dataclass(frozen=True)
class SkillPoint:
    assignment_id: int
    totals: Totals | None  # None: the assignment had no question on this skill (or no marks)

    @property
    def percentage(self) -> float | None:
        return self.totals.percentage if self.totals else None


@dataclass(frozen=True)
class SkillSeries:
    skill: str
    label: str
    points: tuple[SkillPoint, ...]  # one per assignment, in the report's order


@dataclass(frozen=True)
class SkillsReport:
    """How each skill develops across assignments, oldest first."""

    assignments: tuple[Assignment, ...]
    series: tuple[SkillSeries, ...]

    @property
    def has_data(self) -> bool:
        return any(p.percentage is not None for s in self.series for p in s.points)

    def chart_data(self) -> dict:
        """What static/js/charts.js draws: x labels, one dataset per skill (null = no data)."""
        return {
            "labels": [f"{a.assessment.title} ({a.due_at:%d %b %Y})" for a in self.assignments],
            "datasets": [
                {"key": s.skill, "label": s.label, "data": [p.percentage for p in s.points]}
                for s in self.series
            ],
        }

    def table(self) -> list[tuple[Assignment, list[SkillPoint]]]:
        """Rows for the table alternative: one per assignment, a point per skill."""
        return [
            (assignment, [s.points[i] for s in self.series])
            for i, assignment in enumerate(self.assignments)
        ]


def _skills_report(
    assignments: list[Assignment], tallies: dict[tuple[int, str], _Tally]
) -> SkillsReport:
    series = []
    for skill in Skill:
        points = []
        for assignment in assignments:
            tally = tallies.get((assignment.pk, skill.value))
            totals = tally.freeze() if tally else None
            points.append(SkillPoint(assignment.pk, totals))
        series.append(SkillSeries(skill.value, skill.label, tuple(points)))
    return SkillsReport(tuple(assignments), tuple(series))


@dataclass(frozen=True)
class ClassSkills:
    classroom: Classroom
    students: tuple[StudentRef, ...]  # for the student picker
    student: StudentRef | None
    report: SkillsReport
    hidden: tuple[Assignment, ...]  # anonymous, unreleased: left out of a student's report
    blind: tuple[Assignment, ...] = ()  # the viewer second-marks them blind: left out


def _with_blind(assignments: list[Assignment], blind: frozenset[int]) -> list[Assignment]:
    return [a for a in assignments if a.pk in blind]


def class_skills(
    *, classroom: Classroom, student: User | None = None, blind: frozenset[int] = frozenset()
) -> ClassSkills:
    """Share of marks per skill per assignment, for the class or one of its students.

    Four queries whatever the class size: assignments, students, and one GROUP BY over the
    submitted attempts' responses (attempt × skill). For one student, anonymous assignments
    not yet released are left out (names and marks stay apart); so are the assignments in
    `blind`, for anyone. The caller loads `classroom` (and checks `student` is in it) through
    permission loaders.
    """
    assignments = class_assignments(classroom)
    students = class_students(classroom.pk)
    filters = {
        "attempt__assignment__classroom": classroom,
        "attempt__status": Attempt.Status.SUBMITTED,
    }
    if student is not None:
        filters["attempt__student"] = student
    effective = effective_score_expression()
    rows = (
        Response.objects.filter(**filters)
        .alias(effective=effective)
        .order_by()
        .values(
            "attempt_id",
            "attempt__assignment_id",
            "attempt__student_id",
            "attempt__number",
            "question__skill",
        )
        .annotate(**TOTALS_AGGREGATES)
        .values_list(
            "attempt__assignment_id",
            "attempt__student_id",
            "attempt__number",
            "question__skill",
            *TOTALS_AGGREGATES,
        )
    )
    # Keep only each student's latest submitted attempt per assignment.
    latest: dict[tuple[int, int], int] = {}
    grouped: list[tuple] = list(rows)
    for assignment_id, student_id, number, *_ in grouped:
        key = (assignment_id, student_id)
        latest[key] = max(latest.get(key, 0), number)
    enrolled = {s.pk for s in students}
    hidden = [a for a in assignments if names_hidden(a)] if student is not None else []
    blinded = _with_blind(assignments, blind)
    hidden_ids = {a.pk for a in hidden} | {a.pk for a in blinded}
    tallies: dict[tuple[int, str], _Tally] = {}
    for assignment_id, student_id, number, skill, *totals in grouped:
        if number != latest[(assignment_id, student_id)] or student_id not in enrolled:
            continue
        if assignment_id in hidden_ids:
            continue
        tally = tallies.setdefault((assignment_id, skill), _Tally())
        score, out_of, to_mark, marked_out_of = totals
        tally.score += score
        tally.out_of += out_of
        tally.to_mark += to_mark
        tally.marked_out_of += marked_out_of
    shown = [a for a in assignments if a.pk not in hidden_ids]
    ref = next((s for s in students if s.pk == student.pk), None) if student else None
    return ClassSkills(
        classroom=classroom,
        students=tuple(students),
        student=ref,
        report=_skills_report(shown, tallies),
        hidden=tuple(a for a in hidden if a.pk not in blind),
        blind=tuple(blinded),
    )


# --- sources ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceStats:
    excerpt_id: int
    labels: tuple[str, ...]  # as the questions label it ("A", "Source B")
    title: str  # the document's display title
    caption: str
    text: str  # the excerpt's opening, for recognition
    questions: tuple[QuestionColumn, ...]  # the questions built on it
    citing_students: int  # students whose answers cite it (any question)
    citations: int  # cited passages from it, over all answers
    submitted: int  # students who submitted
    totals: Totals  # on the questions built on it
    cited_percentage: float | None  # share of the marks on those questions, answers citing it
    uncited_percentage: float | None  # … and answers that do not

    @property
    def citing_share(self) -> float | None:
        return round(100 * self.citing_students / self.submitted, 1) if self.submitted else None


@dataclass(frozen=True)
class AssignmentSources:
    assignment: Assignment
    sources: tuple[SourceStats, ...]
    submitted: int


EXCERPT_PREVIEW = 160


def assignment_sources(*, assignment: Assignment) -> AssignmentSources:
    """For each excerpt the assessment uses: how often submitted answers cite it, and how
    students scored on the questions built on it (with and without citing it).

    Four queries whatever the class size: questions, question sources with excerpts, attempts,
    and the counted attempts' responses (scores and citations).
    """
    questions = assessment_questions([assignment.assessment_id])[assignment.assessment_id]
    by_pk = {q.pk: q for q in questions}
    uses: dict[int, dict] = {}
    for question_id, excerpt_id, label, title, caption, text in (
        QuestionSource.objects.filter(question__assessment_id=assignment.assessment_id)
        .order_by("question__position", "question_id", "position", "pk")
        .values_list(
            "question_id",
            "excerpt_id",
            "label",
            "excerpt__document__display_title",
            "excerpt__caption",
            "excerpt__text",
        )
    ):
        use = uses.setdefault(
            excerpt_id,
            {
                "labels": [],
                "questions": [],
                "title": title,
                "caption": caption,
                "text": _preview(text),
            },
        )
        if label not in use["labels"]:
            use["labels"].append(label)
        if by_pk[question_id] not in use["questions"]:
            use["questions"].append(by_pk[question_id])

    students = set(
        Enrolment.objects.filter(classroom_id=assignment.classroom_id).values_list(
            "student_id", flat=True
        )
    )
    counted = counted_attempts(load_attempts(assignment=assignment, student_id__in=students))
    submitted_ids = [e.attempt.pk for e in counted.values() if e.attempt.submitted]
    citing: dict[int, set[int]] = defaultdict(set)
    citation_counts: dict[int, int] = defaultdict(int)
    tallies = {pk: _Tally() for pk in uses}
    cited = {pk: _Tally() for pk in uses}
    uncited = {pk: _Tally() for pk in uses}
    on_question: dict[int, list[int]] = defaultdict(list)
    for excerpt_id, use in uses.items():
        for q in use["questions"]:
            on_question[q.pk].append(excerpt_id)
    for attempt_id, question_id, auto, mark, citations in (
        Response.objects.filter(attempt_id__in=submitted_ids)
        .order_by()
        .values_list("attempt_id", "question_id", "auto_score", "mark__score", "citations")
    ):
        cited_here = set()
        for citation in citations if isinstance(citations, list) else ():
            excerpt_id = citation.get("excerpt") if isinstance(citation, dict) else None
            if excerpt_id in uses:
                cited_here.add(excerpt_id)
                citation_counts[excerpt_id] += 1
                citing[excerpt_id].add(attempt_id)
        built_on = on_question.get(question_id)
        if not built_on:
            continue
        q = by_pk[question_id]
        score = effective_score(kind=q.kind, auto_score=auto, mark_score=mark)
        for excerpt_id in built_on:
            tallies[excerpt_id].add(score, q.marks)
            (cited if excerpt_id in cited_here else uncited)[excerpt_id].add(score, q.marks)
    submitted = len(submitted_ids)
    return AssignmentSources(
        assignment=assignment,
        submitted=submitted,
        sources=tuple(
            SourceStats(
                excerpt_id=excerpt_id,
                labels=tuple(use["labels"]),
                title=use["title"],
                caption=use["caption"],
                text=use["text"],
                questions=tuple(use["questions"]),
                citing_students=len(citing[excerpt_id]),
                citations=citation_counts[excerpt_id],
                submitted=submitted,
                totals=tallies[excerpt_id].freeze(),
                cited_percentage=cited[excerpt_id].freeze().percentage,
                uncited_percentage=uncited[excerpt_id].freeze().percentage,
            )
            for excerpt_id, use in uses.items()
        ),
    )


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_PREVIEW else text[: EXCERPT_PREVIEW - 1].rstrip() + "…"


# --- a student's progress -----------------------------------------------------------------


class Visibility(StrEnum):
    NONE = "none"  # not submitted, or nothing released under the feedback policy
    OBJECTIVE = "objective"  # objective marks only, before release (objective_at_once)
    ALL = "all"  # feedback released


@dataclass(frozen=True)
class ProgressItem:
    assignment: Assignment
    status: Status  # as the student would put it: to mark shows as submitted
    late: bool
    submitted_at: datetime | None
    attempt_pk: int | None
    visibility: Visibility
    totals: Totals | None  # what the student may see (objective questions only, if so)
    blind: bool = False  # the viewing teacher second-marks it blind: nothing of marks shown


@dataclass(frozen=True)
class StudentProgress:
    student: User
    items: tuple[ProgressItem, ...]  # newest due first
    skills: SkillsReport  # from the marks the student may see, oldest first


def visibility_of(assignment: Assignment, attempt: AttemptRef | None) -> Visibility:
    if attempt is None or not attempt.submitted:
        return Visibility.NONE
    if released(assignment, attempt):
        return Visibility.ALL
    if assignment.feedback_policy == Assignment.FeedbackPolicy.OBJECTIVE_AT_ONCE:
        return Visibility.OBJECTIVE
    return Visibility.NONE


def student_progress(
    *, student: User, viewer: User, blind: frozenset[int] = frozenset()
) -> StudentProgress:
    """A student's results across their classes, as the student may see them.

    Released feedback shows every mark; before release, an objective_at_once assignment shows
    the automatic marks of its objective questions (as the attempt page does), an on_release
    one shows nothing. A teacher viewing sees exactly what the student sees, for the classes
    they teach, except the marks of the assignments in `blind` (which they second-mark blind).
    Three queries: assignments, attempts, the counted attempts' responses.
    """
    assignments_qs = Assignment.objects.for_student(student).select_related(
        "assessment", "classroom"
    )
    if viewer.pk != student.pk and not viewer.is_superuser:
        assignments_qs = assignments_qs.filter(
            classroom__in=Classroom.objects.taught_by(viewer).values("pk")
        )
    assignments = list(assignments_qs.order_by("due_at", "pk"))
    counted = counted_attempts(
        load_attempts(student=student, assignment__in=[a.pk for a in assignments])
    )
    visible: dict[int, tuple[Assignment, AttemptRef, Visibility]] = {}
    for assignment in assignments:
        entry = counted.get((assignment.pk, student.pk))
        attempt = entry.attempt if entry else None
        visibility = visibility_of(assignment, attempt)
        if visibility != Visibility.NONE and assignment.pk not in blind:
            visible[attempt.pk] = (assignment, attempt, visibility)

    totals: dict[int, _Tally] = {pk: _Tally() for pk in visible}
    skill_tallies: dict[tuple[int, str], _Tally] = {}
    for attempt_id, kind, marks, skill, auto, mark in (
        Response.objects.filter(attempt_id__in=list(visible))
        .order_by()
        .values_list(
            "attempt_id",
            "question__kind",
            "question__marks",
            "question__skill",
            "auto_score",
            "mark__score",
        )
    ):
        assignment, _, visibility = visible[attempt_id]
        if visibility == Visibility.OBJECTIVE:
            if kind not in OBJECTIVE_KINDS:
                continue
            score = auto  # a teacher's override is feedback: it waits for the release
        else:
            score = effective_score(kind=kind, auto_score=auto, mark_score=mark)
        totals[attempt_id].add(score, marks)
        skill_tallies.setdefault((assignment.pk, skill), _Tally()).add(score, marks)

    items = []
    for assignment in assignments:
        entry = counted.get((assignment.pk, student.pk))
        attempt = entry.attempt if entry else None
        shown = visible.get(attempt.pk) if attempt else None
        status = status_of(assignment=assignment, attempt=attempt, totals=None)
        items.append(
            ProgressItem(
                assignment=assignment,
                status=status,
                late=bool(attempt and attempt.is_late),
                submitted_at=attempt.submitted_at if attempt else None,
                attempt_pk=attempt.pk if attempt else None,
                visibility=shown[2] if shown else Visibility.NONE,
                totals=totals[attempt.pk].freeze() if shown else None,
                blind=assignment.pk in blind,
            )
        )
    charted = [a for a in assignments if any(key[0] == a.pk for key in skill_tallies)]
    return StudentProgress(
        student=student,
        items=tuple(reversed(items)),
        skills=_skills_report(charted, skill_tallies),
    )
