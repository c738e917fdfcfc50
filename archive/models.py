from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from common.models import TimeStampedModel


class Collection(TimeStampedModel):
    """The volume, website or card set a document comes from, with its bibliographic details."""

    class Kind(models.TextChoices):
        BOOK = "book", "Book"
        WEBSITE = "website", "Website"
        CARD_SET = "card_set", "Revision card set"

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.JSONField(default=dict, blank=True)  # editor, publisher, year, credits…
    source_file = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title


class Author(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def _authors_in_printed_order(lookup: str = "authors") -> Prefetch:
    # Author.Meta orders by name; a document lists its authors as printed (co-signatories after).
    return Prefetch(lookup, queryset=Author.objects.order_by("authorship__position"))


class DocumentQuerySet(models.QuerySet):
    def with_provenance(self):
        """Everything a provenance card shows: collection and authors, in two queries."""
        return self.select_related("collection").prefetch_related(_authors_in_printed_order())

    def with_counts(self):
        return self.annotate(
            note_count=Count("notes", distinct=True),
            excerpt_count=Count("excerpts", distinct=True),
        )

    def by_author(self, name: str):
        return self.filter(authors__name=name)

    def in_years(self, start: int | None, end: int | None):
        qs = self
        if start is not None:
            qs = qs.filter(
                Q(date_end__year__gte=start) | Q(date_end__isnull=True, date_start__year__gte=start)
            )
        if end is not None:
            qs = qs.filter(date_start__year__lte=end)
        return qs


class Document(TimeStampedModel):
    class Kind(models.TextChoices):
        SPEECH = "speech", "Speech"
        ARTICLE = "article", "Article"
        TELEGRAM = "telegram", "Telegram"
        LETTER = "letter", "Letter"
        REPORT = "report", "Report"
        INTERVIEW = "interview", "Interview"
        RESOLUTION = "resolution", "Resolution"
        DECREE = "decree", "Decree or order"
        WEB_PAGE = "web_page", "Web page"
        ENCYCLOPAEDIA = "encyclopaedia", "Encyclopaedia article"
        REVISION_CARD = "revision_card", "Revision card"

    class Category(models.TextChoices):
        PRIMARY = "primary", "Primary source"
        SECONDARY = "secondary", "Secondary source"
        LEARNER_NOTES = "learner_notes", "Learner notes"

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"
        UNKNOWN = "", "Unknown"

    class Calendar(models.TextChoices):
        OLD_STYLE = "old_style", "Old Style (Julian)"
        NEW_STYLE = "new_style", "New Style (Gregorian)"
        UNKNOWN = "", "Not stated"

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="documents")
    key = models.CharField(max_length=40, help_text="Identity within the collection's file.")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=500, help_text="As printed, typos included.")
    display_title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=300, blank=True)
    authors = models.ManyToManyField(
        Author, through="Authorship", related_name="documents", blank=True
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    category = models.CharField(max_length=20, choices=Category.choices)

    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    calendar = models.CharField(max_length=10, choices=Calendar.choices, blank=True)
    date_display = models.CharField(max_length=200, blank=True, help_text="As printed.")
    second_date_display = models.CharField(max_length=200, blank=True)
    date_source = models.CharField(
        max_length=20, blank=True, help_text="document, chronicle or inferred"
    )

    origin = models.TextField(blank=True)
    publication = models.TextField(blank=True)
    place = models.CharField(max_length=200, blank=True)
    signature = models.TextField(blank=True)
    audience = models.TextField(blank=True, help_text="Who it was for (teachers fill this in).")
    purpose = models.TextField(blank=True, help_text="Why it was made; its viewpoint.")
    card_number = models.PositiveIntegerField(null=True, blank=True)
    topic = models.CharField(max_length=200, blank=True)

    text = models.TextField(help_text="The clean text; paragraphs separated by a blank line.")
    source_file = models.CharField(max_length=200)
    source_start_line = models.PositiveIntegerField(default=0)
    source_end_line = models.PositiveIntegerField(default=0)
    source_start_offset = models.PositiveIntegerField(default=0)
    source_end_offset = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["collection__position", "collection__title", "position"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "key"], name="unique_document_key"),
        ]
        indexes = [
            models.Index(fields=["collection", "position"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["category"]),
            models.Index(fields=["date_start"]),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("archive:document", args=[self.pk])

    @property
    def author_names(self) -> str:
        """Joined author names; expects `authors` prefetched (with_provenance)."""
        return ", ".join(a.name for a in self.authors.all())

    @property
    def is_learner_notes(self) -> bool:
        return self.category == self.Category.LEARNER_NOTES


class Authorship(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "author"], name="unique_authorship"),
        ]

    def __str__(self):
        return f"{self.author} of {self.document}"


