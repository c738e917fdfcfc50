"""Reads for teachers' assessment pages."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, Q

from accounts.models import Enrolment, User
from assessments import windows
from assessments.models import Assignment, Attempt, Extension


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    LATE = "late"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "submitted": "Submitted",
            "late": "Submitted late",
        }[self.value]


@dataclass(frozen=True)
class RosterRow:
    student: User
    progress: Progress
    attempt: Attempt | None  # the latest attempt
    attempt_count: int
    extension: Extension | None
    due_at: datetime  # the student's effective due time


def assignment_roster(*, assignment: Assignment) -> list[RosterRow]:
    """Every student of the class with their progress on the assignment, in roster order.

    Three queries whatever the class size: enrolments with students, attempts, extensions.
    The caller checks that the user may manage the assignment (permissions loader).
    """
    enrolments = Enrolment.objects.filter(classroom_id=assignment.classroom_id).select_related(
        "student"
    )
    latest: dict[int, Attempt] = {}
    counts: dict[int, int] = {}
    for attempt in Attempt.objects.filter(assignment=assignment).order_by("number"):
        latest[attempt.student_id] = attempt
        counts[attempt.student_id] = counts.get(attempt.student_id, 0) + 1
    extensions = {e.student_id: e for e in Extension.objects.filter(assignment=assignment)}
    rows = []
    for enrolment in enrolments:
        student = enrolment.student
        attempt = latest.get(student.pk)
        extension = extensions.get(student.pk)
        rows.append(
            RosterRow(
                student=student,
                progress=_progress(attempt),
                attempt=attempt,
                attempt_count=counts.get(student.pk, 0),
                extension=extension,
                due_at=windows.due_for(due_at=assignment.due_at, extension=extension),
            )
        )
    return rows


def _progress(attempt: Attempt | None) -> Progress:
    if attempt is None:
        return Progress.NOT_STARTED
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return Progress.IN_PROGRESS
    return Progress.LATE if attempt.is_late else Progress.SUBMITTED


def progress_counts(rows: list[RosterRow]) -> dict[Progress, int]:
    counts = dict.fromkeys(Progress, 0)
    for row in rows:
        counts[row.progress] += 1
    return counts


def assignments_for_teacher(*, user):
    """Assignments to classes the user teaches, newest due first, with submission counts.

    One query.
    """
    return (
        Assignment.objects.filter(pk__in=Assignment.objects.for_teacher(user).values("pk"))
        .select_related("assessment", "classroom")
        .annotate(
            student_count=Count("classroom__enrolments", distinct=True),
            submitted_count=Count(
                "attempts__student",
                filter=Q(attempts__status=Attempt.Status.SUBMITTED),
                distinct=True,
            ),
        )
        .order_by("-due_at", "pk")
    )
