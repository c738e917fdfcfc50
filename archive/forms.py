from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Layout, Row
from django import forms
from django.urls import reverse

from archive.models import Document
from archive.selectors import DocumentFilters, FilterChoices

YEAR_BOUNDS = {"min_value": 1000, "max_value": 2100}


class DocumentFilterForm(forms.Form):
    """The archive's search box and filters (GET). Choices come from one FilterChoices, so
    validating a collection or an author costs no query."""

    q = forms.CharField(
        label="Search the text",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": 'e.g. grain -Tsaritsyn "Red Army"'}),
        help_text='Finds documents with all the words. "Quotes" find a phrase, OR finds either '
        "word, and -word leaves a word out.",
    )
    kind = forms.ChoiceField(label="Kind", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    collection = forms.ChoiceField(label="Collection", required=False)
    author = forms.ChoiceField(label="Author", required=False)
    year_from = forms.IntegerField(label="From year", required=False, **YEAR_BOUNDS)
    year_to = forms.IntegerField(label="To year", required=False, **YEAR_BOUNDS)

    def __init__(self, *args, choices: FilterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *Document.Kind.choices]
        self.fields["category"].choices = [("", "Any category"), *Document.Category.choices]
        self.fields["collection"].choices = [("", "Any collection"), *choices.collections]
        self.fields["author"].choices = [("", "Any author")] + [(n, n) for n in choices.authors]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = reverse("archive:browse")
        self.helper.form_class = "archive-filters mb-4"
        self.helper.attrs = {"role": "search", "aria-label": "Search and filter the archive"}
        self.helper.disable_csrf = True
        wide, half = "col-12 col-lg-6", "col-12 col-sm-6 col-lg-3"
        self.helper.layout = Layout(
            Row(Column("q", css_class=wide), Column("kind", css_class=half),
                Column("category", css_class=half)),
            Row(Column("collection", css_class=wide), Column("author", css_class=half),
                Column(Row(Column("year_from", css_class="col-6"),
                           Column("year_to", css_class="col-6")), css_class=half)),
            Div(
                StrictButton("Search", type="submit", css_class="btn-primary"),
                HTML(f'<a class="btn btn-outline-secondary" href="{reverse("archive:browse")}">'
                     "Clear</a>"),
                css_class="d-flex flex-wrap gap-2",
            ),
        )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", "The end year must not be before the start year.")
        return cleaned

    def filters(self) -> DocumentFilters:
        """The filters from the fields that validated (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        return DocumentFilters(
            query=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            category=data.get("category") or "",
            collection=data.get("collection") or "",
            author=data.get("author") or "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
        )
