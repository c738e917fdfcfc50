"""The student's feedback page: nothing of marks or comments before release (automatic marks
only under objective_at_once), everything after, next steps per skill, the first view recorded,
and nobody else's feedback."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services_marking
from assessments.models import Attempt
from tests.assessments.test_marking_services import make_paper, response_to, submit
from tests.factories import ExtendedQuestionFactory, StudentFactory

COMMENT = "Pinpoint the provenance: a telegram written in haste."


@pytest.fixture
def paper(teacher, classroom):
    return make_paper(teacher, classroom)


@pytest.fixture
def attempt(paper, student):
    return submit(paper, student)


@pytest.fixture
def marked(teacher, paper, attempt):
    """Q1 marked 5 (level 2) with a comment, Q3 marked 1 (level 1); Q2 automatic 1 of 1."""
    services_marking.response_mark(
        response=response_to(attempt, paper.extended),
        marker=teacher,
        score=5,
        level=2,
        comment=COMMENT,
    )
    services_marking.response_mark(
        response=response_to(attempt, paper.context), marker=teacher, score=1, level=1
    )
    return attempt


def _url(attempt):
    return reverse("assessments:feedback", args=[attempt.pk])


def test_anonymous_is_sent_to_login(client, attempt):
    response = client.get(_url(attempt))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_teachers_get_403(client_for, teacher, attempt):
    assert client_for(teacher).get(_url(attempt)).status_code == 403


def test_another_students_feedback_is_404(client_for, paper, attempt, other_student, teacher):
    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher, anyway=True)
    response = client_for(other_student).get(_url(attempt))
    assert response.status_code == 404
    classmate = StudentFactory()
    assert client_for(classmate).get(_url(attempt)).status_code == 404


def test_an_unsubmitted_attempt_has_no_feedback_page(client_for, paper, student):
    from tests.factories import AttemptFactory

    attempt = AttemptFactory(assignment=paper.assignment, student=student)
    assert client_for(student).get(_url(attempt)).status_code == 404


def test_before_release_nothing_of_marks_or_comments_shows(client_for, student, marked):
    html = client_for(student).get(_url(marked)).content.decode()

    assert "has not released feedback" in html
    assert COMMENT not in html
    assert "5 out of 12" not in html
    assert "Level 2 descriptor." not in html
    assert "It is a report from the front." not in html  # the mark scheme
    assert "Mark scheme" not in html
    assert "Next steps" not in html
    assert "correct answer" not in html
    # objective_at_once: the automatic mark only
    assert "1 out of 1" in html
    marked.refresh_from_db()
    assert marked.feedback_viewed_at is None


def test_before_release_under_on_release_even_automatic_marks_are_hidden(
    client_for, teacher, classroom, student
):
    paper = make_paper(teacher, classroom, policy="on_release")
    attempt = submit(paper, student)

    html = client_for(student).get(_url(attempt)).content.decode()

    assert "out of" not in html
    assert 'data-testid="mark-' not in html


def test_before_release_an_override_is_not_shown(client_for, teacher, paper, attempt, student):
    services_marking.response_override(
        response=response_to(attempt, paper.single),
        marker=teacher,
        score=0,
        reason="A private reason.",
    )

    html = client_for(student).get(_url(attempt)).content.decode()

    assert "1 out of 1" in html  # the automatic mark, as on the attempt page
    assert "A private reason." not in html


def test_after_release_everything_shows_and_the_view_is_recorded(
    client_for, teacher, paper, student, marked
):
    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher)

    html = client_for(student).get(_url(marked)).content.decode()

    assert "7 out of 19" in html
    assert "5 out of 12</strong> · level 2" in html
    assert "Level 2 descriptor." in html
    assert COMMENT in html
    assert "It is a report from the front." in html
    assert "Mark scheme" in html
    assert "correct answer" in html
    # Sourcing 5/12 = 42 %, contextualisation 1/6 = 17 %, close reading 1/1 = 100 %: a step
    # for each skill assessed, weakest first; the secure one gets a keep-it-up/stretch line.
    next_steps = html.split('data-testid="next-steps"')[1].split("</ul>")[0]
    assert next_steps.count("<li") == 3
    assert (
        next_steps.index("<strong>Contextualisation</strong> (17%). Tie the source")
        < next_steps.index("<strong>Sourcing</strong> (42%). Before judging usefulness")
        < next_steps.index("<strong>Close reading</strong> (100%). Keep quoting precise words.")
    )
    marked.refresh_from_db()
    first_view = marked.feedback_viewed_at
    assert first_view is not None

    client_for(student).get(_url(marked))
    marked.refresh_from_db()
    assert marked.feedback_viewed_at == first_view


def test_an_answer_still_to_mark_is_never_shown_as_zero(
    client_for, teacher, paper, attempt, student
):
    services_marking.response_mark(
        response=response_to(attempt, paper.extended), marker=teacher, score=5, level=2
    )
    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher, anyway=True)

    html = client_for(student).get(_url(attempt)).content.decode()

    assert "6 out of 19" in html
    assert "1 answer is still to be marked: it is not counted yet." in html
    assert "<strong>Not marked yet.</strong>" in html
    assert "0 out of 6" not in html
    assert (
        "<strong>Contextualisation</strong>. Not marked yet: your next step for this skill"
    ) in html  # no percentage, never 0 %


def test_release_to_one_student_leaves_the_others_waiting(
    client_for, teacher, paper, student, marked
):
    other = submit(paper, StudentFactory())
    services_marking.feedback_release(
        assignment=paper.assignment, released_by=teacher, students=[student]
    )

    assert COMMENT in client_for(student).get(_url(marked)).content.decode()
    html = client_for(other.student).get(_url(other)).content.decode()
    assert "has not released feedback" in html


def test_teacher_overview_shows_the_view(client_for, teacher, paper, student, marked):
    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher)
    client_for(student).get(_url(marked))
    viewed = Attempt.objects.get(pk=marked.pk).feedback_viewed_at
    assert viewed is not None
    assert viewed <= timezone.now() + timedelta(seconds=1)

    html = client_for(teacher).get(reverse("assessments:marking", args=[paper.assignment.pk]))

    assert "1 of 1 students have opened their feedback." in html.content.decode()


@pytest.mark.parametrize("extra_questions", [0, 10])
def test_feedback_page_query_count_is_constant(
    client_for, teacher, paper, student, extra_questions, django_assert_num_queries
):
    for n in range(extra_questions):
        ExtendedQuestionFactory(assessment=paper.assessment, position=10 + n, marks=4)
    attempt = submit(paper, student)
    services_marking.response_mark(
        response=response_to(attempt, paper.extended), marker=teacher, score=5, level=2
    )
    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher, anyway=True)
    client = client_for(student)
    client.get(_url(attempt))  # the first view writes feedback_viewed_at

    with django_assert_num_queries(7):
        response = client.get(_url(attempt))

    assert response.content.decode().count('data-testid="feedback-') == 3 + extra_questions


def test_attempt_page_after_release_shows_the_final_marks(
    client_for, teacher, paper, attempt, student
):
    # Q1 marked 5, Q2 automatic 1 overridden to 0, Q3 still to mark.
    services_marking.response_mark(
        response=response_to(attempt, paper.extended), marker=teacher, score=5, level=2
    )
    services_marking.response_override(
        response=response_to(attempt, paper.single), marker=teacher, score=0, reason="Misread."
    )
    client = client_for(student)
    before = client.get(attempt.get_absolute_url()).content.decode()
    assert '<p class="mb-0" data-testid="mark-2"><strong>Mark: 1 out of 1</strong></p>' in before
    assert 'data-testid="mark-1"' not in before

    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher, anyway=True)
    html = client.get(attempt.get_absolute_url()).content.decode()
    feedback = client.get(_url(attempt)).content.decode()

    assert '<p class="mb-0" data-testid="mark-1"><strong>Mark: 5 out of 12</strong></p>' in html
    assert '<p class="mb-0" data-testid="mark-2"><strong>Mark: 0 out of 1</strong></p>' in html
    assert '<p class="mb-0" data-testid="mark-3"><strong>Not marked yet.</strong></p>' in html
    assert "Marks for the automatically marked questions: <strong>0 out of 1</strong>" in html
    assert "<strong>0 out of 1</strong>" in feedback  # the same mark as the feedback page
