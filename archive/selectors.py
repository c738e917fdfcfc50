"""Reads for the archive pages: filtered listings, search pages, one document with everything.

Every function states what it costs in queries; the view tests pin those numbers.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear

from archive.models import Author, ChronicleEntry, Collection, Document, Excerpt, Note, Part
from archive.search import SearchHit, search_documents

PER_PAGE = 25


@dataclass(frozen=True)
class DocumentFilters:
    """What a reader narrowed the archive to; blank values do not filter."""

    query: str = ""
    kind: str = ""
    category: str = ""
    collection: str = ""  # Collection.key
    author: str = ""  # Author.name
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class FilterChoices:
    collections: list[tuple[str, str]]  # (key, title)
    authors: list[str]


def filter_choices() -> FilterChoices:
    """The collections and authors a reader can filter by. Two queries."""
    return FilterChoices(
        collections=list(Collection.objects.values_list("key", "title")),
        authors=list(Author.objects.values_list("name", flat=True)),
    )


def documents_filtered(*, filters: DocumentFilters) -> QuerySet[Document]:
    """Documents matching every filter except the text query (no related objects loaded).

    A year range keeps a document whose dates overlap it; an undated document drops out as soon
    as either year is given.
    """
    documents = Document.objects.all()
    if filters.kind:
        documents = documents.filter(kind=filters.kind)
    if filters.category:
        documents = documents.filter(category=filters.category)
    if filters.collection:
        documents = documents.filter(collection__key=filters.collection)
    if filters.author:
        documents = documents.by_author(filters.author)
    if filters.year_from is not None or filters.year_to is not None:
        documents = documents.in_years(filters.year_from, filters.year_to)
    return documents


def documents_browse(*, filters: DocumentFilters) -> QuerySet[Document]:
    """The filtered archive in reading order (collection, then position), for a Paginator:
    a count, then one query per page plus one for the page's authors. `text` and
    `collection.details` are deferred."""
    # Two collections may share a position; a total order keeps pages from overlapping.
    return (
        documents_filtered(filters=filters)
        .with_provenance()
        .defer("text", "collection__details")
        .order_by("collection__position", "collection__title", "collection_id", "position", "pk")
    )


def documents_search_page(*, filters: DocumentFilters, number, per_page: int = PER_PAGE) -> Page:
    """A Paginator page of SearchHits for `filters.query`, best first.

    Three queries (ranks with total and snippets; documents; authors), or one when nothing
    matches; a page number past the end costs one search more, for the last page.
    """
    number = _page_number(number)
    within = documents_filtered(filters=filters) if _narrows(filters) else None
    result = search_documents(
        filters.query, within=within, limit=per_page, offset=(number - 1) * per_page
    )
    # A range knows its length without a query, so the Paginator only does the arithmetic.
    paginator = Paginator(range(result.total), per_page)
    page = paginator.get_page(number)
    hits: list[SearchHit] = result.hits
    if page.number != number:
        hits = search_documents(
            filters.query, within=within, limit=per_page, offset=(page.number - 1) * per_page
        ).hits
    return Page(hits, page.number, paginator)


def documents_for_page() -> QuerySet[Document]:
    """Documents with everything the document page shows; get one with get_object_or_404.

    Five queries in all: the document with its collection and its previous/next siblings (by
    position in the same collection, annotated as previous_pk/previous_title/next_pk/
    next_title), then authors, parts, notes and exact excerpts (`exact_excerpts`).
    """
    siblings = Document.objects.filter(collection=OuterRef("collection")).order_by()
    previous = siblings.filter(position__lt=OuterRef("position")).order_by("-position")
    following = siblings.filter(position__gt=OuterRef("position")).order_by("position")
    return (
        Document.objects.with_provenance()
        .annotate(
            previous_pk=Subquery(previous.values("pk")[:1]),
            previous_title=Subquery(previous.values("display_title")[:1]),
            next_pk=Subquery(following.values("pk")[:1]),
            next_title=Subquery(following.values("display_title")[:1]),
        )
        .prefetch_related(
            Prefetch("parts", queryset=Part.objects.order_by("position")),
            Prefetch("notes", queryset=Note.objects.order_by("position")),
            Prefetch(
                "excerpts",
                queryset=Excerpt.objects.filter(adapted_from__isnull=True).order_by("start", "pk"),
                to_attr="exact_excerpts",
            ),
        )
    )


def chronicle_entries() -> QuerySet[ChronicleEntry]:
    """Every chronicle entry in date order (undated ones last), with a `year`. One query.

    An entry known only by an upper bound ("Prior to July 11": no start, an end) is placed and
    grouped by that bound, so it stands among its neighbours and not under "Undated".
    """
    return ChronicleEntry.objects.annotate(
        sort_date=Coalesce("date_start", "date_end"), year=ExtractYear("sort_date")
    ).order_by(F("sort_date").asc(nulls_last=True), "collection__position", "position", "pk")


def _narrows(filters: DocumentFilters) -> bool:
    return bool(
        filters.kind
        or filters.category
        or filters.collection
        or filters.author
        or filters.year_from is not None
        or filters.year_to is not None
    )


def _page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 100_000)  # past the end anyway; keeps OFFSET a sane integer
