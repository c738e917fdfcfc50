"""Writes for marking: marks and overrides with their audit trail, the comment bank, second
marking and feedback release.

Every change to a response's score or level writes a MarkChange in the same transaction as the
Mark (who, when, old, new, levels, reason, kind). A save that changes only the comment updates
the Mark and writes no MarkChange: the audit is of marks. The response row is locked while its
mark is written, so two teachers saving at once are serialised and each change records the
true old value; a form may also pass `based_on` (the newest MarkChange pk it showed, 0 for none)
to refuse a save that would silently replace a colleague's newer mark.

Band checks use marking.py. Time comes in as `now` (default: timezone.now()).
"""

import math
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import marking
from assessments.models import (
    Assignment,
    Attempt,
    CommentBankEntry,
    FeedbackRelease,
    Level,
    Mark,
    MarkChange,
    Question,
    Response,
    SecondMark,
    SecondMarking,
)
from assessments.permissions import can_manage_assignment
from assessments.selectors_marking import naming_for, question_numbers, to_mark_filter


class MarkConflict(ValidationError):
    """Someone else changed the mark after the form was shown."""


class ReleaseBlocked(ValidationError):
    """Answers of the chosen students are still to mark; `waiting` lists them."""

    def __init__(self, message: str, *, waiting: list[Response]):
        super().__init__(message)
        self.waiting = waiting


# --- marks ----------------------------------------------------------------------------------


def _locked(response: Response) -> Response:
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("attempt__assignment__classroom", "question")
        .get(pk=response.pk)
    )


def _check_marker(user, assignment: Assignment) -> None:
    if not can_manage_assignment(user, assignment):
        raise PermissionDenied("You can only mark work set to classes you teach.")


def _check_submitted(response: Response) -> None:
    if response.attempt.status != Attempt.Status.SUBMITTED:
        raise ValidationError("Only submitted answers are marked.")


