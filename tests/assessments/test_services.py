import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments import services, windows
from assessments.models import (
    Assessment,
    Assignment,
    Attempt,
    Exemplar,
    Extension,
    Question,
    Response,
)
from assessments.services import WindowError
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    EnrolmentFactory,
    ExemplarFactory,
    ExtendedQuestionFactory,
    ExtensionFactory,
    GridQuestionFactory,
    IndicativePointFactory,
    MultipleChoiceQuestionFactory,
    QuestionSourceFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
)


@pytest.fixture
def assessment(teacher):
    assessment = AssessmentFactory(owner=teacher, title="Nationalities policy")
    SingleChoiceQuestionFactory(
        assessment=assessment, position=0, choices=["Petrograd", "Helsingfors"], correct=[1]
    )
    ShortAnswerQuestionFactory(assessment=assessment, position=1, accepted_answers=["Finland"])
    ExtendedQuestionFactory(assessment=assessment, position=2, marks=12)
    return assessment


@pytest.fixture
def assignment(assessment, classroom):
    return AssignmentFactory(assessment=assessment, classroom=classroom)


# --- attempt_start --------------------------------------------------------------------------


def test_attempt_start_creates_an_attempt_with_a_response_per_question(assignment, student):
    now = timezone.now()
    attempt = services.attempt_start(assignment=assignment, student=student, now=now)
    assert attempt.number == 1
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.started_at == now
    assert attempt.deadline_at == assignment.closes_at
    assert attempt.responses.count() == 3


def test_attempt_start_twice_returns_the_same_attempt(assignment, student):
    first = services.attempt_start(assignment=assignment, student=student)
    second = services.attempt_start(assignment=assignment, student=student)
    assert second.pk == first.pk
    assert Attempt.objects.count() == 1
    assert Response.objects.count() == 3


def test_attempt_start_recovers_from_a_concurrent_insert(assignment, student, monkeypatch):
    """The double-click race: another request inserts attempt 1 after our checks, before our
    insert. Ours hits the unique constraint and returns the other request's attempt."""
    real = windows.deadline_for
    winner = []

    def other_request_wins(**kwargs):
        if not winner:
            winner.append(AttemptFactory(assignment=assignment, student=student))
        return real(**kwargs)

    monkeypatch.setattr(windows, "deadline_for", other_request_wins)
    attempt = services.attempt_start(assignment=assignment, student=student)
    assert attempt.pk == winner[0].pk
    assert Attempt.objects.count() == 1
    assert Response.objects.count() == 3


def test_attempt_start_with_a_time_limit_sets_the_deadline(assignment, student):
    Assessment.objects.filter(pk=assignment.assessment_id).update(time_limit_minutes=40)
    assignment.refresh_from_db()
    now = timezone.now()
    attempt = services.attempt_start(assignment=assignment, student=student, now=now)
    assert attempt.deadline_at == now + timedelta(minutes=40)


def test_attempt_start_with_extra_minutes(assignment, student):
    Assessment.objects.filter(pk=assignment.assessment_id).update(time_limit_minutes=40)
    assignment.refresh_from_db()
    ExtensionFactory(assignment=assignment, student=student, extra_minutes=10)
    now = timezone.now()
    attempt = services.attempt_start(assignment=assignment, student=student, now=now)
    assert attempt.deadline_at == now + timedelta(minutes=50)


def test_attempt_start_before_opening_is_refused(assignment, student, settings):
    settings.TIME_ZONE = "UTC"
    with pytest.raises(WindowError) as error:
        services.attempt_start(
            assignment=assignment, student=student, now=assignment.opens_at - timedelta(minutes=1)
        )
    opens = timezone.localtime(assignment.opens_at)
    assert str(error.value) == (
        f"This assignment opens at {opens:%H:%M} on {opens.day} {opens:%B %Y}."
    )
    assert not Attempt.objects.exists()


def test_attempt_start_after_close_is_refused(assignment, student):
    with pytest.raises(WindowError, match=r"^This assignment closed at .*; it can no longer be"):
        services.attempt_start(
            assignment=assignment, student=student, now=assignment.closes_at + timedelta(seconds=1)
        )


def test_attempt_start_after_close_with_an_extension_beyond_it(assignment, student):
    ExtensionFactory(
        assignment=assignment, student=student, due_at=assignment.closes_at + timedelta(days=2)
    )
    now = assignment.closes_at + timedelta(days=1)
    attempt = services.attempt_start(assignment=assignment, student=student, now=now)
    assert attempt.deadline_at == assignment.closes_at + timedelta(days=2)


