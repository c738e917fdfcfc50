"""Factories for the archive. Document text has a predictable shape for offset tests."""

import factory
from factory.django import DjangoModelFactory

from archive.models import Author, Authorship, ChronicleEntry, Collection, Document, Excerpt, Note

__all__ = [
    "CollectionFactory", "AuthorFactory", "DocumentFactory", "NoteFactory", "ExcerptFactory",
    "ChronicleEntryFactory",
]  # fmt: skip


class CollectionFactory(DjangoModelFactory):
    class Meta:
        model = Collection
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"collection-{n}")
    title = factory.Sequence(lambda n: f"Collection {n}")
    kind = Collection.Kind.BOOK
    source_file = "test.txt"


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("name",)

    name = "J. V. Stalin"


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    collection = factory.SubFactory(CollectionFactory)
    key = factory.Sequence(lambda n: f"doc-{n:03d}")
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Telegram to Lenin number {n}")
    display_title = factory.LazyAttribute(lambda d: d.title)
    kind = Document.Kind.TELEGRAM
    category = Document.Category.PRIMARY
    date_display = "July 7, 1918"
    date_precision = Document.Precision.DAY
    calendar = Document.Calendar.NEW_STYLE
    text = (
        "The situation in the south is grave.\n\n"
        "Grain is being sent north by every train we can find.\n\n"
        "We shall not let the enemy through."
    )
    source_file = "test.txt"

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if not create:
            return
        for position, name in enumerate(extracted if extracted is not None else ["J. V. Stalin"]):
            Authorship.objects.create(
                document=obj, author=AuthorFactory(name=name), position=position
            )


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    document = factory.SubFactory(DocumentFactory)
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: str(n + 1))
    text = "An editors' note."
    marker_offset = None


class ExcerptFactory(DjangoModelFactory):
    """An exact excerpt: by default the document's first paragraph."""

    class Meta:
        model = Excerpt

    document = factory.SubFactory(DocumentFactory)
    start = 0
    end = factory.LazyAttribute(lambda e: e.document.text.find("\n\n"))
    text = factory.LazyAttribute(lambda e: e.document.text[e.start : e.end])
    label = "Source A"
    caption = ""


class ChronicleEntryFactory(DjangoModelFactory):
    class Meta:
        model = ChronicleEntry

    collection = factory.SubFactory(CollectionFactory)
    position = factory.Sequence(lambda n: n)
    date_display = "November 7"
    text = "A chronicle entry."