def _level_and_score(question: Question, level, score) -> Level | None:
    """The Level for a level-based mark (a Level or its number), after checking the score lies
    in its band; ValidationError (by field) otherwise."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValidationError({"score": "The mark must be a whole number."})
    levels = list(question.levels.all())
    if not levels:  # no mark scheme: any mark in range
        if level is not None:
            raise ValidationError({"level": "This question has no levels."})
        if not 0 <= score <= question.marks:
            raise ValidationError({"score": f"The mark must be between 0 and {question.marks}."})
        return None
    if level is None or level == "":
        raise ValidationError({"level": "Choose a level first."})
    if isinstance(level, Level):
        chosen = next((lv for lv in levels if lv.pk == level.pk), None)
        number = level.number
    else:
        try:
            number = int(level)
        except (TypeError, ValueError):
            raise ValidationError({"level": "Choose one of the levels."}) from None
        chosen = next((lv for lv in levels if lv.number == number), None)
    if chosen is None:
        raise ValidationError({"level": f"The mark scheme has no level {number}."})
    bands = [marking.Band(low=lv.low, high=lv.high, number=lv.number) for lv in levels]
    problem = marking.mark_problem(bands, level=number, mark=score, marks=question.marks)
    if problem:
        raise ValidationError({"score": problem})
    return chosen


def _check_based_on(response: Response, based_on: int | None) -> None:
    if based_on is None:
        return
    latest = (
        MarkChange.objects.filter(response=response)
        .select_related("changed_by")
        .order_by("-pk")
        .first()
    )
    if (latest.pk if latest else 0) != based_on:
        if latest is None:  # pragma: no cover - changes are never deleted
            raise MarkConflict("The mark changed while you had it open. Check it and save again.")
        level = f" (level {latest.new_level})" if latest.new_level is not None else ""
        raise MarkConflict(
            f"{latest.changed_by.display_name} changed this mark to {latest.new_score}{level} "
            f"at {timezone.localtime(latest.changed_at):%H:%M} while you had it open. "
            "It is in the history; save again to replace it with yours."
        )


def _write_mark(
    *,
    response: Response,
    marker,
    score: int,
    level: Level | None,
    comment: str,
    kind: str,
    reason: str,
    now,
    override_reason: str = "",
    always_record: bool = False,
) -> Mark:
    """Upsert the Mark and record the change. `response` must be the locked row."""
    mark = Mark.objects.filter(response=response).select_related("level").first()
    if mark is not None:
        old_score, old_level = mark.score, (mark.level.number if mark.level else None)
    else:
        old_score = response.auto_score if response.question.is_objective else None
        old_level = None
        mark = Mark(response=response)
    new_level = level.number if level else None
    changed = always_record or mark.pk is None or old_score != score or old_level != new_level
    mark.level = level
    mark.score = score
    mark.comment = comment
    mark.marker = marker
    mark.marked_at = now
    mark.is_override = kind == MarkChange.Kind.OVERRIDE
    mark.override_reason = override_reason if kind == MarkChange.Kind.OVERRIDE else ""
    mark.full_clean()
    mark.save()
    response.mark = mark
    if changed:
        MarkChange.objects.create(
            response=response,
            kind=kind,
            changed_by=marker,
            changed_at=now,
            old_score=old_score,
            new_score=score,
            old_level=old_level,
            new_level=new_level,
            reason=reason[:300],
        )
    return mark


@transaction.atomic
def response_mark(
    *,
    response: Response,
    marker,
    score: int,
    level: Level | int | None = None,
    comment: str = "",
    reason: str = "",
    based_on: int | None = None,
    now=None,
) -> Mark:
    """Mark a teacher-marked (extended) response: a level (a Level or its number) and a score
    inside that level's band, and a comment. Re-marking replaces the mark.

    Raises PermissionDenied unless `marker` teaches the class; ValidationError (by field:
    level, score) for an unsubmitted attempt, an automatically marked question (use
    `response_override`), a missing level or a score outside its band; MarkConflict when
    `based_on` is not the newest MarkChange. Writes a MarkChange (kind mark) when the score or
    level changed, or on the first mark.
    """
    now = now or timezone.now()
    locked = _locked(response)
    _check_marker(marker, locked.attempt.assignment)
    _check_submitted(locked)
    question = locked.question
    if question.is_objective:
        raise ValidationError(
            "This question is marked automatically; override its mark with a reason instead."
        )
    chosen = _level_and_score(question, level, score)
    _check_based_on(locked, based_on)
    mark = _write_mark(
        response=locked,
        marker=marker,
        score=score,
        level=chosen,
        comment=(comment or "").strip(),
        kind=MarkChange.Kind.MARK,
        reason=(reason or "").strip(),
        now=now,
    )
    response.mark = mark
    return mark


@transaction.atomic
def response_override(
    *, response: Response, marker, score: int, reason: str, based_on: int | None = None, now=None
) -> Mark:
    """Replace the automatic score of an objective question, with a required reason.

    The old score in the audit is the score that counted before (the automatic one, or the
    previous override). Refuses an unchanged score, a score outside 0..marks and a blank reason.
    """
    now = now or timezone.now()
    locked = _locked(response)
    _check_marker(marker, locked.attempt.assignment)
    _check_submitted(locked)
    question = locked.question
    if not question.is_objective:
        raise ValidationError("Only automatically marked answers are overridden; mark this one.")
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Give a reason for changing the automatic mark."
    elif len(reason) > 300:
        errors["reason"] = "Keep the reason under 300 characters."
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= question.marks:
        errors["score"] = f"The mark must be between 0 and {question.marks}."
    if errors:
        raise ValidationError(errors)
    _check_based_on(locked, based_on)
    existing = locked.teacher_mark
    current = existing.score if existing else locked.auto_score
    if current == score:
        raise ValidationError({"score": f"The mark is already {score}."})
    mark = _write_mark(
        response=locked,
        marker=marker,
        score=score,
        level=None,
        comment=existing.comment if existing else "",
        kind=MarkChange.Kind.OVERRIDE,
        reason=reason,
        override_reason=reason,
        now=now,
    )
    response.mark = mark
    return mark


# --- comment bank ---------------------------------------------------------------------------


def comment_bank_add(
    *, owner, text: str, question: Question | None = None, level_number: int | None = None
) -> CommentBankEntry:
    """Keep a comment in the owner's bank for this question and level (and its skill, so it is
    offered on other assessments' questions of the same skill). The same text twice is kept once.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError("An empty comment cannot go in the bank.")
    entry, _ = CommentBankEntry.objects.get_or_create(
        owner=owner,
        question=question,
        level_number=level_number,
        text=text,
        defaults={"skill": question.skill if question else ""},
    )
    return entry


# --- second marking -------------------------------------------------------------------------


def sample_size(*, available: int, count: int | None = None, percent: int | None = None) -> int:
    """How many to sample: `count` (at most all there are) or `percent`, rounded up, at least 1."""
    if (count is None) == (percent is None):
        raise ValidationError("Give a number of answers or a percentage, not both.")
    if count is not None:
        if count < 1:
            raise ValidationError({"size": "Sample at least one answer."})
        return min(count, available)
    if not 1 <= percent <= 100:
        raise ValidationError({"size": "The percentage must be between 1 and 100."})
    return max(1, math.ceil(available * percent / 100))


