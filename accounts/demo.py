"""Demo people and classes: known logins, idempotent (re-running changes nothing)."""

from django.db import transaction

from accounts import services
from accounts.models import Classroom, Enrolment, User

TEACHER = ("teacher", "provenance-teacher")
CO_TEACHER = ("teacher2", "provenance-teacher")
ADMIN = ("admin", "provenance-admin")
STUDENT_PASSWORD = "provenance-student"  # noqa: S105 - a published demo login

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Farah",
    "George",
    "Hana",
    "Isaac",
    "Jade",
    "Kofi",
    "Lena",
    "Max",
    "Nia",
    "Oscar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Umar",
    "Vera",
    "Will",
    "Yara",
    "Zac",
]
LAST_NAMES = [
    "Okafor",
    "Hughes",
    "Nowak",
    "Patel",
    "Byrne",
    "Khan",
    "Evans",
    "Sato",
    "Levy",
    "Murphy",
    "Mensah",
    "Fischer",
    "Cole",
    "Adeyemi",
    "Reid",
    "Shah",
    "Turner",
    "Silva",
    "Haddad",
    "Ward",
    "Ali",
    "Ivanova",
    "Price",
    "Costa",
    "Doyle",
]
CLASSES = [
    ("12A History", "DEMO12AA", "Year 12"),
    ("12B History", "DEMO12BB", "Year 12"),
]
STUDENTS_PER_CLASS = 25


def _user(username, password, role, first, last, *, superuser=False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            username=username,
            password=password,
            role=role,
            first_name=first,
            last_name=last,
            is_superuser=superuser,
        )
    return user


@transaction.atomic
def load() -> list[tuple[str, str, str]]:
    """Create the demo cast; return (who, username, password) lines to print."""
    teacher = _user(*TEACHER, User.Role.TEACHER, "Helen", "Marsh")
    co_teacher = _user(*CO_TEACHER, User.Role.TEACHER, "Tom", "Baker")
    _user(*ADMIN, User.Role.TEACHER, "Ada", "Admin", superuser=True)
    for index, (name, code, year_group) in enumerate(CLASSES):
        classroom = Classroom.objects.filter(join_code=code).first() or services.classroom_create(
            owner=teacher, name=name, year_group=year_group, academic_year="2026-27", join_code=code
        )
        if index == 0:
            classroom.co_teachers.add(co_teacher)
        for n in range(STUDENTS_PER_CLASS):
            first, last = FIRST_NAMES[n], LAST_NAMES[(n + index * 7) % len(LAST_NAMES)]
            username = f"{name[:3].lower()}{n + 1:02d}"
            student = _user(username, STUDENT_PASSWORD, User.Role.STUDENT, first, last)
            Enrolment.objects.get_or_create(classroom=classroom, student=student)
    return [
        ("Teacher", *TEACHER),
        ("Co-teacher", *CO_TEACHER),
        ("Administrator", *ADMIN),
        ("Students (class 12A)", "12a01 … 12a25", STUDENT_PASSWORD),
        ("Students (class 12B)", "12b01 … 12b25", STUDENT_PASSWORD),
    ]
