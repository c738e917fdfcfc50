"""Factories for people and classes."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Classroom, Enrolment, User

__all__ = [
    "PASSWORD",
    "UserFactory",
    "StudentFactory",
    "TeacherFactory",
    "AdminFactory",
    "ClassroomFactory",
    "EnrolmentFactory",
]

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = User.Role.STUDENT
    password = factory.django.Password(PASSWORD)


class StudentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"student{n}")


class TeacherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"teacher{n}")
    role = User.Role.TEACHER
    is_staff = True

    @factory.post_generation
    def teachers_group(obj, create, extracted, **kwargs):
        if create:
            from accounts.roles import sync_teachers_group

            obj.groups.add(sync_teachers_group())


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = User.Role.TEACHER
    is_staff = True
    is_superuser = True


class ClassroomFactory(DjangoModelFactory):
    class Meta:
        model = Classroom

    name = factory.Sequence(lambda n: f"Class {n}")
    subject = "History"
    year_group = "Year 12"
    academic_year = "2026-27"
    owner = factory.SubFactory(TeacherFactory)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(StudentFactory)
