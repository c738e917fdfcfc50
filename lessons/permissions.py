"""Object loaders for the unit and lesson pages: anyone who may not see the unit gets a 404."""

from django.shortcuts import get_object_or_404

from lessons.models import Lesson, Unit


def get_unit_for_user(user, pk) -> Unit:
    """A unit the user may read (UnitQuerySet.visible_to), owner loaded; else 404. One query."""
    return get_object_or_404(Unit.objects.visible_to(user).select_related("owner"), pk=pk)


def get_lesson_for_user(user, unit_pk, pk) -> Lesson:
    """A lesson of a unit the user may read, with its unit loaded; 404 otherwise. One query."""
    return get_object_or_404(
        Lesson.objects.select_related("unit").filter(
            unit__in=Unit.objects.visible_to(user).values("pk")
        ),
        unit_id=unit_pk,
        pk=pk,
    )


def can_edit_unit(user, unit: Unit) -> bool:
    """The admin's object-level rule: owner, co-author or superuser."""
    return user.is_active and user.is_staff and unit.is_editable_by(user)
