import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from lessons.models import LessonItem, Unit
from tests.factories import (
    ClassroomFactory,
    ContextItemFactory,
    DocumentFactory,
    EnrolmentFactory,
    ExcerptFactory,
    LessonFactory,
    PublishedUnitFactory,
    SourceItemFactory,
    TeacherFactory,
    UnitFactory,
)


@pytest.mark.parametrize(
    ("kind", "field", "message"),
    [
        ("source", "excerpt", "A source needs an excerpt"),
        ("context", "body", "A context note needs some text"),
        ("document", "document", "A background item needs a document"),
        ("assessment", "assessment", "An assessment item needs an assessment"),
    ],
)
def test_item_clean_requires_what_its_kind_shows(lesson, kind, field, message):
    item = LessonItem(lesson=lesson, kind=kind, body="   " if kind == "context" else "")
    with pytest.raises(ValidationError) as info:
        item.full_clean()
    assert field in info.value.message_dict
    assert message in info.value.message_dict[field][0]


def test_item_clean_accepts_a_complete_item_of_each_kind(lesson):
    LessonItem(
        lesson=lesson, kind="source", label="Source A", excerpt=ExcerptFactory()
    ).full_clean()
    LessonItem(lesson=lesson, kind="context", body="Some *context*.").full_clean()
    LessonItem(lesson=lesson, kind="document", document=DocumentFactory()).full_clean()


def test_item_labels_are_unique_within_a_lesson(lesson):
    SourceItemFactory(lesson=lesson, label="Source A")
    duplicate = LessonItem(lesson=lesson, kind="source", label="Source A", excerpt=ExcerptFactory())
    with pytest.raises(ValidationError) as info:
        duplicate.full_clean()
    assert "Each label can be used only once in a lesson." in info.value.messages


def test_item_label_is_stripped_before_the_uniqueness_check(lesson):
    SourceItemFactory(lesson=lesson, label="Source A")
    duplicate = LessonItem(lesson=lesson, kind="context", label=" Source A ", body="x")
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_item_label_may_repeat_in_another_lesson_and_blank_labels_repeat(lesson):
    SourceItemFactory(lesson=lesson, label="Source A")
    LessonItem(
        lesson=LessonFactory(unit=lesson.unit),
        kind="source",
        label="Source A",
        excerpt=ExcerptFactory(),
    ).full_clean()
    ContextItemFactory(lesson=lesson, label="")
    LessonItem(lesson=lesson, kind="context", label="", body="Another note").full_clean()


def test_item_label_uniqueness_is_enforced_by_the_database(lesson):
    SourceItemFactory(lesson=lesson, label="Source A")
    with pytest.raises(IntegrityError):
        SourceItemFactory(lesson=lesson, label="Source A")


def test_visible_to_student_only_published_units_given_to_their_classes(
    student, classroom, other_classroom
):
    given = PublishedUnitFactory(classrooms=[classroom])
    PublishedUnitFactory(classrooms=[other_classroom])  # another class's
    UnitFactory(classrooms=[classroom])  # a draft
    PublishedUnitFactory()  # given to no class
    assert list(Unit.objects.visible_to(student)) == [given]


def test_visible_to_student_in_two_classes_lists_a_unit_once(student, classroom):
    second = ClassroomFactory()
    EnrolmentFactory(classroom=second, student=student)
    unit = PublishedUnitFactory(classrooms=[classroom, second])
    assert list(Unit.objects.visible_to(student)) == [unit]


def test_visible_to_teacher_authored_units_and_published_units_of_taught_classes(
    teacher, classroom
):
    owned_draft = UnitFactory(owner=teacher, title="A owned draft")
    co_authored = UnitFactory(co_authors=[teacher], title="B co-authored draft")
    colleague = TeacherFactory()
    given = PublishedUnitFactory(owner=colleague, classrooms=[classroom], title="C given")
    UnitFactory(owner=colleague, classrooms=[classroom], title="D given draft")
    PublishedUnitFactory(owner=colleague, title="E elsewhere")
    classroom.co_teachers.add(colleague)
    assert list(Unit.objects.visible_to(teacher)) == [owned_draft, co_authored, given]


def test_visible_to_co_teacher_of_a_class(teacher, classroom, other_teacher):
    classroom.co_teachers.add(other_teacher)
    unit = PublishedUnitFactory(owner=teacher, classrooms=[classroom])
    assert list(Unit.objects.visible_to(other_teacher)) == [unit]


def test_visible_to_superuser_everything(admin_user):
    units = [UnitFactory(title="A"), PublishedUnitFactory(title="B")]
    assert list(Unit.objects.visible_to(admin_user)) == units


def test_editable_by_owner_and_co_authors_only(teacher, other_teacher):
    owned = UnitFactory(owner=teacher)
    shared = UnitFactory(owner=other_teacher, co_authors=[teacher])
    UnitFactory(owner=other_teacher)
    assert set(Unit.objects.editable_by(teacher)) == {owned, shared}
    assert owned.is_editable_by(teacher)
    assert shared.is_editable_by(teacher)
    assert not owned.is_editable_by(other_teacher)
