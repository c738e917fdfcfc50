"""The Teachers group: the model permissions a teacher needs to author in the admin.

Kept in code and synced after every migrate, so a new model's permissions reach teachers by
editing this list, not by clicking in the admin on every server.
"""

from django.contrib.auth.models import Group, Permission

TEACHERS_GROUP = "Teachers"

# app_label -> model -> actions
TEACHER_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # view_user: the class form's owner, co-teacher and student pickers search the user admin,
    # which shows a teacher only their own students and the other teachers (UserAdmin).
    "accounts": {
        "classroom": ("view", "add", "change"),
        "enrolment": ("view", "delete"),
        "user": ("view",),
    },
    "archive": {
        "collection": ("view",),
        "document": ("view", "change"),
        "note": ("view",),
        "excerpt": ("view", "add", "change", "delete"),
        "chronicleentry": ("view",),
    },
    "lessons": {
        "unit": ("view", "add", "change", "delete"),
        "lesson": ("view", "add", "change", "delete"),
        "lessonitem": ("view", "add", "change", "delete"),
    },
    "assessments": {
        "assessment": ("view", "add", "change", "delete"),
        "question": ("view", "add", "change", "delete"),
        "choice": ("view", "add", "change", "delete"),
        "level": ("view", "add", "change", "delete"),
        "exemplar": ("view", "add", "change", "delete"),
        "indicativepoint": ("view", "add", "change", "delete"),
        "gridclaim": ("view", "add", "change", "delete"),
        "questionsource": ("view", "add", "change", "delete"),
        "assignment": ("view", "add", "change", "delete"),
        "extension": ("view", "add", "change", "delete"),
    },
}


def sync_teachers_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    wanted = [
        f"{action}_{model}"
        for models in TEACHER_PERMISSIONS.values()
        for model, actions in models.items()
        for action in actions
    ]
    perms = Permission.objects.filter(
        content_type__app_label__in=TEACHER_PERMISSIONS, codename__in=wanted
    )
    group.permissions.set(perms)
    return group
