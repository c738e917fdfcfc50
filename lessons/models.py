from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from common.models import TimeStampedModel


class UnitQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Unit.Status.PUBLISHED)

    def editable_by(self, user):
        """Units the user owns or co-authors; all of them for a superuser."""
        if user.is_superuser:
            return self.all()
        return self.filter(Q(owner=user) | Q(co_authors=user)).distinct()

    def for_student(self, user):
        """Published units given to a class the student is enrolled in."""
        return self.published().filter(classrooms__enrolments__student=user).distinct()

    def visible_to(self, user):
        """Units whose pages the user may open; everyone else gets a 404.

        Students: published units given to one of their classes. Teachers: units they own or
        co-author (drafts too), and published units given to a class they teach. Superusers: all.
        Written with subqueries, so it needs no DISTINCT and composes with annotations.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        given = Unit.classrooms.through.objects.filter(unit=OuterRef("pk"))
        in_my_classes = Exists(given.filter(classroom__enrolments__student=user))
        if user.is_student:
            return self.published().filter(in_my_classes)
        authored = Q(owner=user) | Q(
            pk__in=Unit.co_authors.through.objects.filter(user=user).values("unit_id")
        )
        taught = Exists(given.filter(Q(classroom__owner=user) | Q(classroom__co_teachers=user)))
        return self.filter(authored | (Q(status=Unit.Status.PUBLISHED) & taught))

    def with_lesson_count(self):
        return self.annotate(lesson_count=Count("lessons", distinct=True))


class Unit(TimeStampedModel):
    class Level(models.TextChoices):
        GCSE = "gcse", "GCSE"
        A_LEVEL = "a_level", "A level"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    enquiry_question = models.CharField(
        max_length=300, help_text="The unit's key enquiry question."
    )
    summary = models.TextField(blank=True, help_text="Markdown.")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.A_LEVEL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_units"
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_authored_units"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    classrooms = models.ManyToManyField(
        "accounts.Classroom",
        blank=True,
        related_name="units",
        help_text="The classes this unit is given to.",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lessons:unit", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_editable_by(self, user) -> bool:
        """Owner, co-author or superuser. Costs a query for a co-author check."""
        if user.is_superuser or self.owner_id == user.pk:
            return True
        return self.co_authors.filter(pk=user.pk).exists()


class Lesson(TimeStampedModel):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Markdown.")

    class Meta:
        ordering = ["unit", "position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lessons:lesson", args=[self.unit_id, self.pk])


class LessonItem(models.Model):
    class Kind(models.TextChoices):
        SOURCE = "source", "Source (an excerpt)"
        CONTEXT = "context", "Context note"
        DOCUMENT = "document", "Background document (e.g. a revision card)"
        ASSESSMENT = "assessment", "Assessment"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    label = models.CharField(max_length=40, blank=True, help_text="For example: Source A")
    caption = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True, help_text="Markdown (context notes).")
    excerpt = models.ForeignKey(
        "archive.Excerpt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lesson_items",
    )
    document = models.ForeignKey(
        "archive.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lesson_items",
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lesson_items",
    )

    # What each kind needs, and the message a teacher sees when it is missing.
    REQUIRED = {
        Kind.SOURCE: ("excerpt", "A source needs an excerpt: pick one from the archive."),
        Kind.CONTEXT: ("body", "A context note needs some text."),
        Kind.DOCUMENT: ("document", "A background item needs a document: pick one."),
        Kind.ASSESSMENT: ("assessment", "An assessment item needs an assessment: pick one."),
    }

    class Meta:
        ordering = ["lesson", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "label"],
                condition=~Q(label=""),
                name="unique_item_label_in_lesson",
                violation_error_message="Each label can be used only once in a lesson.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label or self.caption or self.pk}"

    def clean(self):
        self.label = self.label.strip()
        required = self.REQUIRED.get(self.kind)
        if required is None:
            return
        field, message = required
        value = self.body.strip() if field == "body" else getattr(self, f"{field}_id")
        if not value:
            raise ValidationError({field: message})


class LessonVisit(models.Model):
    """A student opened a lesson: the unit page's progress ("2 of 4 lessons read")."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="visits")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_visits"
    )
    first_visited_at = models.DateTimeField(auto_now_add=True)
    last_visited_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="unique_lesson_visit"),
        ]

    def __str__(self):
        return f"{self.student} read {self.lesson}"
