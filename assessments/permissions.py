"""Who may see and change assessments and assignments; the site and the admin share these.

Loaders give a 404 for objects the user may not see, so outsiders learn nothing.
"""

from django.shortcuts import get_object_or_404

from accounts.models import User
from assessments.models import Assessment, Assignment


def can_edit_assessment(user, assessment: Assessment) -> bool:
    return user.is_superuser or assessment.owner_id == user.pk


def can_manage_assignment(user, assignment: Assignment) -> bool:
    """Teachers of the assignment's class (owner or co-teacher) and superusers.

    One query unless the user is a superuser or owns the class.
    """
    return assignment.classroom.is_taught_by(user)


def get_assessment_for_teacher(user, pk) -> Assessment:
    """An assessment the user owns (any, for a superuser); 404 otherwise."""
    return get_object_or_404(Assessment.objects.editable_by(user), pk=pk)


def get_assignment_for_teacher(user, pk) -> Assignment:
    """An assignment to a class the user teaches, with its assessment and class; 404 otherwise."""
    return get_object_or_404(
        Assignment.objects.for_teacher(user).select_related("assessment", "classroom"), pk=pk
    )


def get_student_of_assignment(assignment: Assignment, pk) -> User:
    """A student enrolled in the assignment's class; 404 otherwise."""
    return get_object_or_404(
        User.objects.filter(enrolments__classroom_id=assignment.classroom_id), pk=pk
    )
