"""The standard cast.

teacher owns `classroom`, in which `student` is enrolled; other_teacher owns `other_classroom`,
in which `other_student` is enrolled; outsider is a student in no class; admin_user can see all.
"""

import os

import pytest

from accounts import cached_user
from assessments import attempt_page
from tests.factories import (
    AdminFactory,
    ClassroomFactory,
    EnrolmentFactory,
    StudentFactory,
    TeacherFactory,
)

# Sync Playwright runs an event loop in the test thread; the ORM calls in browser tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _forget_cached_users():
    """Autosave's per-process user cache must not carry a user from one test to the next, nor
    the attempt page's papers (ids come back after a rollback on SQLite)."""
    cached_user.clear()
    attempt_page.clear()
    yield
    cached_user.clear()
    attempt_page.clear()


@pytest.fixture
def teacher(db):
    return TeacherFactory(username="alice", first_name="Alice", last_name="Teacher")


@pytest.fixture
def other_teacher(db):
    return TeacherFactory(username="bob", first_name="Bob", last_name="Teacher")


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="root")


@pytest.fixture
def classroom(teacher):
    return ClassroomFactory(owner=teacher, name="12A History")


@pytest.fixture
def other_classroom(other_teacher):
    return ClassroomFactory(owner=other_teacher, name="13C History")


@pytest.fixture
def student(classroom):
    return EnrolmentFactory(
        classroom=classroom, student=StudentFactory(username="sam", first_name="Sam")
    ).student


@pytest.fixture
def other_student(other_classroom):
    return EnrolmentFactory(
        classroom=other_classroom, student=StudentFactory(username="olga", first_name="Olga")
    ).student


@pytest.fixture
def outsider(db):
    return StudentFactory(username="charlie", first_name="Charlie")


@pytest.fixture
def client_for(client):
    """Log the test client in as a user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login
