import pytest
from django.core.exceptions import ValidationError

from lessons import services
from lessons.models import Lesson, LessonItem, LessonVisit, Unit
from tests.factories import (
    AssessmentItemFactory,
    ClassroomFactory,
    ContextItemFactory,
    DocumentItemFactory,
    LessonFactory,
    SourceItemFactory,
    UnitFactory,
)


def test_unit_publish_refuses_a_unit_without_lessons(teacher):
    unit = UnitFactory(owner=teacher, title="Empty")
    with pytest.raises(ValidationError) as info:
        services.unit_publish(unit=unit)
    assert info.value.messages == [
        "“Empty” has no lessons yet: a published unit needs at least one lesson."
    ]
    unit.refresh_from_db()
    assert unit.status == Unit.Status.DRAFT


def test_unit_publish_and_unpublish(teacher):
    unit = UnitFactory(owner=teacher)
    LessonFactory(unit=unit)
    services.unit_publish(unit=unit)
    unit.refresh_from_db()
    assert unit.status == Unit.Status.PUBLISHED
    services.unit_unpublish(unit=unit)
    unit.refresh_from_db()
    assert unit.status == Unit.Status.DRAFT


def test_unit_duplicate_is_a_deep_independent_copy(teacher, other_teacher, classroom):
    unit = UnitFactory(
        owner=teacher,
        title="Who made October?",
        status=Unit.Status.PUBLISHED,
        classrooms=[classroom],
        co_authors=[other_teacher],
    )
    first = LessonFactory(unit=unit, position=0, title="Peace or war?")
    second = LessonFactory(unit=unit, position=1, title="Remembering October")
    source = SourceItemFactory(lesson=first, position=0, label="Source A", caption="Minutes")
    ContextItemFactory(lesson=first, position=1, body="The *treaty*.")
    DocumentItemFactory(lesson=second, position=0)
    AssessmentItemFactory(lesson=second, position=1)

    copy = services.unit_duplicate(unit=unit, by=other_teacher)

    assert copy.pk != unit.pk
    assert copy.title == "Copy of Who made October?"
    assert copy.status == Unit.Status.DRAFT
    assert copy.owner == other_teacher
    assert list(copy.classrooms.all()) == []
    assert list(copy.co_authors.all()) == []
    assert [(lesson.title, lesson.position) for lesson in copy.lessons.order_by("position")] == [
        ("Peace or war?", 0),
        ("Remembering October", 1),
    ]
    original_items = LessonItem.objects.filter(lesson__unit=unit).order_by(
        "lesson__position", "position"
    )
    copied_items = LessonItem.objects.filter(lesson__unit=copy).order_by(
        "lesson__position", "position"
    )
    fields = ["kind", "position", "label", "caption", "body", "excerpt_id", "document_id"]
    assert [[getattr(i, f) for f in fields] for i in copied_items] == [
        [getattr(i, f) for f in fields] for i in original_items
    ]
    assert not set(copied_items.values_list("pk", flat=True)) & set(
        original_items.values_list("pk", flat=True)
    )

    # Editing the copy leaves the original alone.
    copied_first = copy.lessons.get(position=0)
    copied_first.title = "Changed"
    copied_first.save()
    copied_first.items.filter(label="Source A").update(caption="Changed caption")
    copied_first.items.filter(kind="context").delete()
    first.refresh_from_db()
    source.refresh_from_db()
    assert first.title == "Peace or war?"
    assert source.caption == "Minutes"
    assert first.items.count() == 2
    assert Lesson.objects.filter(unit=unit).count() == 2


def test_unit_duplicate_truncates_a_long_title(teacher):
    unit = UnitFactory(owner=teacher, title="x" * 200)
    copy = services.unit_duplicate(unit=unit, by=teacher)
    assert copy.title == ("Copy of " + "x" * 200)[:200]


def test_unit_give_to_classes_only_to_classes_the_teacher_teaches(
    teacher, classroom, other_classroom
):
    unit = UnitFactory(owner=teacher)
    assert services.unit_give_to_classes(unit=unit, classrooms=[classroom], by=teacher) == [
        classroom.pk
    ]
    assert services.unit_give_to_classes(unit=unit, classrooms=[classroom], by=teacher) == []
    with pytest.raises(ValidationError):
        services.unit_give_to_classes(unit=unit, classrooms=[other_classroom], by=teacher)
    assert list(unit.classrooms.all()) == [classroom]


def test_unit_set_classes_keeps_classes_the_editor_does_not_teach(
    teacher, other_teacher, classroom, other_classroom
):
    unit = UnitFactory(owner=other_teacher, co_authors=[teacher], classrooms=[other_classroom])
    second = ClassroomFactory(owner=teacher, name="12B History")
    services.unit_set_classes(unit=unit, classrooms=[classroom, second], by=teacher)
    assert set(unit.classrooms.all()) == {classroom, second, other_classroom}
    services.unit_set_classes(unit=unit, classrooms=[second], by=teacher)
    assert set(unit.classrooms.all()) == {second, other_classroom}


def test_lesson_and_item_create_append_at_the_end(teacher):
    unit = services.unit_create(owner=teacher, title="New", enquiry_question="Why?")
    first = services.lesson_create(unit=unit, title="One")
    second = services.lesson_create(unit=unit, title="Two")
    assert (unit.status, first.position, second.position) == (Unit.Status.DRAFT, 0, 1)
    note = services.lesson_item_create(lesson=first, kind="context", body="Hello")
    other = services.lesson_item_create(lesson=first, kind="context", body="Again")
    assert (note.position, other.position) == (0, 1)
    with pytest.raises(ValidationError):
        services.lesson_item_create(lesson=first, kind="source", label="Source A")


def test_lesson_visit_record_keeps_one_row_per_student_and_lesson(lesson, student):
    services.lesson_visit_record(lesson=lesson, student=student)
    first = LessonVisit.objects.get()
    services.lesson_visit_record(lesson=lesson, student=student)
    again = LessonVisit.objects.get()
    assert again.pk == first.pk
    assert again.first_visited_at == first.first_visited_at
    assert again.last_visited_at >= first.last_visited_at
