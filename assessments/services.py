"""Writes for assessments: setting work, extensions, starting and submitting attempts.

Views, the admin, the demo loader and commands all call these. Time comes in as `now` (default:
timezone.now()) so the deadline rules can be tested without freezing the clock. The deadline
rules themselves live in windows.py, the scoring rules in marking.py.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import Classroom, Enrolment
from assessments import marking, windows
from assessments.models import (
    Assessment,
    Assignment,
    Attempt,
    Choice,
    Exemplar,
    Extension,
    GridClaim,
    IndicativePoint,
    Level,
    Question,
    QuestionSource,
    Response,
)


class WindowError(Exception):
    """The action is outside the time window; the message is written for the student."""


# --- marking glue: rows to marking.py values ----------------------------------------------


def question_key(question: Question) -> marking.QuestionKey:
    """Scoring values of a question; expects `choices` and `claims` prefetched."""
    choices = list(question.choices.all())
    return marking.QuestionKey(
        kind=question.kind,
        marks=question.marks,
        correct_choices=frozenset(c.pk for c in choices if c.is_correct),
        choice_count=len(choices),
        accepted_answers=tuple(question.accepted_answers or ()),
        grid={claim.pk: claim.expected for claim in question.claims.all()},
    )


def answer_of(response: Response) -> marking.Answer:
    choices = []
    for value in response.choices or ():
        try:
            choices.append(int(value))
        except (TypeError, ValueError):
            continue  # a stale or tampered id scores nothing
    grid = response.grid if isinstance(response.grid, dict) else {}
    return marking.Answer(choices=tuple(choices), text=response.text or "", grid=grid)


def bands_of(question: Question) -> list[marking.Band]:
    """Expects `levels` prefetched (or costs one query)."""
    return [
        marking.Band(low=lv.low, high=lv.high, number=lv.number) for lv in question.levels.all()
    ]


# --- authoring checks ----------------------------------------------------------------------


def question_problems(question: Question) -> list[str]:
    """What stops a question being set: no correct choice, no accepted answer, no mark scheme.

    Expects `choices`, `claims`, `levels` and `sources` prefetched.
    """
    kind = question.kind
    if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
        choices = list(question.choices.all())
        return marking.choice_problems(
            kind=kind,
            correct_count=sum(c.is_correct for c in choices),
            choice_count=len(choices),
        )
    if kind == Question.Kind.SHORT_ANSWER:
        if not any(str(a).strip() for a in question.accepted_answers or ()):
            return ["A short-answer question needs at least one accepted answer."]
        return []
    if kind == Question.Kind.GRID:
        return marking.grid_problems(
            labels=[s.label for s in question.sources.all()],
            rows=[c.expected for c in question.claims.all()],
        )
    levels = bands_of(question)
    if not levels:
        return ["It needs a mark scheme (levels)."]
    return marking.check_bands(levels, question.marks)


def assessment_problems(assessment: Assessment) -> list[str]:
    """One line per question that cannot be set yet, e.g. 'Q2: It needs a mark scheme (levels).'

    Five queries, whatever the number of questions.
    """
    questions = list(
        assessment.questions.prefetch_related("choices", "claims", "levels", "sources")
    )
    if not questions:
        return ["The assessment has no questions yet."]
    problems = []
    for number, question in enumerate(questions, start=1):
        for problem in question_problems(question):
            problems.append(f"Q{number}: {problem}")
    return problems


def assignment_check(*, assessment: Assessment | None, opens_at, due_at, closes_at) -> None:
    """Raise ValidationError (by field) for unordered dates or an assessment not ready to set."""
    errors = {}
    if opens_at and due_at and due_at < opens_at:
        errors["due_at"] = "The due time must not be before the opening time."
    if due_at and closes_at and closes_at < due_at:
        errors["closes_at"] = "The close time must not be before the due time."
    if assessment is not None:
        problems = assessment_problems(assessment)
        if problems:
            errors["assessment"] = f"“{assessment.title}” cannot be set yet. " + " ".join(problems)
    if errors:
        raise ValidationError(errors)


# --- setting work --------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    assessment: Assessment,
    classroom: Classroom,
    set_by,
    opens_at,
    due_at,
    closes_at,
    attempts_allowed: int = 1,
    feedback_policy: str = Assignment.FeedbackPolicy.OBJECTIVE_AT_ONCE,
    anonymous_marking: bool = False,
) -> Assignment:
    """Set an assessment to a class. Refuses unordered dates and unready questions."""
    if not classroom.is_taught_by(set_by):
        raise PermissionDenied("You can only set work to classes you teach.")
    if not Assessment.objects.editable_by(set_by).filter(pk=assessment.pk).exists():
        raise PermissionDenied("You can only set your own assessments.")
    assignment_check(assessment=assessment, opens_at=opens_at, due_at=due_at, closes_at=closes_at)
    assignment = Assignment(
        assessment=assessment,
        classroom=classroom,
        set_by=set_by,
        opens_at=opens_at,
        due_at=due_at,
        closes_at=closes_at,
        attempts_allowed=attempts_allowed,
        feedback_policy=feedback_policy,
        anonymous_marking=anonymous_marking,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


EDITABLE_ASSIGNMENT_FIELDS = (
    "opens_at",
    "due_at",
    "closes_at",
    "attempts_allowed",
    "feedback_policy",
    "anonymous_marking",
)


@transaction.atomic
def assignment_update(*, assignment: Assignment, **fields) -> Assignment:
    """Change dates and settings; in-progress attempts get their deadlines recomputed."""
    unknown = set(fields) - set(EDITABLE_ASSIGNMENT_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of an assignment.")
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment_check(
        assessment=None,
        opens_at=assignment.opens_at,
        due_at=assignment.due_at,
        closes_at=assignment.closes_at,
    )
    assignment.full_clean()
    assignment.save()
    _refresh_deadlines(assignment=assignment)
    return assignment


def _refresh_deadlines(*, assignment: Assignment, student=None) -> None:
    """Recompute deadline_at of in-progress attempts after dates or an extension changed."""
    attempts = Attempt.objects.filter(assignment=assignment, status=Attempt.Status.IN_PROGRESS)
    if student is not None:
        attempts = attempts.filter(student=student)
    extensions = {e.student_id: e for e in Extension.objects.filter(assignment=assignment)}
    changed = []
    for attempt in attempts:
        deadline = windows.deadline_for(
            closes_at=assignment.closes_at,
            started_at=attempt.started_at,
            time_limit_minutes=assignment.assessment.time_limit_minutes,
            extension=extensions.get(attempt.student_id),
        )
        if deadline != attempt.deadline_at:
            attempt.deadline_at = deadline
            changed.append(attempt)
    Attempt.objects.bulk_update(changed, ["deadline_at"])


def extension_check(*, assignment: Assignment, student, due_at, extra_minutes) -> None:
    """Raise ValidationError unless the extension can be granted."""
    if not Enrolment.objects.filter(classroom_id=assignment.classroom_id, student=student).exists():
        raise ValidationError(f"{student.display_name} is not in {assignment.classroom.name}.")
    if due_at is None and not extra_minutes:
        raise ValidationError("Give a new due date, extra minutes, or both.")
    if due_at is not None and due_at < assignment.opens_at:
        raise ValidationError({"due_at": "The extended due date is before the work opens."})


@transaction.atomic
def extension_save(
    *, assignment: Assignment, student, due_at=None, extra_minutes: int = 0, reason: str = ""
) -> Extension:
    """Create or replace a student's extension (a later due date and/or extra minutes).

    A later due date also keeps the student's work open past the class close time.
    """
    extension_check(
        assignment=assignment, student=student, due_at=due_at, extra_minutes=extra_minutes
    )
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    if extension is None:
        extension = Extension(assignment=assignment, student=student)
    extension.due_at = due_at
    extension.extra_minutes = extra_minutes or 0
    extension.reason = reason
    extension.full_clean(validate_unique=False)
    extension.save()
    _refresh_deadlines(assignment=assignment, student=student)
    return extension


@transaction.atomic
def extension_delete(*, extension: Extension) -> None:
    assignment, student = extension.assignment, extension.student
    extension.delete()
    _refresh_deadlines(assignment=assignment, student=student)


@transaction.atomic
def assessment_duplicate(*, assessment: Assessment, owner) -> Assessment:
    """A deep copy owned by `owner`: questions, choices, sources, claims, levels, indicative
    points and exemplars. Assignments, attempts and marks stay with the original."""
    copy = Assessment.objects.create(
        title=f"{assessment.title} (copy)"[:200],
        instructions=assessment.instructions,
        unit=assessment.unit,
        lesson=assessment.lesson,
        time_limit_minutes=assessment.time_limit_minutes,
        owner=owner,
    )
    questions = assessment.questions.prefetch_related(
        "choices", "sources", "claims", "levels", "indicative_points", "exemplars"
    )
    for question in questions:
        new = Question.objects.create(
            assessment=copy,
            **{
                f: getattr(question, f)
                for f in (
                    "position",
                    "kind",
                    "prompt",
                    "marks",
                    "skill",
                    "asks_for_evidence",
                    "accepted_answers",
                )
            },
        )
        Choice.objects.bulk_create(
            Choice(question=new, position=c.position, text=c.text, is_correct=c.is_correct)
            for c in question.choices.all()
        )
        QuestionSource.objects.bulk_create(
            QuestionSource(
                question=new, excerpt_id=s.excerpt_id, label=s.label, position=s.position
            )
            for s in question.sources.all()
        )
        GridClaim.objects.bulk_create(
            GridClaim(question=new, position=c.position, text=c.text, expected=c.expected)
            for c in question.claims.all()
        )
        IndicativePoint.objects.bulk_create(
            IndicativePoint(question=new, position=p.position, text=p.text)
            for p in question.indicative_points.all()
        )
        # Exemplars point at levels, so levels are created one by one to learn their new ids.
        level_map = {}
        for level in question.levels.all():
            level_map[level.pk] = Level.objects.create(
                question=new,
                number=level.number,
                low=level.low,
                high=level.high,
                descriptor=level.descriptor,
            )
        Exemplar.objects.bulk_create(
            Exemplar(
                question=new, level=level_map[e.level_id], text=e.text, commentary=e.commentary
            )
            for e in question.exemplars.all()
            if e.level_id in level_map
        )
    return copy


# --- attempts ------------------------------------------------------------------------------


def _latest_attempt(assignment: Assignment, student) -> Attempt | None:
    """The student's attempt with the highest number: the one in progress if any (an attempt is
    started only after the previous one was submitted), and the count of attempts used."""
    return (
        Attempt.objects.filter(assignment=assignment, student=student).order_by("-number").first()
    )


def attempt_start(*, assignment: Assignment, student, now=None) -> Attempt:
    """The student's current in-progress attempt, or a new one with a Response per question.

    Idempotent: a double click returns the same attempt (the unique attempt number makes the
    second insert fail, and the loser returns the winner's attempt). An in-progress attempt whose
    deadline passed while the student was away is auto-submitted first, then a new attempt is
    started if the window and attempts allowed permit.

    Raises PermissionDenied if the student is not in the class, WindowError before it opens,
    after the student's effective close time, or when no attempts are left.
    """
    now = now or timezone.now()
    if not Enrolment.objects.filter(
        classroom_id=assignment.classroom_id, student_id=student.pk
    ).exists():
        raise PermissionDenied("You are not in the class this work was set to.")
    for _ in range(3):
        latest = _latest_attempt(assignment, student)
        if latest is not None and latest.status == Attempt.Status.IN_PROGRESS:
            if windows.accepts_saves(deadline_at=latest.deadline_at, now=now):
                return latest
            attempt_submit(attempt=latest, now=now, auto=True)
        used = latest.number if latest is not None else 0
        try:
            return _attempt_create(assignment=assignment, student=student, now=now, used=used)
        except IntegrityError:
            continue  # a concurrent request created it: go round and return that one
    raise WindowError("Your attempt could not be started. Reload the page and try again.")


def _attempt_create(*, assignment: Assignment, student, now, used: int) -> Attempt:
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    close = windows.close_for(closes_at=assignment.closes_at, extension=extension)
    if now < assignment.opens_at:
        raise WindowError(f"This assignment opens at {windows.when(assignment.opens_at)}.")
    if now > close:
        raise WindowError(
            f"This assignment closed at {windows.when(close)}; it can no longer be started."
        )
    if used >= assignment.attempts_allowed:
        allowed = assignment.attempts_allowed
        raise WindowError(
            "You have already submitted this assignment."
            if allowed == 1
            else f"You have used all {allowed} attempts allowed."
        )
    attempt = Attempt(
        assignment=assignment,
        student=student,
        number=used + 1,
        started_at=now,
        deadline_at=windows.deadline_for(
            closes_at=assignment.closes_at,
            started_at=now,
            time_limit_minutes=assignment.assessment.time_limit_minutes,
            extension=extension,
        ),
    )
    # No full_clean(): its unique check would race; the database constraint is the lock.
    with transaction.atomic():
        attempt.save(force_insert=True)
        Response.objects.bulk_create(
            Response(attempt=attempt, question_id=pk)
            for pk in assignment.assessment.questions.order_by().values_list("pk", flat=True)
        )
    return attempt


def attempt_submit(*, attempt: Attempt, now=None, auto=False) -> Attempt:
    """Submit the attempt's saved answers and store automatic scores. Idempotent.

    A second call returns the already submitted attempt unchanged. Refused with WindowError
    after the attempt's deadline plus windows.GRACE (30 s), unless `auto` (the time-limit
    auto-submission or a sweep after the close), which records `submitted_at` as the earlier of
    now and the deadline. `is_late` compares with the student's effective due time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_attempt(attempt.pk)
        if locked.status == Attempt.Status.SUBMITTED:
            return locked
        if not auto and not windows.accepts_saves(deadline_at=locked.deadline_at, now=now):
            assignment = locked.assignment
            extension = _extension_of(locked)
            close = windows.close_for(closes_at=assignment.closes_at, extension=extension)
            if locked.deadline_at != close:
                raise WindowError(
                    f"Your time ran out at {windows.when(locked.deadline_at)}; "
                    "no more answers can be saved."
                )
            raise WindowError(
                f"The assignment closed at {windows.when(locked.deadline_at)}; "
                "no more answers can be saved."
            )
        _record_submission(locked, now=now, auto=auto)
        locked.refresh_from_db()
    return locked