def test_attempt_start_near_the_close_with_extra_minutes_gets_the_full_time(assignment, student):
    Assessment.objects.filter(pk=assignment.assessment_id).update(time_limit_minutes=40)
    assignment.refresh_from_db()
    ExtensionFactory(assignment=assignment, student=student, extra_minutes=10)
    now = assignment.closes_at - timedelta(minutes=5)
    attempt = services.attempt_start(assignment=assignment, student=student, now=now)
    assert attempt.deadline_at == now + timedelta(minutes=50)
    later = now + timedelta(minutes=30)  # after the class close time, inside the student's time
    submitted = services.attempt_submit(attempt=attempt, now=later)
    assert (submitted.submitted_at, submitted.is_late) == (later, True)


def test_attempt_start_near_the_close_without_an_extension_is_cut_by_it(assignment, student):
    Assessment.objects.filter(pk=assignment.assessment_id).update(time_limit_minutes=40)
    assignment.refresh_from_db()
    now = assignment.closes_at - timedelta(minutes=5)
    attempt = services.attempt_start(assignment=assignment, student=student, now=now)
    assert attempt.deadline_at == assignment.closes_at


def test_attempt_start_refuses_a_student_not_in_the_class(assignment, other_student, outsider):
    for user in (other_student, outsider):
        with pytest.raises(PermissionDenied):
            services.attempt_start(assignment=assignment, student=user)
    assert not Attempt.objects.exists()


def test_attempt_start_respects_attempts_allowed(assignment, student):
    first = services.attempt_start(assignment=assignment, student=student)
    services.attempt_submit(attempt=first)
    with pytest.raises(WindowError, match="^You have already submitted this assignment.$"):
        services.attempt_start(assignment=assignment, student=student)


def test_attempt_start_second_attempt_when_allowed(assignment, student):
    Assignment.objects.filter(pk=assignment.pk).update(attempts_allowed=2)
    assignment.refresh_from_db()
    first = services.attempt_start(assignment=assignment, student=student)
    services.attempt_submit(attempt=first)
    second = services.attempt_start(assignment=assignment, student=student)
    assert second.number == 2
    services.attempt_submit(attempt=second)
    with pytest.raises(WindowError, match="^You have used all 2 attempts allowed.$"):
        services.attempt_start(assignment=assignment, student=student)


def test_attempt_start_auto_submits_a_timed_out_attempt(assignment, student):
    Assessment.objects.filter(pk=assignment.assessment_id).update(time_limit_minutes=30)
    Assignment.objects.filter(pk=assignment.pk).update(attempts_allowed=2)
    assignment.refresh_from_db()
    start = timezone.now()
    first = services.attempt_start(assignment=assignment, student=student, now=start)
    later = start + timedelta(hours=1)
    second = services.attempt_start(assignment=assignment, student=student, now=later)
    first.refresh_from_db()
    assert first.status == Attempt.Status.SUBMITTED
    assert first.auto_submitted
    assert first.submitted_at == start + timedelta(minutes=30)
    assert second.number == 2


# --- attempt_submit -------------------------------------------------------------------------


def _answer(attempt, **by_kind):
    for response in attempt.responses.select_related("question"):
        for field, value in by_kind.get(response.question.kind, {}).items():
            setattr(response, field, value)
        response.save()


