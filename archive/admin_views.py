"""Custom admin screens for the archive: the excerpt picker, the corpus upload, the JSONL download.

Each view is a plain function wired by DocumentAdmin.get_urls() through admin_site.admin_view
(staff login, CSRF, no caching) and receives its ModelAdmin for permissions and context.
"""

import hashlib
import re

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from archive.exports import documents_jsonl
from archive.models import Document, Excerpt
from archive.services import corpus_import, excerpt_create

OFFSET = re.compile(r"\d{1,9}")
MAX_CORPUS_UPLOAD = 5 * 1024 * 1024  # the largest real corpus file is under 1 MB


def text_version(text: str) -> str:
    """A short fingerprint of a document's text, to notice an edit made while a teacher picks."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def text_paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) for each non-empty paragraph; what lies between them is newlines.

    Offsets count code points, as Python does, so the picker's script maps a selection back to
    exactly the characters the server will slice.
    """
    paragraphs, offset = [], 0
    for paragraph in text.split("\n\n"):
        if paragraph:
            paragraphs.append((offset, paragraph))
        offset += len(paragraph) + 2
    return paragraphs


class ExcerptPickForm(forms.Form):
    # The browser sends offsets only; the passage is always sliced from the text on the server.
    start = forms.CharField(widget=forms.HiddenInput, required=False)
    end = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(
        max_length=Excerpt._meta.get_field("label").max_length,
        required=False,
        help_text="For example: Source A",
    )
    caption = forms.CharField(
        max_length=Excerpt._meta.get_field("caption").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Shown under the passage, for example its provenance in a sentence.",
    )

    def __init__(self, *args, document: Document, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["version"].initial = text_version(document.text)

    def clean(self):
        data = super().clean()
        raw_start, raw_end = data.get("start", ""), data.get("end", "")
        if not raw_start and not raw_end:
            raise ValidationError("Select a passage in the text first.", code="no_selection")
        if not (OFFSET.fullmatch(raw_start) and OFFSET.fullmatch(raw_end)):
            raise ValidationError(
                "The selection did not arrive as character positions; select the passage again.",
                code="bad_offsets",
            )
        start, end = int(raw_start), int(raw_end)
        text = self.document.text
        if not start < end <= len(text):
            raise ValidationError(
                f"Characters {start}–{end} are not a passage of this document, whose text has "
                f"{len(text)} characters; select the passage again.",
                code="out_of_range",
            )
        if not text[start:end].strip():
            raise ValidationError(
                "The selection holds only blank space; select some words.", code="blank"
            )
        if data.get("version") != text_version(text):
            raise ValidationError(
                "The document's text changed after this page was opened; select the passage again.",
                code="stale",
            )
        data["start"], data["end"] = start, end
        return data


def excerpt_pick(request, pk, *, model_admin):
    """Select a passage of a document with the mouse or the keyboard and save it as an excerpt."""
    document = get_object_or_404(Document.objects.select_related("collection"), pk=pk)
    if not (
        model_admin.has_view_permission(request, document)
        and request.user.has_perm("archive.add_excerpt")
    ):
        raise PermissionDenied
    if request.method == "POST":
        form = ExcerptPickForm(request.POST, document=document)
    else:
        form = ExcerptPickForm(document=document)
    if form.is_bound and form.is_valid():
        try:
            excerpt = excerpt_create(
                document=document,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                label=form.cleaned_data["label"],
                caption=form.cleaned_data["caption"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.log_addition(request, excerpt, [{"added": {}}])
            messages.success(
                request,
                f"Excerpt “{excerpt.label or excerpt.pk}” saved: characters "
                f"{excerpt.start}–{excerpt.end} of “{document.display_title}”.",
            )
            return redirect("admin:archive_excerpt_change", excerpt.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Pick an excerpt from “{document.display_title}”",
        "document": document,
        "paragraphs": text_paragraphs(document.text),
        "text_length": len(document.text),
        "excerpts": document.excerpts.filter(adapted_from__isnull=True).order_by("start"),
        "form": form,
    }
    return TemplateResponse(request, "admin/archive/document/pick_excerpt.html", context)


class CorpusUploadForm(forms.Form):
    file = forms.FileField(
        label="Corpus file",
        # Empty files are refused by the importer itself, with the same message as the command.
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
        help_text="A plain-text (.txt, UTF-8) corpus file. Its format is recognised from its "
        "content; re-importing an unchanged file changes nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CORPUS_UPLOAD:
            raise ValidationError(
                f"{upload.name} is {upload.size // (1024 * 1024)} MB; corpus files must be under "
                f"{MAX_CORPUS_UPLOAD // (1024 * 1024)} MB."
            )
        return upload


def corpus_upload(request, *, model_admin):
    """Upload one corpus file, import it through corpus_import and show the import's report."""
    if not request.user.has_perm("archive.add_document"):
        raise PermissionDenied
    if request.method == "POST":
        form = CorpusUploadForm(request.POST, request.FILES)
    else:
        form = CorpusUploadForm()
    file_report = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        file_report = corpus_import([(upload.name, upload.read())]).files[0]
        if file_report.error:
            messages.error(request, f"{upload.name} was refused; nothing was imported.")
        else:
            messages.success(
                request,
                f"{upload.name} imported into “{file_report.collection}”: "
                f"{file_report.created} created, {file_report.updated} updated, "
                f"{file_report.unchanged} unchanged.",
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Import a corpus file",
        "form": form,
        "report": file_report,
    }
    return TemplateResponse(request, "admin/archive/document/corpus_upload.html", context)


def documents_download(documents) -> StreamingHttpResponse:
    """The documents as a JSON Lines download, streamed as it is generated."""
    # Only the primary keys of the admin's (annotated, filtered) queryset are reused.
    plain = Document.objects.filter(pk__in=documents.values("pk"))
    response = StreamingHttpResponse(
        documents_jsonl(plain), content_type="application/x-ndjson; charset=utf-8"
    )
    filename = f"provenance-documents-{timezone.localdate().isoformat()}.jsonl"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def documents_export(request, *, model_admin):
    """All the documents the changelist shows with the same search and filters, as JSONL."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        # As the changelist itself does with a filter it cannot apply.
        return redirect(f"{reverse('admin:archive_document_changelist')}?e=1")
    return documents_download(changelist.queryset)
