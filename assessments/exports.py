"""Results exports: a marks book and a responses file, per assignment and per class.

Each export is one row generator (`Export.rows`) that `common.exports` renders to CSV or XLSX,
so both formats always agree. The rules:
- Columns come in a fixed order; numbers are numbers; dates are dates.
- A response still to mark leaves its mark cell empty (never 0), and a "To mark" column counts
  them (in the responses file, 1 or 0 per row, so a sum gives the count).
- Only the attempt that counts is exported (the latest submitted; see assessments.dashboards).
- Totals as on the marking screen: "Total" over "Out of" (every question's marks), with the
  percentage of the marks given so far ("Marked out of") and the "To mark" count.
- Anonymous marking: until the class's feedback is released, an anonymous assignment exports
  students as the marking screen names them, "Student 1", "Student 2" … (by first attempt),
  with the username column empty. In the class marks book, where each row is a named student,
  that assignment's marks stay empty and its status says "(anonymous)".
- Blind second marking: a teacher second-marking an assignment blind gets no export of it (the
  view refuses); in their class exports its marks, levels, comments and markers stay empty and
  the marks book's status says "(second-marking blind)".
- "Submitted" and "Late" are columns of their own: a late submission stays flagged once it is
  marked or returned, whatever the status says.
- File names carry the class, the assessment (or "all-assessments") and today's date, slugified.

A fixed number of queries whatever the class size. Marks books read their few numbers at once;
the responses file runs its queries while the response streams and reads the answers with
`.iterator()`, so memory stays flat however many there are.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from django.db.models import Case, OuterRef, Subquery, TextField, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Classroom
from assessments import dashboards
from assessments.models import (
    Assignment,
    Attempt,
    Choice,
    GridClaim,
    Question,
    QuestionSource,
    Response,
    Skill,
)
from common.exports import Row, csv_response, neutralise, xlsx_response

Kind = Literal["marks", "responses"]
Format = Literal["csv", "xlsx"]
KINDS = ("marks", "responses")
FORMATS = ("csv", "xlsx")

AUTOMATIC = "Automatic"


@dataclass(frozen=True)
class Export:
    filename: str  # without extension
    header: list[str]
    rows: Iterable[Row]
    sheet: str


def export_filename(*parts: str, today=None) -> str:
    today = today or timezone.localdate()
    return slugify(" ".join([*parts, today.isoformat()]))


def render(export: Export, fmt: Format):
    """A streamed CSV or a constant-memory XLSX download."""
    if fmt == "csv":
        # common.exports neutralises cells but not the header, which carries titles here.
        header = [neutralise(str(title)) for title in export.header]
        return csv_response(export.filename, header, export.rows)
    if fmt == "xlsx":
        return xlsx_response(export.filename, export.header, export.rows, sheet=export.sheet)
    raise ValueError(f"Unknown format {fmt!r}")


def for_assignment(*, assignment: Assignment, kind: Kind) -> Export:
    """`assignment` comes from a permission loader with its assessment and class."""
    if kind == "marks":
        return assignment_marks(assignment=assignment)
    if kind == "responses":
        return responses(assignments=[assignment], classroom=assignment.classroom)
    raise ValueError(f"Unknown export {kind!r}")


def for_classroom(
    *, classroom: Classroom, kind: Kind, blind: frozenset[int] = frozenset()
) -> Export:
    """`classroom` comes from a permission loader; `blind`: the ids of its assignments whose
    marks the requesting teacher may not see (`selectors_marking.blind_assignment_ids`)."""
    if kind == "marks":
        return class_marks(classroom=classroom, blind=blind)
    if kind == "responses":
        return responses(assignments=None, classroom=classroom, blind=blind)
    raise ValueError(f"Unknown export {kind!r}")


# --- marks books --------------------------------------------------------------------------


def assignment_marks(*, assignment: Assignment) -> Export:
    """One row per student: each question's mark, totals, levels, status, submission.

    Five queries (those of `dashboards.assignment_results`, run at once: the header needs the
    questions, and the scores of one assignment are small).
    """
    results = dashboards.assignment_results(assignment=assignment)
    questions = results.questions
    extended = [i for i, q in enumerate(questions) if q.is_extended]
    header = [
        "Class",
        "Student",
        "Username",
        *(f"{q.label} ({q.marks})" for q in questions),
        "Total",
        "Out of",
        "Marked out of",
        "Percentage",
        "To mark",
        *(f"{questions[i].label} level" for i in extended),
        "Status",
        "Submitted",
        "Late",
    ]

    def rows() -> Iterator[Row]:
        class_name = assignment.classroom.name
        blank = [None] * len(questions)
        for row in results.rows:
            totals = row.totals
            submitted = bool(row.cells)
            yield [
                class_name,
                row.student.name,
                row.student.username,
                *([cell.score for cell in row.cells] if submitted else blank),
                totals.score if totals else None,
                totals.out_of if totals else None,
                totals.marked_out_of if totals else None,
                totals.percentage if totals else None,
                totals.to_mark if totals else None,
                *(row.cells[i].level if submitted else None for i in extended),
                row.status.label,
                row.submitted_at if submitted else None,
                row.late if submitted else None,
            ]

    return Export(
        filename=export_filename(assignment.classroom.name, assignment.assessment.title, "marks"),
        header=header,
        rows=rows(),
        sheet="Marks",
    )


HIDDEN_STATUS = {
    dashboards.Hidden.ANONYMOUS: " (anonymous)",
    dashboards.Hidden.BLIND: " (second-marking blind)",
}


def class_marks(*, classroom: Classroom, blind: frozenset[int] = frozenset()) -> Export:
    """One row per student; for each assignment (oldest due first), its columns side by side,
    titled with the assignment: each question's mark, total, out of, marked out of, percentage
    (of the marks given so far), responses to mark, each extended question's level, status,
    submitted (when) and late.

    Five queries, those of `dashboards.class_marks_book`, run at once (the header needs the
    questions; the figures are a few numbers per student and question).
    """
    book = dashboards.class_marks_book(classroom=classroom, blind=blind)
    header = ["Class", "Student", "Username"]
    for column in book.columns:
        title = _assignment_title(column.assignment)
        header.extend(f"{title}: {q.label} ({q.marks})" for q in column.questions)
        header.extend(
            f"{title}: {name}"
            for name in ("total", "out of", "marked out of", "percentage", "to mark")
        )
        header.extend(f"{title}: {column.questions[i].label} level" for i in column.extended)
        header.extend(f"{title}: {name}" for name in ("status", "submitted", "late"))

    def rows() -> Iterator[Row]:
        for student, cells in book.rows:
            values: list = [classroom.name, student.name, student.username]
            for column, cell in zip(book.columns, cells, strict=True):
                totals = cell.totals
                marks = cell.cells
                submitted = cell.submitted_at is not None
                values.extend([m.score for m in marks] if marks else [None] * len(column.questions))
                values.extend(
                    [
                        totals.score if totals else None,
                        totals.out_of if totals else None,
                        totals.marked_out_of if totals else None,
                        totals.percentage if totals else None,
                        totals.to_mark if totals else None,
                    ]
                )
                values.extend(marks[i].level if marks else None for i in column.extended)
                suffix = HIDDEN_STATUS.get(column.hidden, "") if submitted else ""
                values.extend(
                    [
                        cell.status.label + suffix,
                        cell.submitted_at,
                        cell.late if submitted else None,
                    ]
                )
            yield values

    return Export(
        filename=export_filename(classroom.name, "all-assessments", "marks"),
        header=header,
        rows=rows(),
        sheet="Marks",
    )


def _assignment_title(assignment: Assignment) -> str:
    return f"{assignment.assessment.title} ({assignment.due_at:%Y-%m-%d})"


# --- responses files ----------------------------------------------------------------------

RESPONSE_HEADER = [
    "Class",
    "Assessment",
    "Student",
    "Username",
    "Question",
    "Prompt",
    "Kind",
    "Skill",
    "Answer",
    "Choices",
    "Cited passages",
    "Level",
    "Mark",
    "Out of",
    "To mark",
    "Comment",
    "Marker",
    "Marked at",
]

RESPONSE_FIELDS = (
    "attempt__assignment_id",
    "attempt__student_id",
    "attempt__student__first_name",
    "attempt__student__last_name",
    "attempt__student__username",
    "question_id",
    "text",
    "choices_json",
    "grid_json",
    "citations_json",
    "auto_score",
    "mark__score",
    "mark__level__number",
    "mark__comment",
    "mark__marker__first_name",
    "mark__marker__last_name",
    "mark__marker__username",
    "mark__marked_at",
)

KIND_LABELS = dict(Question.Kind.choices)
SKILL_LABELS = dict(Skill.choices)


def responses(
    *,
    assignments: list[Assignment] | None,
    classroom: Classroom,
    blind: frozenset[int] = frozenset(),
) -> Export:
    """One row per submitted response (of the attempts that count), by assignment (oldest due
    first), student and question.

    Seven queries when the rows are read, whatever the class size: questions, choices, grid
    claims, question sources with excerpts, students, attempts, then the responses streamed
    with `.iterator()` (eight for a class: its assignments first). The answers of assignments
    in `blind` come without level, mark, comment or marker.
    """
    if assignments is not None and len(assignments) == 1:
        filename = export_filename(classroom.name, assignments[0].assessment.title, "responses")
    else:
        filename = export_filename(classroom.name, "all-assessments", "responses")
    return Export(
        filename=filename,
        header=list(RESPONSE_HEADER),
        rows=_response_rows(assignments=assignments, classroom=classroom, blind=blind),
        sheet="Responses",
    )


def _response_rows(*, assignments, classroom: Classroom, blind=frozenset()) -> Iterator[Row]:
    if assignments is None:
        assignments = dashboards.class_assignments(classroom)
    by_pk = {a.pk: a for a in assignments}
    assessment_ids = {a.assessment_id for a in assignments}
    questions = {
        q.pk: q
        for columns in dashboards.assessment_questions(assessment_ids).values()
        for q in columns
    }
    choice_texts = dict(
        Choice.objects.filter(question__assessment_id__in=assessment_ids)
        .order_by()
        .values_list("pk", "text")
    )
    claims: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, question_id, text in (
        GridClaim.objects.filter(question__assessment_id__in=assessment_ids)
        .order_by("question_id", "position", "pk")
        .values_list("pk", "question_id", "text")
    ):
        claims[question_id].append((pk, text))
    excerpts: dict[int, tuple[int, str]] = {}
    labels: dict[tuple[int, int], str] = {}
    for question_id, excerpt_id, label, start, text in (
        QuestionSource.objects.filter(question__assessment_id__in=assessment_ids)
        .order_by("question_id", "position", "pk")
        .values_list("question_id", "excerpt_id", "label", "excerpt__start", "excerpt__text")
    ):
        excerpts[excerpt_id] = (start, text)
        labels.setdefault((question_id, excerpt_id), label)

    students = dashboards.class_students(classroom.pk)
    enrolled = [s.pk for s in students]
    # Every attempt, enrolled or not: the anonymous numbers are the marking screen's.
    counted = dashboards.counted_attempts(dashboards.load_attempts(assignment__in=list(by_pk)))
    enrolled_set = set(enrolled)
    counted_ids = [
        entry.attempt.pk
        for (_, student_id), entry in counted.items()
        if entry.attempt.submitted and student_id in enrolled_set
    ]
    hidden = [a.pk for a in assignments if dashboards.names_hidden(a)]
    numbers = {pk: dashboards.student_numbers(enrolled, counted, pk) for pk in hidden}

    queryset = Response.objects.filter(attempt_id__in=counted_ids)
    student_order = [
        "attempt__student__last_name",
        "attempt__student__first_name",
        "attempt__student__username",
    ]
    if hidden:
        # "Student N" order: N follows each student's first attempt on the assignment.
        first_attempt = (
            Attempt.objects.filter(
                assignment_id=OuterRef("attempt__assignment_id"),
                student_id=OuterRef("attempt__student_id"),
            )
            .order_by("pk")
            .values("pk")[:1]
        )
        queryset = queryset.annotate(
            anonymous_order=Case(
                When(attempt__assignment_id__in=hidden, then=Subquery(first_attempt)),
                default=None,
            )
        )
        student_order.insert(0, "anonymous_order")
    # The answers' JSON as text, decoded only when not empty: JSONField's decoding of three
    # columns on every row was a third of the time of a 15,000-row file.
    queryset = (
        queryset.annotate(
            **{f"{name}_json": Cast(name, TextField()) for name in ("choices", "grid", "citations")}
        )
        .order_by(
            "attempt__assignment__due_at",
            "attempt__assignment_id",
            *student_order,
            "attempt__student_id",
            "question__position",
            "question_id",
        )
        .values_list(*RESPONSE_FIELDS)
    )

    # Constant per question, assignment, student and marker: built once, not once a row.
    fixed = {
        q.pk: (
            q.number,
            q.prompt,
            KIND_LABELS.get(q.kind, q.kind),
            SKILL_LABELS.get(q.skill, q.skill),
        )
        for q in questions.values()
    }
    titles = {pk: a.assessment.title for pk, a in by_pk.items()}
    names: dict[tuple[int, int], tuple[str, str]] = {}
    markers: dict[str, str] = {}
    for (
        assignment_id,
        student_id,
        first_name,
        last_name,
        username,
        question_id,
        text,
        chosen,
        grid,
        citations,
        auto_score,
        mark_score,
        level,
        comment,
        marker_first,
        marker_last,
        marker_username,
        marked_at,
    ) in queryset.iterator(chunk_size=2000):
        chosen, grid, citations = _decoded(chosen), _decoded(grid), _decoded(citations)
        question = questions[question_id]
        if assignment_id in blind:  # the first marks stay unseen while they second-mark
            auto_score = mark_score = level = comment = marked_at = None
            blinded = True
        else:
            blinded = False
        key = (assignment_id, student_id)
        who = names.get(key)
        if who is None:
            if numbers.get(assignment_id):
                number = numbers[assignment_id][student_id]
                who = names[key] = (dashboards.anonymous_label(number), "")
            else:
                who = names[key] = (
                    dashboards.display_name(first_name, last_name, username),
                    username,
                )
        if mark_score is not None:
            score = mark_score
            marker = markers.get(marker_username)
            if marker is None:
                marker = markers[marker_username] = dashboards.display_name(
                    marker_first, marker_last, marker_username
                )
        else:
            score = auto_score if question.is_objective else None
            marker = None if score is None else AUTOMATIC
        yield [
            classroom.name,
            titles[assignment_id],
            *who,
            *fixed[question_id],
            text or _grid_text(grid, claims.get(question_id, ())) or None,
            _choices_text(chosen, choice_texts) if chosen else None,
            _citations_text(citations, question_id, excerpts, labels) if citations else None,
            level,
            score,
            question.marks,
            None if blinded else (1 if score is None else 0),
            comment or None,
            marker,
            marked_at,
        ]


EMPTY_JSON = frozenset({None, "", "[]", "{}", "null"})


def _decoded(raw: str | None):
    return None if raw in EMPTY_JSON else json.loads(raw)


def _choices_text(chosen, texts: dict[int, str]) -> str | None:
    names = []
    for value in chosen if isinstance(chosen, list) else ():
        try:
            names.append(texts[int(value)])
        except (KeyError, TypeError, ValueError):
            continue  # a choice deleted since
    return "\n".join(names) or None


def _grid_text(grid, claims: Iterable[tuple[int, str]]) -> str:
    if not isinstance(grid, dict) or not grid:
        return ""
    lines = []
    for pk, text in claims:
        cells = grid.get(str(pk)) or grid.get(pk) or {}
        if isinstance(cells, dict) and cells:
            answers = ", ".join(f"{label} {value}" for label, value in sorted(cells.items()))
            lines.append(f"{text}: {answers}")
    return "\n".join(lines)


def _citations_text(citations, question_id: int, excerpts, labels) -> str | None:
    """Each cited passage as the page showed it: 'Source A: “…”', one a line."""
    quotes = []
    for citation in citations if isinstance(citations, list) else ():
        try:
            excerpt_id, start, end = citation["excerpt"], citation["start"], citation["end"]
            excerpt_start, excerpt_text = excerpts[excerpt_id]
        except (KeyError, TypeError):
            continue  # the teacher changed the question's sources since
        quote = excerpt_text[start - excerpt_start : end - excerpt_start]
        if not quote:
            continue
        label = labels.get((question_id, excerpt_id)) or next(
            (lab for (_, e), lab in labels.items() if e == excerpt_id), ""
        )
        heading = label if label.lower().startswith("source") else f"Source {label}"
        quotes.append(f"{heading}: “{quote}”")
    return "\n".join(quotes) or None
