"""Hostile input: script payloads render inert, formulas are neutralised in exports, limits
hold, forged ids are refused, closed work stays closed, double submission submits once."""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.autosave import MAX_ANSWER_CHARS
from assessments.models import (
    Attempt,
    CommentBankEntry,
    Mark,
    MarkChange,
    SecondMark,
    SecondMarking,
)
from tests.factories import (
    AssessmentFactory,
    AssessmentItemFactory,
    AssignmentFactory,
    AttemptFactory,
    ContextItemFactory,
    DocumentFactory,
    EnrolmentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    ExtensionFactory,
    GridQuestionFactory,
    LessonFactory,
    PublishedUnitFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
    SourceItemFactory,
    StudentFactory,
    TeacherFactory,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
MD_LINK = "[click me](javascript:alert(1))"
FORMULA = '=HYPERLINK("http://evil.example","x")'


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run: event-handler attributes, javascript: URLs and
    scripts carrying the payload (a json_script block is data, not code)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_type = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            url = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and url.startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._script_type = dict(attrs).get("type") or "text/javascript"

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_type = None

    def handle_data(self, data):
        if self._script_type and "json" not in self._script_type and "alert(1)" in data:
            self.found.append(f"<script>{data[:60]}</script>")


def assert_inert(html: str):
    """No payload survives as markup: no script element, no event handler, no js: link."""
    assert SCRIPT not in html
    assert "<img src=x onerror" not in html
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    assert parser.found == []


def escaped(label: str) -> str:
    """How `label` + SCRIPT reads in a page once escaped: proof the field is on the page."""
    return f"{label} &lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(teacher, student, classroom):
    """Payloads in every field a teacher or a student can write that others then see.

    Each field gets its own label ("Prompt", "Descriptor", ...) before the payload, so a test
    can check the field really is on the page it calls inert (see `escaped`).
    """
    classroom.name = f"12A {PAYLOAD}"
    classroom.save()
    student.first_name, student.last_name = f"Sam{SCRIPT}", IMG
    student.save()
    unit = PublishedUnitFactory(
        owner=teacher,
        classrooms=[classroom],
        title=f"Unit {PAYLOAD}",
        summary=f"Summary {PAYLOAD}\n\n{MD_LINK}",
        enquiry_question=f"Enquiry {PAYLOAD}",
    )
    lesson = LessonFactory(
        unit=unit, title=f"Lesson {PAYLOAD}", introduction=f"Introduction {PAYLOAD}\n\n{MD_LINK}"
    )
    # A file name is whatever the uploader called the file.
    document = DocumentFactory(
        title=f"Doc {PAYLOAD}", display_title=f"Doc {PAYLOAD}", source_file=f"File {PAYLOAD}.txt"
    )
    excerpt = ExcerptFactory(
        document=document, label=f"Label {IMG}", caption=f"Excerpt caption {PAYLOAD}"
    )
    SourceItemFactory(lesson=lesson, caption=f"Caption {PAYLOAD}", label="Source A")
    SourceItemFactory(lesson=lesson, excerpt=excerpt, caption="", label=f"Item {IMG}")
    ContextItemFactory(lesson=lesson, body=f"Context {PAYLOAD}\n\n{MD_LINK}")

    assessment = AssessmentFactory(
        owner=teacher,
        title=f"Paper {PAYLOAD}",
        instructions=f"Instructions {PAYLOAD}\n\n{MD_LINK}",
    )
    AssessmentItemFactory(lesson=lesson, assessment=assessment)
    question = ExtendedQuestionFactory(
        assessment=assessment, position=0, prompt=f"Prompt {PAYLOAD}\n\n{MD_LINK}"
    )
    question.levels.update(descriptor=f"Descriptor {PAYLOAD} {MD_LINK}")
    QuestionSourceFactory(question=question, excerpt=excerpt, label=f"Q {IMG}")
    choice_question = SingleChoiceQuestionFactory(
        assessment=assessment,
        position=1,
        prompt=f"Choose {PAYLOAD}",
        choices=[f"Choice {PAYLOAD}", "Plain choice"],
    )
    grid_question = GridQuestionFactory(assessment=assessment, position=2, prompt="Grid")
    QuestionSourceFactory(question=grid_question, excerpt=excerpt, label="A")
    QuestionSourceFactory(question=grid_question, excerpt=ExcerptFactory(), label="B")
    grid_question.claims.filter(position=0).update(text=f"Claim {PAYLOAD}")

    assignment = AssignmentFactory(classroom=classroom, assessment=assessment)
    ExtensionFactory(assignment=assignment, student=student, reason=f"Reason {PAYLOAD}")
    attempt = AttemptFactory(assignment=assignment, student=student, submitted=True)
    response = attempt.responses.get(question=question)
    response.text = f"{FORMULA} {PAYLOAD} {MD_LINK}"
    response.save()
    now = timezone.now()
    level = question.levels.get(number=1)
    Mark.objects.create(
        response=response,
        score=3,
        level=level,
        comment=f"{FORMULA} Comment {PAYLOAD} {MD_LINK}",
        marker=teacher,
        marked_at=now,
    )
    MarkChange.objects.create(
        response=response,
        changed_by=teacher,
        changed_at=now,
        new_score=3,
        new_level=1,
        reason=f"Change {PAYLOAD}",
    )
    choice_response = attempt.responses.get(question=choice_question)
    choice_response.auto_score = 0
    choice_response.save()
    Mark.objects.create(
        response=choice_response,
        score=1,
        comment="",
        marker=teacher,
        marked_at=now,
        is_override=True,
        override_reason=f"Override {PAYLOAD}",
    )
    MarkChange.objects.create(
        response=choice_response,
        kind=MarkChange.Kind.OVERRIDE,
        changed_by=teacher,
        changed_at=now,
        old_score=0,
        new_score=1,
        reason=f"Override {PAYLOAD}",
    )
    CommentBankEntry.objects.create(
        owner=teacher, question=question, level_number=1, text=f"Bank {PAYLOAD} {MD_LINK}"
    )
    co_teacher = TeacherFactory(username="carol", first_name="Carol")
    classroom.co_teachers.add(co_teacher)
    second = SecondMarking.objects.create(
        assignment=assignment,
        question=question,
        requested_by=teacher,
        second_marker=co_teacher,
        completed_at=now,
    )
    second.responses.add(response)
    SecondMark.objects.create(
        request=second,
        response=response,
        level=level,
        score=4,
        comment=f"Second {PAYLOAD} {MD_LINK}",
        marked_at=now,
    )
    attempt.feedback_released_at = now
    attempt.save()
    # The same paper set again as practice, and the student half-way through it.
    practice = AssignmentFactory(classroom=classroom, assessment=assessment)
    open_attempt = AttemptFactory(assignment=practice, student=student)
    open_attempt.responses.filter(question=question).update(text=f"Draft {PAYLOAD} {MD_LINK}")
    return {
        "unit": unit,
        "lesson": lesson,
        "document": document,
        "excerpt": excerpt,
        "assessment": assessment,
        "assignment": assignment,
        "attempt": attempt,
        "response": response,
        "choice_response": choice_response,
        "second_marking": second,
        "open_attempt": open_attempt,
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


def shows(html: str, label: str) -> bool:
    """The field labelled `label` is on the page, its payload escaped (plain text) or with its
    markup stripped (Markdown, where the sanitiser drops the tags and escapes the rest)."""
    return any(
        form in html
        for form in (escaped(label), f'{label} "&gt;', f"{label} &quot;&gt;&lt;img src=x")
    )


# (who, screen, fields that screen shows): every seeded field is checked on a page that shows it.
FIELD_PAGES = [
    (
        "student",
        "attempt_in_progress",
        ["Paper", "Instructions", "Prompt", "Choose", "Choice", "Claim", "Excerpt caption", "Q"],
    ),
    ("student", "attempt_submitted", ["Paper", "Excerpt caption"]),
    ("student", "feedback", ["Paper", "Descriptor", "Comment"]),
    ("student", "my_work", ["Paper"]),
    ("student", "my_progress", ["Paper"]),
    ("student", "unit", ["Unit", "Enquiry", "Summary", "Lesson"]),
    ("student", "unit_list", ["Unit", "Enquiry"]),
    ("student", "lesson", ["Lesson", "Introduction", "Caption", "Item", "Context", "Paper"]),
    ("student", "document", ["Doc", "File", "Excerpt caption"]),
    ("teacher", "assignment_teacher", ["Paper", "Reason"]),
    ("teacher", "marking", ["Paper"]),
    ("teacher", "mark_response", ["Prompt", "Descriptor", "Change", "Bank", "Comment"]),
    ("teacher", "mark_choice_response", ["Choose", "Override"]),
    ("teacher", "second_marking", ["Paper", "Second", "Comment"]),
    ("teacher", "class_overview", ["Paper"]),
    ("teacher", "class_skills", ["Paper"]),
    ("teacher", "student_skills", ["Paper"]),
    ("teacher", "assignment_results", ["Paper", "Prompt", "Choose"]),
    ("teacher", "assignment_sources", ["Paper", "Doc"]),
    ("teacher", "student_progress", ["Paper"]),
    ("teacher", "assessment_preview", ["Paper", "Choice", "Claim", "Excerpt caption"]),
    ("teacher", "unit_preview", ["Unit", "Enquiry", "Lesson"]),
    ("teacher", "lesson_preview", ["Lesson", "Caption", "Paper"]),
    ("teacher", "assessment_admin", ["Paper", "Instructions", "Prompt", "Choose"]),
]


def hostile_url(name: str, hostile, classroom, student) -> str:
    a = hostile["assignment"]
    return {
        "attempt_in_progress": lambda: reverse(
            "assessments:attempt", args=[hostile["open_attempt"].pk]
        ),
        "attempt_submitted": lambda: reverse("assessments:attempt", args=[hostile["attempt"].pk]),
        "feedback": lambda: reverse("assessments:feedback", args=[hostile["attempt"].pk]),
        "my_work": lambda: reverse("assessments:my_work"),
        "my_progress": lambda: reverse("assessments:my_progress"),
        "unit": lambda: reverse("lessons:unit", args=[hostile["unit"].pk]),
        "unit_list": lambda: reverse("lessons:unit_list"),
        "lesson": lambda: reverse(
            "lessons:lesson", args=[hostile["unit"].pk, hostile["lesson"].pk]
        ),
        "document": lambda: reverse("archive:document", args=[hostile["document"].pk]),
        "assignment_teacher": lambda: reverse("assessments:assignment_teacher", args=[a.pk]),
        "marking": lambda: reverse("assessments:marking", args=[a.pk]),
        "mark_response": lambda: reverse(
            "assessments:mark_response", args=[a.pk, hostile["response"].pk]
        ),
        "mark_choice_response": lambda: reverse(
            "assessments:mark_response", args=[a.pk, hostile["choice_response"].pk]
        ),
        "second_marking": lambda: reverse(
            "assessments:second_marking", args=[a.pk, hostile["second_marking"].pk]
        ),
        "class_overview": lambda: reverse("assessments:class_overview", args=[classroom.pk]),
        "class_skills": lambda: reverse("assessments:class_skills", args=[classroom.pk]),
        "student_skills": lambda: reverse(
            "assessments:student_skills", args=[classroom.pk, student.pk]
        ),
        "assignment_results": lambda: reverse("assessments:assignment_results", args=[a.pk]),
        "assignment_sources": lambda: reverse("assessments:assignment_sources", args=[a.pk]),
        "student_progress": lambda: reverse("assessments:student_progress", args=[student.pk]),
        "assessment_preview": lambda: reverse(
            "admin:assessments_assessment_preview", args=[hostile["assessment"].pk]
        ),
        "unit_preview": lambda: reverse("admin:lessons_unit_preview", args=[hostile["unit"].pk]),
        "lesson_preview": lambda: reverse(
            "admin:lessons_lesson_preview", args=[hostile["lesson"].pk]
        ),
        "assessment_admin": lambda: reverse(
            "admin:assessments_assessment_change", args=[hostile["assessment"].pk]
        ),
    }[name]()


@pytest.mark.parametrize(("who", "screen", "fields"), FIELD_PAGES)
def test_every_seeded_field_renders_inert(
    client_for, teacher, student, classroom, hostile, who, screen, fields
):
    user = {"student": student, "teacher": teacher}[who]

    response = client_for(user).get(hostile_url(screen, hostile, classroom, student))

    html = response.content.decode()
    assert response.status_code == 200
    assert [field for field in fields if not shows(html, field)] == []
    assert_inert(html)


def test_hostile_file_name_is_inert_in_the_import_report(admin_client):
    upload = SimpleUploadedFile(f"{IMG}.txt", b"\x00\x01 not a corpus", content_type="text/plain")

    response = admin_client.post(reverse("admin:archive_document_import"), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert_inert(html)


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
