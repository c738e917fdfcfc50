from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessments.selectors_student import work_for_assessments
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


def lesson_page_context(*, lesson: Lesson, lesson_url=student_lesson_url, student=None) -> dict:
    """What the lesson page shows. With a `student`, each assessment item carries `work`: the
    student's assignment of it (a WorkItem), or None when it is not set to their class."""
    neighbours = selectors.lesson_neighbours(lesson=lesson)
    items = list(selectors.lesson_items(lesson=lesson))
    if student is not None:
        work = work_for_assessments(
            student=student,
            assessment_ids=[item.assessment_id for item in items if item.assessment_id],
        )
        for item in items:
            item.work = work.get(item.assessment_id)
    return {
        "unit": lesson.unit,
        "lesson": lesson,
        "items": items,
        "for_student": student is not None,
        "neighbours": neighbours,
        "previous_url": lesson_url(neighbours.previous) if neighbours.previous else "",
        "next_url": lesson_url(neighbours.next) if neighbours.next else "",
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
    student = request.user if request.user.is_student else None
    if student is not None:
        services.lesson_visit_record(lesson=lesson, student=student)
    return render(
        request, "lessons/lesson_detail.html", lesson_page_context(lesson=lesson, student=student)
    )
