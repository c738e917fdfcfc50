"""Writes for users, classes and enrolment. Views, admin and commands all call these."""

import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import (
    Classroom,
    Enrolment,
    IssuedCredentials,
    User,
    new_join_code,
    normalise_join_code,
)
from accounts.roles import TEACHERS_GROUP


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        is_superuser=is_superuser,
    )
    # Teachers author in the admin, so they are staff; students never are.
    user.is_staff = is_superuser or role == User.Role.TEACHER
    user.set_password(password)
    user.full_clean()
    user.save()
    if role == User.Role.TEACHER:
        user.groups.add(Group.objects.get_or_create(name=TEACHERS_GROUP)[0])
    return user


def classroom_create(*, owner: User, **fields) -> Classroom:
    classroom = Classroom(owner=owner, **fields)
    classroom.full_clean()
    classroom.save()
    return classroom


def classroom_regenerate_code(*, classroom: Classroom) -> str:
    # Codes are short, so collisions are possible; retry rather than trust luck.
    for _ in range(10):
        code = new_join_code()
        if not Classroom.objects.filter(join_code=code).exists():
            classroom.join_code = code
            classroom.save(update_fields=["join_code", "updated_at"])
            return code
    raise RuntimeError("Could not find a free join code")


class JoinError(Exception):
    pass


@transaction.atomic
def enrolment_join(*, student: User, code: str) -> Enrolment:
    """Enrol a student by join code; raises JoinError with a message for the student."""
    if not student.is_student:
        raise JoinError("Only student accounts can join a class with a code.")
    normalised = normalise_join_code(code)
    classroom = Classroom.objects.filter(join_code=normalised).first() if normalised else None
    if classroom is None or classroom.archived:
        raise JoinError("That code does not match any class. Check it with your teacher.")
    if classroom.join_code_expires_at and classroom.join_code_expires_at <= timezone.now():
        raise JoinError("That code has expired. Ask your teacher for a new one.")
    enrolment, created = Enrolment.objects.get_or_create(classroom=classroom, student=student)
    if not created:
        raise JoinError(f"You are already in {classroom.name}.")
    return enrolment


def enrolment_remove(*, classroom: Classroom, student: User) -> None:
    Enrolment.objects.filter(classroom=classroom, student=student).delete()


def classroom_add_co_teacher(*, classroom: Classroom, username: str) -> User:
    teacher = User.objects.filter(username=username, role=User.Role.TEACHER).first()
    if teacher is None:
        raise ValidationError(f"No teacher has the username {username!r}.")
    if teacher.pk == classroom.owner_id:
        raise ValidationError(f"{teacher.display_name} already owns this class.")
    classroom.co_teachers.add(teacher)
    return teacher


def new_initial_password() -> str:
    # Three short words are easier to read out than random characters; entropy ~ 60 bits.
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


@transaction.atomic
def roster_create_accounts(*, classroom: Classroom, teacher: User, rows) -> IssuedCredentials:
    """Create a student account per validated roster row and enrol it; all or nothing.

    Returns the one-time credentials record the teacher downloads.
    """
    issued = []
    for row in rows:
        password = new_initial_password()
        try:
            student = user_create(
                username=row.username,
                password=password,
                role=User.Role.STUDENT,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
            )
        except (ValidationError, IntegrityError) as exc:
            # Another teacher took the username between preview and confirm.
            raise ValidationError(f"Line {row.line}: {exc}") from exc
        Enrolment.objects.create(classroom=classroom, student=student)
        issued.append(
            {
                "username": student.username,
                "first_name": student.first_name,
                "last_name": student.last_name,
                "password": password,
            }
        )
    return IssuedCredentials.objects.create(classroom=classroom, issued_by=teacher, rows=issued)


@transaction.atomic
def credentials_take(*, token: str, teacher: User) -> IssuedCredentials | None:
    """Return the credentials once and delete them; None if gone or not the teacher's."""
    record = (
        IssuedCredentials.objects.select_for_update().filter(token=token, issued_by=teacher).first()
    )
    if record is not None:
        IssuedCredentials.objects.filter(pk=record.pk).delete()
    return record
