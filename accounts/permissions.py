"""Object loaders: outsiders get a 404 (they learn nothing), the wrong role a 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import Classroom


def teacher_required(view):
    """Logged-in teachers and superusers only; students get a 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_teacher or request.user.is_superuser):
            raise PermissionDenied("Only teachers can open this page.")
        return view(request, *args, **kwargs)

    return wrapper


def student_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_student:
            raise PermissionDenied("Only students can open this page.")
        return view(request, *args, **kwargs)

    return wrapper


def get_classroom_for_teacher(user, pk) -> Classroom:
    """A class the user teaches (owner, co-teacher, or superuser); 404 otherwise."""
    return get_object_or_404(Classroom.objects.taught_by(user), pk=pk)


def get_classroom_for_owner(user, pk) -> Classroom:
    """Only the owner (or a superuser) may add co-teachers or regenerate the code."""
    classroom = get_classroom_for_teacher(user, pk)
    if not (user.is_superuser or classroom.owner_id == user.pk):
        raise PermissionDenied("Only the class owner can do this.")
    return classroom
