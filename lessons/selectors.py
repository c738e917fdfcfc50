"""Reads for the unit and lesson pages, each a fixed number of queries however long the unit."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Classroom
from lessons.models import Lesson, LessonItem, LessonVisit, Unit


def _count(queryset, outer: str):
    """A correlated COUNT(*) subquery (no joins that multiply the outer rows)."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def my_classroom_ids(user):
    """The classes that make a unit "mine": attended by a student, taught by a teacher."""
    if user.is_student:
        return Classroom.objects.attended_by(user).values("pk")
    return Classroom.objects.taught_by(user).values("pk")


def units_for_user(*, user):
    """The "My units" list: units the user may read, with counts and the user's own classes.

    Each unit carries `lesson_count`, `visited_count` (lessons this user has opened) and
    `my_classes` (the unit's classes that the user attends or teaches). Two queries.
    """
    return (
        Unit.objects.visible_to(user)
        .select_related("owner")
        .annotate(
            lesson_count=_count(Lesson.objects.all(), "unit"),
            visited_count=_count(LessonVisit.objects.filter(student=user), "lesson__unit"),
        )
        .prefetch_related(
            Prefetch(
                "classrooms",
                queryset=Classroom.objects.filter(pk__in=my_classroom_ids(user)).order_by("name"),
                to_attr="my_classes",
            )
        )
        .order_by("title", "pk")
    )


def unit_lessons(*, unit: Unit, user):
    """The unit's lessons in order, each with `visited` (has this user opened it?). One query."""
    return unit.lessons.annotate(
        visited=Exists(LessonVisit.objects.filter(lesson=OuterRef("pk"), student=user)),
        item_count=_count(LessonItem.objects.all(), "lesson"),
    ).order_by("position", "pk")


def lesson_items(*, lesson: Lesson):
    """Everything the lesson page shows for its items.

    One query for the items with their excerpt, document, collection and assessment, plus one
    for the excerpts' authors and one for the documents' authors when the lesson has such items.
    """
    return (
        lesson.items.select_related(
            "excerpt__document__collection",
            "excerpt__adapted_from",
            "document__collection",
            "assessment",
        )
        .prefetch_related("excerpt__document__authors", "document__authors")
        .order_by("position", "pk")
    )


@dataclass(frozen=True)
class LessonNeighbours:
    previous: Lesson | None
    next: Lesson | None
    number: int
    total: int


def lesson_neighbours(*, lesson: Lesson) -> LessonNeighbours:
    """Previous and next lesson of the same unit, and "lesson 2 of 5". One query."""
    siblings = list(
        Lesson.objects.filter(unit_id=lesson.unit_id)
        .only("pk", "unit_id", "title", "position")
        .order_by("position", "pk")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == lesson.pk)
    return LessonNeighbours(
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(siblings) else None,
        number=index + 1,
        total=len(siblings),
    )
