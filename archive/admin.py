"""The archive's admin: where teachers read the shared archive and author excerpts.

Imported provenance is read-only for everyone but superusers; teachers fill in audience and
purpose, and change or delete only the excerpts they made themselves.
"""

import copy
import unicodedata
from functools import update_wrapper

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import transaction
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from archive import admin_views
from archive.exports import ARCHIVE_ORDER
from archive.models import (
    Author,
    Authorship,
    ChronicleEntry,
    Collection,
    Document,
    Excerpt,
    Note,
)
from archive.services import document_set_text
from common.admin import NotFoundOutsideScope


class CorpusTextField(forms.CharField):
    """Text as the archive stores it: LF line ends and NFC, whatever the browser sent.

    Browsers submit a textarea with CRLF line ends; saved as sent, every offset after the first
    line break would move and every excerpt would look broken.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


class _DryRun(Exception):
    """Raised inside a transaction only to roll back what it wrote."""


def _check_set_text(document: Document, text: str) -> None:
    """Raise the ValidationError document_set_text would raise, writing nothing."""
    try:
        with transaction.atomic():
            document_set_text(document=copy.copy(document), text=text)
            raise _DryRun
    except _DryRun:
        pass


def _is_autocomplete(request) -> bool:
    return bool(request.resolver_match and request.resolver_match.url_name == "autocomplete")


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["text"]  # DocumentAdmin passes the full list, from its fieldsets

    def clean_text(self):
        text = self.cleaned_data["text"]
        # Refused here, as a form error, so nothing is saved; save_model applies it for real.
        if self.instance.pk and text != self.instance.text:
            _check_set_text(self.instance, text)
        return text


class DocumentYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Document.objects.filter(date_start__isnull=False).dates(
            "date_start", "year", order="DESC"
        )
        return [(str(d.year), str(d.year)) for d in years] + [("none", "No date")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(date_start__isnull=True)
        if value and value.isdigit():
            return queryset.filter(date_start__year=int(value))
        return queryset


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class NoteInline(admin.TabularInline):
    """The editors' notes, as imported: re-importing the corpus rewrites them."""

    model = Note
    extra = 0
    fields = ["label", "text", "marker_offset"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ExcerptInline(admin.TabularInline):
    """Read-only: an excerpt is changed on its own page, where only its creator may change it."""

    model = Excerpt
    fk_name = "document"
    extra = 0
    fields = ["label", "caption", "start", "end", "adaptation", "created_by", "open_link"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="open")
    def open_link(self, obj):
        if obj.pk is None:
            return ""
        url = reverse("admin:archive_excerpt_change", args=[obj.pk])
        return format_html('<a href="{}">Open {}</a>', url, obj.label or f"excerpt {obj.pk}")


@admin.register(Document)
class DocumentAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = [
        "display_title",
        "kind",
        "category",
        "date",
        "collection",
        "note_total",
        "excerpt_total",
    ]
    list_select_related = ["collection"]
    # Explicit, because Meta.ordering does not apply to the GROUP BY query with_counts() makes;
    # the title keeps two collections at the same position (the card sets) apart.
    ordering = ARCHIVE_ORDER
    list_filter = ["collection", "kind", "category", DocumentYearFilter, "calendar"]
    search_fields = ["title", "display_title", "text", "authors__name"]
    date_hierarchy = "date_start"
    actions = ["export_jsonl"]
    inlines = [AuthorshipInline, NoteInline, ExcerptInline]
    fieldsets = [
        (
            "Titles",
            {
                "fields": [
                    "display_title",
                    "title",
                    "subtitle",
                    ("kind", "category"),
                    ("collection", "key", "position"),
                ]
            },
        ),
        (
            "Provenance",
            {
                "fields": [
                    "author_list",
                    "origin",
                    "publication",
                    ("place", "topic", "card_number"),
                    "signature",
                ]
            },
        ),
        (
            "Dates",
            {
                "fields": [
                    ("date_display", "second_date_display"),
                    ("date_start", "date_end"),
                    ("date_precision", "calendar", "date_source"),
                ]
            },
        ),
        (
            "For teaching",
            {
                "fields": ["audience", "purpose"],
                "description": "Written by teachers; re-importing the corpus keeps what is here.",
            },
        ),
        (
            "Source",
            {
                "fields": [
                    "source_file",
                    ("source_start_line", "source_end_line"),
                    ("source_start_offset", "source_end_offset"),
                    "content_hash",
                ],
                "classes": ["collapse"],
            },
        ),
        (
            "Text",
            {
                "fields": ["text"],
                "description": "Paragraphs are separated by a blank line. A change that would "
                "break an excerpt is refused; an excerpt whose passage only moved follows it.",
            },
        ),
    ]
    # Where the text came from never changes in the admin; a re-import rewrites it.
    source_fields = [
        "author_list",
        "source_file",
        "source_start_line",
        "source_end_line",
        "source_start_offset",
        "source_end_offset",
        "content_hash",
    ]
    teacher_fields = {"audience", "purpose"}

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def get_search_fields(self, request):
        # Autocomplete (an excerpt's document, elsewhere too) matches titles and authors only;
        # every document's text mentions Lenin.
        if _is_autocomplete(request):
            return ["display_title", "title", "authors__name"]
        return super().get_search_fields(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.source_fields)
        if obj is not None:
            readonly.append("key")  # re-imports match documents on it
        if not request.user.is_superuser:
            readonly += [
                name
                for name in flatten_fieldsets(self.get_fieldsets(request, obj))
                if name not in self.teacher_fields and name not in readonly
            ]
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["form_class"] = CorpusTextField
            kwargs["widget"] = admin.widgets.AdminTextareaWidget(attrs={"rows": 24})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        warnings = []
        if change and "text" in form.changed_data:
            # Checked by the form already; this re-anchors the moved excerpts for real.
            warnings = document_set_text(document=obj, text=obj.text)
        super().save_model(request, obj, form, change)
        for warning in warnings:
            self.message_user(request, warning, messages.WARNING)

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(request, *args, model_admin=self, **kwargs)

            return self.admin_site.admin_view(update_wrapper(wrapper, view))

        return [
            path(
                "<int:pk>/pick-excerpt/",
                wrap(admin_views.excerpt_pick),
                name="archive_document_pick_excerpt",
            ),
            path("import/", wrap(admin_views.corpus_upload), name="archive_document_import"),
            path(
                "export.jsonl", wrap(admin_views.documents_export), name="archive_document_export"
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_corpus": request.user.has_perm("archive.add_document"),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_pick_excerpt"] = request.user.has_perm("archive.add_excerpt")
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.action(description="Export selected as JSONL", permissions=["view"])
    def export_jsonl(self, request, queryset):
        return admin_views.documents_download(queryset)

    @admin.display(description="date", ordering="date_start")
    def date(self, obj):
        return obj.date_display or "—"

    @admin.display(description="notes", ordering="note_count")
    def note_total(self, obj):
        return obj.note_count

    @admin.display(description="excerpts", ordering="excerpt_count")
    def excerpt_total(self, obj):
        return obj.excerpt_count

    @admin.display(description="authors")
    def author_list(self, obj):
        if obj.pk is None:
            return "—"
        names = [a.author.name for a in obj.authorship_set.select_related("author")]
        return ", ".join(names) or "—"


class ExcerptAdminForm(forms.ModelForm):
    """An exact passage by offsets (its text checked by Excerpt.clean), or an adapted variant."""

    class Meta:
        model = Excerpt
        fields = ["document", "start", "end", "text", "adapted_from"]  # ExcerptAdmin passes all

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A variant takes these from its original; an exact excerpt can take its text from the
        # offsets. clean() says what is missing.
        for name in ("document", "start", "end", "text"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if "adapted_from" in self.fields:
            original = data.get("adapted_from")
        else:
            original = self.instance.adapted_from
        if original is not None:
            self._clean_variant(data, original)
        else:
            self._clean_exact(data)
        return data

    def _post_clean(self):
        # Excerpt.clean() compares the offsets and needs the original; when the form has already
        # refused one of them, it would only add a vaguer message (or fail on a missing offset).
        if not any(name in self._errors for name in ("document", "start", "end", "adapted_from")):
            super()._post_clean()

    def _clean_variant(self, data, original):
        refusal = None
        if original.adapted_from_id is not None:
            refusal = (
                "That excerpt is itself an adapted variant; adapt the exact excerpt it comes from."
            )
        elif self.instance.pk is not None and original.pk == self.instance.pk:
            refusal = "An excerpt cannot be a variant of itself."
        elif self.instance.pk is not None and self.instance.adaptations.exists():
            refusal = "This excerpt has adapted variants of its own, so it must stay exact."
        if refusal:
            self.add_error("adapted_from", refusal)
            return
        if not data.get("text"):
            self.add_error("text", "Write the adapted wording of the passage.")
        # A variant stands for the same passage of the same document as its original.
        for name in ("document", "start", "end"):
            value = getattr(original, name)
            setattr(self.instance, name, value)
            if name in self.fields:
                data[name] = value

    def _clean_exact(self, data):
        document = data.get("document") if "document" in self.fields else self.instance.document
        start, end = data.get("start"), data.get("end")
        missing = {
            "document": "Choose the document the passage comes from.",
            "start": "Give the offset where the passage starts.",
            "end": "Give the offset where the passage ends.",
        }
        values = {"document": document, "start": start, "end": end}
        for name, message in missing.items():
            if values[name] is None and name not in self._errors:  # not already refused
                self.add_error(name, message)
        if None in values.values() or data.get("text"):
            return
        passage = document.text[start:end]
        if not passage.strip():
            self.add_error("end", "The document has no words between these offsets.")
            return
        # The same trimming as excerpt_create, so both ways of adding give the same passage.
        start += len(passage) - len(passage.lstrip())
        end -= len(passage) - len(passage.rstrip())
        data["start"], data["end"], data["text"] = start, end, document.text[start:end]


@admin.register(Excerpt)
class ExcerptAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    form = ExcerptAdminForm
    list_display = ["name", "document", "caption", "adaptation", "created_by", "created_at"]
    list_select_related = ["document", "created_by"]
    list_filter = [
        "adaptation",
        "document__collection",
        ("created_by", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["label", "caption", "text", "document__display_title"]
    autocomplete_fields = ["document", "adapted_from"]
    fieldsets = [
        (
            "Passage",
            {
                "fields": ["document", ("start", "end"), "text"],
                "description": "An exact passage is sliced from the document at these offsets "
                "(its text must match). Picking it in the document is easier.",
            },
        ),
        ("For teaching", {"fields": ["label", "caption"]}),
        (
            "Adapted variant",
            {
                "fields": ["adapted_from", "adaptation", "adaptation_notes", "variants"],
                "description": "An abridged or simplified version of an exact excerpt: link the "
                "original, write the adapted wording as the text and say what was changed.",
            },
        ),
        ("History", {"fields": [("created_by", "created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        # The document's title is in every row's str(), autocomplete results included.
        return super().get_queryset(request).select_related("document", "created_by")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request) and request.GET.get("field_name") == "adapted_from":
            queryset = queryset.filter(adapted_from__isnull=True)  # variants of exact passages
        return queryset, may_have_duplicates

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:-1]  # no history before it exists
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["created_by", "created_at", "updated_at", "variants"]
        if obj is not None:
            readonly.append("document")  # another document's passage is another excerpt
            if obj.is_adapted:
                readonly += ["start", "end"]
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        original_pk = initial.get("adapted_from")
        if original_pk and str(original_pk).isdigit():
            original = Excerpt.objects.filter(pk=original_pk, adapted_from__isnull=True).first()
            if original is not None:
                initial.update(
                    document=original.document_id,
                    start=original.start,
                    end=original.end,
                    text=original.text,
                    label=original.label,
                    caption=original.caption,
                )
        return initial

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["form_class"] = CorpusTextField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._made_by(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._made_by(request, obj)

    def _made_by(self, request, obj) -> bool:
        # Everyone reads every excerpt (the archive is shared); only its creator changes it.
        return obj is None or request.user.is_superuser or obj.created_by_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        document_pk = request.GET.get("document", "")
        if add and document_pk.isdigit():
            context["picker_document"] = Document.objects.filter(pk=document_pk).first()
        return super().render_change_form(request, context, add, change, **kwargs)

    @admin.display(description="excerpt", ordering="label")
    def name(self, obj):
        return obj.label or f"Excerpt {obj.pk}"

    @admin.display(description="variants")
    def variants(self, obj):
        if obj.pk is None:
            return "—"
        if obj.is_adapted:
            url = reverse("admin:archive_excerpt_change", args=[obj.adapted_from_id])
            return format_html('Adapted from <a href="{}">{}</a>.', url, obj.adapted_from)
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:archive_excerpt_change", args=[v.pk]), v.label or f"Variant {v.pk}")
                for v in obj.adaptations.all()
            ),
        )
        add_url = reverse("admin:archive_excerpt_add") + f"?adapted_from={obj.pk}"
        return format_html(
            '{}<a href="{}" class="addlink">Add an adapted variant</a>',
            format_html("{} · ", links) if links else "",
            add_url,
        )


@admin.register(Collection)
class CollectionAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    list_display = ["title", "kind", "document_total", "source_file", "position"]
    list_filter = ["kind"]
    ordering = ["position", "title"]  # Meta.ordering is not applied to annotated counts
    search_fields = ["title", "key", "source_file"]
    readonly_fields = ["documents_link"]
    fields = ["title", "key", "kind", "position", "source_file", "details", "documents_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents"))

    @admin.display(description="documents", ordering="document_count")
    def document_total(self, obj):
        return obj.document_count

    @admin.display(description="documents")
    def documents_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:archive_document_changelist") + f"?collection__id__exact={obj.pk}"
        return format_html('<a href="{}">{} documents</a>', url, obj.document_count)


@admin.register(ChronicleEntry)
class ChronicleEntryAdmin(admin.ModelAdmin):
    list_display = ["date_display", "short_text", "date_start", "calendar", "collection"]
    list_select_related = ["collection"]
    list_filter = ["collection", "date_precision", "calendar"]
    search_fields = ["text", "date_display"]

    @admin.display(description="event", ordering="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 120 else f"{obj.text[:119]}…"


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "document_total"]
    ordering = ["name"]  # Meta.ordering is not applied to annotated counts
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents"))

    @admin.display(description="documents", ordering="document_count")
    def document_total(self, obj):
        return obj.document_count
