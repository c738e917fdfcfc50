"""The student's pages: My work, starting, the attempt page, submitting."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assignment, Attempt
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    DocumentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    ExtensionFactory,
    GridQuestionFactory,
    MultipleChoiceQuestionFactory,
    QuestionSourceFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
)

MY_WORK = reverse("assessments:my_work")
KINDS = [
    ExtendedQuestionFactory,
    SingleChoiceQuestionFactory,
    MultipleChoiceQuestionFactory,
    ShortAnswerQuestionFactory,
    GridQuestionFactory,
]


def _assessment(owner, *, questions=3, time_limit=None):
    """Questions of every kind in turn, each with a source (the first paragraph of a document,
    or the whole document for every other question); extended ones ask for evidence."""
    assessment = AssessmentFactory(owner=owner, time_limit_minutes=time_limit)
    for position in range(questions):
        factory = KINDS[position % len(KINDS)]
        question = factory(
            assessment=assessment,
            position=position,
            asks_for_evidence=factory is ExtendedQuestionFactory,
        )
        document = DocumentFactory()
        end = len(document.text) if position % 2 else document.text.index("\n\n")
        excerpt = ExcerptFactory(document=document, end=end)
        QuestionSourceFactory(question=question, excerpt=excerpt, label="A", position=0)
        if factory is GridQuestionFactory:
            QuestionSourceFactory(question=question, excerpt=ExcerptFactory(), label="B")
    return assessment


@pytest.fixture
def assignment(teacher, classroom):
    return AssignmentFactory(assessment=_assessment(teacher), classroom=classroom)


@pytest.fixture
def attempt(assignment, student):
    return AttemptFactory(assignment=assignment, student=student)


def _start_url(assignment):
    return reverse("assessments:attempt_start", args=[assignment.pk])


def _submit_url(attempt):
    return reverse("assessments:attempt_submit", args=[attempt.pk])


# --- who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["my_work", "attempt", "submit"])
def test_student_pages_send_anonymous_to_login(client, attempt, page):
    url = {
        "my_work": MY_WORK,
        "attempt": attempt.get_absolute_url(),
        "submit": _submit_url(attempt),
    }
    response = client.get(url[page])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["my_work", "attempt", "submit", "start"])
def test_student_pages_refuse_teachers(client_for, teacher, attempt, page):
    client = client_for(teacher)
    if page == "start":
        response = client.post(_start_url(attempt.assignment))
    else:
        url = {"my_work": MY_WORK, "attempt": attempt.get_absolute_url()}.get(page)
        response = client.get(url or _submit_url(attempt))

    assert response.status_code == 403


@pytest.mark.parametrize("page", ["attempt", "submit"])
def test_another_students_attempt_is_404(client_for, other_student, outsider, attempt, page):
    for user in (other_student, outsider):
        url = attempt.get_absolute_url() if page == "attempt" else _submit_url(attempt)
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(_submit_url(attempt)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS


# --- My work -------------------------------------------------------------------------------


def test_my_work_groups_the_students_assignments(
    client_for, teacher, classroom, student, other_classroom
):
    now = timezone.now()
    to_do = AssignmentFactory(assessment=_assessment(teacher, questions=1), classroom=classroom)
    in_progress = AssignmentFactory(
        assessment=_assessment(teacher, questions=1), classroom=classroom
    )
    AttemptFactory(assignment=in_progress, student=student)
    submitted = AssignmentFactory(assessment=_assessment(teacher, questions=1), classroom=classroom)
    AttemptFactory(assignment=submitted, student=student, submitted=True, is_late=True)
    returned = AssignmentFactory(
        assessment=_assessment(teacher, questions=1), classroom=classroom, released_at=now
    )
    AttemptFactory(assignment=returned, student=student, submitted=True)
    AssignmentFactory(assessment=_assessment(teacher, questions=1), classroom=other_classroom)

    response = client_for(student).get(MY_WORK)

    work = response.context["work"]
    assert [i.assignment for i in work.to_do] == [to_do]
    assert [i.assignment for i in work.in_progress] == [in_progress]
    assert [i.assignment for i in work.submitted] == [submitted]
    assert [i.assignment for i in work.returned] == [returned]
    assert work.submitted[0].late is True
    assert work.to_do[0].can_start is True
    html = response.content.decode()
    assert html.count('badge text-bg-danger">late') == 1
    assert to_do.assessment.title in html
    assert f'action="{_start_url(to_do)}"' in html


def test_my_work_shows_the_students_extended_due_date_and_overdue_flag(
    client_for, teacher, classroom, student
):
    now = timezone.now()
    overdue = AssignmentFactory(
        assessment=_assessment(teacher, questions=1),
        classroom=classroom,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    extended = AssignmentFactory(assessment=_assessment(teacher, questions=1), classroom=classroom)
    later = extended.due_at + timedelta(days=3)
    ExtensionFactory(assignment=extended, student=student, due_at=later)

    work = client_for(student).get(MY_WORK).context["work"]

    items = {item.assignment: item for item in work.to_do}
    assert items[overdue].late is True
    assert items[extended].due_at == later
    assert items[extended].extended is True
    assert items[extended].late is False


def test_my_work_does_not_offer_start_before_opening(client_for, teacher, classroom, student):
    now = timezone.now()
    AssignmentFactory(
        assessment=_assessment(teacher, questions=1),
        classroom=classroom,
        opens_at=now + timedelta(days=1),
    )

    response = client_for(student).get(MY_WORK)

    item = response.context["work"].to_do[0]
    assert (item.not_open, item.can_start) == (True, False)
    assert b"Opens " in response.content
    assert b">Start<" not in response.content


def _work_in_every_state(teacher, classroom, student):
    """One assignment per state of My work: to do, overdue, in progress (one extended),
    submitted, submitted late, returned (to the class, and to the student alone)."""
    now = timezone.now()
    assessment = _assessment(teacher, questions=1)

    def assignment(**dates):
        return AssignmentFactory(assessment=assessment, classroom=classroom, **dates)

    assignment()
    assignment(
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    AttemptFactory(assignment=assignment(), student=student)
    extended = assignment()
    ExtensionFactory(assignment=extended, student=student, extra_minutes=10)
    AttemptFactory(assignment=extended, student=student)
    AttemptFactory(assignment=assignment(), student=student, submitted=True)
    AttemptFactory(assignment=assignment(), student=student, submitted=True, is_late=True)
    AttemptFactory(assignment=assignment(released_at=now), student=student, submitted=True)
    AttemptFactory(
        assignment=assignment(), student=student, submitted=True, feedback_released_at=now
    )


@pytest.mark.parametrize("rounds", [1, 3])
def test_my_work_query_count_is_constant(
    client_for, teacher, classroom, student, django_assert_num_queries, rounds
):
    for _ in range(rounds):
        _work_in_every_state(teacher, classroom, student)
    client = client_for(student)

    # The user, the assignments (with assessment and class), extensions, attempts; no sweep
    # for expired attempts, as none of those in progress has run out of time.
    with django_assert_num_queries(4):
        response = client.get(MY_WORK)

    work = response.context["work"]
    sizes = [len(work.to_do), len(work.in_progress), len(work.submitted), len(work.returned)]
    assert sizes == [2 * rounds, 2 * rounds, 2 * rounds, 2 * rounds]
    assert sum(item.late for item in work.to_do + work.submitted) == 2 * rounds


def test_my_work_submits_an_attempt_whose_time_ran_out(client_for, teacher, classroom, student):
    assignment = AssignmentFactory(
        assessment=_assessment(teacher, questions=1, time_limit=30), classroom=classroom
    )
    started = timezone.now() - timedelta(hours=1)
    attempt = AttemptFactory(
        assignment=assignment,
        student=student,
        started_at=started,
        deadline_at=started + timedelta(minutes=30),
    )

    response = client_for(student).get(MY_WORK)

    work = response.context["work"]
    assert (work.in_progress, [i.attempt for i in work.submitted]) == ([], [attempt])
    attempt.refresh_from_db()
    assert (attempt.status, attempt.auto_submitted) == (Attempt.Status.SUBMITTED, True)
    assert attempt.submitted_at == started + timedelta(minutes=30)
    assert "submitted when time ran out" in response.content.decode()


# --- starting ------------------------------------------------------------------------------


def test_start_creates_the_attempt_and_opens_it(client_for, student, assignment):
    response = client_for(student).post(_start_url(assignment))

    attempt = Attempt.objects.get(assignment=assignment, student=student)
    assert response.status_code == 302
    assert response["Location"] == attempt.get_absolute_url()
    assert attempt.responses.count() == assignment.assessment.questions.count()


def test_start_twice_is_one_attempt(client_for, student, assignment):
    client = client_for(student)
    first = client.post(_start_url(assignment))
    second = client.post(_start_url(assignment))

    assert first["Location"] == second["Location"]
    assert Attempt.objects.filter(assignment=assignment, student=student).count() == 1


def test_start_refuses_get(client_for, student, assignment):
    assert client_for(student).get(_start_url(assignment)).status_code == 405
    assert not Attempt.objects.exists()


def test_start_of_another_classes_assignment_is_404(
    client_for, other_student, outsider, assignment
):
    for user in (other_student, outsider):
        assert client_for(user).post(_start_url(assignment)).status_code == 404
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    ("when", "message"),
    [("before", "opens at"), ("after", "closed at")],
)
def test_start_outside_the_window_explains_and_creates_nothing(
    client_for, teacher, classroom, student, when, message
):
    now = timezone.now()
    if when == "before":
        dates = {"opens_at": now + timedelta(hours=1)}
    else:
        dates = {
            "opens_at": now - timedelta(days=3),
            "due_at": now - timedelta(days=2),
            "closes_at": now - timedelta(days=1),
        }
    assignment = AssignmentFactory(
        assessment=_assessment(teacher, questions=1), classroom=classroom, **dates
    )

    response = client_for(student).post(_start_url(assignment), follow=True)

    assert response.redirect_chain == [(MY_WORK, 302)]
    assert message in response.content.decode()
    assert not Attempt.objects.exists()


# --- the attempt page ----------------------------------------------------------------------


def test_attempt_page_shows_questions_sources_and_autosave_hooks(client_for, student, attempt):
    response = client_for(student).get(attempt.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("data-question ") == 3
    for r in attempt.responses.all():
        assert reverse("assessments:autosave", args=[attempt.pk, r.pk]) in html
    assert 'role="tablist"' in html
    assert html.count('role="tabpanel"') == 2
    assert "J. V. Stalin" in html  # provenance: author
    assert "July 7, 1918" in html  # date as printed
    assert "Telegram" in html  # kind
    assert 'src="/static/js/attempt.js"' in html
    assert "style=" not in html


def test_attempt_page_paragraph_offsets_point_into_the_document(client_for, student, attempt):
    html = client_for(student).get(attempt.get_absolute_url()).content.decode()

    paragraphs = re.findall(r'<p data-start="(\d+)">([^<]*)</p>', html)
    assert paragraphs
    for qs in attempt.assignment.assessment.questions.first().sources.all():
        text = qs.excerpt.document.text
        for start, shown in paragraphs:
            if shown and shown in text:
                assert text[int(start) : int(start) + len(shown)] == shown


def test_attempt_page_shows_saved_answers_and_citations(client_for, student, attempt):
    response = attempt.responses.select_related("question").get(question__position=0)
    excerpt = response.question.sources.first().excerpt
    start = excerpt.start + excerpt.text.index("south")
    response.text = "Stalin writes from Tsaritsyn."
    response.citations = [
        {"excerpt": excerpt.pk, "document": excerpt.document_id, "start": start, "end": start + 5}
    ]
    response.version = 3
    response.save()

    html = client_for(student).get(attempt.get_absolute_url()).content.decode()

    assert "Stalin writes from Tsaritsyn.</textarea>" in html
    assert "<q>south</q>" in html
    assert f'data-start="{start}" data-end="{start + 5}"' in html
    assert 'data-version="3"' in html


@pytest.mark.parametrize("count", [3, 12])
def test_attempt_page_query_count_is_constant(
    client_for, teacher, classroom, student, django_assert_num_queries, count
):
    assignment = AssignmentFactory(
        assessment=_assessment(teacher, questions=count), classroom=classroom
    )
    attempt = AttemptFactory(assignment=assignment, student=student)
    other = AttemptFactory(assignment=assignment)
    client = client_for(student)
    other_client = Client()
    other_client.force_login(other.student)

    # User, attempt (assignment, assessment, class); this process renders the paper: questions,
    # choices, claims, sources with excerpts and documents, authors; the responses.
    with django_assert_num_queries(8):
        response = client.get(attempt.get_absolute_url())
    # Every later page of the same paper: user, attempt, responses.
    with django_assert_num_queries(3):
        again = other_client.get(other.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count("data-question ") == count
    assert again.content.decode().count("data-question ") == count


def test_attempt_page_with_a_time_limit_shows_the_countdown(
    client_for, teacher, classroom, student
):
    assignment = AssignmentFactory(
        assessment=_assessment(teacher, questions=1, time_limit=30), classroom=classroom
    )
    attempt = AttemptFactory(
        assignment=assignment, student=student, deadline_at=timezone.now() + timedelta(minutes=30)
    )

    html = client_for(student).get(attempt.get_absolute_url()).content.decode()

    assert 'role="timer"' in html
    assert f'data-deadline="{attempt.deadline_at.isoformat()}"' in html
    assert "data-auto-submit" in html


# --- submitting ----------------------------------------------------------------------------


def test_submit_summary_lists_unanswered_questions(client_for, student, attempt):
    attempt.responses.filter(question__position=0).update(text="An answer.")

    response = client_for(student).get(_submit_url(attempt))

    assert [q.number for q in response.context["unanswered"]] == [2, 3]
    assert b"Question 2" in response.content
    assert b"2 are not answered yet" in response.content


def test_submit_is_idempotent(client_for, student, attempt):
    client = client_for(student)

    first = client.post(_submit_url(attempt), follow=True)
    attempt.refresh_from_db()
    submitted_at = attempt.submitted_at
    second = client.post(_submit_url(attempt), follow=True)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.submitted_at == submitted_at
    assert attempt.auto_submitted is False
    assert "Your answers were submitted" in first.content.decode()
    assert "already submitted" in second.content.decode()
    assert Attempt.objects.filter(student=student).count() == 1


def test_submitted_attempt_is_read_only_and_says_when(client_for, student, attempt):
    client = client_for(student)
    client.post(_submit_url(attempt))

    html = client.get(attempt.get_absolute_url()).content.decode()

    assert "Submitted</strong> at" in html
    assert "<textarea" not in html
    assert "data-question " not in html
    assert "Review and submit" not in html
    assert client.get(_submit_url(attempt)).status_code == 302


def test_submit_after_the_due_time_is_marked_late(client_for, teacher, classroom, student):
    now = timezone.now()
    assignment = AssignmentFactory(
        assessment=_assessment(teacher, questions=1),
        classroom=classroom,
        opens_at=now - timedelta(days=2),
        due_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    attempt = AttemptFactory(assignment=assignment, student=student)

    response = client_for(student).post(_submit_url(attempt), follow=True)

    attempt.refresh_from_db()
    assert attempt.is_late is True
    assert "marked late" in response.content.decode()
    assert 'badge text-bg-danger">late' in response.content.decode()


def test_auto_submit_after_the_deadline_submits_the_saved_answers(client_for, student, attempt):
    deadline = timezone.now() - timedelta(minutes=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=deadline)

    response = client_for(student).post(_submit_url(attempt), {"auto": "1"}, follow=True)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.auto_submitted is True
    assert attempt.submitted_at == deadline
    assert "Time ran out" in response.content.decode()


def test_auto_flag_long_before_the_deadline_is_an_ordinary_submission(client_for, student, attempt):
    client_for(student).post(_submit_url(attempt), {"auto": "1"})

    attempt.refresh_from_db()
    assert (attempt.status, attempt.auto_submitted) == (Attempt.Status.SUBMITTED, False)


def test_objective_marks_show_after_submission_when_the_policy_allows(client_for, student, attempt):
    single = attempt.responses.select_related("question").get(question__position=1)
    correct = single.question.choices.get(is_correct=True)
    single.choices = [correct.pk]
    single.save()
    client = client_for(student)
    client.post(_submit_url(attempt))

    html = client.get(attempt.get_absolute_url()).content.decode()

    assert f"Mark: {single.question.marks} out of {single.question.marks}" in html
    assert "Marks for the automatically marked questions" in html


def test_objective_marks_wait_for_release_under_on_release(client_for, student, attempt):
    Assignment.objects.filter(pk=attempt.assignment_id).update(
        feedback_policy=Assignment.FeedbackPolicy.ON_RELEASE
    )
    client = client_for(student)
    client.post(_submit_url(attempt))

    html = client.get(attempt.get_absolute_url()).content.decode()

    assert "Mark:" not in html
    assert "Marks for the automatically marked questions" not in html


def test_attempt_page_after_the_deadline_offers_only_submission(client_for, student, attempt):
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=5))

    html = client_for(student).get(attempt.get_absolute_url()).content.decode()

    assert "Time is up" in html
    assert "<textarea" not in html
    assert 'name="auto" value="1"' in html
