"""Hostile input: script payloads render inert, formulas are neutralised in exports, limits
hold, forged ids are refused, closed work stays closed, double submission submits once."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.autosave import MAX_ANSWER_CHARS
from assessments.models import Attempt, Mark
from tests.factories import (
    AssignmentFactory,
    AttemptFactory,
    ContextItemFactory,
    DocumentFactory,
    EnrolmentFactory,
    ExtendedQuestionFactory,
    LessonFactory,
    PublishedUnitFactory,
    SourceItemFactory,
    StudentFactory,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
MD_LINK = "[click me](javascript:alert(1))"
FORMULA = '=HYPERLINK("http://evil.example","x")'


def assert_inert(html: str):
    """No payload survives as markup: no script element, no event handler, no js: link."""
    assert SCRIPT not in html
    assert "<img src=x onerror" not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in html.lower()


@pytest.fixture
def hostile(teacher, student, classroom):
    """Payloads in every field a teacher or a student can write that others then see."""
    classroom.name = f"12A {PAYLOAD}"
    classroom.save()
    student.first_name, student.last_name = f"Sam{SCRIPT}", IMG
    student.save()
    unit = PublishedUnitFactory(owner=teacher, classrooms=[classroom], title=f"Unit {PAYLOAD}")
    lesson = LessonFactory(unit=unit, title=f"Lesson {PAYLOAD}")
    document = DocumentFactory(title=f"Doc {PAYLOAD}", display_title=f"Doc {PAYLOAD}")
    SourceItemFactory(lesson=lesson, caption=f"Caption {PAYLOAD}", label="Source A")
    ContextItemFactory(lesson=lesson, body=f"Context {PAYLOAD}\n\n{MD_LINK}")
    assignment = AssignmentFactory(classroom=classroom)
    question = ExtendedQuestionFactory(assessment=assignment.assessment)
    attempt = AttemptFactory(assignment=assignment, student=student, submitted=True)
    response = attempt.responses.get()
    response.text = f"{FORMULA} {PAYLOAD} {MD_LINK}"
    response.save()
    Mark.objects.create(
        response=response,
        score=3,
        level=question.levels.get(number=1),
        comment=f"{FORMULA} Comment {PAYLOAD} {MD_LINK}",
        marker=teacher,
        marked_at=timezone.now(),
    )
    attempt.feedback_released_at = timezone.now()
    attempt.save()
    return {
        "unit": unit,
        "lesson": lesson,
        "document": document,
        "assignment": assignment,
        "attempt": attempt,
        "response": response,
    }


def test_hostile_lesson_page_is_inert(client_for, student, hostile):
    url = reverse("lessons:lesson", args=[hostile["unit"].pk, hostile["lesson"].pk])

    response = client_for(student).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Caption &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html)


def test_hostile_unit_page_and_list_are_inert(client_for, student, hostile):
    client = client_for(student)
    for url in (reverse("lessons:unit", args=[hostile["unit"].pk]), reverse("lessons:unit_list")):
        html = client.get(url).content.decode()
        assert "Unit &lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert_inert(html)


def test_hostile_marking_screen_is_inert(client_for, teacher, hostile):
    url = reverse(
        "assessments:mark_response", args=[hostile["assignment"].pk, hostile["response"].pk]
    )

    response = client_for(teacher).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html)


def test_hostile_feedback_page_is_inert(client_for, student, hostile):
    response = client_for(student).get(
        reverse("assessments:feedback", args=[hostile["attempt"].pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Comment &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html)


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "accounts:classroom_list",
        "accounts:classroom_detail",
        "assessments:class_overview",
        "assessments:assignment_results",
        "assessments:marking",
        "assessments:assignment_teacher",
    ],
)
def test_hostile_teacher_pages_are_inert(client_for, teacher, classroom, hostile, name):
    args = {
        "accounts:classroom_detail": [classroom.pk],
        "assessments:class_overview": [classroom.pk],
        "assessments:assignment_results": [hostile["assignment"].pk],
        "assessments:marking": [hostile["assignment"].pk],
        "assessments:assignment_teacher": [hostile["assignment"].pk],
    }.get(name, [])

    response = client_for(teacher).get(reverse(name, args=args))

    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_hostile_student_pages_are_inert(client_for, student, hostile):
    client = client_for(student)
    for url in (
        reverse("home"),
        reverse("assessments:my_work"),
        reverse("assessments:my_progress"),
        reverse("assessments:attempt", args=[hostile["attempt"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def test_hostile_archive_document_page_is_inert(client_for, student, hostile):
    client = client_for(student)
    html = client.get(reverse("archive:document", args=[hostile["document"].pk])).content.decode()
    listing = client.get(reverse("archive:browse")).content.decode()

    assert "Doc &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html)
    assert_inert(listing)


@pytest.mark.parametrize("kind", ["responses", "marks"])
def test_formulas_are_neutralised_in_csv_exports(client_for, teacher, hostile, kind):
    url = reverse("assessments:assignment_export", args=[hostile["assignment"].pk, kind, "csv"])

    response = client_for(teacher).get(url)

    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    assert response.status_code == 200
    if kind == "responses":
        assert "'=HYPERLINK" in text  # the answer is there, with its formula made text
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), cell


def test_hostile_roster_names_are_inert_on_the_class_page(client_for, teacher, classroom):
    EnrolmentFactory(classroom=classroom, student=StudentFactory(first_name=SCRIPT, last_name=IMG))

    html = (
        client_for(teacher)
        .get(reverse("accounts:classroom_detail", args=[classroom.pk]))
        .content.decode()
    )

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html)


# --- limits ----------------------------------------------------------------------------------


@pytest.fixture
def open_attempt(classroom, student):
    assignment = AssignmentFactory(classroom=classroom)
    ExtendedQuestionFactory(assessment=assignment.assessment)
    return AttemptFactory(assignment=assignment, student=student)


def autosave(client, attempt, response, **data):
    return client.post(
        reverse("assessments:autosave", args=[attempt.pk, response.pk]),
        json.dumps({"version": response.version, **data}),
        content_type="application/json",
    )


def test_overlong_answer_is_refused_with_413_and_a_message(client_for, student, open_attempt):
    response = open_attempt.responses.get()

    reply = autosave(client_for(student), open_attempt, response, text="x" * (MAX_ANSWER_CHARS + 1))

    response.refresh_from_db()
    assert reply.status_code == 413
    assert reply.json()["error"] == "too_long"
    assert "the limit is 50,000" in reply.json()["message"]
    assert response.text == ""


def test_oversized_request_body_is_refused_before_parsing(client_for, student, open_attempt):
    response = open_attempt.responses.get()

    reply = autosave(client_for(student), open_attempt, response, text="é" * 200_000)

    assert reply.status_code == 413


def test_oversized_roster_upload_is_refused(client_for, teacher, classroom):
    big = b"username,first_name,last_name\n" + b"a,b,c\n" * 200_000
    upload = SimpleUploadedFile("roster.csv", big, content_type="text/csv")
    before = User.objects.count()

    reply = client_for(teacher).post(
        reverse("accounts:roster_upload", args=[classroom.pk]), {"file": upload}
    )

    assert reply.status_code == 200
    assert "The file is larger than 1 MB." in reply.content.decode()
    assert 'name="payload"' not in reply.content.decode()
    assert User.objects.count() == before


# --- forged ids --------------------------------------------------------------------------------


def test_autosave_to_another_students_response_is_404(
    client_for, student, other_student, other_classroom, open_attempt
):
    assignment = AssignmentFactory(classroom=other_classroom)
    ExtendedQuestionFactory(assessment=assignment.assessment)
    theirs = AttemptFactory(assignment=assignment, student=other_student)
    their_response = theirs.responses.get()
    client = client_for(student)

    direct = autosave(client, theirs, their_response, text="overwritten")
    # Own attempt id in the URL, someone else's response id: still not theirs to write.
    mixed = client.post(
        reverse("assessments:autosave", args=[open_attempt.pk, their_response.pk]),
        json.dumps({"version": 0, "text": "overwritten"}),
        content_type="application/json",
    )

    their_response.refresh_from_db()
    assert (direct.status_code, mixed.status_code) == (404, 404)
    assert their_response.text == ""


def test_marking_a_response_of_another_teachers_class_is_404(
    client_for, teacher, classroom, other_classroom, other_student
):
    mine = AssignmentFactory(classroom=classroom)
    ExtendedQuestionFactory(assessment=mine.assessment)
    theirs = AssignmentFactory(classroom=other_classroom)
    ExtendedQuestionFactory(assessment=theirs.assessment)
    attempt = AttemptFactory(assignment=theirs, student=other_student, submitted=True)
    response = attempt.responses.get()

    reply = client_for(teacher).post(
        reverse("assessments:mark_response", args=[mine.pk, response.pk]),
        {"score": 1, "comment": "forged"},
    )

    assert reply.status_code == 404
    assert not Mark.objects.filter(response=response).exists()


# --- closed work and double submission ------------------------------------------------------


def test_saving_after_the_deadline_is_refused(client_for, student, open_attempt):
    open_attempt.deadline_at = timezone.now() - timedelta(hours=1)
    open_attempt.save()
    response = open_attempt.responses.get()

    reply = autosave(client_for(student), open_attempt, response, text="too late")

    response.refresh_from_db()
    assert reply.status_code == 403
    assert reply.json()["error"] == "closed"
    assert response.text == ""


def test_starting_after_the_close_time_is_refused(client_for, student, classroom):
    opened = timezone.now() - timedelta(days=10)
    assignment = AssignmentFactory(
        classroom=classroom,
        opens_at=opened,
        due_at=opened + timedelta(days=1),
        closes_at=opened + timedelta(days=2),
    )
    ExtendedQuestionFactory(assessment=assignment.assessment)

    reply = client_for(student).post(reverse("assessments:attempt_start", args=[assignment.pk]))

    assert reply.status_code == 302
    assert not Attempt.objects.filter(assignment=assignment).exists()


def test_submitting_an_already_submitted_attempt_changes_nothing(client_for, student, hostile):
    attempt = hostile["attempt"]
    attempt.submitted_at = timezone.now() - timedelta(minutes=5)
    attempt.save()

    reply = client_for(student).post(reverse("assessments:attempt_submit", args=[attempt.pk]))

    fresh = Attempt.objects.get(pk=attempt.pk)
    assert reply.status_code == 302
    assert fresh.submitted_at == attempt.submitted_at


def test_double_submission_submits_once(client_for, student, open_attempt):
    client = client_for(student)
    url = reverse("assessments:attempt_submit", args=[open_attempt.pk])

    first, second = client.post(url), client.post(url)

    attempts = Attempt.objects.filter(student=student, assignment=open_attempt.assignment)
    submitted_at = attempts.get().submitted_at
    assert (first.status_code, second.status_code) == (302, 302)
    assert attempts.count() == 1
    assert attempts.get().status == Attempt.Status.SUBMITTED
    client.post(url)
    assert attempts.get().submitted_at == submitted_at