def sample_responses(pks, size: int, *, seed) -> list[int]:
    """A reproducible random sample: the same pks, size and seed always give the same sample."""
    ordered = sorted(pks)
    rng = random.Random(str(seed))  # noqa: S311 - a fair sample, not a secret
    return sorted(rng.sample(ordered, min(size, len(ordered))))


@transaction.atomic
def second_marking_request(
    *,
    assignment: Assignment,
    question: Question,
    requested_by,
    second_marker,
    count: int | None = None,
    percent: int | None = None,
    seed=None,
) -> SecondMarking:
    """Ask a co-teacher of the class to blind-mark a sample of one question's answers.

    The sample is random but reproducible: seeded (unless `seed` is given) by the assignment,
    question and second marker, over the submitted answers in pk order.
    """
    _check_marker(requested_by, assignment)
    if second_marker.pk == requested_by.pk:
        raise ValidationError(
            {"second_marker": "Ask a colleague: you cannot second-mark yourself."}
        )
    if not assignment.classroom.is_taught_by(second_marker):
        raise ValidationError(
            {"second_marker": f"{second_marker.display_name} does not teach this class."}
        )
    if question.assessment_id != assignment.assessment_id:
        raise ValidationError({"question": "That question is not in this assessment."})
    if question.is_objective:
        raise ValidationError({"question": "Only teacher-marked questions are second-marked."})
    candidates = list(
        Response.objects.filter(
            question=question,
            attempt__assignment=assignment,
            attempt__status=Attempt.Status.SUBMITTED,
        ).values_list("pk", flat=True)
    )
    if not candidates:
        raise ValidationError({"question": "Nobody has submitted an answer to it yet."})
    size = sample_size(available=len(candidates), count=count, percent=percent)
    if seed is None:
        seed = f"{assignment.pk}:{question.pk}:{second_marker.pk}"
    request = SecondMarking.objects.create(
        assignment=assignment,
        question=question,
        requested_by=requested_by,
        second_marker=second_marker,
    )
    request.responses.set(sample_responses(candidates, size, seed=seed))
    return request


@transaction.atomic
def second_mark_save(
    *,
    second_marking: SecondMarking,
    response: Response,
    marker,
    score: int,
    level: Level | int | None = None,
    comment: str = "",
    now=None,
) -> SecondMark:
    """The second marker's blind mark for one sampled response; completes the request when the
    whole sample is marked. A settled response cannot be re-marked."""
    now = now or timezone.now()
    request = SecondMarking.objects.select_for_update().get(pk=second_marking.pk)
    if marker.pk != request.second_marker_id:
        raise PermissionDenied("Only the colleague asked can second-mark these answers.")
    if not request.responses.filter(pk=response.pk).exists():
        raise ValidationError("That answer is not in the sample.")
    question = Question.objects.get(pk=response.question_id)
    chosen = _level_and_score(question, level, score)
    second = SecondMark.objects.filter(request=request, response=response).first()
    if second is not None and second.settled:
        raise ValidationError("The first marker has settled this answer already.")
    second = second or SecondMark(request=request, response=response)
    second.level = chosen
    second.score = score
    second.comment = (comment or "").strip()
    second.marked_at = now
    second.full_clean()
    second.save()
    if request.completed_at is None:
        remaining = request.responses.exclude(second_marks__request=request).exists()
        if not remaining:
            request.completed_at = now
            request.save(update_fields=["completed_at", "updated_at"])
            second_marking.completed_at = now
    return second


SETTLE_KEEP = "keep"
SETTLE_SECOND = "second"
SETTLE_NEW = "new"
SETTLE_REASONS = {
    SETTLE_KEEP: "Kept the first mark after second marking.",
    SETTLE_SECOND: "Took the second marker's mark.",
    SETTLE_NEW: "New mark after second marking.",
}


