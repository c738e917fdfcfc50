"""Data protection: everything held about a student, exported or deleted in one place.

`student_export` answers a subject access request; `student_delete` is the right to erasure.
Both walk the same list of what is held, so a model that starts holding student data belongs
in both (and in tests/security/test_data_protection.py).

What is held about a student: their account (profile), enrolments, extensions, attempts with
every response (text, choices, grid, citations), the marks, levels and comments on them, the
audit of mark changes, second marks, when feedback was released and viewed, lesson visits,
failed and successful logins recorded by django-axes, and, for a day after a roster import at
most, their initial password in IssuedCredentials (exported as a fact, never as the password).
"""

import logging

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction

from accounts.models import IssuedCredentials, User
from assessments.models import (
    Attempt,
    Extension,
    FeedbackRelease,
    Mark,
    MarkChange,
    Response,
    SecondMark,
)
from lessons.models import LessonVisit

audit = logging.getLogger("provenance.audit")


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _mark(mark: Mark | None) -> dict | None:
    if mark is None:
        return None
    return {
        "score": mark.score,
        "level": mark.level.number if mark.level else None,
        "comment": mark.comment,
        "marked_at": _when(mark.marked_at),
        "marker": mark.marker.display_name,
        "is_override": mark.is_override,
        "override_reason": mark.override_reason,
    }


def _response(response: Response, changes: list, second_marks: list) -> dict:
    question = response.question
    chosen = {choice.pk: choice.text for choice in question.choices.all()}
    try:
        mark = response.mark
    except Mark.DoesNotExist:
        mark = None
    return {
        "question": question.prompt,
        "question_marks": question.marks,
        "text": response.text,
        "choices": [chosen.get(pk, pk) for pk in response.choices],
        "grid": response.grid,
        "citations": response.citations,
        "saved_at": _when(response.saved_at),
        "versions_saved": response.version,
        "automatic_score": response.auto_score,
        "mark": _mark(mark),
        "mark_changes": [
            {
                "kind": change.kind,
                "changed_at": _when(change.changed_at),
                "old_score": change.old_score,
                "new_score": change.new_score,
                "old_level": change.old_level,
                "new_level": change.new_level,
                "reason": change.reason,
            }
            for change in changes
        ],
        "second_marks": [
            {
                "score": second.score,
                "level": second.level.number if second.level else None,
                "comment": second.comment,
                "marked_at": _when(second.marked_at),
                "settled": second.settled,
            }
            for second in second_marks
        ],
    }


