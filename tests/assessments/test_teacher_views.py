from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.forms import default_dates
from assessments.models import Assignment, Extension
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    EnrolmentFactory,
    ExtendedQuestionFactory,
    ExtensionFactory,
    ShortAnswerQuestionFactory,
    StudentFactory,
)


@pytest.fixture
def assessment(teacher):
    assessment = AssessmentFactory(owner=teacher, title="Nationalities policy")
    ShortAnswerQuestionFactory(assessment=assessment, position=0)
    return assessment


@pytest.fixture
def assignment(assessment, classroom):
    return AssignmentFactory(assessment=assessment, classroom=classroom)


def _pages(assignment, student):
    return [
        reverse("assessments:assignment_list_teacher"),
        reverse("assessments:assignment_create"),
        reverse("assessments:assignment_teacher", args=[assignment.pk]),
        reverse("assessments:assignment_edit", args=[assignment.pk]),
        reverse("assessments:extension_edit", args=[assignment.pk, student.pk]),
    ]


OBJECT_PAGES = [2, 3, 4]


@pytest.mark.parametrize("page", range(5))
def test_anonymous_is_sent_to_login(client, assignment, student, page):
    response = client.get(_pages(assignment, student)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", range(5))
def test_students_are_refused(client_for, assignment, student, page):
    response = client_for(student).get(_pages(assignment, student)[page])
    assert response.status_code == 403
    assert b"Not allowed" in response.content


@pytest.mark.parametrize("page", OBJECT_PAGES)
def test_other_teacher_gets_404(client_for, other_teacher, assignment, student, page):
    response = client_for(other_teacher).get(_pages(assignment, student)[page])
    assert response.status_code == 404


def test_other_teacher_cannot_post_an_extension(client_for, other_teacher, assignment, student):
    url = reverse("assessments:extension_edit", args=[assignment.pk, student.pk])
    response = client_for(other_teacher).post(url, {"extra_minutes": "30"})
    assert response.status_code == 404
    assert not Extension.objects.exists()


def test_other_teacher_cannot_edit_dates(client_for, other_teacher, assignment):
    url = reverse("assessments:assignment_edit", args=[assignment.pk])
    old_due = assignment.due_at
    response = client_for(other_teacher).post(url, {"due_at": "2030-01-01T09:00"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.due_at == old_due


def test_extension_for_a_student_not_in_the_class_is_404(
    client_for, teacher, assignment, other_student
):
    url = reverse("assessments:extension_edit", args=[assignment.pk, other_student.pk])
    assert client_for(teacher).get(url).status_code == 404


def test_co_teacher_can_follow_the_assignment(client_for, other_teacher, assignment, classroom):
    classroom.co_teachers.add(other_teacher)
    url = reverse("assessments:assignment_teacher", args=[assignment.pk])
    assert client_for(other_teacher).get(url).status_code == 200


# --- set an assessment -------------------------------------------------------------------------


def test_set_page_offers_only_my_assessments_and_classes(
    client_for, teacher, assessment, classroom, other_classroom, other_teacher
):
    AssessmentFactory(owner=other_teacher, title="Bob's quiz")
    response = client_for(teacher).get(reverse("assessments:assignment_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["assessment"].queryset) == [assessment]
    assert list(form.fields["classroom"].queryset) == [classroom]
    content = response.content.decode()
    assert '<h1 class="h3 mb-3">Set an assessment</h1>' in content
    assert "Bob" not in content
    assert "13C History" not in content


def test_set_page_preselects_from_the_query_string(client_for, teacher, assessment, classroom):
    url = reverse("assessments:assignment_create") + f"?assessment={assessment.pk}"
    response = client_for(teacher).get(url)
    assert response.context["form"].initial["assessment"] == str(assessment.pk)
    assert f'<option value="{assessment.pk}" selected>' in response.content.decode()


def test_default_dates_open_now_due_next_week_at_nine(settings):
    settings.TIME_ZONE = "Europe/London"
    now = timezone.make_aware(timezone.datetime(2026, 11, 24, 15, 37, 12))
    dates = default_dates(now)
    assert [timezone.localtime(d).strftime("%Y-%m-%d %H:%M") for d in dates.values()] == [
        "2026-11-24 15:37",
        "2026-12-01 09:00",
        "2026-12-02 09:00",
    ]


def _form(assessment, classroom, **overrides):
    now = timezone.localtime().replace(second=0, microsecond=0)
    data = {
        "assessment": assessment.pk,
        "classroom": classroom.pk,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M"),
        "attempts_allowed": "1",
        "feedback_policy": "objective_at_once",
    }
    return data | overrides


def test_teacher_sets_an_assessment(client_for, teacher, assessment, classroom):
    response = client_for(teacher).post(
        reverse("assessments:assignment_create"),
        _form(assessment, classroom, anonymous_marking="on"),
        follow=True,
    )
    assignment = Assignment.objects.get()
    assert response.redirect_chain == [
        (reverse("assessments:assignment_teacher", args=[assignment.pk]), 302)
    ]
    assert "“Nationalities policy” is set to 12A History." in response.content.decode()
    assert (assignment.set_by, assignment.anonymous_marking) == (teacher, True)


def test_set_refuses_unordered_dates(client_for, teacher, assessment, classroom):
    form = _form(assessment, classroom)
    response = client_for(teacher).post(
        reverse("assessments:assignment_create"), {**form, "closes_at": form["opens_at"]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "closes_at": ["The close time must not be before the due time."]
    }
    assert not Assignment.objects.exists()


def test_set_refuses_an_extended_question_without_mark_scheme(
    client_for, teacher, assessment, classroom
):
    ExtendedQuestionFactory(assessment=assessment, position=1, levels=False)
    response = client_for(teacher).post(
        reverse("assessments:assignment_create"), _form(assessment, classroom)
    )
    assert response.context["form"].errors == {
        "assessment": [
            "“Nationalities policy” cannot be set yet. Q2: It needs a mark scheme (levels)."
        ]
    }


def test_set_refuses_another_teachers_class(client_for, teacher, assessment, other_classroom):
    response = client_for(teacher).post(
        reverse("assessments:assignment_create"), _form(assessment, other_classroom)
    )
    assert "classroom" in response.context["form"].errors
    assert not Assignment.objects.exists()


# --- the assignment page -----------------------------------------------------------------------


def test_assignment_page_lists_students_with_their_progress(
    client_for, teacher, assignment, classroom, student
):
    def enrolled(username, first):
        return EnrolmentFactory(
            classroom=classroom,
            student=StudentFactory(username=username, first_name=first, last_name="Zed"),
        ).student

    working, on_time, late = enrolled("w", "Wendy"), enrolled("o", "Otto"), enrolled("l", "Lara")
    AttemptFactory(assignment=assignment, student=working)
    AttemptFactory(assignment=assignment, student=on_time, submitted=True)
    AttemptFactory(assignment=assignment, student=late, submitted=True, is_late=True)
    ExtensionFactory(assignment=assignment, student=student, extra_minutes=15, reason="Reader")

    response = client_for(teacher).get(
        reverse("assessments:assignment_teacher", args=[assignment.pk])
    )
    assert response.status_code == 200
    progress = {row.student.username: row.progress.label for row in response.context["rows"]}
    assert progress == {
        "sam": "Not started",
        "w": "In progress",
        "o": "Submitted",
        "l": "Submitted late",
    }
    content = response.content.decode()
    assert '<h1 class="h3 mb-1">Nationalities policy</h1>' in content
    assert "Not started: 1</span>" in content
    assert "Submitted late: 1</span>" in content
    assert "+15 min" in content
    assert "(Reader)" in content
    assert f"Add extension for {late.display_name}" in content
    assert f"Edit extension for {student.display_name}" in content


def test_assignment_page_submits_attempts_whose_time_ran_out(
    client_for, teacher, assignment, student
):
    started = timezone.now() - timedelta(hours=2)
    attempt = AttemptFactory(
        assignment=assignment,
        student=student,
        started_at=started,
        deadline_at=started + timedelta(minutes=45),
    )

    response = client_for(teacher).get(
        reverse("assessments:assignment_teacher", args=[assignment.pk])
    )

    progress = {row.student.username: row.progress.label for row in response.context["rows"]}
    assert progress == {"sam": "Submitted"}
    attempt.refresh_from_db()
    assert (attempt.auto_submitted, attempt.submitted_at) == (True, started + timedelta(minutes=45))


@pytest.mark.parametrize("size", [3, 30])
def test_assignment_page_query_count_is_constant(
    client_for, teacher, assignment, classroom, size, django_assert_num_queries
):
    for n in range(size):
        pupil = EnrolmentFactory(classroom=classroom).student
        if n % 3 == 1:
            AttemptFactory(assignment=assignment, student=pupil)
        elif n % 3 == 2:
            AttemptFactory(assignment=assignment, student=pupil, submitted=True)
            ExtensionFactory(assignment=assignment, student=pupil, extra_minutes=5)
    client = client_for(teacher)
    url = reverse("assessments:assignment_teacher", args=[assignment.pk])
    # user, assignment, expired attempts to submit (none), attempts, extensions, enrolments
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [1, 3])
def test_assignment_list_query_count_is_constant(
    client_for, teacher, classroom, size, django_assert_num_queries
):
    for _ in range(size):
        AssignmentFactory(classroom=classroom)
    with django_assert_num_queries(3):
        response = client_for(teacher).get(reverse("assessments:assignment_list_teacher"))
    assert len(response.context["assignments"]) == size


def test_assignment_list_shows_submission_counts(client_for, teacher, assignment, student):
    AttemptFactory(assignment=assignment, student=student, submitted=True)
    response = client_for(teacher).get(reverse("assessments:assignment_list_teacher"))
    marking = reverse("assessments:marking", args=[assignment.pk])
    assert f'<a href="{marking}">1 of 1</a>' in response.content.decode()


def test_assignment_list_hides_other_teachers_work(
    client_for, teacher, assignment, other_classroom
):
    AssignmentFactory(classroom=other_classroom)
    response = client_for(teacher).get(reverse("assessments:assignment_list_teacher"))
    assert list(response.context["assignments"]) == [assignment]


# --- editing dates and extensions ---------------------------------------------------------------


def test_edit_dates(client_for, teacher, assignment, student):
    attempt = services.attempt_start(assignment=assignment, student=student)
    later = timezone.localtime(assignment.closes_at + timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    response = client_for(teacher).post(
        reverse("assessments:assignment_edit", args=[assignment.pk]),
        {
            "opens_at": timezone.localtime(assignment.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "due_at": timezone.localtime(assignment.due_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": later.strftime("%Y-%m-%dT%H:%M"),
            "attempts_allowed": "2",
            "feedback_policy": "on_release",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    attempt.refresh_from_db()
    assert (assignment.closes_at, assignment.attempts_allowed) == (later, 2)
    assert attempt.deadline_at == later


def test_edit_dates_refuses_unordered_dates(client_for, teacher, assignment):
    response = client_for(teacher).post(
        reverse("assessments:assignment_edit", args=[assignment.pk]),
        {
            "opens_at": "2030-01-10T09:00",
            "due_at": "2030-01-01T09:00",
            "closes_at": "2030-01-02T09:00",
            "attempts_allowed": "1",
            "feedback_policy": "on_release",
        },
    )
    assert response.context["form"].errors == {
        "due_at": ["The due time must not be before the opening time."]
    }


def test_add_an_extension(client_for, teacher, assignment, student):
    url = reverse("assessments:extension_edit", args=[assignment.pk, student.pk])
    page = client_for(teacher).get(url)
    assert f"Extension for {student.display_name}</h1>" in page.content.decode()
    response = client_for(teacher).post(
        url, {"due_at": "2030-01-01T09:00", "extra_minutes": "", "reason": "Illness"}, follow=True
    )
    assert f"Extension saved for {student.display_name}." in response.content.decode()
    extension = Extension.objects.get()
    assert timezone.localtime(extension.due_at).strftime("%Y-%m-%d %H:%M") == "2030-01-01 09:00"
    assert (extension.extra_minutes, extension.reason) == (0, "Illness")


def test_edit_an_extension(client_for, teacher, assignment, student):
    ExtensionFactory(assignment=assignment, student=student, extra_minutes=10)
    url = reverse("assessments:extension_edit", args=[assignment.pk, student.pk])
    page = client_for(teacher).get(url)
    assert page.context["form"].initial["extra_minutes"] == 10
    client_for(teacher).post(url, {"extra_minutes": "25", "reason": "Reader"})
    assert Extension.objects.get().extra_minutes == 25


def test_extension_needs_a_date_or_minutes(client_for, teacher, assignment, student):
    url = reverse("assessments:extension_edit", args=[assignment.pk, student.pk])
    response = client_for(teacher).post(url, {"extra_minutes": "0", "reason": ""})
    assert response.context["form"].non_field_errors() == [
        "Give a new due date, extra minutes, or both."
    ]


def test_remove_an_extension(client_for, teacher, assignment, student):
    ExtensionFactory(assignment=assignment, student=student, extra_minutes=10)
    url = reverse("assessments:extension_delete", args=[assignment.pk, student.pk])
    assert client_for(teacher).get(url).status_code == 405
    response = client_for(teacher).post(url)
    assert response.status_code == 302
    assert not Extension.objects.exists()
