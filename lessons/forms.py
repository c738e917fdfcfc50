"""Admin forms for authoring: hidden positions, and the rules that span several inline rows."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from accounts.models import Classroom
from lessons.models import Unit

NEEDS_A_LESSON = (
    "A published unit needs at least one lesson. Add a lesson, or keep the unit as a draft."
)


class PositionedInlineForm(forms.ModelForm):
    """An inline row whose `position` is hidden and rewritten by lessons_admin_order.js.

    A blank extra row whose position the script filled in has not "changed": it must not be
    validated or saved as if the teacher had started filling it in.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields["position"].widget = forms.HiddenInput()
            self.fields["position"].required = False

    def has_changed(self):
        changed = set(self.changed_data)
        if self.instance._state.adding:
            changed.discard("position")
        return bool(changed)

    def clean_position(self):
        position = self.cleaned_data.get("position")
        return self.instance.position if position is None else position


def _kept_forms(formset):
    """Rows that will exist after saving: not deleted, and either saved before or filled in."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and (form.instance.pk or form.has_changed())
    ]


class LessonInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if self.instance.status == Unit.Status.PUBLISHED and not _kept_forms(self):
            raise ValidationError(NEEDS_A_LESSON)


class LessonItemInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen: dict[str, str] = {}
        for form in _kept_forms(self):
            label = (form.cleaned_data.get("label") or "").strip()
            if not label:
                continue
            key = label.casefold()
            if key in seen:
                message = (
                    f"The label “{label}” is used twice in this lesson; each label can be used "
                    "only once."
                )
                form.add_error("label", message)
                raise ValidationError(message)
            seen[key] = label


class UnitAdminForm(forms.ModelForm):
    """The unit form; `classes` offers only the classes the editing teacher teaches."""

    classes = forms.ModelMultipleChoiceField(
        queryset=Classroom.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Given to classes",
        help_text="Students of these classes see the unit once it is published. Only classes "
        "you teach are listed; other teachers' classes are kept as they are.",
    )
    request_user = None  # set by UnitAdmin.get_form

    class Meta:
        model = Unit
        fields = [
            "title", "enquiry_question", "summary", "level", "status", "owner", "co_authors",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request_user is None:
            return
        mine = Classroom.objects.taught_by(self.request_user).order_by("name", "pk")
        self.fields["classes"].queryset = mine
        if self.instance.pk:
            self.fields["classes"].initial = list(
                self.instance.classrooms.filter(pk__in=mine.values("pk"))
            )


class GiveToClassesForm(forms.Form):
    """The intermediate page of the "give to a class" admin action."""

    classrooms = forms.ModelMultipleChoiceField(
        queryset=Classroom.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Classes",
        error_messages={"required": "Choose at least one class."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classrooms"].queryset = (
            Classroom.objects.taught_by(user).active().order_by("name", "pk")
        )
