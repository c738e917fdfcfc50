import pytest
from django.urls import reverse

from accounts.models import Classroom
from tests.factories import ClassroomFactory


@pytest.mark.parametrize(
    "url_name", ["admin:accounts_user_changelist", "admin:accounts_classroom_changelist"]
)
def test_admin_changelists_render(admin_client, url_name, classroom):
    response = admin_client.get(reverse(url_name), {"q": "History"})
    assert response.status_code == 200


def test_admin_classroom_add_and_change_render(admin_client, classroom):
    assert admin_client.get(reverse("admin:accounts_classroom_add")).status_code == 200
    change = admin_client.get(reverse("admin:accounts_classroom_change", args=[classroom.pk]))
    assert classroom.join_code in change.content.decode()


def test_admin_user_add_and_change_render(admin_client, student):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    change = admin_client.get(reverse("admin:accounts_user_change", args=[student.pk]))
    assert student.username in change.content.decode()


def test_teacher_sees_only_own_classes_in_admin(client_for, teacher, classroom, other_classroom):
    client = client_for(teacher)
    page = client.get(reverse("admin:accounts_classroom_changelist")).content.decode()
    assert classroom.name in page
    assert other_classroom.name not in page
    other = client.get(reverse("admin:accounts_classroom_change", args=[other_classroom.pk]))
    assert other.status_code == 404


def test_teacher_creating_a_class_in_admin_owns_it(client_for, teacher, other_teacher):
    client = client_for(teacher)
    client.post(
        reverse("admin:accounts_classroom_add"),
        {
            "name": "Admin-made",
            "subject": "History",
            "year_group": "",
            "academic_year": "2026-27",
            "owner": other_teacher.pk,
            "enrolments-TOTAL_FORMS": 0,
            "enrolments-INITIAL_FORMS": 0,
        },
    )
    assert Classroom.objects.get(name="Admin-made").owner == teacher


def test_students_cannot_open_the_admin(client_for, student):
    response = client_for(student).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_teachers_group_grants_authoring_permissions(teacher):
    assert teacher.has_perm("accounts.view_classroom")
    assert teacher.has_perm("accounts.change_classroom")
    assert not teacher.has_perm("accounts.delete_user")


def test_admin_sees_all_classes(admin_client, classroom):
    ClassroomFactory(name="Elsewhere")
    page = admin_client.get(reverse("admin:accounts_classroom_changelist")).content.decode()
    assert "Elsewhere" in page
    assert classroom.name in page
