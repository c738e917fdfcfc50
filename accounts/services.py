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
    user.set_password(password)
    return user_save(user=user)


def _staff_for(user: User) -> bool:
    # Teachers author in the admin, so they are staff; students never are.
    return user.is_superuser or user.role == User.Role.TEACHER


@transaction.atomic
def user_save(*, user: User) -> User:
    """Validate and save `user` (new or changed) with its role applied everywhere it shows.

    The one way a user is written, by user_create, the admin's add and change forms and the
    demo: staff status follows the role (teachers and administrators are staff, students never
    are; a hand-ticked box is overruled) and user_sync_teachers_group runs. The password is
    whatever the caller set on `user`. Costs the validation and save, plus two or three queries
    for a teacher or a changed user (none for a new student: roster imports stay lean).
    """
    user.is_staff = _staff_for(user)
    new = user._state.adding
    user.full_clean()
    user.save()
    if not new or user.role == User.Role.TEACHER:  # a brand-new student is in no group yet
        user_sync_teachers_group(user=user)
    return user


def user_sync_teachers_group(*, user: User) -> None:
    """Teachers, and only teachers, are in the Teachers group (their admin permissions).

    Run after anything that may have set the user's groups (the admin's form saves them after
    save_model), so a student ticked into the group, or a teacher made a student, is put right.
    """
    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    if user.role == User.Role.TEACHER:
        user.groups.add(group)
    else:
        user.groups.remove(group)


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


# Lower case without look-alikes (no i, l, o, 0, 1): read off a sheet and typed by a pupil.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet


def new_initial_password() -> str:
    # Three groups of five are easier to read out than one long string; 15 characters from 31
    # give ~74 bits. A letter or digit first: a spreadsheet never takes it for a formula, so
    # the CSV export's guard never has to alter a password.
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(5)) for _ in range(3))


@transaction.atomic
def roster_create_accounts(*, classroom: Classroom, teacher: User, rows) -> IssuedCredentials:
    """Create a student account per validated roster row and enrol it; all or nothing.

    Returns the one-time credentials record the teacher downloads.
    """
    credentials_purge_expired()
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
    """Return the credentials once and delete them; None if gone, expired or not the teacher's.

    Purges every expired copy first (the lazy half of credentials_purge_expired).
    """
    credentials_purge_expired()
    record = (
        IssuedCredentials.objects.unexpired()
        .select_for_update()
        .filter(token=token, issued_by=teacher)
        .first()
    )
    if record is not None:
        IssuedCredentials.objects.filter(pk=record.pk).delete()
    return record


def credentials_purge_expired(*, now=None) -> int:
    """Delete initial passwords not downloaded within ISSUED_CREDENTIALS_MAX_AGE; how many.

    Plain-text passwords must not outlive their use. Called by every roster import and every
    download, and by `manage.py purge_issued_credentials` (schedule it daily, so a copy nobody
    comes back for is not kept either). One query.
    """
    deleted, _ = IssuedCredentials.objects.expired(now=now).delete()
    return deleted