@transaction.atomic
def second_mark_settle(
    *,
    second_marking: SecondMarking,
    response: Response,
    settled_by,
    decision: str,
    score: int | None = None,
    level: Level | int | None = None,
    now=None,
) -> Mark:
    """Settle a difference: keep the first mark, take the second, or enter a new one.

    Only the teacher who asked may settle. Each decision writes a MarkChange of kind settle
    (keeping records old = new, so the history shows the mark was checked) and marks the second
    mark settled. The first marker's comment is kept.
    """
    now = now or timezone.now()
    if settled_by.pk != second_marking.requested_by_id and not settled_by.is_superuser:
        raise PermissionDenied("Only the teacher who asked for second marking settles it.")
    if decision not in SETTLE_REASONS:
        raise ValidationError("Keep your mark, take the second mark, or enter a new one.")
    locked = _locked(response)
    _check_marker(settled_by, locked.attempt.assignment)
    second = (
        SecondMark.objects.select_related("level")
        .filter(request=second_marking, response=locked)
        .first()
    )
    if second is None:
        raise ValidationError("This answer has not been second-marked yet.")
    mark = Mark.objects.filter(response=locked).select_related("level").first()
    if decision == SETTLE_KEEP:
        if mark is None:
            raise ValidationError(
                "You have not marked this answer yet, so there is nothing to keep."
            )
        score, chosen = mark.score, mark.level
    elif decision == SETTLE_SECOND:
        score, chosen = second.score, second.level
    else:
        chosen = _level_and_score(locked.question, level, score)
    result = _write_mark(
        response=locked,
        marker=settled_by,
        score=score,
        level=chosen,
        comment=mark.comment if mark else "",
        kind=MarkChange.Kind.SETTLE,
        reason=SETTLE_REASONS[decision],
        now=now,
        always_record=True,
    )
    second.settled = True
    second.save(update_fields=["settled"])
    return result


# --- feedback release -----------------------------------------------------------------------


def _waiting_message(waiting: list[Response], assignment: Assignment) -> str:
    naming = naming_for(assignment)
    numbers = question_numbers(assignment.assessment.questions.all())
    by_student: dict[int, tuple[str, list[int]]] = {}
    for response in waiting:
        student = response.attempt.student
        label, questions = by_student.setdefault(student.pk, (naming.label(student), []))
        questions.append(numbers.get(response.question_id, 0))
    parts = [
        f"{label}: " + ", ".join(f"Q{n}" for n in sorted(set(questions)))
        for label, questions in by_student.values()
    ]
    count = len(waiting)
    return (
        f"{count} answer{'s are' if count != 1 else ' is'} still to mark ({'; '.join(parts)}). "
        "Mark them first, or tick “Release anyway”: those answers then show as “not marked "
        "yet”, never as zero."
    )


@transaction.atomic
def feedback_release(
    *,
    assignment: Assignment,
    released_by,
    students=None,
    anyway: bool = False,
    now=None,
) -> FeedbackRelease:
    """Release marks and comments: to the whole class (`students` None: sets
    Assignment.released_at) or to chosen students (sets their submitted attempts'
    feedback_released_at). Recorded in FeedbackRelease.

    Refused with ReleaseBlocked while any answer of the students concerned is still to mark,
    unless `anyway`; with ValidationError when there is nothing new to release.
    """
    now = now or timezone.now()
    _check_marker(released_by, assignment)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.released_at:
        raise ValidationError(
            f"Feedback was already released to the whole class on "
            f"{timezone.localtime(locked.released_at):%d %B %Y at %H:%M}."
        )
    attempts = Attempt.objects.filter(assignment=assignment, status=Attempt.Status.SUBMITTED)
    chosen = None
    if students is not None:
        chosen = {getattr(s, "pk", s) for s in students}
        if not chosen:
            raise ValidationError("Choose the students to release feedback to.")
        attempts = attempts.filter(student_id__in=chosen)
        submitted = set(attempts.values_list("student_id", flat=True))
        if chosen - submitted:
            raise ValidationError(
                "Feedback can only be released to students who have submitted; "
                f"{len(chosen - submitted)} of those chosen have not."
            )
        attempts = attempts.filter(feedback_released_at__isnull=True)
        if not attempts.exists():
            raise ValidationError("Feedback was already released to the students chosen.")
    waiting = list(
        Response.objects.filter(attempt__in=attempts)
        .filter(to_mark_filter())
        .select_related("attempt__student")
        .order_by("pk")
    )
    if waiting and not anyway:
        raise ReleaseBlocked(_waiting_message(waiting, assignment), waiting=waiting)
    if chosen is None:
        locked.released_at = assignment.released_at = now
        locked.save(update_fields=["released_at", "updated_at"])
    else:
        chosen = set(attempts.values_list("student_id", flat=True))
        attempts.update(feedback_released_at=now, updated_at=now)
    release = FeedbackRelease.objects.create(
        assignment=assignment, released_by=released_by, released_at=now
    )
    if chosen:
        release.students.set(sorted(chosen))
    return release


def feedback_mark_viewed(*, attempt: Attempt, now=None) -> bool:
    """Record the first time the student opens released feedback; later visits change nothing.
    One query; True when this was the first view."""
    now = now or timezone.now()
    updated = Attempt.objects.filter(pk=attempt.pk, feedback_viewed_at__isnull=True).update(
        feedback_viewed_at=now
    )
    if updated:
        attempt.feedback_viewed_at = now
    return bool(updated)
