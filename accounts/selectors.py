"""Reads about people that span models."""

from django.db.models import Q, QuerySet

from accounts.models import Classroom, Enrolment, User


def users_visible_to(*, user: User) -> QuerySet[User]:
    """The accounts `user` may see in the admin: everyone for a superuser; for a teacher,
    themselves, the other teachers (co-teachers are picked from them) and the students of the
    classes they teach. Never a student of another teacher's class. One query when evaluated.
    """
    users = User.objects.all()
    if user.is_superuser:
        return users
    if not user.is_teacher:
        return users.none()
    taught = Classroom.objects.taught_by(user).values("pk")
    students = Enrolment.objects.filter(classroom__in=taught).values("student")
    return users.filter(
        Q(pk=user.pk) | Q(role=User.Role.TEACHER, is_superuser=False) | Q(pk__in=students)
    )
