"""Subject access (export) and erasure (delete) of a student's data, and their admin actions."""

import json
import logging

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from accounts.data_protection import student_delete, student_export
from accounts.models import Enrolment, User
from assessments.models import Attempt, Mark, MarkChange, Response
from lessons.models import LessonVisit
from tests.factories import (
    AssignmentFactory,
    AttemptFactory,
    ExtendedQuestionFactory,
    ExtensionFactory,
    LessonVisitFactory,
)

SAM_ANSWER = "Sam thinks Source A is useful because Stalin wrote it in July 1918."
OLGA_ANSWER = "Olga's answer, which must never appear in Sam's export."


def answered(*, classroom, student, text, teacher):
    assignment = AssignmentFactory(classroom=classroom)
    ExtendedQuestionFactory(assessment=assignment.assessment)
    attempt = AttemptFactory(assignment=assignment, student=student, submitted=True)
    response = attempt.responses.get()
    response.text = text
    response.citations = [{"excerpt": 1, "document": 1, "start": 0, "end": 5}]
    response.save()
    Mark.objects.create(
        response=response,
        score=7,
        comment=f"Comment for {student.username}: good use of provenance.",
        marker=teacher,
        marked_at=timezone.now(),
    )
    MarkChange.objects.create(
        response=response, changed_by=teacher, changed_at=timezone.now(), new_score=7
    )
    return attempt


@pytest.fixture
def work(teacher, other_teacher, student, other_student, classroom, other_classroom):
    mine = answered(classroom=classroom, student=student, text=SAM_ANSWER, teacher=teacher)
    theirs = answered(
        classroom=other_classroom, student=other_student, text=OLGA_ANSWER, teacher=other_teacher
    )
    ExtensionFactory(assignment=mine.assignment, student=student, extra_minutes=25)
    LessonVisitFactory(student=student)
    LessonVisitFactory(student=other_student)
    return mine, theirs


def test_student_export_holds_the_students_answers_marks_and_more(student, work):
    data = student_export(student)

    encoded = json.dumps(data, cls=DjangoJSONEncoder)
    (attempt,) = data["attempts"]
    (response,) = attempt["responses"]
    assert data["profile"]["username"] == "sam"
    assert [e["class"] for e in data["enrolments"]] == ["12A History"]
    assert data["extensions"][0]["extra_minutes"] == 25
    assert response["text"] == SAM_ANSWER
    assert response["citations"] == [{"excerpt": 1, "document": 1, "start": 0, "end": 5}]
    assert response["mark"]["score"] == 7
    assert response["mark"]["comment"] == "Comment for sam: good use of provenance."
    assert [c["new_score"] for c in response["mark_changes"]] == [7]
    assert len(data["lesson_visits"]) == 1
    assert attempt["status"] == "submitted"
    assert "feedback_viewed_at" in attempt
    assert data["initial_password_pending_download"] is False
    assert SAM_ANSWER in encoded


def test_student_export_holds_nothing_of_another_student(student, work):
    encoded = json.dumps(student_export(student), cls=DjangoJSONEncoder)

    assert OLGA_ANSWER not in encoded
    assert "olga" not in encoded.lower()
    assert "13C History" not in encoded
    assert "password" not in json.dumps(student_export(student)["profile"])


def test_student_delete_removes_the_student_and_all_their_work(student, other_student, work):
    mine, theirs = work
    pk = student.pk

    counts = student_delete(student)

    assert counts["attempts"] == 1
    assert counts["responses"] == 1
    assert not User.objects.filter(pk=pk).exists()
    assert not Attempt.objects.filter(pk=mine.pk).exists()
    assert not Response.objects.filter(attempt_id=mine.pk).exists()
    assert not Mark.objects.filter(response__attempt_id=mine.pk).exists()
    assert not Enrolment.objects.filter(student_id=pk).exists()
    assert not LessonVisit.objects.filter(student_id=pk).exists()


def test_student_delete_leaves_the_other_student_intact(student, other_student, work):
    _, theirs = work

    student_delete(student)

    response = Response.objects.get(attempt=theirs)
    assert response.text == OLGA_ANSWER
    assert response.mark.score == 7
    assert Enrolment.objects.filter(student=other_student).count() == 1
    assert LessonVisit.objects.filter(student=other_student).count() == 1


def test_student_delete_is_audited(student, admin_user, work, caplog):
    with caplog.at_level(logging.INFO, logger="provenance.audit"):
        student_delete(student, by=admin_user)

    (record,) = caplog.records
    assert record.getMessage().startswith("Deleted student sam (id ")
    assert "by root: attempts 1, responses 1, marks 1, enrolments 1" in record.getMessage()


def test_student_delete_refuses_a_teacher(teacher):
    with pytest.raises(ValueError, match="not a student"):
        student_delete(teacher)

    assert User.objects.filter(pk=teacher.pk).exists()


def test_admin_action_exports_selected_students_as_json(client, admin_user, student, work):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_student_data", "_selected_action": [student.pk]},
    )

    data = json.loads(response.content)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="student-data-')
    assert [s["profile"]["username"] for s in data["students"]] == ["sam"]
    assert SAM_ANSWER in response.content.decode()
    assert OLGA_ANSWER not in response.content.decode()


def test_admin_action_delete_asks_first_then_deletes(client, admin_user, student, work):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_changelist")
    chosen = {"action": "delete_students_and_work", "_selected_action": [student.pk]}

    confirm = client.post(url, chosen)
    assert confirm.status_code == 200
    assert "Delete students and all their work?" in confirm.content.decode()
    assert User.objects.filter(pk=student.pk).exists()

    done = client.post(url, {**chosen, "confirm": "yes"})
    assert done.status_code == 302
    assert not User.objects.filter(pk=student.pk).exists()
    assert Attempt.objects.count() == 1  # the other student's


@pytest.mark.parametrize("action", ["delete_students_and_work", "export_student_data"])
def test_admin_actions_are_not_for_teachers(client, teacher, student, work, action):
    # Teachers may list their own students (view_user, for the class pickers), but the data
    # protection actions are not offered to them, and a forged POST of one does nothing.
    client.force_login(teacher)
    url = reverse("admin:accounts_user_changelist")

    page = client.get(url).content.decode()
    response = client.post(
        url, {"action": action, "_selected_action": [student.pk], "confirm": "yes"}, follow=True
    )

    assert f'value="{action}"' not in page
    # Just the list again: no confirmation page, no JSON download.
    assert response["Content-Type"].startswith("text/html")
    assert "<title>Select user to view" in response.content.decode()
    assert User.objects.filter(pk=student.pk).exists()
    assert Attempt.objects.filter(student=student).exists()
