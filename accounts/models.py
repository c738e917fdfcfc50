import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from common.models import TimeStampedModel

# Unambiguous characters only: no 0/O, 1/I/L, so a code read off a projector is typed right.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


class User(AbstractUser):
    class Role(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        STUDENT = "student", "Student"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STUDENT)

    @property
    def is_teacher(self) -> bool:
        return self.role == self.Role.TEACHER

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT and not self.is_superuser

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ClassroomQuerySet(models.QuerySet):
    def taught_by(self, user):
        """Classes the user owns or co-teaches; every class for a superuser."""
        if user.is_superuser:
            return self.all()
        return self.filter(Q(owner=user) | Q(co_teachers=user)).distinct()

    def attended_by(self, user):
        return self.filter(enrolments__student=user)

    def active(self):
        return self.filter(archived=False)

    def with_student_count(self):
        return self.annotate(student_count=models.Count("enrolments", distinct=True))


class Classroom(TimeStampedModel):
    name = models.CharField(max_length=100)
    subject = models.CharField(max_length=100, default="History")
    year_group = models.CharField(max_length=30, blank=True, help_text="For example: Year 12")
    academic_year = models.CharField(max_length=9, help_text="For example: 2026-27")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_classrooms"
    )
    co_teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_taught_classrooms"
    )
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    join_code_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty for a code that does not expire."
    )
    archived = models.BooleanField(default=False)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "name"]

    def __str__(self):
        return f"{self.name} ({self.academic_year})"

    def get_absolute_url(self):
        return reverse("accounts:classroom_detail", args=[self.pk])

    def is_taught_by(self, user) -> bool:
        if user.is_superuser or self.owner_id == user.pk:
            return True
        return self.co_teachers.filter(pk=user.pk).exists()


class Enrolment(TimeStampedModel):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrolments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="unique_enrolment"),
        ]
        ordering = ["student__last_name", "student__first_name", "student__username"]

    def __str__(self):
        return f"{self.student} in {self.classroom}"


# How long a roster import's initial passwords wait for their one download.
ISSUED_CREDENTIALS_MAX_AGE = timedelta(days=1)


class IssuedCredentialsQuerySet(models.QuerySet):
    def expired(self, *, now=None):
        return self.filter(created_at__lte=(now or timezone.now()) - ISSUED_CREDENTIALS_MAX_AGE)

    def unexpired(self, *, now=None):
        return self.filter(created_at__gt=(now or timezone.now()) - ISSUED_CREDENTIALS_MAX_AGE)


class IssuedCredentials(TimeStampedModel):
    """Initial passwords from a roster import, kept until the teacher downloads them once.

    Passwords are never recoverable from the user table (it holds hashes), so this is the only
    copy, in plain text: downloading deletes it, and `services.credentials_purge_expired` (run
    by every import and download, and by `manage.py purge_issued_credentials`) deletes copies
    older than ISSUED_CREDENTIALS_MAX_AGE. An expired copy can never be downloaded.
    """

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    rows = models.JSONField()  # [{"username", "first_name", "last_name", "password"}]

    objects = IssuedCredentialsQuerySet.as_manager()

    def __str__(self):
        return f"Credentials for {len(self.rows)} accounts in {self.classroom}"
