import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts import data_protection
from accounts.models import Classroom, Enrolment, User
from common.admin import NotFoundOutsideScope


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
    actions = ["export_student_data", "delete_students_and_work"]

    # Data protection (accounts/data_protection.py): administrators only, students only.
    @admin.action(description="Export everything held about the selected students (JSON)")
    def export_student_data(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        students = list(queryset.filter(role=User.Role.STUDENT, is_superuser=False))
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

    @admin.action(description="Delete selected students and all their work")
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
