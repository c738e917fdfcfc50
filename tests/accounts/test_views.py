from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Classroom, Enrolment
from tests.factories import ClassroomFactory, EnrolmentFactory, StudentFactory

TEACHER_PAGES = [
    ("accounts:classroom_list", False),
    ("accounts:classroom_create", False),
    ("accounts:classroom_detail", True),
    ("accounts:classroom_edit", True),
    ("accounts:roster_upload", True),
]


def _url(name, needs_pk, classroom):
    return reverse(name, args=[classroom.pk]) if needs_pk else reverse(name)


@pytest.mark.parametrize(("name", "needs_pk"), TEACHER_PAGES)
def test_teacher_pages_redirect_anonymous_to_login(client, classroom, name, needs_pk):
    response = client.get(_url(name, needs_pk, classroom))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "needs_pk"), TEACHER_PAGES)
def test_teacher_pages_refuse_students(client_for, student, classroom, name, needs_pk):
    response = client_for(student).get(_url(name, needs_pk, classroom))
    assert response.status_code == 403
    assert b"Not allowed" in response.content


@pytest.mark.parametrize(
    "name", ["accounts:classroom_detail", "accounts:classroom_edit", "accounts:roster_upload"]
)
def test_other_teacher_gets_404_on_a_class_not_theirs(client_for, other_teacher, classroom, name):
    response = client_for(other_teacher).get(reverse(name, args=[classroom.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "accounts:classroom_regenerate_code",
        "accounts:classroom_add_co_teacher",
        "accounts:roster_confirm",
    ],
)
def test_other_teacher_cannot_post_to_a_class_not_theirs(
    client_for, other_teacher, classroom, name
):
    old_code = classroom.join_code
    response = client_for(other_teacher).post(
        reverse(name, args=[classroom.pk]), {"username": "bob"}
    )
    assert response.status_code == 404
    classroom.refresh_from_db()
    assert classroom.join_code == old_code
    assert not classroom.co_teachers.exists()


def test_other_teacher_cannot_remove_a_student(client_for, other_teacher, classroom, student):
    url = reverse("accounts:classroom_remove_student", args=[classroom.pk, student.pk])
    assert client_for(other_teacher).post(url).status_code == 404
    assert Enrolment.objects.filter(classroom=classroom, student=student).exists()


def test_teacher_creates_a_class_with_a_join_code(client_for, teacher):
    response = client_for(teacher).post(
        reverse("accounts:classroom_create"),
        {
            "name": "Year 13 Russia",
            "subject": "History",
            "year_group": "Year 13",
            "academic_year": "2026-27",
        },
    )
    classroom = Classroom.objects.get(name="Year 13 Russia")
    assert response.status_code == 302
    assert response["Location"] == classroom.get_absolute_url()
    assert classroom.owner == teacher
    assert len(classroom.join_code) == 8


def test_classroom_detail_shows_roster_and_code(client_for, teacher, classroom, student):
    response = client_for(teacher).get(classroom.get_absolute_url())
    content = response.content.decode()
    assert classroom.join_code in content
    assert student.username in content


def test_co_teacher_sees_the_class_but_cannot_regenerate_its_code(
    client_for, teacher, other_teacher, classroom
):
    classroom.co_teachers.add(other_teacher)
    client = client_for(other_teacher)
    assert client.get(classroom.get_absolute_url()).status_code == 200
    response = client.post(reverse("accounts:classroom_regenerate_code", args=[classroom.pk]))
    assert response.status_code == 403


def test_owner_regenerates_code_and_old_code_stops_working(
    client_for, teacher, classroom, outsider
):
    old_code = classroom.join_code
    client_for(teacher).post(reverse("accounts:classroom_regenerate_code", args=[classroom.pk]))
    classroom.refresh_from_db()
    assert classroom.join_code != old_code
    client = client_for(outsider)
    response = client.post(reverse("accounts:join"), {"code": old_code})
    assert "does not match any class" in response.content.decode()
    assert not Enrolment.objects.filter(student=outsider).exists()


def test_owner_adds_a_co_teacher_by_username(client_for, teacher, other_teacher, classroom):
    client_for(teacher).post(
        reverse("accounts:classroom_add_co_teacher", args=[classroom.pk]), {"username": "bob"}
    )
    assert list(classroom.co_teachers.all()) == [other_teacher]


def test_adding_a_student_as_co_teacher_is_refused(client_for, teacher, classroom, outsider):
    response = client_for(teacher).post(
        reverse("accounts:classroom_add_co_teacher", args=[classroom.pk]),
        {"username": outsider.username},
        follow=True,
    )
    assert "No teacher has the username" in response.content.decode()
    assert not classroom.co_teachers.exists()


def test_teacher_removes_a_student(client_for, teacher, classroom, student):
    url = reverse("accounts:classroom_remove_student", args=[classroom.pk, student.pk])
    response = client_for(teacher).post(url, follow=True)
    assert "was removed from the class" in response.content.decode()
    assert not Enrolment.objects.filter(classroom=classroom).exists()


def test_remove_student_needs_post(client_for, teacher, classroom, student):
    url = reverse("accounts:classroom_remove_student", args=[classroom.pk, student.pk])
    assert client_for(teacher).get(url).status_code == 405
    assert Enrolment.objects.filter(classroom=classroom, student=student).exists()


def test_student_joins_with_a_code_typed_loosely(client_for, classroom, outsider):
    code = classroom.join_code.lower()
    messy = f" {code[:4]}-{code[4:]} "
    response = client_for(outsider).post(reverse("accounts:join"), {"code": messy}, follow=True)
    assert f"You joined {classroom.name}" in response.content.decode()
    assert Enrolment.objects.filter(classroom=classroom, student=outsider).exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [("ZZZZZZZZ", "does not match any class"), ("---", "does not match any class")],
)
def test_wrong_code_shows_a_message_and_creates_nothing(
    client_for, classroom, outsider, code, message
):
    response = client_for(outsider).post(reverse("accounts:join"), {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enrolment.objects.filter(student=outsider).exists()


def test_expired_code_is_refused(client_for, classroom, outsider):
    classroom.join_code_expires_at = timezone.now() - timedelta(minutes=1)
    classroom.save()
    response = client_for(outsider).post(reverse("accounts:join"), {"code": classroom.join_code})
    assert "has expired" in response.content.decode()
    assert not Enrolment.objects.filter(student=outsider).exists()


def test_archived_class_cannot_be_joined(client_for, classroom, outsider):
    classroom.archived = True
    classroom.save()
    response = client_for(outsider).post(reverse("accounts:join"), {"code": classroom.join_code})
    assert "does not match any class" in response.content.decode()


def test_joining_twice_says_already_in(client_for, classroom, student):
    response = client_for(student).post(reverse("accounts:join"), {"code": classroom.join_code})
    assert "already in" in response.content.decode()
    assert Enrolment.objects.filter(student=student).count() == 1


def test_teacher_cannot_join_a_class_as_a_student(client_for, other_teacher, classroom):
    assert client_for(other_teacher).get(reverse("accounts:join")).status_code == 403


def test_student_home_lists_only_their_classes(client_for, student, classroom, other_classroom):
    content = client_for(student).get(reverse("home")).content.decode()
    assert classroom.name in content
    assert other_classroom.name not in content


def test_teacher_home_lists_only_their_classes(client_for, teacher, classroom, other_classroom):
    content = client_for(teacher).get(reverse("home")).content.decode()
    assert classroom.name in content
    assert other_classroom.name not in content


def test_admin_sees_every_class(client_for, admin_user, classroom, other_classroom):
    content = client_for(admin_user).get(reverse("accounts:classroom_list")).content.decode()
    assert classroom.name in content
    assert other_classroom.name in content


def test_home_redirects_anonymous_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_unknown_page_is_a_friendly_404(client_for, student):
    response = client_for(student).get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("extra", [1, 3])
def test_classroom_list_query_count_is_constant(
    client_for, teacher, django_assert_num_queries, extra
):
    for _ in range(extra):
        classroom = ClassroomFactory(owner=teacher)
        EnrolmentFactory.create_batch(2, classroom=classroom)
    client = client_for(teacher)
    with django_assert_num_queries(2):  # user, classes with counts
        client.get(reverse("accounts:classroom_list"))


@pytest.mark.parametrize("size", [3, 30])
def test_classroom_detail_query_count_is_constant(
    client_for, teacher, classroom, django_assert_num_queries, size
):
    EnrolmentFactory.create_batch(size, classroom=classroom)
    client = client_for(teacher)
    with django_assert_num_queries(4):  # user, class, co-teachers, enrolments+students
        response = client.get(classroom.get_absolute_url())
    assert response.content.decode().count("Remove</button>") == size


@pytest.mark.parametrize("size", [1, 3])
def test_student_home_query_count_is_constant(
    client_for, outsider, django_assert_num_queries, size
):
    for _ in range(size):
        EnrolmentFactory(student=outsider)
    client = client_for(outsider)
    with django_assert_num_queries(2):
        client.get(reverse("home"))


def test_login_page_logs_a_user_in(client, student):
    response = client.post(
        reverse("login"), {"username": "sam", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_students_never_become_staff(db):
    student = StudentFactory()
    assert not student.is_staff
