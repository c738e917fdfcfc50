import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Classroom, User
from accounts.roles import TEACHERS_GROUP
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


# --- users saved in the admin go through accounts.services: role, staff and group agree ------


def in_teachers_group(user) -> bool:
    return user.groups.filter(name=TEACHERS_GROUP).exists()


def user_change_data(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on",
        "date_joined_0": "2026-09-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2026-09-01",
        "initial-date_joined_1": "08:00:00",
        **changes,
    }
    return {k: v for k, v in data.items() if v is not None}


def test_teacher_created_in_the_admin_is_staff_and_in_the_teachers_group(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newteacher",
            "usable_password": "true",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
            "role": User.Role.TEACHER,
            "first_name": "Nia",
            "last_name": "Patel",
            "email": "nia@example.org",
        },
    )

    user = User.objects.get(username="newteacher")
    assert response.status_code == 302
    assert user.is_staff
    assert in_teachers_group(user)
    assert user.has_perm("accounts.change_classroom")
    assert user.check_password("a-long-Passphrase-42")


def test_student_created_in_the_admin_is_not_staff(admin_client):
    admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newpupil",
            "usable_password": "true",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
            "role": User.Role.STUDENT,
        },
    )

    user = User.objects.get(username="newpupil")
    assert (user.is_staff, in_teachers_group(user)) == (False, False)


def test_student_changed_to_teacher_in_the_admin_becomes_staff(admin_client, student):
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[student.pk]),
        user_change_data(student, role=User.Role.TEACHER),
    )

    student.refresh_from_db()
    assert response.status_code == 302
    assert student.is_staff
    assert in_teachers_group(student)


def test_teacher_changed_to_student_loses_staff_and_the_group(admin_client, other_teacher):
    group = Group.objects.get(name=TEACHERS_GROUP)

    admin_client.post(
        reverse("admin:accounts_user_change", args=[other_teacher.pk]),
        # The Teachers group is still ticked in the form: the role wins.
        user_change_data(other_teacher, role=User.Role.STUDENT, groups=[group.pk]),
    )

    other_teacher.refresh_from_db()
    assert other_teacher.role == User.Role.STUDENT
    assert (other_teacher.is_staff, in_teachers_group(other_teacher)) == (False, False)


def test_ticking_the_teachers_group_for_a_student_does_not_stick(admin_client, student):
    group = Group.objects.get_or_create(name=TEACHERS_GROUP)[0]

    admin_client.post(
        reverse("admin:accounts_user_change", args=[student.pk]),
        user_change_data(student, groups=[group.pk], is_staff="on"),
    )

    student.refresh_from_db()
    assert (student.is_staff, in_teachers_group(student)) == (False, False)


# --- teachers see names for the class pickers, and only their own students -----------------


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200, response.content
    return sorted(result["text"] for result in response.json()["results"])


def test_teachers_co_teacher_picker_lists_teachers_only(
    client_for, teacher, other_teacher, student, other_student, outsider, admin_user
):
    names = autocomplete(client_for(teacher), "classroom", "co_teachers")

    assert names == ["alice", "bob"]


def test_teachers_student_picker_lists_only_their_own_students(
    client_for, teacher, student, other_student, outsider
):
    client = client_for(teacher)

    assert autocomplete(client, "enrolment", "student") == ["sam"]
    assert autocomplete(client, "enrolment", "student", term="olga") == []


def test_admins_student_picker_lists_every_student(
    admin_client, student, other_student, outsider, teacher
):
    assert autocomplete(admin_client, "enrolment", "student") == ["charlie", "olga", "sam"]


def test_teacher_sees_only_own_students_and_teachers_in_the_user_admin(
    client_for, teacher, other_teacher, student, other_student, outsider
):
    client = client_for(teacher)

    page = client.get(reverse("admin:accounts_user_changelist"))
    theirs = client.get(reverse("admin:accounts_user_change", args=[other_student.pk]))
    mine = client.get(reverse("admin:accounts_user_change", args=[student.pk]))

    usernames = sorted(user.username for user in page.context["cl"].result_list)
    assert usernames == ["alice", "bob", "sam"]
    assert theirs.status_code == 404
    assert mine.status_code == 200
    # Names only: no password hash summary, permissions or login history for a teacher.
    assert "Permissions" not in mine.content.decode()
    assert "Delete selected students" not in page.content.decode()
    assert "Export everything held" not in page.content.decode()


def test_teacher_cannot_change_or_add_users_in_the_admin(client_for, teacher, student):
    client = client_for(teacher)

    added = client.post(reverse("admin:accounts_user_add"), {"username": "x"})
    changed = client.post(
        reverse("admin:accounts_user_change", args=[student.pk]),
        user_change_data(student, role=User.Role.TEACHER),
    )

    student.refresh_from_db()
    assert added.status_code == 403
    assert changed.status_code == 403
    assert student.role == User.Role.STUDENT
    assert not User.objects.filter(username="x").exists()


def test_forged_co_teacher_id_of_a_student_is_refused(client_for, teacher, classroom, student):
    response = client_for(teacher).post(
        reverse("admin:accounts_classroom_change", args=[classroom.pk]),
        {
            "name": classroom.name,
            "subject": classroom.subject,
            "year_group": classroom.year_group,
            "academic_year": classroom.academic_year,
            "co_teachers": [student.pk],
            "enrolments-TOTAL_FORMS": 0,
            "enrolments-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not classroom.co_teachers.exists()
