"""Writes to units, lessons and items. The admin, the demo loader and any future view call these."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import Classroom
from lessons.models import Lesson, LessonItem, LessonVisit, Unit

COPY_PREFIX = "Copy of "


@transaction.atomic
def unit_create(
    *, owner, title: str, enquiry_question: str, summary: str = "", level: str = Unit.Level.A_LEVEL
) -> Unit:
    """A new draft unit owned by `owner`."""
    unit = Unit(
        owner=owner,
        title=title,
        enquiry_question=enquiry_question,
        summary=summary,
        level=level,
        status=Unit.Status.DRAFT,
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_publish(*, unit: Unit) -> Unit:
    """Publish a unit: it then shows to the students of the classes it is given to.

    Raises ValidationError when the unit has no lesson. Publishing twice changes nothing.
    """
    if not unit.lessons.exists():
        raise ValidationError(
            f"“{unit.title}” has no lessons yet: a published unit needs at least one lesson."
        )
    if not unit.is_published:
        unit.status = Unit.Status.PUBLISHED
        unit.save(update_fields=["status", "updated_at"])
    return unit


@transaction.atomic
def unit_unpublish(*, unit: Unit) -> Unit:
    """Back to draft: students no longer see it (their visits are kept)."""
    if unit.is_published:
        unit.status = Unit.Status.DRAFT
        unit.save(update_fields=["status", "updated_at"])
    return unit


@transaction.atomic
def unit_duplicate(*, unit: Unit, by) -> Unit:
    """A deep, independent copy: "Copy of …", a draft owned by `by`, given to no class.

    Lessons and items are new rows (editing the copy never touches the original); the items
    point at the same archive excerpts, documents and assessments, which belong to no unit.
    Costs a fixed number of queries plus one insert per lesson.
    """
    max_title = Unit._meta.get_field("title").max_length
    copy = Unit.objects.create(
        owner=by,
        title=(COPY_PREFIX + unit.title)[:max_title],
        enquiry_question=unit.enquiry_question,
        summary=unit.summary,
        level=unit.level,
        status=Unit.Status.DRAFT,
    )
    items_by_lesson: dict[int, list[LessonItem]] = {}
    for item in LessonItem.objects.filter(lesson__unit=unit).order_by("position", "pk"):
        items_by_lesson.setdefault(item.lesson_id, []).append(item)
    new_items = []
    for lesson in unit.lessons.order_by("position", "pk"):
        new_lesson = Lesson.objects.create(
            unit=copy,
            position=lesson.position,
            title=lesson.title,
            introduction=lesson.introduction,
        )
        new_items.extend(
            LessonItem(
                lesson=new_lesson,
                position=item.position,
                kind=item.kind,
                label=item.label,
                caption=item.caption,
                body=item.body,
                excerpt_id=item.excerpt_id,
                document_id=item.document_id,
                assessment_id=item.assessment_id,
            )
            for item in items_by_lesson.get(lesson.pk, [])
        )
    LessonItem.objects.bulk_create(new_items)
    return copy


def _taught(by, classrooms: Iterable[Classroom]) -> set[int]:
    wanted = {c.pk for c in classrooms}
    allowed = set(
        Classroom.objects.taught_by(by).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise ValidationError("You can only give a unit to classes you teach.")
    return allowed


@transaction.atomic
def unit_give_to_classes(*, unit: Unit, classrooms: Iterable[Classroom], by) -> list[int]:
    """Give the unit to more classes (ones `by` teaches); return the pks newly added."""
    wanted = _taught(by, classrooms)
    current = set(unit.classrooms.values_list("pk", flat=True))
    added = sorted(wanted - current)
    unit.classrooms.add(*added)
    return added


@transaction.atomic
def unit_set_classes(*, unit: Unit, classrooms: Iterable[Classroom], by) -> None:
    """Make the unit's classes among those `by` teaches exactly `classrooms`.

    Classes `by` does not teach (a co-author's, say) are left as they are: a teacher can neither
    see nor remove them.
    """
    wanted = _taught(by, classrooms)
    mine = set(Classroom.objects.taught_by(by).values_list("pk", flat=True))
    current = set(unit.classrooms.values_list("pk", flat=True))
    unit.classrooms.remove(*((current & mine) - wanted))
    unit.classrooms.add(*(wanted - current))


@transaction.atomic
def lesson_create(*, unit: Unit, title: str, introduction: str = "") -> Lesson:
    """A lesson appended at the end of the unit."""
    last = unit.lessons.aggregate(last=Max("position"))["last"]
    lesson = Lesson(
        unit=unit,
        title=title,
        introduction=introduction,
        position=0 if last is None else last + 1,
    )
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def lesson_item_create(*, lesson: Lesson, kind: str, **fields) -> LessonItem:
    """An item appended at the end of the lesson; validated (see LessonItem.clean)."""
    last = lesson.items.aggregate(last=Max("position"))["last"]
    item = LessonItem(lesson=lesson, kind=kind, position=0 if last is None else last + 1, **fields)
    item.full_clean()
    item.save()
    return item


def lesson_visit_record(*, lesson: Lesson, student) -> None:
    """Note that a student opened a lesson. One query, whether or not it is the first visit."""
    LessonVisit.objects.bulk_create(
        [LessonVisit(lesson=lesson, student=student)],
        update_conflicts=True,
        unique_fields=["lesson", "student"],
        update_fields=["last_visited_at"],
    )
