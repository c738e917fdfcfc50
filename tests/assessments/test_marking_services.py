"""Marking writes and reads: marks inside bands, overrides, the audit trail, anonymous numbers,
totals that never count "to mark" as zero, release gating and second-marking agreement.

`make_paper` and `submit` build the paper the view and feedback tests use as well.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import selectors_marking, services, services_marking
from assessments.models import (
    Assignment,
    Attempt,
    CommentBankEntry,
    FeedbackRelease,
    Mark,
    MarkChange,
    Response,
    SecondMark,
    Skill,
)
from assessments.selectors_marking import (
    Naming,
    Totals,
    agreement_of,
    anonymous_numbers,
    attempt_totals,
    next_steps,
    skill_shares,
    totals_of,
)
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    DocumentFactory,
    EnrolmentFactory,
    ExcerptFactory,
    ExemplarFactory,
    ExtendedQuestionFactory,
    IndicativePointFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
    StudentFactory,
    TeacherFactory,
)

P1 = "The situation in the south is grave."
ANSWER = "Stalin says the situation is <b>grave</b>.\nHe wants grain."
NOW = timezone.now()


def make_paper(teacher, classroom, *, anonymous=False, policy="objective_at_once"):
    """Q1 extended (12 marks: levels 0: 0–0, 1: 1–4, 2: 5–8, 3: 9–12; Source A is the first
    paragraph of a telegram), Q2 single choice (1 mark, "Tsaritsyn" right), Q3 extended
    (6 marks: 0–0, 1–2, 3–4, 5–6), set to `classroom`."""
    assessment = AssessmentFactory(owner=teacher, title="Tsaritsyn telegrams")
    document = DocumentFactory(title="Telegram to Lenin")
    source_a = ExcerptFactory(document=document)
    extended = ExtendedQuestionFactory(
        assessment=assessment,
        position=0,
        prompt="How **useful** is Source A?",
        asks_for_evidence=True,
        skill=Skill.SOURCING,
    )
    QuestionSourceFactory(question=extended, excerpt=source_a, label="A", position=0)
    IndicativePointFactory(question=extended, text="It is a report from the front.")
    ExemplarFactory(question=extended, text="An exemplar at the top level.")
    single = SingleChoiceQuestionFactory(
        assessment=assessment,
        position=1,
        prompt="Where was the telegram sent from?",
        choices=["Tsaritsyn", "Moscow"],
    )
    context = ExtendedQuestionFactory(
        assessment=assessment,
        position=2,
        marks=6,
        prompt="Explain the context.",
        skill=Skill.CONTEXTUALISATION,
    )
    assignment = AssignmentFactory(
        assessment=assessment,
        classroom=classroom,
        anonymous_marking=anonymous,
        feedback_policy=policy,
    )
    return SimpleNamespace(
        assignment=assignment,
        assessment=assessment,
        document=document,
        source_a=source_a,
        extended=extended,
        single=single,
        context=context,
    )


def submit(paper, student, *, text=ANSWER, choice="Tsaritsyn", cite=True) -> Attempt:
    """A submitted attempt by `student` (enrolled if need be) with automatic marks stored."""
    classroom = paper.assignment.classroom
    if not classroom.enrolments.filter(student=student).exists():
        EnrolmentFactory(classroom=classroom, student=student)
    attempt = AttemptFactory(assignment=paper.assignment, student=student, submitted=True)
    start = P1.index("grave")
    citations = [
        {
            "excerpt": paper.source_a.pk,
            "document": paper.document.pk,
            "start": start,
            "end": start + len("grave"),
        }
    ]
    Response.objects.filter(attempt=attempt, question=paper.extended).update(
        text=text, citations=citations if cite else []
    )
    Response.objects.filter(attempt=attempt, question=paper.context).update(text="War.")
    chosen = paper.single.choices.get(text=choice).pk
    Response.objects.filter(attempt=attempt, question=paper.single).update(choices=[chosen])
    services.responses_auto_mark(attempt=attempt)
    return attempt


def response_to(attempt, question) -> Response:
    return Response.objects.get(attempt=attempt, question=question)


@pytest.fixture
def paper(teacher, classroom):
    return make_paper(teacher, classroom)


@pytest.fixture
def attempt(paper, student):
    return submit(paper, student)


@pytest.fixture
def co_teacher(classroom):
    carol = TeacherFactory(username="carol", first_name="Carol", last_name="Teacher")
    classroom.co_teachers.add(carol)
    return carol


# --- marks ----------------------------------------------------------------------------------


def test_response_mark_within_band_saves_the_mark_and_one_audit_row(teacher, paper, attempt):
    response = response_to(attempt, paper.extended)

    mark = services_marking.response_mark(
        response=response, marker=teacher, score=7, level=2, comment="Good use of A.", now=NOW
    )

    mark.refresh_from_db()
    assert (mark.score, mark.level.number, mark.comment, mark.marker) == (
        7,
        2,
        "Good use of A.",
        teacher,
    )
    assert mark.marked_at == NOW
    assert not mark.is_override
    changes = list(MarkChange.objects.values_list(
        "response", "kind", "changed_by", "changed_at", "old_score", "new_score", "old_level",
        "new_level", "reason",
    ))  # fmt: skip
    assert changes == [(response.pk, "mark", teacher.pk, NOW, None, 7, None, 2, "")]


def test_response_mark_accepts_a_level_object(teacher, paper, attempt):
    response = response_to(attempt, paper.extended)
    level = paper.extended.levels.get(number=3)

    mark = services_marking.response_mark(response=response, marker=teacher, score=9, level=level)

    assert mark.level == level


@pytest.mark.parametrize(
    ("level", "score", "field", "message"),
    [
        (1, 7, "score", "A level 1 answer earns marks 1–4, not 7."),
        (3, 8, "score", "A level 3 answer earns marks 9–12, not 8."),
        (2, 13, "score", "The mark must be between 0 and 12."),
        (None, 7, "level", "Choose a level first."),
        (7, 7, "level", "The mark scheme has no level 7."),
    ],
)
def test_response_mark_out_of_band_is_refused_with_a_message(
    teacher, paper, attempt, level, score, field, message
):
    response = response_to(attempt, paper.extended)

    with pytest.raises(ValidationError) as error:
        services_marking.response_mark(response=response, marker=teacher, score=score, level=level)

    assert error.value.message_dict == {field: [message]}
    assert not Mark.objects.exists()
    assert not MarkChange.objects.exists()


def test_remarking_records_old_and_new_and_a_comment_edit_records_nothing(teacher, paper, attempt):
    response = response_to(attempt, paper.extended)
    later = NOW + timedelta(minutes=5)
    services_marking.response_mark(response=response, marker=teacher, score=7, level=2, now=NOW)

    services_marking.response_mark(
        response=response, marker=teacher, score=10, level=3, reason="Reread it.", now=later
    )
    services_marking.response_mark(
        response=response, marker=teacher, score=10, level=3, comment="Now with a comment."
    )

    rows = list(
        MarkChange.objects.order_by("pk").values_list(
            "kind", "old_score", "new_score", "old_level", "new_level", "reason", "changed_at"
        )
    )
    assert rows == [
        ("mark", None, 7, None, 2, "", NOW),
        ("mark", 7, 10, 2, 3, "Reread it.", later),
    ]
    assert Mark.objects.get().comment == "Now with a comment."


def test_a_stale_form_cannot_replace_a_colleagues_newer_mark(teacher, co_teacher, paper, attempt):
    response = response_to(attempt, paper.extended)
    services_marking.response_mark(response=response, marker=co_teacher, score=7, level=2)

    with pytest.raises(services_marking.MarkConflict) as error:
        services_marking.response_mark(
            response=response, marker=teacher, score=3, level=1, based_on=0
        )

    assert "Carol Teacher changed this mark to 7 (level 2)" in error.value.messages[0]
    assert Mark.objects.get().score == 7
    latest = MarkChange.objects.get().pk
    services_marking.response_mark(
        response=response, marker=teacher, score=3, level=1, based_on=latest
    )
    assert Mark.objects.get().score == 3


def test_co_teacher_may_mark_other_teacher_may_not(co_teacher, other_teacher, paper, attempt):
    response = response_to(attempt, paper.extended)

    with pytest.raises(PermissionDenied):
        services_marking.response_mark(response=response, marker=other_teacher, score=7, level=2)
    services_marking.response_mark(response=response, marker=co_teacher, score=7, level=2)

    assert Mark.objects.get().marker == co_teacher


def test_an_unsubmitted_answer_is_not_marked(teacher, paper, student):
    attempt = AttemptFactory(assignment=paper.assignment, student=student)

    with pytest.raises(ValidationError, match="Only submitted answers are marked."):
        services_marking.response_mark(
            response=response_to(attempt, paper.extended), marker=teacher, score=7, level=2
        )


def test_an_objective_answer_is_overridden_not_marked(teacher, paper, attempt):
    with pytest.raises(ValidationError, match="override its mark with a reason"):
        services_marking.response_mark(
            response=response_to(attempt, paper.single), marker=teacher, score=0
        )


# --- overrides ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_override_needs_a_reason(teacher, paper, attempt, reason):
    response = response_to(attempt, paper.single)

    with pytest.raises(ValidationError) as error:
        services_marking.response_override(
            response=response, marker=teacher, score=0, reason=reason
        )

    assert error.value.message_dict == {
        "reason": ["Give a reason for changing the automatic mark."]
    }
    assert not Mark.objects.exists()


def test_override_records_the_automatic_score_as_old(teacher, paper, attempt):
    response = response_to(attempt, paper.single)
    assert response.auto_score == 1

    services_marking.response_override(
        response=response, marker=teacher, score=0, reason="Copied from a neighbour.", now=NOW
    )

    mark = Mark.objects.get()
    assert (mark.score, mark.is_override, mark.override_reason, mark.level) == (
        0,
        True,
        "Copied from a neighbour.",
        None,
    )
    assert list(
        MarkChange.objects.values_list("kind", "old_score", "new_score", "reason", "changed_by")
    ) == [("override", 1, 0, "Copied from a neighbour.", teacher.pk)]
    response = Response.objects.select_related("question", "mark").get(pk=response.pk)
    assert response.effective_score == 0


def test_override_to_the_same_score_is_refused(teacher, paper, attempt):
    with pytest.raises(ValidationError) as error:
        services_marking.response_override(
            response=response_to(attempt, paper.single), marker=teacher, score=1, reason="Check"
        )
    assert error.value.message_dict == {"score": ["The mark is already 1."]}


def test_override_outside_the_marks_is_refused(teacher, paper, attempt):
    with pytest.raises(ValidationError) as error:
        services_marking.response_override(
            response=response_to(attempt, paper.single), marker=teacher, score=2, reason="Bonus"
        )
    assert error.value.message_dict == {"score": ["The mark must be between 0 and 1."]}


# --- comment bank ---------------------------------------------------------------------------


def test_comment_bank_keeps_a_comment_once_with_the_questions_skill(teacher, paper):
    first = services_marking.comment_bank_add(
        owner=teacher, text="  Use the provenance. ", question=paper.extended, level_number=2
    )
    again = services_marking.comment_bank_add(
        owner=teacher, text="Use the provenance.", question=paper.extended, level_number=2
    )

    assert first == again
    assert (first.text, first.skill, first.level_number) == ("Use the provenance.", "sourcing", 2)


def test_comment_bank_offers_same_skill_comments_from_other_assessments(teacher, paper):
    other = ExtendedQuestionFactory(assessment=AssessmentFactory(owner=teacher))
    mine = services_marking.comment_bank_add(owner=teacher, text="Here.", question=paper.extended)
    elsewhere = services_marking.comment_bank_add(owner=teacher, text="There.", question=other)
    CommentBankEntry.objects.create(owner=teacher, skill="corroboration", text="Unrelated.")
    CommentBankEntry.objects.create(owner=TeacherFactory(), skill="sourcing", text="Not mine.")

    bank = selectors_marking.comment_bank_for(user=teacher, question=paper.extended)

    assert bank == [mine, elsewhere]


# --- totals ---------------------------------------------------------------------------------


def test_totals_never_count_to_mark_as_zero():
    totals = totals_of([(7, 12), (1, 1), (None, 6), (None, 4)])

    assert totals == Totals(score=8, out_of=23, to_mark=2)
    assert str(totals) == "8 / 23 + 2 to mark"
    assert str(totals_of([(3, 4)])) == "3 / 4"


def test_attempt_totals_with_prefetched_responses_runs_no_query(
    teacher, paper, attempt, django_assert_num_queries
):
    services_marking.response_mark(
        response=response_to(attempt, paper.extended), marker=teacher, score=7, level=2
    )
    loaded = Attempt.objects.prefetch_related(selectors_marking.totals_prefetch()).get(
        pk=attempt.pk
    )

    with django_assert_num_queries(0):
        totals = attempt_totals(loaded)

    assert totals == Totals(score=8, out_of=19, to_mark=1)
    assert str(totals) == "8 / 19 + 1 to mark"


# --- anonymous numbering --------------------------------------------------------------------


def test_anonymous_numbers_follow_first_attempts():
    assert anonymous_numbers([(12, 5), (10, 7), (11, 5), (30, 9)]) == {7: 1, 5: 2, 9: 3}


def test_anonymous_numbering_is_stable_as_others_start_and_submit(teacher, classroom):
    paper = make_paper(teacher, classroom, anonymous=True)
    zoe, adam = StudentFactory(last_name="Zed"), StudentFactory(last_name="Able")
    submit(paper, zoe)
    first = selectors_marking.naming_for(paper.assignment)
    submit(paper, adam)
    later = StudentFactory(last_name="Aaron")
    EnrolmentFactory(classroom=classroom, student=later)
    AttemptFactory(assignment=paper.assignment, student=later)  # started, not submitted

    second = selectors_marking.naming_for(paper.assignment)

    assert first.label(zoe) == second.label(zoe) == "Student 1"
    assert second.label(adam) == "Student 2"
    assert second.label(later) == "Student 3"


def test_names_show_once_released_to_the_whole_class(teacher, classroom, student):
    paper = make_paper(teacher, classroom, anonymous=True)
    submit(paper, student)
    assert selectors_marking.naming_for(paper.assignment).label(student) == "Student 1"

    Assignment.objects.filter(pk=paper.assignment.pk).update(released_at=NOW)
    paper.assignment.refresh_from_db()

    assert selectors_marking.naming_for(paper.assignment) == Naming(anonymous=False)
    assert selectors_marking.naming_for(paper.assignment).label(student) == student.display_name


def test_queue_orders_question_by_question_or_student_by_student(teacher, classroom):
    paper = make_paper(teacher, classroom)
    zoe = StudentFactory(first_name="Zoe", last_name="Zed")
    adam = StudentFactory(first_name="Adam", last_name="Able")
    submit(paper, zoe)
    submit(paper, adam)

    by_question = selectors_marking.marking_entries(assignment=paper.assignment)
    by_student = selectors_marking.marking_entries(assignment=paper.assignment, by="student")

    assert [(e.number, e.label) for e in by_question] == [
        (1, "Adam Able"), (1, "Zoe Zed"), (2, "Adam Able"), (2, "Zoe Zed"),
        (3, "Adam Able"), (3, "Zoe Zed"),
    ]  # fmt: skip
    assert [(e.label, e.number) for e in by_student] == [
        ("Adam Able", 1), ("Adam Able", 2), ("Adam Able", 3),
        ("Zoe Zed", 1), ("Zoe Zed", 2), ("Zoe Zed", 3),
    ]  # fmt: skip
    assert [e.to_mark for e in by_question] == [True, True, False, False, True, True]
    first = selectors_marking.next_to_mark(by_question)
    assert first == by_question[0]
    assert selectors_marking.next_to_mark(by_question, by_question[1].pk) == by_question[4]
    assert selectors_marking.next_to_mark(by_question, by_question[5].pk) == by_question[0]


def test_only_submitted_attempts_are_in_the_queue(teacher, paper, attempt, other_student):
    EnrolmentFactory(classroom=paper.assignment.classroom, student=other_student)
    AttemptFactory(assignment=paper.assignment, student=other_student)

    entries = selectors_marking.marking_entries(assignment=paper.assignment)

    assert {e.attempt.pk for e in entries} == {attempt.pk}


# --- release --------------------------------------------------------------------------------


def test_release_is_refused_while_answers_are_to_mark(teacher, paper, attempt, student):
    with pytest.raises(services_marking.ReleaseBlocked) as error:
        services_marking.feedback_release(assignment=paper.assignment, released_by=teacher)

    assert error.value.messages == [
        f"2 answers are still to mark ({student.display_name}: Q1, Q3). Mark them first, or "
        "tick “Release anyway”: those answers then show as “not marked yet”, never as zero."
    ]
    paper.assignment.refresh_from_db()
    assert paper.assignment.released_at is None
    assert not FeedbackRelease.objects.exists()


def test_release_message_keeps_names_hidden_under_anonymous_marking(teacher, classroom, student):
    paper = make_paper(teacher, classroom, anonymous=True)
    submit(paper, student)

    with pytest.raises(services_marking.ReleaseBlocked) as error:
        services_marking.feedback_release(assignment=paper.assignment, released_by=teacher)

    assert "(Student 1: Q1, Q3)" in error.value.messages[0]
    assert "Sam" not in error.value.messages[0]


def test_release_anyway_releases_to_the_whole_class(teacher, paper, attempt):
    release = services_marking.feedback_release(
        assignment=paper.assignment, released_by=teacher, anyway=True, now=NOW
    )

    paper.assignment.refresh_from_db()
    assert paper.assignment.released_at == NOW
    assert (release.released_by, release.released_at, list(release.students.all())) == (
        teacher,
        NOW,
        [],
    )
    with pytest.raises(ValidationError, match="already released to the whole class"):
        services_marking.feedback_release(assignment=paper.assignment, released_by=teacher)


def _mark_all(teacher, attempt, paper):
    services_marking.response_mark(
        response=response_to(attempt, paper.extended), marker=teacher, score=7, level=2
    )
    services_marking.response_mark(
        response=response_to(attempt, paper.context), marker=teacher, score=3, level=2
    )


def test_release_to_chosen_students_once_their_answers_are_marked(teacher, paper, attempt, student):
    other = submit(paper, StudentFactory(first_name="Olive", last_name="Other"))
    _mark_all(teacher, attempt, paper)  # Olive's answers are still to mark: not chosen

    release = services_marking.feedback_release(
        assignment=paper.assignment, released_by=teacher, students=[student], now=NOW
    )

    attempt.refresh_from_db()
    other.refresh_from_db()
    assert attempt.feedback_released_at == NOW
    assert other.feedback_released_at is None
    assert list(release.students.all()) == [student]
    paper.assignment.refresh_from_db()
    assert paper.assignment.released_at is None
    with pytest.raises(ValidationError, match="already released to the students chosen"):
        services_marking.feedback_release(
            assignment=paper.assignment, released_by=teacher, students=[student]
        )


def test_release_to_a_student_who_has_not_submitted_is_refused(teacher, paper, attempt, student):
    _mark_all(teacher, attempt, paper)
    absent = StudentFactory()
    EnrolmentFactory(classroom=paper.assignment.classroom, student=absent)

    with pytest.raises(ValidationError, match="1 of those chosen have not"):
        services_marking.feedback_release(
            assignment=paper.assignment, released_by=teacher, students=[student, absent]
        )


def test_release_by_another_teacher_is_refused(other_teacher, paper, attempt):
    with pytest.raises(PermissionDenied):
        services_marking.feedback_release(
            assignment=paper.assignment, released_by=other_teacher, anyway=True
        )


def test_feedback_viewed_is_recorded_once(attempt):
    later = NOW + timedelta(hours=1)

    assert services_marking.feedback_mark_viewed(attempt=attempt, now=NOW) is True
    assert services_marking.feedback_mark_viewed(attempt=attempt, now=later) is False

    attempt.refresh_from_db()
    assert attempt.feedback_viewed_at == NOW


# --- second marking -------------------------------------------------------------------------


@pytest.fixture
def five(paper):
    """Five submitted attempts besides none: returns them in creation order."""
    return [submit(paper, StudentFactory(first_name=f"S{n}", last_name=f"L{n}")) for n in range(5)]


def test_second_marking_samples_reproducibly(teacher, co_teacher, paper, five):
    sample = services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        count=3,
    )
    again = services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        count=3,
    )

    picked = sorted(sample.responses.values_list("pk", flat=True))
    assert len(picked) == 3
    assert picked == sorted(again.responses.values_list("pk", flat=True))
    candidates = [response_to(a, paper.extended).pk for a in five]
    assert set(picked) <= set(candidates)
    assert services_marking.sample_responses(candidates, 3, seed="x") == (
        services_marking.sample_responses(list(reversed(candidates)), 3, seed="x")
    )


@pytest.mark.parametrize(("percent", "size"), [(1, 1), (40, 2), (50, 3), (100, 5)])
def test_second_marking_percentage_rounds_up(teacher, co_teacher, paper, five, percent, size):
    request = services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        percent=percent,
    )
    assert request.responses.count() == size


@pytest.mark.parametrize(
    ("who", "question", "message"),
    [
        ("self", "extended", "you cannot second-mark yourself"),
        ("outsider", "extended", "Bob Teacher does not teach this class."),
        ("co", "single", "Only teacher-marked questions are second-marked."),
    ],
)
def test_second_marking_request_is_refused(
    teacher, co_teacher, other_teacher, paper, five, who, question, message
):
    marker = {"self": teacher, "outsider": other_teacher, "co": co_teacher}[who]
    with pytest.raises(ValidationError, match=message):
        services_marking.second_marking_request(
            assignment=paper.assignment,
            question=getattr(paper, question),
            requested_by=teacher,
            second_marker=marker,
            count=2,
        )


def test_agreement_numbers_are_exact():
    agreement = agreement_of([(2, 6, 2, 6), (2, 7, 3, 9), (3, 10, 3, 11), (1, 3, 2, 5)])

    assert (agreement.compared, agreement.same_level, agreement.total_difference) == (4, 2, 5)
    assert agreement.same_level_percent == 50.0
    assert agreement.mean_difference == 1.25
    assert agreement_of([]).same_level_percent is None


def test_second_marking_agreement_from_the_database(teacher, co_teacher, paper, five):
    request = services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        count=5,
    )
    firsts = [(2, 6), (2, 7), (3, 10), (1, 3), None]  # the fifth is not first-marked yet
    seconds = [(2, 6), (3, 9), (3, 11), (2, 5), (1, 2)]
    for attempt, first, second in zip(five, firsts, seconds, strict=True):
        response = response_to(attempt, paper.extended)
        if first:
            services_marking.response_mark(
                response=response, marker=teacher, level=first[0], score=first[1]
            )
        services_marking.second_mark_save(
            second_marking=request,
            response=response,
            marker=co_teacher,
            level=second[0],
            score=second[1],
        )

    rows, agreement = selectors_marking.second_marking_comparison(
        second_marking=request,
        naming=selectors_marking.naming_for(paper.assignment),
        questions=list(paper.assessment.questions.all()),
    )

    assert (agreement.compared, agreement.same_level, agreement.total_difference) == (4, 2, 5)
    assert agreement.same_level_percent == 50.0
    assert agreement.mean_difference == 1.25
    assert [row.difference for row in rows] == [0, 2, 1, 2, None]
    request.refresh_from_db()
    assert request.completed_at is not None


def test_only_the_second_marker_second_marks_and_only_in_band(teacher, co_teacher, paper, five):
    request = services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        count=1,
    )
    response = request.responses.get()

    with pytest.raises(PermissionDenied):
        services_marking.second_mark_save(
            second_marking=request, response=response, marker=teacher, level=2, score=6
        )
    with pytest.raises(ValidationError, match="A level 2 answer earns marks 5–8, not 9."):
        services_marking.second_mark_save(
            second_marking=request, response=response, marker=co_teacher, level=2, score=9
        )
    assert not SecondMark.objects.exists()


@pytest.mark.parametrize(
    ("decision", "extra", "expected_score", "expected_level", "reason"),
    [
        ("keep", {}, 7, 2, "Kept the first mark after second marking."),
        ("second", {}, 10, 3, "Took the second marker's mark."),
        ("new", {"score": 8, "level": 2}, 8, 2, "New mark after second marking."),
    ],
)
def test_settling_writes_a_settle_change(
    teacher, co_teacher, paper, five, decision, extra, expected_score, expected_level, reason
):
    request = services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        count=1,
    )
    response = request.responses.get()
    services_marking.response_mark(
        response=response, marker=teacher, level=2, score=7, comment="Mine.", now=NOW
    )
    services_marking.second_mark_save(
        second_marking=request, response=response, marker=co_teacher, level=3, score=10
    )

    with pytest.raises(PermissionDenied):
        services_marking.second_mark_settle(
            second_marking=request, response=response, settled_by=co_teacher, decision="second"
        )
    services_marking.second_mark_settle(
        second_marking=request,
        response=response,
        settled_by=teacher,
        decision=decision,
        now=NOW,
        **extra,
    )

    mark = Mark.objects.get(response=response)
    assert (mark.score, mark.level.number, mark.comment) == (
        expected_score,
        expected_level,
        "Mine.",
    )
    assert list(
        MarkChange.objects.order_by("pk").values_list(
            "kind", "old_score", "new_score", "old_level", "new_level", "reason"
        )
    ) == [
        ("mark", None, 7, None, 2, ""),
        ("settle", 7, expected_score, 2, expected_level, reason),
    ]
    assert SecondMark.objects.get().settled is True
    with pytest.raises(ValidationError, match="settled this answer already"):
        services_marking.second_mark_save(
            second_marking=request, response=response, marker=co_teacher, level=1, score=2
        )


# --- skills and next steps ------------------------------------------------------------------


def test_skill_shares_leave_out_answers_to_mark():
    shares = skill_shares(
        [("sourcing", 7, 12), ("close_reading", 1, 1), ("sourcing", None, 6), ("knowledge", 0, 4)]
    )

    assert [(s.skill, s.gained, s.available, s.percent) for s in shares] == [
        ("sourcing", 7, 12, 58),
        ("close_reading", 1, 1, 100),
        ("knowledge", 0, 4, 0),
    ]


def test_next_steps_give_every_assessed_skill_its_own_step_weakest_first():
    shares = skill_shares(
        [("sourcing", 7, 12), ("close_reading", 1, 1), ("sourcing", None, 6), ("knowledge", 0, 4)]
    )

    steps = next_steps(shares, assessed=["sourcing", "corroboration", "close_reading", "knowledge"])

    assert [(s.skill, s.pending, s.secure) for s in steps] == [
        ("knowledge", False, False),  # 0 %
        ("sourcing", False, False),  # 58 %
        ("close_reading", False, True),  # 100 %
        ("corroboration", True, False),  # assessed, nothing marked yet: last, never 0 %
    ]
    assert steps[0].next_step.startswith("Revise the key dates")
    assert steps[1].next_step.startswith("Before judging usefulness")
    assert steps[2].next_step.startswith("Keep quoting precise words. To stretch yourself")
    assert steps[3].next_step.startswith("Not marked yet")
    assert len({s.next_step for s in steps}) == 4  # each skill its own step


def test_next_steps_for_all_secure_skills_are_stretch_lines():
    steps = next_steps(skill_shares([("sourcing", 9, 12), ("knowledge", 3, 4)]))

    assert [(s.skill, s.percent) for s in steps] == [("sourcing", 75), ("knowledge", 75)]
    assert all(s.next_step.startswith("Keep ") for s in steps)