class Part(models.Model):
    """A section of a document with its own heading (and, for some, its own date)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveIntegerField()
    heading = models.CharField(max_length=500)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    date_display = models.CharField(max_length=200, blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["document", "position"]

    def __str__(self):
        return self.heading


class Note(models.Model):
    """An editors' or transcriber's note, and where its marker stood in the text."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="notes")
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=40)
    text = models.TextField()
    marker_offset = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["document", "position"]

    def __str__(self):
        return f"Note {self.label}"


class ExcerptQuerySet(models.QuerySet):
    def with_document(self):
        return self.select_related("document", "document__collection").prefetch_related(
            _authors_in_printed_order("document__authors")
        )


class Excerpt(TimeStampedModel):
    """An exact passage of a document, by character offsets; or an adapted variant of one."""

    class Adaptation(models.TextChoices):
        NONE = "", "Exact passage"
        ABRIDGED = "abridged", "Abridged"
        SIMPLIFIED = "simplified", "Simplified"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="excerpts")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The passage; equals the document's slice unless adapted.")
    label = models.CharField(max_length=100, blank=True, help_text="For example: Source A")
    caption = models.CharField(max_length=500, blank=True)
    adapted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="adaptations"
    )
    adaptation = models.CharField(max_length=12, choices=Adaptation.choices, blank=True)
    adaptation_notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ExcerptQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="excerpt_not_empty"
            ),
        ]

    def __str__(self):
        label = self.label or f"Excerpt {self.pk}"
        return f"{label}: {self.document.display_title[:60]}"

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#excerpt-{self.pk}"

    @property
    def is_adapted(self) -> bool:
        return self.adapted_from_id is not None

    def clean(self):
        if self.is_adapted:
            if not self.adaptation:
                raise ValidationError(
                    {"adaptation": "Say whether the variant is abridged or simplified."}
                )
            return
        if self.adaptation:
            raise ValidationError(
                {"adapted_from": "An adapted variant must link to the exact excerpt it adapts."}
            )
        if self.start is None or self.end is None or self.document_id is None:
            return  # the form reports the missing fields
        if not (0 <= self.start < self.end <= len(self.document.text)):
            raise ValidationError("The excerpt's offsets fall outside the document's text.")
        expected = self.document.text[self.start : self.end]
        if self.text != expected:
            raise ValidationError(
                "The excerpt's text does not match the document at its "
                "offsets; select the passage again."
            )


class ChronicleEntry(models.Model):
    """A dated event from a volume's Biographical Chronicle."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="chronicle_entries"
    )
    position = models.PositiveIntegerField()
    date_display = models.CharField(max_length=100)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=Document.Precision.choices, blank=True)
    # The chronicle prints Old Style dates up to February 1918 and New Style after (its note 1).
    calendar = models.CharField(max_length=10, choices=Document.Calendar.choices, blank=True)
    text = models.TextField()
    source_line = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["collection", "position"]
        verbose_name_plural = "chronicle entries"
        constraints = [
            models.UniqueConstraint(fields=["collection", "position"], name="unique_chronicle_pos"),
        ]

    def __str__(self):
        return f"{self.date_display}: {self.text[:60]}"

    @property
    def known_only_as_before(self) -> bool:
        """ "Before March 10", "Prior to July 11": the entry has an upper bound and no start."""
        return self.date_start is None and self.date_end is not None
