from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from lessons.models import LessonVisit
from tests.factories import (
    AssessmentItemFactory,
    AssignmentFactory,
    AttemptFactory,
    ClassroomFactory,
    ContextItemFactory,
    DocumentFactory,
    DocumentItemFactory,
    EnrolmentFactory,
    ExcerptFactory,
    ExtensionFactory,
    LessonFactory,
    LessonVisitFactory,
    PublishedUnitFactory,
    SourceItemFactory,
    UnitFactory,
)


def unit_url(unit):
    return reverse("lessons:unit", args=[unit.pk])


def lesson_url(lesson):
    return reverse("lessons:lesson", args=[lesson.unit_id, lesson.pk])


# --- Who may open what --------------------------------------------------------------------------


def test_pages_need_a_login(client, lesson):
    for url in [reverse("lessons:unit_list"), unit_url(lesson.unit), lesson_url(lesson)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_student_sees_units_given_to_their_class(client_for, student, lesson, other_lesson):
    client = client_for(student)
    page = client.get(reverse("lessons:unit_list")).content.decode()
    assert lesson.unit.title in page
    assert other_lesson.unit.title not in page
    assert client.get(unit_url(lesson.unit)).status_code == 200
    assert client.get(lesson_url(lesson)).status_code == 200


def test_student_cannot_open_a_unit_not_given_to_their_class(client_for, student, other_lesson):
    client = client_for(student)
    assert client.get(unit_url(other_lesson.unit)).status_code == 404
    assert client.get(lesson_url(other_lesson)).status_code == 404


def test_student_cannot_open_a_draft_unit_given_to_their_class(client_for, student, classroom):
    draft = UnitFactory(classrooms=[classroom], title="Not ready yet")
    draft_lesson = LessonFactory(unit=draft)
    client = client_for(student)
    assert "Not ready yet" not in client.get(reverse("lessons:unit_list")).content.decode()
    assert client.get(unit_url(draft)).status_code == 404
    assert client.get(lesson_url(draft_lesson)).status_code == 404


def test_outsider_sees_nothing(client_for, outsider, lesson):
    client = client_for(outsider)
    assert lesson.unit.title not in client.get(reverse("lessons:unit_list")).content.decode()
    assert client.get(unit_url(lesson.unit)).status_code == 404
    assert client.get(lesson_url(lesson)).status_code == 404


def test_lesson_of_another_unit_in_the_url_is_a_404(client_for, student, lesson, other_lesson):
    url = reverse("lessons:lesson", args=[lesson.unit_id, other_lesson.pk])
    assert client_for(student).get(url).status_code == 404


def test_teacher_cannot_see_another_teachers_unit(client_for, other_teacher, lesson):
    client = client_for(other_teacher)
    assert lesson.unit.title not in client.get(reverse("lessons:unit_list")).content.decode()
    assert client.get(unit_url(lesson.unit)).status_code == 404
    assert client.get(lesson_url(lesson)).status_code == 404


def test_co_teacher_of_the_class_can_read_the_unit(client_for, other_teacher, classroom, lesson):
    classroom.co_teachers.add(other_teacher)
    client = client_for(other_teacher)
    assert lesson.unit.title in client.get(reverse("lessons:unit_list")).content.decode()
    assert client.get(lesson_url(lesson)).status_code == 200


def test_owner_and_co_author_can_read_a_draft(client_for, teacher, other_teacher):
    draft = UnitFactory(owner=teacher, co_authors=[other_teacher], title="Work in progress")
    draft_lesson = LessonFactory(unit=draft)
    for user in (teacher, other_teacher):
        client = client_for(user)
        page = client.get(unit_url(draft)).content.decode()
        assert "Work in progress" in page
        assert "Draft" in page
        assert client.get(lesson_url(draft_lesson)).status_code == 200


# --- What the pages show ------------------------------------------------------------------------


def test_unit_list_shows_progress_and_the_students_class(client_for, student, lesson, classroom):
    LessonFactory(unit=lesson.unit, position=1)
    LessonVisitFactory(lesson=lesson, student=student)
    page = client_for(student).get(reverse("lessons:unit_list")).content.decode()
    assert "1 of 2 lessons read" in page
    assert classroom.name in page
    assert lesson.unit.enquiry_question in page


def test_unit_list_for_a_student_without_units(client_for, outsider):
    page = client_for(outsider).get(reverse("lessons:unit_list")).content.decode()
    assert "Your teachers have not given your classes a unit yet." in page


def test_unit_page_shows_enquiry_summary_lessons_and_progress(client_for, student, lesson):
    second = LessonFactory(unit=lesson.unit, position=1, title="1920: secession")
    LessonVisitFactory(lesson=lesson, student=student)
    response = client_for(student).get(unit_url(lesson.unit))
    page = response.content.decode()
    assert lesson.unit.enquiry_question in page
    assert "<strong>carefully</strong>" in page  # the summary is Markdown
    assert page.index(lesson.title) < page.index(second.title)
    assert "1 of 2 lessons read" in page
    assert '<progress id="unit-progress" class="unit-progress" max="2" value="1">' in page
    assert [lesson.visited for lesson in response.context["lessons"]] == [True, False]


def test_lesson_page_shows_a_source_card_with_provenance(client_for, student, lesson):
    document = DocumentFactory(
        title="Telegram to Lenin",
        display_title="Telegram to Lenin",
        date_display="July 7, 1918",
        origin="First published in Pravda, No. 1, 1918",
        authors=["J. V. Stalin", "K. Voroshilov"],
    )
    excerpt = ExcerptFactory(document=document, end=len(document.text))
    SourceItemFactory(
        lesson=lesson, label="Source A", caption="Sent from Tsaritsyn.", excerpt=excerpt
    )
    page = client_for(student).get(lesson_url(lesson)).content.decode()
    assert '<h2 class="h5 mb-0" id="item-' in page
    assert ">Source A</h2>" in page
    assert "Sent from Tsaritsyn." in page
    assert "<p>The situation in the south is grave.</p>" in page  # paragraphs kept
    assert "<p>We shall not let the enemy through.</p>" in page
    assert "J. V. Stalin, K. Voroshilov" in page
    assert "July 7, 1918" in page
    assert "Telegram · primary source" in page
    assert "First published in Pravda, No. 1, 1918" in page
    assert f'href="{document.get_absolute_url()}#excerpt-{excerpt.pk}"' in page
    assert "Learner notes — check against the sources" not in page


def test_lesson_page_renders_context_notes_as_sanitised_markdown(client_for, student, lesson):
    ContextItemFactory(
        lesson=lesson,
        label="Context",
        body="The **Rada** <script>alert(1)</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    )
    page = client_for(student).get(lesson_url(lesson)).content.decode()
    assert "<strong>Rada</strong>" in page
    assert "alert(1)" not in page
    assert '<table class="table table-sm table-bordered">' in page


def test_lesson_page_badges_learner_notes(client_for, student, lesson):
    card = DocumentFactory(
        title="Stalin's Rise to Power 1924-9",
        display_title="Stalin's Rise to Power 1924-9",
        kind="revision_card",
        category="learner_notes",
        card_number=26,
        text="October Revolution and Civil War\n\n• Stalin returned to Petrograd in March 1917",
    )
    DocumentItemFactory(lesson=lesson, document=card)
    page = client_for(student).get(lesson_url(lesson)).content.decode()
    assert "Learner notes — check against the sources" in page
    assert "Stalin&#x27;s Rise to Power 1924-9 (card 26)" in page
    assert "Stalin returned to Petrograd in March 1917" in page


def _assessment_item_html(page: str) -> str:
    start = page.index('data-testid="assessment-item"')
    return page[start : page.index("</section>", start)]


def test_lesson_page_assessment_not_set_to_the_class_has_no_link(
    client_for, student, lesson, other_classroom
):
    item = AssessmentItemFactory(lesson=lesson)
    AssignmentFactory(assessment=item.assessment, classroom=other_classroom)  # not sam's class

    html = _assessment_item_html(client_for(student).get(lesson_url(lesson)).content.decode())

    assert item.assessment.title in html
    assert "Not set to your class yet." in html
    assert "href=" not in html
    assert "<form" not in html


def test_lesson_page_assessment_starts_the_students_own_assignment(
    client_for, student, lesson, classroom
):
    item = AssessmentItemFactory(lesson=lesson)
    assignment = AssignmentFactory(assessment=item.assessment, classroom=classroom)
    client = client_for(student)

    html = _assessment_item_html(client.get(lesson_url(lesson)).content.decode())
    start = reverse("assessments:attempt_start", args=[assignment.pk])
    assert f'<form method="post" action="{start}">' in html
    assert f'>Start<span class="visually-hidden"> {item.assessment.title}</span>' in html
    assert "Due " in html
    response = client.post(start)

    attempt = Attempt.objects.get(assignment=assignment, student=student)
    assert response["Location"] == attempt.get_absolute_url()


@pytest.mark.parametrize(
    ("submitted", "released", "action"),
    [(False, False, "Continue"), (True, False, "View answers"), (True, True, "See feedback")],
)
def test_lesson_page_assessment_links_to_the_students_attempt(
    client_for, student, lesson, classroom, submitted, released, action
):
    item = AssessmentItemFactory(lesson=lesson)
    assignment = AssignmentFactory(
        assessment=item.assessment,
        classroom=classroom,
        released_at=timezone.now() if released else None,
    )
    attempt = AttemptFactory(assignment=assignment, student=student, submitted=submitted)

    html = _assessment_item_html(client_for(student).get(lesson_url(lesson)).content.decode())

    url = (
        reverse("assessments:feedback", args=[attempt.pk])
        if released
        else attempt.get_absolute_url()
    )
    assert f'href="{url}">{action}<span' in html
    assert "<form" not in html


def test_lesson_page_assessment_not_open_yet_cannot_be_started(
    client_for, student, lesson, classroom
):
    item = AssessmentItemFactory(lesson=lesson)
    AssignmentFactory(
        assessment=item.assessment,
        classroom=classroom,
        opens_at=timezone.now() + timedelta(days=1),
    )

    html = _assessment_item_html(client_for(student).get(lesson_url(lesson)).content.decode())

    assert "Opens " in html
    assert "Not open yet." in html
    assert "<form" not in html


def test_lesson_page_links_previous_and_next_lessons(client_for, student, lesson):
    second = LessonFactory(unit=lesson.unit, position=1, title="Second lesson")
    third = LessonFactory(unit=lesson.unit, position=2, title="Third lesson")
    page = client_for(student).get(lesson_url(second)).content.decode()
    assert "Lesson 2 of 3" in page
    assert f'href="{lesson_url(lesson)}" rel="prev"' in page
    assert f'href="{lesson_url(third)}" rel="next"' in page


def test_lesson_page_records_a_students_visit_but_not_a_teachers(
    client_for, student, teacher, lesson
):
    client_for(teacher).get(lesson_url(lesson))
    assert not LessonVisit.objects.exists()
    client_for(student).get(lesson_url(lesson))
    client_for(student).get(lesson_url(lesson))
    assert list(LessonVisit.objects.values_list("lesson", "student")) == [(lesson.pk, student.pk)]


# --- Query counts: the same literal for small and large ---------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_unit_list_query_count(client_for, django_assert_num_queries, student, classroom, count):
    second = ClassroomFactory()
    EnrolmentFactory(classroom=second, student=student)
    for _ in range(count):
        unit = PublishedUnitFactory(classrooms=[classroom, second])
        LessonVisitFactory(lesson=LessonFactory(unit=unit), student=student)
        LessonFactory(unit=unit)
    client = client_for(student)
    with django_assert_num_queries(3):  # user, units with counts, the student's classes
        response = client.get(reverse("lessons:unit_list"))
    assert response.content.decode().count("1 of 2 lessons read") == count


@pytest.mark.parametrize("count", [3, 30])
def test_unit_list_query_count_for_a_teacher(
    client_for, django_assert_num_queries, teacher, classroom, count
):
    for _ in range(count):
        LessonFactory(unit=PublishedUnitFactory(owner=teacher, classrooms=[classroom]))
    client = client_for(teacher)
    with django_assert_num_queries(3):
        response = client.get(reverse("lessons:unit_list"))
    assert response.content.decode().count('class="card mb-3 unit-card"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_unit_page_query_count(client_for, django_assert_num_queries, student, unit, count):
    for position in range(count):
        lesson = LessonFactory(unit=unit, position=position)
        SourceItemFactory(lesson=lesson)
        LessonVisitFactory(lesson=lesson, student=student)
    client = client_for(student)
    with django_assert_num_queries(3):  # user, unit, lessons with visits and item counts
        response = client.get(unit_url(unit))
    assert response.content.decode().count(">Read</span>") == count


@pytest.mark.parametrize("count", [1, 3])
def test_lesson_page_query_count(
    client_for, django_assert_num_queries, student, lesson, classroom, count
):
    for _ in range(count):
        SourceItemFactory(lesson=lesson)
        ContextItemFactory(lesson=lesson)
        DocumentItemFactory(lesson=lesson)
        AssessmentItemFactory(lesson=lesson)  # not set to the class
        set_once = AssessmentItemFactory(lesson=lesson).assessment
        AssignmentFactory(assessment=set_once, classroom=classroom)
        started = AssessmentItemFactory(lesson=lesson).assessment
        assignment = AssignmentFactory(assessment=started, classroom=classroom)
        AttemptFactory(assignment=assignment, student=student)
        ExtensionFactory(assignment=assignment, student=student, extra_minutes=10)
    client = client_for(student)
    # user, lesson, visit, items, excerpts' authors, documents' authors, sibling lessons, the
    # student's assignments of the lesson's assessments, their extensions, their attempts
    with django_assert_num_queries(10):
        response = client.get(lesson_url(lesson))
    page = response.content.decode()
    assert page.count('class="card lesson-item') == 6 * count
    assert page.count("Not set to your class yet.") == count
    assert page.count(">Start<span") == count
    assert page.count(">Continue<span") == count
