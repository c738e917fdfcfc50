import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from lessons.models import Lesson, LessonItem, Unit
from tests.factories import (
    ClassroomFactory,
    ContextItemFactory,
    ExcerptFactory,
    LessonFactory,
    SourceItemFactory,
    UnitFactory,
)

# --- Smoke tests --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["admin:lessons_unit_changelist", "admin:lessons_lesson_changelist"]
)
def test_admin_changelists_and_search_render(admin_client, lesson, url_name):
    page = admin_client.get(reverse(url_name)).content.decode()
    assert lesson.unit.title in page
    found = admin_client.get(reverse(url_name), {"q": "Self-determination"}).content.decode()
    assert lesson.unit.title in found
    missing = admin_client.get(reverse(url_name), {"q": "no such words"}).content.decode()
    assert lesson.unit.title not in missing


def test_admin_unit_add_and_change_render(admin_client, lesson):
    add = admin_client.get(reverse("admin:lessons_unit_add"))
    assert add.status_code == 200
    assert "js/lessons_admin_order.js" in add.content.decode()
    change = admin_client.get(reverse("admin:lessons_unit_change", args=[lesson.unit.pk]))
    page = change.content.decode()
    assert lesson.title in page
    assert reverse("admin:lessons_unit_preview", args=[lesson.unit.pk]) in page
    assert reverse("admin:lessons_lesson_change", args=[lesson.pk]) in page


def test_admin_lesson_add_and_change_render(admin_client, lesson):
    SourceItemFactory(lesson=lesson, label="Source A")
    assert admin_client.get(reverse("admin:lessons_lesson_add")).status_code == 200
    change = admin_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    page = change.content.decode()
    assert "Source A" in page
    assert "js/lessons_admin_order.js" in page
    assert 'name="items-0-position"' in page
    assert re.search(r'<input type="hidden" name="items-0-position"', page)
    assert "admin/js/autocomplete.js" in page  # excerpts and documents are picked by search


# --- Scoping: teachers see their own units only ------------------------------------------------


def test_teacher_sees_only_units_they_own_or_co_author(
    client_for, teacher, other_teacher, lesson, other_lesson
):
    shared = UnitFactory(owner=other_teacher, co_authors=[teacher], title="Shared with alice")
    client = client_for(teacher)
    page = client.get(reverse("admin:lessons_unit_changelist")).content.decode()
    assert lesson.unit.title in page
    assert shared.title in page
    assert other_lesson.unit.title not in page
    lessons_page = client.get(reverse("admin:lessons_lesson_changelist")).content.decode()
    assert lesson.title in lessons_page
    assert other_lesson.title not in lessons_page
    assert other_lesson.unit.title not in lessons_page  # not even in the unit filter


def test_teacher_cannot_open_another_teachers_unit_or_lesson(client_for, teacher, other_lesson):
    client = client_for(teacher)
    for url in [
        reverse("admin:lessons_unit_change", args=[other_lesson.unit.pk]),
        reverse("admin:lessons_lesson_change", args=[other_lesson.pk]),
    ]:
        assert client.get(url).status_code == 404
    for url in [
        reverse("admin:lessons_unit_preview", args=[other_lesson.unit.pk]),
        reverse("admin:lessons_lesson_preview", args=[other_lesson.pk]),
    ]:
        assert client.get(url).status_code == 404


def test_teacher_cannot_change_another_teachers_unit_by_posting(client_for, teacher, other_lesson):
    url = reverse("admin:lessons_unit_change", args=[other_lesson.unit.pk])
    assert client_for(teacher).post(url, {"title": "Hijacked"}).status_code == 404
    other_lesson.unit.refresh_from_db()
    assert other_lesson.unit.title == "Who made October?"


