from datetime import datetime, time, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Classroom
from assessments import services
from assessments.models import Assessment, Assignment, Extension

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def default_dates(now: datetime | None = None) -> dict[str, datetime]:
    """Open now, due at 09:00 a week later, close a day after that (late work is flagged)."""
    opens = timezone.localtime(now).replace(second=0, microsecond=0)
    due = timezone.make_aware(datetime.combine(opens.date() + timedelta(days=7), time(9, 0)))
    return {"opens_at": opens, "due_at": due, "closes_at": due + timedelta(days=1)}


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class _DatesMixin:
    """Shared date fields and the ordering check; the service words the messages."""

    def check_with_service(self, assessment: Assessment | None) -> None:
        data = self.cleaned_data
        try:
            services.assignment_check(
                assessment=assessment,
                opens_at=data.get("opens_at"),
                due_at=data.get("due_at"),
                closes_at=data.get("closes_at"),
            )
        except ValidationError as error:
            _add_service_errors(self, error)


class AssignmentForm(_DatesMixin, forms.Form):
    assessment = forms.ModelChoiceField(queryset=Assessment.objects.none())
    classroom = forms.ModelChoiceField(queryset=Classroom.objects.none(), label="Class")
    opens_at = forms.DateTimeField(label="Opens", widget=DATETIME_WIDGET)
    due_at = forms.DateTimeField(
        label="Due", widget=DATETIME_WIDGET, help_text="Work submitted after this is marked late."
    )
    closes_at = forms.DateTimeField(
        label="Closes",
        widget=DATETIME_WIDGET,
        help_text="After this, no more answers (unless a student has an extension).",
    )
    attempts_allowed = forms.IntegerField(min_value=1, max_value=10, initial=1)
    feedback_policy = forms.ChoiceField(
        choices=Assignment.FeedbackPolicy.choices,
        initial=Assignment.FeedbackPolicy.OBJECTIVE_AT_ONCE,
    )
    anonymous_marking = forms.BooleanField(
        required=False, help_text="Hide students' names while you mark."
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {**default_dates(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = Assessment.objects.editable_by(user)
        self.fields["classroom"].queryset = Classroom.objects.taught_by(user).active()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Set assessment"))

    def clean(self):
        cleaned = super().clean()
        self.check_with_service(cleaned.get("assessment"))
        return cleaned


class AssignmentEditForm(_DatesMixin, forms.Form):
    opens_at = AssignmentForm.base_fields["opens_at"]
    due_at = AssignmentForm.base_fields["due_at"]
    closes_at = AssignmentForm.base_fields["closes_at"]
    attempts_allowed = AssignmentForm.base_fields["attempts_allowed"]
    feedback_policy = AssignmentForm.base_fields["feedback_policy"]
    anonymous_marking = AssignmentForm.base_fields["anonymous_marking"]

    def __init__(self, *args, assignment: Assignment, **kwargs):
        kwargs.setdefault("initial", {name: getattr(assignment, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save changes"))

    def clean(self):
        cleaned = super().clean()
        self.check_with_service(None)
        return cleaned


class ExtensionForm(forms.Form):
    due_at = forms.DateTimeField(
        label="New due date",
        required=False,
        widget=DATETIME_WIDGET,
        help_text="Also keeps the work open for this student after the class close time.",
    )
    extra_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=600,
        help_text="Added to the time limit of a timed assessment.",
    )
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, extension: Extension | None = None, **kwargs):
        if extension is not None:
            kwargs.setdefault(
                "initial",
                {
                    "due_at": extension.due_at,
                    "extra_minutes": extension.extra_minutes or None,
                    "reason": extension.reason,
                },
            )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save extension"))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned.get("due_at") is None and not cleaned.get("extra_minutes"):
            raise ValidationError("Give a new due date, extra minutes, or both.")
        cleaned["extra_minutes"] = cleaned.get("extra_minutes") or 0
        return cleaned
