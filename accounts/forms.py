from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from accounts.models import Classroom
from accounts.roster import MAX_ROWS


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name", "subject", "year_group", "academic_year", "join_code_expires_at"]
        widgets = {"join_code_expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        labels = {"join_code_expires_at": "Join code expires"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save class"))


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Class code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text="Your teacher gives you this code, for example K7PQ-M2XR.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Join class"))


class CoTeacherForm(forms.Form):
    username = forms.CharField(label="Teacher's username", max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_class = "d-flex gap-2 align-items-end"
        self.helper.add_input(Submit("submit", "Add co-teacher"))


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster CSV",
        help_text=f"Columns: username, first_name, last_name, and optionally email. "
        f"At most {MAX_ROWS} students, 1 MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("The file is larger than 1 MB.")
        return upload

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Preview"))
