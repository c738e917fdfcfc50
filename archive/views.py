"""The archive's pages, for every logged-in user (students and teachers alike); all read-only."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from archive import selectors
from archive.forms import DocumentFilterForm
from archive.rendering import old_style_note, render_document


@require_safe
@login_required
def browse(request):
    form = DocumentFilterForm(request.GET, choices=selectors.filter_choices())
    form.is_valid()  # invalid fields are reported and ignored; the valid ones still filter
    filters = form.filters()
    number = request.GET.get("page")
    if filters.query:
        page = selectors.documents_search_page(filters=filters, number=number)
    else:
        documents = selectors.documents_browse(filters=filters)
        page = Paginator(documents, selectors.PER_PAGE).get_page(number)
    return render(
        request,
        "archive/document_browse.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_ends=1),
            "searching": bool(filters.query),
        },
    )


@require_safe
@login_required
def document_detail(request, pk):
    document = get_object_or_404(selectors.documents_for_page(), pk=pk)
    rendered = render_document(
        document.text,
        notes=document.notes.all(),
        excerpts=document.exact_excerpts,
        parts=document.parts.all(),
    )
    old_style = ""
    if document.calendar == document.Calendar.OLD_STYLE:
        old_style = old_style_note(document.date_start.year if document.date_start else None)
    return render(
        request,
        "archive/document_detail.html",
        {"document": document, "rendered": rendered, "old_style_note": old_style},
    )


@require_safe
@login_required
def chronicle(request):
    return render(
        request,
        "archive/chronicle_list.html",
        {"entries": selectors.chronicle_entries(), "old_style_note": old_style_note(None)},
    )