def student_export(student: User) -> dict:
    """Everything held about `student`, as plain JSON-serialisable data (no ids of others)."""
    responses = (
        Response.objects.filter(attempt__student=student)
        .select_related("question", "mark__level", "mark__marker")
        .prefetch_related("question__choices")
        .order_by("attempt_id", "question__position", "pk")
    )
    changes, seconds = {}, {}
    for change in MarkChange.objects.filter(response__attempt__student=student).order_by("pk"):
        changes.setdefault(change.response_id, []).append(change)
    for second in (
        SecondMark.objects.filter(response__attempt__student=student)
        .select_related("level")
        .order_by("pk")
    ):
        seconds.setdefault(second.response_id, []).append(second)
    by_attempt = {}
    for response in responses:
        by_attempt.setdefault(response.attempt_id, []).append(
            _response(response, changes.get(response.pk, []), seconds.get(response.pk, []))
        )
    attempts = Attempt.objects.filter(student=student).select_related(
        "assignment__assessment", "assignment__classroom"
    )
    return {
        "profile": {
            "username": student.username,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "email": student.email,
            "role": student.role,
            "is_active": student.is_active,
            "date_joined": _when(student.date_joined),
            "last_login": _when(student.last_login),
        },
        "enrolments": [
            {
                "class": enrolment.classroom.name,
                "subject": enrolment.classroom.subject,
                "year_group": enrolment.classroom.year_group,
                "academic_year": enrolment.classroom.academic_year,
                "teacher": enrolment.classroom.owner.display_name,
                "joined_at": _when(enrolment.created_at),
            }
            for enrolment in student.enrolments.select_related("classroom__owner").order_by("pk")
        ],
        "extensions": [
            {
                "assessment": extension.assignment.assessment.title,
                "due_at": _when(extension.due_at),
                "extra_minutes": extension.extra_minutes,
                "reason": extension.reason,
            }
            for extension in Extension.objects.filter(student=student)
            .select_related("assignment__assessment")
            .order_by("pk")
        ],
        "attempts": [
            {
                "assessment": attempt.assignment.assessment.title,
                "class": attempt.assignment.classroom.name,
                "number": attempt.number,
                "status": attempt.status,
                "started_at": _when(attempt.started_at),
                "submitted_at": _when(attempt.submitted_at),
                "deadline_at": _when(attempt.deadline_at),
                "is_late": attempt.is_late,
                "auto_submitted": attempt.auto_submitted,
                "feedback_released_at": _when(attempt.feedback_released_at),
                "feedback_viewed_at": _when(attempt.feedback_viewed_at),
                "responses": by_attempt.get(attempt.pk, []),
            }
            for attempt in attempts.order_by("pk")
        ],
        "feedback_releases": [
            {"assessment": release.assignment.assessment.title, "at": _when(release.released_at)}
            for release in FeedbackRelease.objects.filter(students=student)
            .select_related("assignment__assessment")
            .order_by("pk")
        ],
        "lesson_visits": [
            {
                "unit": visit.lesson.unit.title,
                "lesson": visit.lesson.title,
                "first_visited_at": _when(visit.first_visited_at),
                "last_visited_at": _when(visit.last_visited_at),
            }
            for visit in student.lesson_visits.select_related("lesson__unit").order_by("pk")
        ],
        "logins": [
            {
                "ip_address": log.ip_address,
                "user_agent": log.user_agent,
                "attempt_time": _when(log.attempt_time),
                "logout_time": _when(log.logout_time),
            }
            for log in AccessLog.objects.filter(username=student.username).order_by("pk")
        ],
        "failed_logins": [
            {
                "ip_address": failure.ip_address,
                "user_agent": failure.user_agent,
                "attempt_time": _when(failure.attempt_time),
            }
            for failure in AccessFailureLog.objects.filter(username=student.username).order_by("pk")
        ],
        "initial_password_pending_download": any(
            row.get("username") == student.username
            for credentials in IssuedCredentials.objects.all()
            for row in credentials.rows
        ),
    }


@transaction.atomic
def student_delete(student: User, *, by: User | None = None) -> dict[str, int]:
    """Delete `student` with all their work, in one transaction; returns what was deleted.

    Attempts, responses, marks, mark changes, second marks, enrolments, extensions, lesson
    visits and feedback-release rows go with the account (they cascade); login records and a
    not yet downloaded initial password are removed explicitly. Teachers' own records (their
    assessments, comment banks, second-marking requests) stay. Written to the audit log.
    """
    if not student.is_student:
        raise ValueError(f"{student.username} is not a student; only students are deleted here.")
    counts = {
        "attempts": Attempt.objects.filter(student=student).count(),
        "responses": Response.objects.filter(attempt__student=student).count(),
        "marks": Mark.objects.filter(response__attempt__student=student).count(),
        "enrolments": student.enrolments.count(),
        "lesson_visits": LessonVisit.objects.filter(student=student).count(),
    }
    username, pk = student.username, student.pk
    login_records = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        login_records += model.objects.filter(username=username).delete()[0]
    counts["login_records"] = login_records
    for credentials in IssuedCredentials.objects.select_for_update():
        rows = [row for row in credentials.rows if row.get("username") != username]
        if len(rows) != len(credentials.rows):
            credentials.rows = rows
            credentials.save(update_fields=["rows"])
    student.delete()
    audit.info(
        "Deleted student %s (id %s) and all their work by %s: %s",
        username,
        pk,
        by.username if by else "a script",
        ", ".join(f"{name} {n}" for name, n in counts.items()),
    )
    return counts