def test_teacher_cannot_delete_or_read_the_history_of_another_teachers_unit(
    client_for, teacher, other_lesson
):
    client = client_for(teacher)
    unit = other_lesson.unit
    delete = reverse("admin:lessons_unit_delete", args=[unit.pk])
    assert client.get(delete).status_code == 404
    assert client.post(delete, {"post": "yes"}).status_code == 404
    assert client.get(reverse("admin:lessons_unit_history", args=[unit.pk])).status_code == 404
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_teacher_cannot_move_a_lesson_into_another_teachers_unit(
    client_for, teacher, lesson, other_unit
):
    response = client_for(teacher).post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        {"unit": other_unit.pk, "title": lesson.title, "introduction": "", **items_management()},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.unit_id != other_unit.pk


def test_co_author_may_edit_but_not_delete(client_for, teacher, other_teacher):
    unit = UnitFactory(owner=other_teacher, co_authors=[teacher])
    client = client_for(teacher)
    assert client.get(reverse("admin:lessons_unit_change", args=[unit.pk])).status_code == 200
    assert client.get(reverse("admin:lessons_unit_delete", args=[unit.pk])).status_code == 403


# --- Saving units and lessons -------------------------------------------------------------------


def lessons_management(total=0, initial=0):
    return {
        "lessons-TOTAL_FORMS": total,
        "lessons-INITIAL_FORMS": initial,
        "lessons-MIN_NUM_FORMS": 0,
        "lessons-MAX_NUM_FORMS": 1000,
    }


def items_management(total=0, initial=0):
    return {
        "items-TOTAL_FORMS": total,
        "items-INITIAL_FORMS": initial,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }


def unit_data(**overrides):
    return {
        "title": "Who made October?",
        "enquiry_question": "How has Trotsky's role been presented?",
        "summary": "",
        "level": "a_level",
        "status": "draft",
        **overrides,
    }


