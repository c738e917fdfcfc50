"""Authoring assessments and setting them to classes.

Teachers see and change only their own assessments (and the questions in them) and the
assignments of classes they teach; administrators see everything. Saving an assignment or an
extension goes through the same services as the teacher pages.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.forms.models import BaseInlineFormSet
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.models import Classroom, User
from assessments import admin_views, marking, services
from assessments.models import (
    Assessment,
    Assignment,
    Attempt,
    Choice,
    Exemplar,
    Extension,
    GridClaim,
    IndicativePoint,
    Level,
    Question,
    QuestionSource,
)
from assessments.permissions import can_edit_assessment, can_manage_assignment
from common.admin import NotFoundOutsideScope
from lessons.models import Lesson, Unit


def _editable_assessments(user):
    return Assessment.objects.editable_by(user)


class _ScopedToAssessmentOwner:
    """Object-level permissions for models that belong to an assessment."""

    def _assessment_of(self, obj):
        return obj if isinstance(obj, Assessment) else obj.assessment

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or can_edit_assessment(request.user, self._assessment_of(obj))
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or can_edit_assessment(request.user, self._assessment_of(obj))
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or can_edit_assessment(request.user, self._assessment_of(obj))
        )


# --- assessments -----------------------------------------------------------------------------


class QuestionInlineForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["position", "kind", "prompt", "marks", "skill"]
        widgets = {
            "position": forms.HiddenInput,
            "prompt": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }


class QuestionInline(admin.TabularInline):
    model = Question
    form = QuestionInlineForm
    fields = ["position", "kind", "prompt", "marks", "skill", "set_up"]
    readonly_fields = ["set_up"]
    extra = 0
    show_change_link = True
    ordering = ["position", "pk"]
    verbose_name_plural = (
        "Questions (open a question to add its sources, choices, claims and mark scheme)"
    )

    def get_queryset(self, request):
        # `set_up` checks each question's choices, claims, levels and sources.
        return (
            super().get_queryset(request).prefetch_related("choices", "claims", "levels", "sources")
        )

    @admin.display(description="Ready to set?")
    def set_up(self, question):
        if question.pk is None:
            return "Save, then open the question to finish it."
        problems = services.question_problems(question)
        return "; ".join(problems) if problems else "Ready"


@admin.register(Assessment)
class AssessmentAdmin(NotFoundOutsideScope, _ScopedToAssessmentOwner, admin.ModelAdmin):
    list_display = [
        "title",
        "unit",
        "owner",
        "question_count",
        "total_marks",
        "time_limit_minutes",
        "links",
    ]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "instructions"]
    list_select_related = ["unit", "owner"]
    autocomplete_fields = ["unit", "lesson"]
    inlines = [QuestionInline]
    actions = ["duplicate"]
    fieldsets = [
        (None, {"fields": ["title", "instructions", "time_limit_minutes"]}),
        ("Where it belongs", {"fields": ["unit", "lesson", "owner"]}),
    ]

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(_questions=Count("questions"), _marks=Sum("questions__marks"))
        )
        return qs if request.user.is_superuser else qs.filter(owner=request.user)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="assessments_assessment_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        return admin_views.assessment_preview(request, self, object_id)

    @admin.display(description="questions", ordering="_questions")
    def question_count(self, obj):
        return obj._questions

    @admin.display(description="marks", ordering="_marks")
    def total_marks(self, obj):
        return obj._marks or 0

    @admin.display(description="")
    def links(self, obj):
        return format_html(
            '<a href="{}">Preview</a> · <a href="{}">Set to a class</a>',
            reverse("admin:assessments_assessment_preview", args=[obj.pk]),
            reverse("assessments:assignment_create") + f"?assessment={obj.pk}",
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["owner"]

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.editable_by(request.user)
        elif db_field.name == "lesson":
            kwargs["queryset"] = Lesson.objects.filter(
                unit__in=Unit.objects.editable_by(request.user).values("pk")
            )
        elif db_field.name == "owner":
            kwargs["queryset"] = User.objects.filter(role=User.Role.TEACHER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Question:
            return super().save_formset(request, form, formset, change)
        # Positions are hidden in the inline: new questions go to the end.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        taken = [q.position for q in form.instance.questions.all()]
        next_position = max(taken, default=-1) + 1
        for question in instances:
            if question.pk is None:
                question.position = next_position
                next_position += 1
            question.save()
        formset.save_m2m()

    @admin.action(description="Duplicate the selected assessments (with all their questions)")
    def duplicate(self, request, queryset):
        copies = [
            services.assessment_duplicate(assessment=assessment, owner=request.user)
            for assessment in queryset
        ]
        self.message_user(
            request,
            f"Created {len(copies)} cop{'y' if len(copies) == 1 else 'ies'}: "
            + ", ".join(f"“{c.title}”" for c in copies)
            + ".",
            messages.SUCCESS,
        )


# --- questions -------------------------------------------------------------------------------


class QuestionAdminForm(forms.ModelForm):
    accepted_answers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Short answer only: one accepted answer per line. Answers are compared "
        "ignoring case, spacing, punctuation, curly quotes and dashes.",
    )

    class Meta:
        model = Question
        fields = [
            "assessment",
            "position",
            "kind",
            "prompt",
            "marks",
            "skill",
            "asks_for_evidence",
            "accepted_answers",
        ]
        labels = {"position": "Order"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["accepted_answers"] = "\n".join(self.instance.accepted_answers or [])

    def clean_accepted_answers(self):
        raw = self.cleaned_data.get("accepted_answers") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Question.Kind.SHORT_ANSWER and not cleaned.get(
            "accepted_answers"
        ):
            self.add_error(
                "accepted_answers", "A short-answer question needs at least one accepted answer."
            )
        return cleaned


def _kept_forms(formset):
    """The inline forms that will be saved: filled in and not marked for deletion."""
    return [
        f
        for f in formset.forms
        if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
    ]


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kind = self.instance.kind
        if any(self.errors) or kind not in (
            Question.Kind.SINGLE_CHOICE,
            Question.Kind.MULTIPLE_CHOICE,
        ):
            return
        kept = _kept_forms(self)
        problems = marking.choice_problems(
            kind=kind,
            correct_count=sum(bool(f.cleaned_data.get("is_correct")) for f in kept),
            choice_count=len(kept),
        )
        if problems:
            raise ValidationError(problems)


class LevelFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = _kept_forms(self)
        if not kept:
            return  # a mark scheme can come later; setting the assessment refuses without one
        if self.instance.kind != Question.Kind.EXTENDED:
            raise ValidationError(
                "Only extended responses are marked with levels. Remove the levels or change "
                "the kind of question."
            )
        if self.instance.marks is None:
            return  # the question's own form reports the missing marks
        bands = [
            marking.Band(
                low=f.cleaned_data["low"],
                high=f.cleaned_data["high"],
                number=f.cleaned_data["number"],
            )
            for f in kept
        ]
        problems = marking.check_bands(bands, self.instance.marks)
        if problems:
            raise ValidationError(problems)


GRID_ROW = re.compile(r"^\s*([^:=\s]+)\s*[:=]\s*(\w+)\s*$")


class GridClaimForm(forms.ModelForm):
    expected = forms.CharField(
        label="Expected answers",
        help_text="For each source label: agree, disagree or silent, e.g. “A: agree, B: silent”.",
        widget=forms.TextInput(attrs={"size": 40}),
    )

    class Meta:
        model = GridClaim
        fields = ["position", "text", "expected"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.expected, dict):
            self.initial["expected"] = ", ".join(
                f"{label}: {value}" for label, value in self.instance.expected.items()
            )

    def clean_expected(self):
        expected = {}
        for part in re.split(r"[,;\n]", self.cleaned_data["expected"]):
            if not part.strip():
                continue
            match = GRID_ROW.match(part)
            if match is None:
                raise ValidationError(
                    f"Write each source as “A: agree”, separated by commas (not “{part.strip()}”)."
                )
            label, value = match[1], match[2].lower()
            if value not in marking.GRID_VALUES:
                raise ValidationError(f"{value} is not agree, disagree or silent.")
            expected[label] = value
        return expected


class GridClaimFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.kind != Question.Kind.GRID:
            return
        labels = (
            list(self.instance.sources.values_list("label", flat=True)) if self.instance.pk else []
        )
        problems = marking.grid_problems(
            labels=labels, rows=[f.cleaned_data["expected"] for f in _kept_forms(self)]
        )
        if problems:
            raise ValidationError(problems)


class QuestionSourceInline(admin.TabularInline):
    model = QuestionSource
    fields = ["label", "excerpt", "position"]
    autocomplete_fields = ["excerpt"]
    extra = 0
    verbose_name_plural = "Sources (the excerpts this question refers to, e.g. “A”)"


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["position", "text", "is_correct"]
    extra = 0
    verbose_name_plural = "Choices (single and multiple choice)"


class GridClaimInline(admin.TabularInline):
    model = GridClaim
    form = GridClaimForm
    formset = GridClaimFormSet
    extra = 0
    verbose_name_plural = "Claims (corroboration grid: one row per claim)"


class LevelInline(admin.TabularInline):
    model = Level
    formset = LevelFormSet
    fields = ["number", "low", "high", "descriptor"]
    extra = 0
    verbose_name_plural = "Mark scheme levels (extended response: cover 0 to the question's marks)"
    formfield_overrides = {
        Level._meta.get_field("descriptor").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 60})
        }
    }


class IndicativePointInline(admin.TabularInline):
    model = IndicativePoint
    fields = ["position", "text"]
    extra = 0
    verbose_name_plural = "Indicative content"
    formfield_overrides = {
        IndicativePoint._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 80})
        }
    }


class ExemplarInline(admin.StackedInline):
    model = Exemplar
    fields = ["level", "text", "commentary"]
    extra = 0
    verbose_name_plural = "Exemplar answers"

    def get_formset(self, request, obj=None, **kwargs):
        self._question = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "level":
            question = getattr(self, "_question", None)
            kwargs["queryset"] = (
                Level.objects.filter(question=question) if question else Level.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(NotFoundOutsideScope, _ScopedToAssessmentOwner, admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ["short_prompt", "assessment", "position", "kind", "marks", "skill"]
    list_filter = ["kind", "skill"]
    search_fields = ["prompt", "assessment__title"]
    list_select_related = ["assessment"]
    autocomplete_fields = ["assessment"]
    inlines = [
        QuestionSourceInline,
        ChoiceInline,
        GridClaimInline,
        LevelInline,
        IndicativePointInline,
        ExemplarInline,
    ]
    fieldsets = [
        (None, {"fields": ["assessment", "position", "kind", "prompt", "marks", "skill"]}),
        ("Answers", {"fields": ["asks_for_evidence", "accepted_answers"]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(assessment__owner=request.user)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        assessment_pk = initial.get("assessment")
        if assessment_pk and str(assessment_pk).isdigit():
            taken = Question.objects.filter(assessment_id=assessment_pk).count()
            initial.setdefault("position", taken)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assessment":
            kwargs["queryset"] = _editable_assessments(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="question", ordering="prompt")
    def short_prompt(self, obj):
        return obj.prompt[:80]


# --- assignments and extensions --------------------------------------------------------------


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "assessment",
            "classroom",
            "opens_at",
            "due_at",
            "closes_at",
            "attempts_allowed",
            "feedback_policy",
            "anonymous_marking",
        ]

    def clean(self):
        cleaned = super().clean()
        assessment = cleaned.get("assessment") if self.instance.pk is None else None
        try:
            services.assignment_check(
                assessment=assessment,
                opens_at=cleaned.get("opens_at"),
                due_at=cleaned.get("due_at"),
                closes_at=cleaned.get("closes_at"),
            )
        except ValidationError as error:
            # Our messages say it better than the database constraints' generic ones.
            self._validate_constraints = False
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    form = AssignmentAdminForm
    list_display = [
        "assessment",
        "classroom",
        "opens_at",
        "due_at",
        "closes_at",
        "submitted",
        "progress_link",
    ]
    list_filter = [
        "feedback_policy",
        "anonymous_marking",
        ("classroom", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["assessment__title", "classroom__name"]
    list_select_related = ["assessment", "classroom"]
    date_hierarchy = "due_at"
    fieldsets = [
        (None, {"fields": ["assessment", "classroom", "set_by"]}),
        ("When", {"fields": ["opens_at", "due_at", "closes_at"]}),
        (
            "Rules",
            {"fields": ["attempts_allowed", "feedback_policy", "anonymous_marking", "released_at"]},
        ),
    ]

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                _submitted=Count(
                    "attempts__student",
                    filter=Q(attempts__status=Attempt.Status.SUBMITTED),
                    distinct=True,
                )
            )
        )
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=Assignment.objects.for_teacher(request.user).values("pk"))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or can_manage_assignment(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or can_manage_assignment(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or can_manage_assignment(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["set_by", "released_at"]
        if obj is not None:
            readonly += ["assessment", "classroom"]  # set the assessment again instead
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assessment":
            kwargs["queryset"] = _editable_assessments(request.user)
        elif db_field.name == "classroom":
            kwargs["queryset"] = Classroom.objects.taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.assignment_update(
                assignment=obj,
                **{f: data[f] for f in services.EDITABLE_ASSIGNMENT_FIELDS if f in data},
            )
            return
        created = services.assignment_create(
            set_by=request.user, **{f: data[f] for f in AssignmentAdminForm.Meta.fields}
        )
        obj.pk, obj.set_by, obj._state.adding = created.pk, created.set_by, False

    @admin.display(description="submitted", ordering="_submitted")
    def submitted(self, obj):
        return obj._submitted

    @admin.display(description="")
    def progress_link(self, obj):
        return format_html(
            '<a href="{}">Students</a>', reverse("assessments:assignment_teacher", args=[obj.pk])
        )


class ExtensionAdminForm(forms.ModelForm):
    class Meta:
        model = Extension
        fields = ["assignment", "student", "due_at", "extra_minutes", "reason"]

    def clean(self):
        cleaned = super().clean()
        assignment = cleaned.get("assignment") or getattr(self.instance, "assignment", None)
        student = cleaned.get("student") or getattr(self.instance, "student", None)
        if assignment is None or student is None:
            return cleaned
        try:
            services.extension_check(
                assignment=assignment,
                student=student,
                due_at=cleaned.get("due_at"),
                extra_minutes=cleaned.get("extra_minutes"),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    self.add_error(field, errors)
            else:
                self.add_error(None, error.messages)
        return cleaned


@admin.register(Extension)
class ExtensionAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    form = ExtensionAdminForm
    list_display = ["student", "assignment", "due_at", "extra_minutes", "reason"]
    list_select_related = ["student", "assignment__assessment", "assignment__classroom"]
    search_fields = [
        "student__username",
        "student__first_name",
        "student__last_name",
        "assignment__assessment__title",
        "reason",
    ]
    list_filter = [("assignment__classroom", admin.RelatedOnlyFieldListFilter)]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(assignment__in=Assignment.objects.for_teacher(request.user).values("pk"))

    def _may(self, request, obj):
        return obj is None or can_manage_assignment(request.user, obj.assignment)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["assignment", "student"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignment":
            kwargs["queryset"] = Assignment.objects.for_teacher(request.user).select_related(
                "assessment", "classroom"
            )
        elif db_field.name == "student":
            kwargs["queryset"] = (
                User.objects.filter(
                    enrolments__classroom__in=Classroom.objects.taught_by(request.user).values("pk")
                )
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = services.extension_save(
            assignment=obj.assignment,
            student=obj.student,
            due_at=form.cleaned_data.get("due_at"),
            extra_minutes=form.cleaned_data.get("extra_minutes") or 0,
            reason=form.cleaned_data.get("reason", ""),
        )
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request, obj):
        services.extension_delete(extension=obj)

    def delete_queryset(self, request, queryset):
        for extension in queryset.select_related("assignment__assessment", "student"):
            services.extension_delete(extension=extension)