def test_attempt_submit_marks_objective_answers(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    right = assignment.assessment.questions.get(kind="single_choice").choices.get(
        text="Helsingfors"
    )
    _answer(
        attempt,
        single_choice={"choices": [right.pk]},
        short_answer={"text": "  finland. "},
        extended={"text": "An essay."},
    )
    submitted = services.attempt_submit(attempt=attempt)
    assert submitted.status == Attempt.Status.SUBMITTED
    assert not submitted.is_late
    assert not submitted.auto_submitted
    scores = dict(submitted.responses.values_list("question__kind", "auto_score"))
    assert scores == {"single_choice": 1, "short_answer": 1, "extended": None}


def test_attempt_submit_marks_wrong_and_blank_answers_zero(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    wrong = assignment.assessment.questions.get(kind="single_choice").choices.get(text="Petrograd")
    _answer(attempt, single_choice={"choices": [wrong.pk, "junk"]})
    services.attempt_submit(attempt=attempt)
    scores = dict(attempt.responses.values_list("question__kind", "auto_score"))
    assert scores == {"single_choice": 0, "short_answer": 0, "extended": None}


def test_attempt_submit_marks_grid_and_multiple_choice(teacher, classroom, student):
    assessment = AssessmentFactory(owner=teacher)
    mcq = MultipleChoiceQuestionFactory(
        assessment=assessment, marks=2, choices=["a", "b", "c", "d"], correct=[0, 1]
    )
    grid = GridQuestionFactory(assessment=assessment, marks=4)
    assignment = AssignmentFactory(assessment=assessment, classroom=classroom)
    attempt = services.attempt_start(assignment=assignment, student=student)
    a, b, c, _ = mcq.choices.all()
    first, second = grid.claims.all()
    _answer(
        attempt,
        multiple_choice={"choices": [a.pk, c.pk]},
        grid={"grid": {str(first.pk): {"A": "agree", "B": "disagree"}, str(second.pk): {}}},
    )
    services.attempt_submit(attempt=attempt)
    scores = dict(attempt.responses.values_list("question__kind", "auto_score"))
    assert scores == {"multiple_choice": 0, "grid": 2}


def test_attempt_submit_twice_returns_the_same_submission(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    first = services.attempt_submit(attempt=attempt)
    second = services.attempt_submit(attempt=attempt, now=first.submitted_at + timedelta(hours=1))
    assert second.pk == first.pk
    assert second.submitted_at == first.submitted_at
    assert Attempt.objects.filter(status=Attempt.Status.SUBMITTED).count() == 1


def test_attempt_submit_after_due_is_late(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    submitted = services.attempt_submit(
        attempt=attempt, now=assignment.due_at + timedelta(minutes=1)
    )
    assert submitted.is_late


def test_attempt_submit_after_due_with_an_extension_is_on_time(assignment, student):
    ExtensionFactory(
        assignment=assignment, student=student, due_at=assignment.due_at + timedelta(days=1)
    )
    attempt = services.attempt_start(assignment=assignment, student=student)
    submitted = services.attempt_submit(attempt=attempt, now=assignment.due_at + timedelta(hours=2))
    assert not submitted.is_late


def test_attempt_submit_within_grace_is_accepted(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    now = attempt.deadline_at + timedelta(seconds=30)
    submitted = services.attempt_submit(attempt=attempt, now=now)
    assert submitted.submitted_at == now
    assert submitted.is_late


def test_attempt_submit_after_close_is_refused(assignment, student, settings):
    settings.TIME_ZONE = "UTC"
    attempt = services.attempt_start(assignment=assignment, student=student)
    with pytest.raises(WindowError) as error:
        services.attempt_submit(attempt=attempt, now=assignment.closes_at + timedelta(minutes=1))
    close = assignment.closes_at
    assert str(error.value) == (
        f"The assignment closed at {close:%H:%M} on {close.day} {close:%B %Y}; "
        "no more answers can be saved."
    )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_attempt_submit_after_time_limit_is_refused_with_its_own_message(assignment, student):
    Assessment.objects.filter(pk=assignment.assessment_id).update(time_limit_minutes=30)
    assignment.refresh_from_db()
    attempt = services.attempt_start(assignment=assignment, student=student)
    with pytest.raises(WindowError, match=r"^Your time ran out at .*; no more answers can be"):
        services.attempt_submit(attempt=attempt, now=attempt.deadline_at + timedelta(minutes=1))


def test_attempt_submit_after_close_allowed_with_an_extension(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    services.extension_save(
        assignment=assignment, student=student, due_at=assignment.closes_at + timedelta(days=1)
    )
    submitted = services.attempt_submit(
        attempt=attempt, now=assignment.closes_at + timedelta(hours=1)
    )
    assert submitted.status == Attempt.Status.SUBMITTED
    assert not submitted.is_late


def test_attempt_submit_auto_after_close_records_the_deadline(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    submitted = services.attempt_submit(
        attempt=attempt, now=assignment.closes_at + timedelta(days=2), auto=True
    )
    assert submitted.auto_submitted
    assert submitted.submitted_at == assignment.closes_at
    assert submitted.is_late
    assert submitted.responses.filter(auto_score__isnull=False).count() == 2


# --- attempts_submit_expired and submit_expired_attempts ------------------------------------


def _timed(assignment, minutes=30):
    Assessment.objects.filter(pk=assignment.assessment_id).update(time_limit_minutes=minutes)
    assignment.refresh_from_db()
    return assignment


def test_sweep_submits_an_expired_attempt_with_its_answers_and_marks_it(assignment, student):
    _timed(assignment)
    start = timezone.now() - timedelta(hours=1)
    attempt = services.attempt_start(assignment=assignment, student=student, now=start)
    right = assignment.assessment.questions.get(kind="single_choice").choices.get(
        text="Helsingfors"
    )
    _answer(
        attempt,
        single_choice={"choices": [right.pk]},
        short_answer={"text": "Poland"},
        extended={"text": "Written before the tab was closed."},
    )

    assert services.attempts_submit_expired() == 1

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert (attempt.auto_submitted, attempt.is_late) == (True, False)
    assert attempt.submitted_at == start + timedelta(minutes=30)
    answers = {r.question.kind: (r.text, r.auto_score) for r in attempt.responses.all()}
    assert answers == {
        "single_choice": ("", 1),
        "short_answer": ("Poland", 0),
        "extended": ("Written before the tab was closed.", None),
    }


def test_sweep_leaves_attempts_still_in_time_alone(assignment, student, other_student):
    _timed(assignment)
    EnrolmentFactory(classroom=assignment.classroom, student=other_student)
    now = timezone.now()
    in_time = services.attempt_start(
        assignment=assignment, student=student, now=now - timedelta(minutes=29)
    )
    in_grace = services.attempt_start(
        assignment=assignment, student=other_student, now=now - timedelta(minutes=30, seconds=29)
    )

    assert services.attempts_submit_expired(now=now) == 0

    for attempt in (in_time, in_grace):
        attempt.refresh_from_db()
        assert (attempt.status, attempt.submitted_at) == (Attempt.Status.IN_PROGRESS, None)
    assert Response.objects.filter(auto_score__isnull=False).count() == 0


def test_sweep_twice_changes_nothing(assignment, student):
    _timed(assignment)
    attempt = services.attempt_start(
        assignment=assignment, student=student, now=timezone.now() - timedelta(hours=1)
    )
    assert services.attempts_submit_expired() == 1
    attempt.refresh_from_db()
    first = (attempt.submitted_at, attempt.updated_at, attempt.is_late)
    Response.objects.filter(attempt=attempt).update(auto_score=None)  # would be re-marked

    assert services.attempts_submit_expired(now=timezone.now() + timedelta(days=30)) == 0

    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.updated_at, attempt.is_late) == first
    assert not Response.objects.filter(auto_score__isnull=False).exists()
    assert Attempt.objects.count() == 1


def test_sweep_after_the_close_marks_work_left_open_late(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)

    assert services.attempts_submit_expired(now=assignment.closes_at + timedelta(hours=1)) == 1

    attempt.refresh_from_db()
    assert attempt.submitted_at == assignment.closes_at
    assert (attempt.auto_submitted, attempt.is_late) == (True, True)


def test_sweep_respects_an_extended_due_date(assignment, student):
    later = assignment.closes_at + timedelta(days=2)
    ExtensionFactory(assignment=assignment, student=student, due_at=later)
    attempt = services.attempt_start(assignment=assignment, student=student)

    assert services.attempts_submit_expired(now=assignment.closes_at + timedelta(days=1)) == 0
    assert services.attempts_submit_expired(now=later + timedelta(minutes=1)) == 1

    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.is_late) == (later, False)


def test_sweep_respects_extra_time_past_the_close(assignment, student):
    _timed(assignment, minutes=40)
    ExtensionFactory(assignment=assignment, student=student, extra_minutes=20)
    start = assignment.closes_at - timedelta(minutes=10)
    attempt = services.attempt_start(assignment=assignment, student=student, now=start)

    assert services.attempts_submit_expired(now=assignment.closes_at + timedelta(minutes=5)) == 0
    assert services.attempts_submit_expired(now=start + timedelta(hours=2)) == 1

    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.is_late) == (start + timedelta(minutes=60), True)


def test_sweep_narrowed_to_an_assignment_leaves_others_for_later(
    assignment, student, assessment, other_classroom, other_student
):
    elsewhere = AssignmentFactory(assessment=assessment, classroom=other_classroom)
    mine = services.attempt_start(assignment=assignment, student=student)
    theirs = services.attempt_start(assignment=elsewhere, student=other_student)
    after = assignment.closes_at + timedelta(hours=1)

    assert services.attempts_submit_expired(assignment=elsewhere, now=after) == 1

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED)


def test_sweep_with_nothing_expired_is_one_query(assignment, student, django_assert_num_queries):
    services.attempt_start(assignment=assignment, student=student)
    with django_assert_num_queries(1):
        assert services.attempts_submit_expired(assignment=assignment) == 0


def test_submit_expired_attempts_command(assignment, student):
    _timed(assignment)
    attempt = services.attempt_start(
        assignment=assignment, student=student, now=timezone.now() - timedelta(hours=1)
    )
    out = io.StringIO()

    call_command("submit_expired_attempts", stdout=out)
    call_command("submit_expired_attempts", stdout=out)

    assert out.getvalue() == "Submitted 1 expired attempt.\n"
    attempt.refresh_from_db()
    assert (attempt.status, attempt.auto_submitted) == (Attempt.Status.SUBMITTED, True)


def test_submit_expired_attempts_command_refuses_an_unknown_assignment(db):
    with pytest.raises(CommandError, match="^No assignment with id 999999.$"):
        call_command("submit_expired_attempts", "--assignment", "999999")


# --- assignment_create and checks ------------------------------------------------------------


def _dates(now=None):
    now = now or timezone.now()
    return {
        "opens_at": now,
        "due_at": now + timedelta(days=7),
        "closes_at": now + timedelta(days=8),
    }


def test_assignment_create(assessment, classroom, teacher):
    assignment = services.assignment_create(
        assessment=assessment, classroom=classroom, set_by=teacher, attempts_allowed=2, **_dates()
    )
    assert assignment.set_by == teacher
    assert assignment.attempts_allowed == 2


def test_assignment_create_refuses_unordered_dates(assessment, classroom, teacher):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.assignment_create(
            assessment=assessment,
            classroom=classroom,
            set_by=teacher,
            opens_at=now,
            due_at=now - timedelta(days=1),
            closes_at=now - timedelta(days=2),
        )
    assert error.value.message_dict == {
        "due_at": ["The due time must not be before the opening time."],
        "closes_at": ["The close time must not be before the due time."],
    }
    assert not Assignment.objects.exists()


def test_assignment_create_refuses_extended_questions_without_mark_scheme(classroom, teacher):
    assessment = AssessmentFactory(owner=teacher, title="Essay")
    ShortAnswerQuestionFactory(assessment=assessment, position=0)
    ExtendedQuestionFactory(assessment=assessment, position=1, levels=False)
    ExtendedQuestionFactory(assessment=assessment, position=2, marks=10, levels=[(0, 0), (1, 8)])
    with pytest.raises(ValidationError) as error:
        services.assignment_create(
            assessment=assessment, classroom=classroom, set_by=teacher, **_dates()
        )
    assert error.value.message_dict == {
        "assessment": [
            "“Essay” cannot be set yet. Q2: It needs a mark scheme (levels). "
            "Q3: No level covers marks 9–10."
        ]
    }


def test_assignment_create_refuses_choice_question_without_correct_choice(classroom, teacher):
    assessment = AssessmentFactory(owner=teacher, title="Quiz")
    SingleChoiceQuestionFactory(assessment=assessment, correct=[])
    with pytest.raises(ValidationError) as error:
        services.assignment_create(
            assessment=assessment, classroom=classroom, set_by=teacher, **_dates()
        )
    assert error.value.messages == [
        "“Quiz” cannot be set yet. Q1: A single-choice question needs exactly one correct "
        "choice (it has 0)."
    ]


def test_assignment_create_refuses_an_empty_assessment(classroom, teacher):
    assessment = AssessmentFactory(owner=teacher, title="Empty")
    with pytest.raises(ValidationError) as error:
        services.assignment_create(
            assessment=assessment, classroom=classroom, set_by=teacher, **_dates()
        )
    assert error.value.messages == [
        "“Empty” cannot be set yet. The assessment has no questions yet."
    ]


def test_assignment_create_refuses_a_class_not_taught(assessment, other_classroom, teacher):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            assessment=assessment, classroom=other_classroom, set_by=teacher, **_dates()
        )


def test_assignment_create_refuses_someone_elses_assessment(assessment, classroom, other_teacher):
    classroom.co_teachers.add(other_teacher)
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            assessment=assessment, classroom=classroom, set_by=other_teacher, **_dates()
        )


def test_assignment_update_recomputes_in_progress_deadlines(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    later = assignment.closes_at + timedelta(days=3)
    services.assignment_update(assignment=assignment, closes_at=later)
    attempt.refresh_from_db()
    assert attempt.deadline_at == later


def test_assignment_update_refuses_unordered_dates(assignment):
    with pytest.raises(ValidationError) as error:
        services.assignment_update(
            assignment=assignment, closes_at=assignment.due_at - timedelta(hours=1)
        )
    assert error.value.message_dict == {
        "closes_at": ["The close time must not be before the due time."]
    }


def test_assignment_update_refuses_other_fields(assignment, other_classroom):
    with pytest.raises(ValueError, match="Cannot change classroom"):
        services.assignment_update(assignment=assignment, classroom=other_classroom)


# --- extensions -------------------------------------------------------------------------------


def test_extension_save_creates_then_replaces(assignment, student):
    due = assignment.closes_at + timedelta(days=1)
    first = services.extension_save(assignment=assignment, student=student, due_at=due)
    second = services.extension_save(
        assignment=assignment, student=student, extra_minutes=15, reason="Reader"
    )
    assert second.pk == first.pk
    assert (second.due_at, second.extra_minutes, second.reason) == (None, 15, "Reader")
    assert Extension.objects.count() == 1


def test_extension_save_needs_something(assignment, student):
    with pytest.raises(ValidationError) as error:
        services.extension_save(assignment=assignment, student=student)
    assert error.value.messages == ["Give a new due date, extra minutes, or both."]


def test_extension_save_refuses_a_student_not_in_the_class(assignment, other_student):
    with pytest.raises(ValidationError) as error:
        services.extension_save(assignment=assignment, student=other_student, extra_minutes=5)
    assert error.value.messages == [f"{other_student.display_name} is not in 12A History."]


def test_extension_save_extends_an_in_progress_attempt(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    later = assignment.closes_at + timedelta(days=2)
    services.extension_save(assignment=assignment, student=student, due_at=later)
    attempt.refresh_from_db()
    assert attempt.deadline_at == later


def test_extension_delete_restores_the_deadline(assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    extension = services.extension_save(
        assignment=assignment, student=student, due_at=assignment.closes_at + timedelta(days=2)
    )
    services.extension_delete(extension=extension)
    attempt.refresh_from_db()
    assert attempt.deadline_at == assignment.closes_at


# --- duplicate -------------------------------------------------------------------------------


def test_assessment_duplicate_copies_everything(teacher, other_teacher):
    original = AssessmentFactory(owner=teacher, title="Unit 1", time_limit_minutes=50)
    SingleChoiceQuestionFactory(assessment=original, position=0, correct=[2])
    grid = GridQuestionFactory(assessment=original, position=1)
    QuestionSourceFactory(question=grid, label="A")
    essay = ExtendedQuestionFactory(assessment=original, position=2, marks=12)
    IndicativePointFactory(question=essay, text="Provenance")
    ExemplarFactory(question=essay)

    copy = services.assessment_duplicate(assessment=original, owner=other_teacher)

    assert (copy.title, copy.owner, copy.time_limit_minutes) == ("Unit 1 (copy)", other_teacher, 50)
    old_qs, new_qs = list(original.questions.all()), list(copy.questions.all())
    assert [(q.kind, q.position, q.prompt) for q in new_qs] == [
        (q.kind, q.position, q.prompt) for q in old_qs
    ]
    assert [c.is_correct for c in new_qs[0].choices.all()] == [False, False, True]
    assert new_qs[1].sources.get().excerpt_id == grid.sources.get().excerpt_id
    assert new_qs[1].claims.count() == 2
    assert [(lv.low, lv.high) for lv in new_qs[2].levels.all()] == [
        (0, 0),
        (1, 4),
        (5, 8),
        (9, 12),
    ]
    assert new_qs[2].indicative_points.get().text == "Provenance"
    exemplar = Exemplar.objects.get(question=new_qs[2])
    assert exemplar.level.question == new_qs[2]
    assert exemplar.level.number == 3
    assert Question.objects.count() == 6  # the original is untouched


@pytest.mark.parametrize("size", [1, 3])
def test_assessment_problems_query_count_is_constant(teacher, size, django_assert_num_queries):
    assessment = AssessmentFactory(owner=teacher)
    for _ in range(size):
        SingleChoiceQuestionFactory(assessment=assessment)
        GridQuestionFactory(assessment=assessment)
        ExtendedQuestionFactory(assessment=assessment, levels=False)
    with django_assert_num_queries(5):
        problems = services.assessment_problems(assessment)
    assert problems == [f"Q{3 * n + 3}: It needs a mark scheme (levels)." for n in range(size)]