def test_teacher_creates_a_unit_with_lessons_and_owns_it(client_for, teacher, other_teacher):
    response = client_for(teacher).post(
        reverse("admin:lessons_unit_add"),
        {
            **unit_data(owner=other_teacher.pk),
            **lessons_management(total=2),
            "lessons-0-title": "Peace or war?",
            "lessons-0-position": "1",
            "lessons-1-title": "Remembering October",
            "lessons-1-position": "0",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(title="Who made October?")
    assert unit.owner == teacher
    assert unit.status == Unit.Status.DRAFT
    assert [lesson.title for lesson in unit.lessons.order_by("position")] == [
        "Remembering October",
        "Peace or war?",
    ]


def test_publishing_a_unit_without_lessons_is_refused_with_a_message(client_for, teacher):
    response = client_for(teacher).post(
        reverse("admin:lessons_unit_add"), {**unit_data(status="published"), **lessons_management()}
    )
    assert response.status_code == 200
    assert (
        "A published unit needs at least one lesson. Add a lesson, or keep the unit as a draft."
        in response.content.decode()
    )
    assert not Unit.objects.exists()


def test_publishing_with_a_new_lesson_in_the_same_save(client_for, teacher, classroom):
    response = client_for(teacher).post(
        reverse("admin:lessons_unit_add"),
        {
            **unit_data(status="published", classes=[classroom.pk]),
            **lessons_management(total=2),
            "lessons-0-title": "Peace or war?",
            "lessons-0-position": "0",
            "lessons-1-title": "",  # a blank extra row the script numbered: ignored
            "lessons-1-position": "1",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get()
    assert unit.status == Unit.Status.PUBLISHED
    assert list(unit.classrooms.all()) == [classroom]
    assert unit.lessons.count() == 1


def test_deleting_the_last_lesson_of_a_published_unit_is_refused(client_for, teacher, lesson):
    response = client_for(teacher).post(
        reverse("admin:lessons_unit_change", args=[lesson.unit.pk]),
        {
            **unit_data(status="published", classes=[]),
            **lessons_management(total=1, initial=1),
            "lessons-0-id": lesson.pk,
            "lessons-0-unit": lesson.unit.pk,
            "lessons-0-title": lesson.title,
            "lessons-0-position": "0",
            "lessons-0-DELETE": "on",
        },
    )
    assert response.status_code == 200
    assert "A published unit needs at least one lesson." in response.content.decode()
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_classes_field_offers_only_taught_classes_and_keeps_others(
    client_for, teacher, other_teacher, classroom, other_classroom
):
    unit = UnitFactory(owner=other_teacher, co_authors=[teacher], classrooms=[other_classroom])
    client = client_for(teacher)
    url = reverse("admin:lessons_unit_change", args=[unit.pk])
    page = client.get(url).content.decode()
    assert classroom.name in page
    assert other_classroom.name not in page
    response = client.post(
        url, {**unit_data(classes=[classroom.pk]), **lessons_management()}, follow=False
    )
    assert response.status_code == 302
    assert set(unit.classrooms.all()) == {classroom, other_classroom}
    assert unit.owner == other_teacher


def lesson_item_form(index, item=None, **fields):
    data = {
        f"items-{index}-id": item.pk if item else "",
        f"items-{index}-lesson": item.lesson_id if item else "",
        f"items-{index}-kind": item.kind if item else "",
        f"items-{index}-label": item.label if item else "",
        f"items-{index}-caption": item.caption if item else "",
        f"items-{index}-excerpt": (item.excerpt_id or "") if item else "",
        f"items-{index}-document": (item.document_id or "") if item else "",
        f"items-{index}-body": item.body if item else "",
        f"items-{index}-assessment": "",
        f"items-{index}-position": item.position if item else "",
    }
    data.update({f"items-{index}-{name}": value for name, value in fields.items()})
    return data


def lesson_data(lesson, items):
    data = {"unit": lesson.unit_id, "title": lesson.title, "introduction": lesson.introduction}
    data.update(items_management(total=len(items), initial=sum(1 for i in items if i[1])))
    for index, (item, _, fields) in enumerate(items):
        data.update(lesson_item_form(index, item, **fields))
    return data


def test_reordering_items_saves_the_positions_the_script_wrote(client_for, teacher, lesson):
    first = SourceItemFactory(lesson=lesson, position=0, label="Source A")
    second = SourceItemFactory(lesson=lesson, position=1, label="Source B")
    response = client_for(teacher).post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        lesson_data(lesson, [(first, True, {"position": 1}), (second, True, {"position": 0})]),
    )
    assert response.status_code == 302
    assert [item.label for item in lesson.items.order_by("position")] == ["Source B", "Source A"]


def test_duplicate_labels_in_one_lesson_are_refused_with_a_message(client_for, teacher, lesson):
    first = SourceItemFactory(lesson=lesson, position=0, label="Source A")
    excerpt = ExcerptFactory()
    response = client_for(teacher).post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        lesson_data(
            lesson,
            [
                (first, True, {}),
                (None, False, {"kind": "source", "label": "source a", "excerpt": excerpt.pk}),
            ],
        ),
    )
    assert response.status_code == 200
    assert "The label “source a” is used twice in this lesson" in response.content.decode()
    assert lesson.items.count() == 1


def test_an_item_missing_what_its_kind_needs_is_refused(client_for, teacher, lesson):
    response = client_for(teacher).post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        lesson_data(lesson, [(None, False, {"kind": "source", "label": "Source A"})]),
    )
    assert response.status_code == 200
    assert "A source needs an excerpt: pick one from the archive." in response.content.decode()
    assert not LessonItem.objects.exists()


def test_a_lesson_added_in_the_lesson_admin_goes_last(client_for, teacher, lesson):
    response = client_for(teacher).post(
        reverse("admin:lessons_lesson_add"),
        {"unit": lesson.unit_id, "title": "Added later", "introduction": "", **items_management()},
    )
    assert response.status_code == 302
    assert Lesson.objects.get(title="Added later").position == lesson.position + 1


# --- Actions ------------------------------------------------------------------------------------


def run_action(client, action, units, **extra):
    return client.post(
        reverse("admin:lessons_unit_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [u.pk for u in units], **extra},
        follow=True,
    )


def test_publish_action_publishes_units_with_lessons_and_explains_the_others(client_for, teacher):
    ready = UnitFactory(owner=teacher, title="Ready")
    LessonFactory(unit=ready)
    empty = UnitFactory(owner=teacher, title="Empty")
    page = run_action(client_for(teacher), "publish", [ready, empty]).content.decode()
    ready.refresh_from_db()
    empty.refresh_from_db()
    assert (ready.status, empty.status) == ("published", "draft")
    assert "Published 1 unit(s)." in page
    assert "Not published: “Empty” has no lessons yet" in page


def test_unpublish_action(client_for, teacher, unit):
    run_action(client_for(teacher), "unpublish", [unit])
    unit.refresh_from_db()
    assert unit.status == Unit.Status.DRAFT


def test_duplicate_action_copies_for_the_requesting_user(client_for, teacher, lesson):
    ContextItemFactory(lesson=lesson)
    page = run_action(client_for(teacher), "duplicate", [lesson.unit]).content.decode()
    copy = Unit.objects.get(title=f"Copy of {lesson.unit.title}")
    assert copy.owner == teacher
    assert copy.status == Unit.Status.DRAFT
    assert copy.lessons.get().items.count() == 1
    assert "(drafts, no classes)" in page


def test_actions_cannot_reach_another_teachers_unit(client_for, teacher, other_unit):
    run_action(client_for(teacher), "unpublish", [other_unit])
    other_unit.refresh_from_db()
    assert other_unit.status == Unit.Status.PUBLISHED


def test_give_to_classes_asks_which_class_among_those_taught(
    client_for, teacher, classroom, other_classroom
):
    unit = UnitFactory(owner=teacher, title="To give")
    LessonFactory(unit=unit)
    second = ClassroomFactory(owner=teacher, name="12B History")
    client = client_for(teacher)
    page = run_action(client, "give_to_classes", [unit]).content.decode()
    assert "Give units to classes" in page
    assert classroom.name in page
    assert second.name in page
    assert other_classroom.name not in page
    assert "(draft: publish it for students to see it)" in page

    done = run_action(
        client, "give_to_classes", [unit], apply="1", classrooms=[classroom.pk, second.pk]
    ).content.decode()
    assert set(unit.classrooms.all()) == {classroom, second}
    assert "Gave 1 unit(s) to" in done


def test_give_to_classes_refuses_a_class_the_teacher_does_not_teach(
    client_for, teacher, classroom, other_classroom
):
    unit = UnitFactory(owner=teacher)
    page = run_action(
        client_for(teacher), "give_to_classes", [unit], apply="1", classrooms=[other_classroom.pk]
    ).content.decode()
    assert "Select a valid choice" in page
    assert not unit.classrooms.exists()


# --- Preview as a student -----------------------------------------------------------------------


def test_preview_renders_the_student_templates(client_for, teacher, lesson):
    draft = UnitFactory(owner=teacher, title="Draft unit")
    draft_lesson = LessonFactory(unit=draft, title="A draft lesson")
    SourceItemFactory(lesson=draft_lesson, label="Source A", caption="A caption")
    client = client_for(teacher)

    unit_page = client.get(reverse("admin:lessons_unit_preview", args=[draft.pk]))
    assert [t.name for t in unit_page.templates][0] == "lessons/unit_detail.html"
    html = unit_page.content.decode()
    assert "Student preview." in html
    assert reverse("admin:lessons_lesson_preview", args=[draft_lesson.pk]) in html

    lesson_page = client.get(reverse("admin:lessons_lesson_preview", args=[draft_lesson.pk]))
    assert [t.name for t in lesson_page.templates][0] == "lessons/lesson_detail.html"
    html = lesson_page.content.decode()
    assert "Student preview." in html
    assert "A caption" in html
    assert reverse("admin:lessons_lesson_change", args=[draft_lesson.pk]) in html