def attempts_submit_expired(*, now=None, assignment=None, student=None, classroom=None) -> int:
    """Submit every in-progress attempt whose deadline plus windows.GRACE has passed, with its
    saved answers, as the automatic submission does (submitted at the deadline, objective
    questions marked, late when the deadline is after the student's due time). Returns how many.

    Narrowed to one assignment, student or class when given (the pages that show attempts call
    it lazily so nobody sees a stale "in progress"); `manage.py submit_expired_attempts` runs
    it for everything. One query when nothing has expired. Each attempt is submitted in its own
    transaction under a row lock, and the deadline is checked again under it, so an extension
    granted meanwhile, a student's own submission or a concurrent sweep is never overridden.
    Running it twice changes nothing.
    """
    now = now or timezone.now()
    expired = Attempt.objects.filter(
        status=Attempt.Status.IN_PROGRESS, deadline_at__lt=now - windows.GRACE
    )
    if assignment is not None:
        expired = expired.filter(assignment=assignment)
    if student is not None:
        expired = expired.filter(student=student)
    if classroom is not None:
        expired = expired.filter(assignment__classroom=classroom)
    submitted = 0
    for pk in expired.order_by("deadline_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            locked = _lock_attempt(pk)
            if locked.status != Attempt.Status.IN_PROGRESS or windows.accepts_saves(
                deadline_at=locked.deadline_at, now=now
            ):
                continue
            submitted += _record_submission(locked, now=now, auto=True)
    return submitted


def _lock_attempt(pk) -> Attempt:
    return Attempt.objects.select_for_update().select_related("assignment__assessment").get(pk=pk)


def _extension_of(attempt: Attempt) -> Extension | None:
    return Extension.objects.filter(
        assignment_id=attempt.assignment_id, student_id=attempt.student_id
    ).first()


def _record_submission(locked: Attempt, *, now, auto: bool) -> int:
    """Mark a locked in-progress attempt submitted and score it; 1 if this call did, else 0."""
    submitted_at = min(now, locked.deadline_at) if auto else now
    due = windows.due_for(due_at=locked.assignment.due_at, extension=_extension_of(locked))
    # The conditions make a concurrent second submit (SQLite has no row locks) a no-op, and an
    # automatic one give way to a deadline extended meanwhile.
    still_open = Attempt.objects.filter(pk=locked.pk, status=Attempt.Status.IN_PROGRESS)
    if auto and now > locked.deadline_at:
        still_open = still_open.filter(deadline_at__lte=locked.deadline_at)
    updated = still_open.update(
        status=Attempt.Status.SUBMITTED,
        submitted_at=submitted_at,
        is_late=windows.is_late(submitted_at=submitted_at, due_at=due),
        auto_submitted=auto,
        updated_at=timezone.now(),
    )
    if updated:
        responses_auto_mark(attempt=locked)
    return updated


def responses_auto_mark(*, attempt: Attempt) -> int:
    """Store Response.auto_score for the attempt's objective questions; returns how many.

    Three queries (responses with questions, choices, claims) plus one bulk update.
    """
    responses = list(
        Response.objects.filter(attempt=attempt, question__kind__in=Question.OBJECTIVE_KINDS)
        .select_related("question")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by()),
            Prefetch("question__claims", queryset=GridClaim.objects.order_by()),
        )
    )
    for response in responses:
        response.auto_score = marking.score(question_key(response.question), answer_of(response))
    Response.objects.bulk_update(responses, ["auto_score"])
    return len(responses)
