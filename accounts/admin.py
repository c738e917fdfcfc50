import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts import data_protection, services
from accounts.models import Classroom, Enrolment, User
from accounts.selectors import users_visible_to
from common.admin import NotFoundOutsideScope

# Which accounts each user picker offers: (app_label, model_name, field_name) -> role.
PICKER_ROLES = {
    ("accounts", "classroom", "owner"): User.Role.TEACHER,
    ("accounts", "classroom", "co_teachers"): User.Role.TEACHER,
    ("accounts", "enrolment", "student"): User.Role.STUDENT,
}


def _is_autocomplete(request) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name == "autocomplete"


@admin.register(User)
class UserAdmin(NotFoundOutsideScope, BaseUserAdmin):
    """Administrators manage every account. Teachers (view_user, for the class pickers) see
    only themselves, the other teachers and their own classes' students, and only names."""

    list_display = ["username", "first_name", "last_name", "role", "is_staff", "last_login"]
    list_filter = ["role", "is_staff", "is_superuser", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role", {"fields": ["role"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Role", {"fields": ["role", "first_name", "last_name", "email"]}),
    ]
    teacher_fieldsets = [
        (None, {"fields": ["username"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email"]}),
        ("Role", {"fields": ["role"]}),
    ]
    actions = ["export_student_data", "delete_students_and_work"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=users_visible_to(user=request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request):
            # Django's autocomplete view searches this admin's queryset for every picker; each
            # picker offers only the role it takes, and only active accounts.
            key = tuple(request.GET.get(k, "") for k in ("app_label", "model_name", "field_name"))
            queryset = queryset.filter(is_active=True)
            if key in PICKER_ROLES:
                queryset = queryset.filter(role=PICKER_ROLES[key], is_superuser=False)
            elif not request.user.is_superuser:
                queryset = queryset.none()
        return queryset, may_have_duplicates

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.teacher_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Staff status follows the role (services.user_save): shown, never ticked by hand.
        return [*super().get_readonly_fields(request, obj), "is_staff"]

    def has_superuser_permission(self, request):
        # For actions with permissions=["superuser"]: not even offered to anyone else.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        # The same write as the rest of the site: role, staff status and group agree.
        services.user_save(user=obj)

    def save_related(self, request, form, formsets, change):
        # The change form saves the ticked groups after save_model; put the Teachers group right.
        super().save_related(request, form, formsets, change)
        services.user_sync_teachers_group(user=form.instance)

    # Data protection (accounts/data_protection.py): administrators only, students only.
    @admin.action(
        description="Export everything held about the selected students (JSON)",
        permissions=["superuser"],
    )
    def export_student_data(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        students = list(queryset.filter(role=User.Role.STUDENT, is_superuser=False))
        services.credentials_purge_expired()  # an expired initial password is not "held"
        payload = {
            "exported_at": timezone.now().isoformat(),
            "students": [data_protection.student_export(student) for student in students],
        }
        response = HttpResponse(
            json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="student-data-{timezone.localdate()}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(
        description="Delete selected students and all their work", permissions=["superuser"]
    )
    def delete_students_and_work(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        students = list(queryset.filter(role=User.Role.STUDENT, is_superuser=False))
        skipped = queryset.count() - len(students)
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/accounts/user/delete_students_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Delete students and all their work?",
                    "opts": self.model._meta,
                    "students": students,
                    "skipped": skipped,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for student in students:
            data_protection.student_delete(student, by=request.user)
        self.message_user(
            request, f"Deleted {len(students)} students and all their work.", messages.SUCCESS
        )
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected accounts are not students and were kept.",
                messages.WARNING,
            )
        return None


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["student"]
    readonly_fields = ["created_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "student":
            # What the picker offers is also all the form accepts: a forged id is refused.
            kwargs["queryset"] = users_visible_to(user=request.user).filter(
                role=User.Role.STUDENT, is_superuser=False
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Classroom)
class ClassroomAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    list_display = [
        "name",
        "academic_year",
        "year_group",
        "owner",
        "student_count",
        "join_code",
        "archived",
    ]
    list_filter = ["academic_year", "archived", "subject"]
    search_fields = ["name", "join_code", "owner__username", "owner__last_name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner", "co_teachers"]
    readonly_fields = ["join_code"]
    inlines = [EnrolmentInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(_students=Count("enrolments", distinct=True))
        return qs.filter(pk__in=Classroom.objects.taught_by(request.user).values("pk"))

    @admin.display(description="students", ordering="_students")
    def student_count(self, obj):
        return obj._students

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = User.objects.filter(role=User.Role.TEACHER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_teachers":
            kwargs["queryset"] = User.objects.filter(role=User.Role.TEACHER, is_superuser=False)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A teacher cannot hand a class to someone else in the admin; administrators can.
        if not request.user.is_superuser:
            fields.append("owner")
        return fields

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        super().save_model(request, obj, form, change)
