from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lessons import selectors, services
from lessons.models import Lesson, Unit
from lessons.permissions import get_lesson_for_user, get_unit_for_user


def student_lesson_url(lesson: Lesson) -> str:
    return lesson.get_absolute_url()


def unit_page_context(*, unit: Unit, user, lesson_url=student_lesson_url) -> dict:
    """What the unit page shows; the admin's student preview passes its own `lesson_url`."""
    lessons = list(selectors.unit_lessons(unit=unit, user=user))
    for lesson in lessons:
        lesson.page_url = lesson_url(lesson)
    return {
        "unit": unit,
        "lessons": lessons,
        "visited_count": sum(1 for lesson in lessons if lesson.visited),
        "can_edit": user.is_staff and unit.is_editable_by(user),
    }


def lesson_page_context(*, lesson: Lesson, lesson_url=student_lesson_url) -> dict:
    neighbours = selectors.lesson_neighbours(lesson=lesson)
    return {
        "unit": lesson.unit,
        "lesson": lesson,
        "items": selectors.lesson_items(lesson=lesson),
        "neighbours": neighbours,
        "previous_url": lesson_url(neighbours.previous) if neighbours.previous else "",
        "next_url": lesson_url(neighbours.next) if neighbours.next else "",
        "assessment_url": selectors.assessment_start_url(),
    }


@login_required
def unit_list(request):
    units = selectors.units_for_user(user=request.user)
    return render(request, "lessons/unit_list.html", {"units": units})


@login_required
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    return render(
        request, "lessons/unit_detail.html", unit_page_context(unit=unit, user=request.user)
    )


@login_required
def lesson_detail(request, unit_pk, pk):
    lesson = get_lesson_for_user(request.user, unit_pk, pk)
    if request.user.is_student:
        services.lesson_visit_record(lesson=lesson, student=request.user)
    return render(request, "lessons/lesson_detail.html", lesson_page_context(lesson=lesson))
