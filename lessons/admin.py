"""Authoring units and lessons. Teachers see and change only the units they own or co-author."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.models import User
from assessments.models import Assessment
from common.admin import NotFoundOutsideScope
from lessons import services
from lessons.forms import (
    GiveToClassesForm,
    LessonInlineFormSet,
    LessonItemInlineFormSet,
    PositionedInlineForm,
    UnitAdminForm,
)
from lessons.models import Lesson, LessonItem, Unit
from lessons.views import lesson_page_context, unit_page_context

ORDER_MEDIA = {"js": ["js/lessons_admin_order.js"], "css": {"all": ["css/lessons.css"]}}


def editable_units(user):
    return Unit.objects.editable_by(user).values("pk")


class LessonInline(admin.TabularInline):
    model = Lesson
    form = PositionedInlineForm
    formset = LessonInlineFormSet
    fields = ["title", "position", "items_link"]
    readonly_fields = ["items_link"]
    verbose_name = "lesson"
    verbose_name_plural = "Lessons (use Move up / Move down to reorder)"

    class Media:
        js = ORDER_MEDIA["js"]
        css = ORDER_MEDIA["css"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(item_count=Count("items"))
            .order_by("position", "pk")
        )

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or not obj.lessons.exists() else 0

    @admin.display(description="Items")
    def items_link(self, lesson):
        if lesson.pk is None:
            return "Save the unit, then add sources and notes to this lesson."
        count = getattr(lesson, "item_count", None)
        return format_html(
            '<a href="{}">Edit the items{}</a>',
            reverse("admin:lessons_lesson_change", args=[lesson.pk]),
            "" if count is None else f" ({count})",
        )


@admin.register(Unit)
class UnitAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    form = UnitAdminForm
    list_display = [
        "title",
        "level",
        "status",
        "owner",
        "lesson_count",
        "class_names",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "level"]
    search_fields = ["title", "enquiry_question", "summary"]
    list_select_related = ["owner"]
    filter_horizontal = ["co_authors"]
    inlines = [LessonInline]
    actions = ["publish", "unpublish", "duplicate", "give_to_classes"]
    fieldsets = [
        (None, {"fields": ["title", "enquiry_question", "summary", "level", "status"]}),
        ("Authors and classes", {"fields": ["owner", "co_authors", "classes"]}),
    ]

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(_lessons=Count("lessons", distinct=True))
            .prefetch_related("classrooms")
        )
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=editable_units(request.user))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or obj.is_editable_by(request.user)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.is_editable_by(request.user)
        )

    def has_delete_permission(self, request, obj=None):
        # Co-authors edit; only the owner (or an administrator) deletes.
        return super().has_delete_permission(request, obj) and (
            obj is None or request.user.is_superuser or obj.owner_id == request.user.pk
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request_user": request.user})

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        if obj is not None and obj.owner_id != request.user.pk:
            return ["owner", "co_authors"]  # co-authors cannot rearrange authorship
        return ["owner"]

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_authors":
            kwargs["queryset"] = User.objects.filter(
                role=User.Role.TEACHER, is_active=True
            ).order_by("last_name", "first_name", "username")
            kwargs["label"] = "Co-authors"
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "co_authors" and field is not None:
            field.label_from_instance = lambda user: f"{user.display_name} ({user.username})"
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = User.objects.filter(role=User.Role.TEACHER).order_by(
                "last_name", "first_name", "username"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="lessons", ordering="_lessons")
    def lesson_count(self, unit):
        return unit._lessons

    @admin.display(description="given to")
    def class_names(self, unit):
        return ", ".join(c.name for c in unit.classrooms.all()) or "—"

    # Saving: status changes go through the publish/unpublish services, after the lessons are
    # saved, so that "a published unit has a lesson" is checked against what was just saved.
    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        obj._requested_status = obj.status
        obj.status = form.initial.get("status", Unit.Status.DRAFT) if change else Unit.Status.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        unit = form.instance
        services.unit_set_classes(
            unit=unit, classrooms=form.cleaned_data.get("classes", []), by=request.user
        )
        requested = getattr(unit, "_requested_status", unit.status)
        try:
            if requested == Unit.Status.PUBLISHED:
                services.unit_publish(unit=unit)
            else:
                services.unit_unpublish(unit=unit)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    # Actions
    @admin.action(description="Publish the selected units", permissions=["change"])
    def publish(self, request, queryset):
        published, refused = 0, []
        for unit in queryset:
            try:
                services.unit_publish(unit=unit)
            except ValidationError as exc:
                refused.extend(exc.messages)
            else:
                published += 1
        if published:
            self.message_user(request, f"Published {published} unit(s).", messages.SUCCESS)
        for message in refused:
            self.message_user(request, f"Not published: {message}", messages.ERROR)

    @admin.action(
        description="Unpublish the selected units (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        for unit in queryset:
            services.unit_unpublish(unit=unit)
        self.message_user(
            request, f"{len(queryset)} unit(s) are drafts now; students no longer see them."
        )

    @admin.action(description="Duplicate the selected units", permissions=["change"])
    def duplicate(self, request, queryset):
        copies = [services.unit_duplicate(unit=unit, by=request.user) for unit in queryset]
        self.message_user(
            request,
            "Made " + ", ".join(f"“{copy.title}”" for copy in copies) + " (drafts, no classes).",
            messages.SUCCESS,
        )

    @admin.action(description="Give the selected units to a class…", permissions=["change"])
    def give_to_classes(self, request, queryset):
        form = GiveToClassesForm(
            request.POST if "apply" in request.POST else None, user=request.user
        )
        if form.is_bound and form.is_valid():
            classrooms = list(form.cleaned_data["classrooms"])
            for unit in queryset:
                services.unit_give_to_classes(unit=unit, classrooms=classrooms, by=request.user)
            self.message_user(
                request,
                f"Gave {len(queryset)} unit(s) to {', '.join(c.name for c in classrooms)}.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Give units to classes",
            "opts": self.opts,
            "units": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "unpublished": [unit for unit in queryset if not unit.is_published],
        }
        return TemplateResponse(request, "admin/lessons/unit/give_to_classes.html", context)

    # Preview as a student
    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="lessons_unit_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        unit = self.get_object(request, unquote(object_id))
        if unit is None:
            raise Http404("No such unit.")
        if not self.has_view_permission(request, unit):
            raise PermissionDenied
        context = unit_page_context(
            unit=unit,
            user=request.user,
            lesson_url=lambda lesson: reverse("admin:lessons_lesson_preview", args=[lesson.pk]),
        )
        context.update(preview=True, back_url=reverse("admin:lessons_unit_change", args=[unit.pk]))
        return render(request, "lessons/unit_detail.html", context)


class LessonItemInline(admin.StackedInline):
    model = LessonItem
    form = PositionedInlineForm
    formset = LessonItemInlineFormSet
    fields = ["kind", "label", "caption", "excerpt", "document", "body", "assessment", "position"]
    autocomplete_fields = ["excerpt", "document"]
    verbose_name = "item"
    verbose_name_plural = "Items: sources, context notes, documents, assessments"

    class Media:
        js = ORDER_MEDIA["js"]
        css = ORDER_MEDIA["css"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("position", "pk")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or not obj.items.exists() else 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        help_texts = {
            "excerpt": "For a source: type words from the passage or its document's title.",
            "document": "For a background item: a revision card or another archive document.",
            "body": "For a context note: Markdown (headings, lists, tables, links).",
            "caption": "Shown under the label, e.g. where and when the source was written.",
        }
        if field is not None and db_field.name in help_texts:
            field.help_text = help_texts[db_field.name]
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assessment" and not request.user.is_superuser:
            units = editable_units(request.user)
            kwargs["queryset"] = Assessment.objects.filter(
                Q(owner=request.user)
                | Q(unit__in=units)
                | Q(
                    pk__in=LessonItem.objects.filter(
                        lesson__unit__in=units, assessment__isnull=False
                    ).values("assessment")
                )
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Lesson)
class LessonAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    list_display = ["title", "unit", "position", "item_count"]
    list_select_related = ["unit"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "introduction", "unit__title"]
    fields = ["unit", "title", "introduction"]
    inlines = [LessonItemInline]
    ordering = ["unit__title", "position", "pk"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(_items=Count("items", distinct=True))
        if request.user.is_superuser:
            return qs
        return qs.filter(unit__in=editable_units(request.user))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or obj.unit.is_editable_by(request.user)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.unit.is_editable_by(request.user)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.unit.is_editable_by(request.user)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.filter(pk__in=editable_units(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="items", ordering="_items")
    def item_count(self, lesson):
        return lesson._items

    def save_model(self, request, obj, form, change):
        if not change:  # a lesson added here goes at the end of its unit
            last = obj.unit.lessons.aggregate(last=Max("position"))["last"]
            obj.position = 0 if last is None else last + 1
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="lessons_lesson_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        lesson = self.get_object(request, unquote(object_id))
        if lesson is None:
            raise Http404("No such lesson.")
        if not self.has_view_permission(request, lesson):
            raise PermissionDenied
        context = lesson_page_context(
            lesson=lesson,
            lesson_url=lambda other: reverse("admin:lessons_lesson_preview", args=[other.pk]),
        )
        context.update(
            preview=True,
            back_url=reverse("admin:lessons_lesson_change", args=[lesson.pk]),
            unit_url=reverse("admin:lessons_unit_preview", args=[lesson.unit_id]),
        )
        return render(request, "lessons/lesson_detail.html", context)
