import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from common.models import TimeStampedModel


class Skill(models.TextChoices):
    SOURCING = "sourcing", "Sourcing"
    CONTEXTUALISATION = "contextualisation", "Contextualisation"
    CORROBORATION = "corroboration", "Corroboration"
    CLOSE_READING = "close_reading", "Close reading"
    KNOWLEDGE = "knowledge", "Substantive knowledge"


class AssessmentQuerySet(models.QuerySet):
    def editable_by(self, user):
        if user.is_superuser:
            return self.all()
        return self.filter(owner=user)


class Assessment(TimeStampedModel):
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, help_text="Markdown.")
    unit = models.ForeignKey(
        "lessons.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_assessments"
    )
    # A fresh random value whenever the paper a student sees may have changed: the assessment,
    # its questions, choices, claims and sources, or the excerpts, documents, collections and
    # authors they show (assessments/content_version.py). The attempt page caches what every
    # student sees under it. Random, not a counter: a save from a stale copy of the row cannot
    # bring back a value that was already used.
    content_version = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        SHORT_ANSWER = "short_answer", "Short answer"
        EXTENDED = "extended", "Extended response"
        GRID = "grid", "Corroboration grid"

    OBJECTIVE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.SHORT_ANSWER, Kind.GRID)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    prompt = models.TextField(help_text="Markdown.")
    marks = models.PositiveSmallIntegerField(default=1)
    skill = models.CharField(max_length=20, choices=Skill.choices)
    asks_for_evidence = models.BooleanField(
        default=False, help_text="Students attach cited passages from the sources."
    )
    accepted_answers = models.JSONField(
        default=list,
        blank=True,
        help_text="Short answer: accepted answers, compared ignoring case, spacing, punctuation.",
    )

    class Meta:
        ordering = ["assessment", "position", "pk"]

    def __str__(self):
        return f"Q{self.position + 1}. {self.prompt[:60]}"

    @property
    def is_objective(self) -> bool:
        return self.kind in self.OBJECTIVE_KINDS


class QuestionSource(models.Model):
    """A labelled excerpt a question refers to ("Source A")."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="sources")
    excerpt = models.ForeignKey(
        "archive.Excerpt", on_delete=models.PROTECT, related_name="question_sources"
    )
    label = models.CharField(max_length=40)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "label"], name="unique_source_label"),
        ]

    def __str__(self):
        return self.label


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text


class GridClaim(models.Model):
    """A row of a corroboration grid: for each source label, agree / disagree / silent."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="claims")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    expected = models.JSONField(default=dict, help_text='{"A": "agree", "B": "silent"}')

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text


class Level(models.Model):
    """A band of a levels-based mark scheme for an extended response."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    low = models.PositiveSmallIntegerField()
    high = models.PositiveSmallIntegerField()
    descriptor = models.TextField()

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="unique_level_number"),
            models.CheckConstraint(condition=Q(high__gte=F("low")), name="level_band_ordered"),
        ]

    def __str__(self):
        return f"Level {self.number} ({self.low}–{self.high})"


class IndicativePoint(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="indicative_points"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text[:60]


class Exemplar(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="exemplars")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="exemplars")
    text = models.TextField()
    commentary = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "level__number"]

    def __str__(self):
        return f"Exemplar for {self.level}"


class AssignmentQuerySet(models.QuerySet):
    def for_student(self, user):
        return self.filter(classroom__enrolments__student=user)

    def for_teacher(self, user):
        if user.is_superuser:
            return self.all()
        return self.filter(Q(classroom__owner=user) | Q(classroom__co_teachers=user)).distinct()


class Assignment(TimeStampedModel):
    class FeedbackPolicy(models.TextChoices):
        OBJECTIVE_AT_ONCE = "objective_at_once", "Objective marks at once, the rest on release"
        ON_RELEASE = "on_release", "Everything when the teacher releases"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="assignments")
    classroom = models.ForeignKey(
        "accounts.Classroom", on_delete=models.CASCADE, related_name="assignments"
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="After this, no more answers (unless extended).")
    attempts_allowed = models.PositiveSmallIntegerField(default=1)
    feedback_policy = models.CharField(
        max_length=20, choices=FeedbackPolicy.choices, default=FeedbackPolicy.OBJECTIVE_AT_ONCE
    )
    anonymous_marking = models.BooleanField(default=False)
    released_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gte=F("opens_at")), name="due_after_open"),
            models.CheckConstraint(condition=Q(closes_at__gte=F("due_at")), name="close_after_due"),
        ]

    def __str__(self):
        return f"{self.assessment} → {self.classroom}"


class Extension(TimeStampedModel):
    """Extra time and/or a later due date for one student; it outlives the class close time."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    extra_minutes = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="unique_extension"),
        ]

    def __str__(self):
        return f"Extension for {self.student} on {self.assignment}"


class Attempt(TimeStampedModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="attempts")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(
        help_text="The effective last moment to save: close time, extension and time limit."
    )
    is_late = models.BooleanField(default=False)
    auto_submitted = models.BooleanField(default=False)
    feedback_released_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when feedback is released to this student alone."
    )
    feedback_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assignment", "student", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "number"], name="unique_attempt_number"
            ),
        ]

    def __str__(self):
        return f"Attempt {self.number} by {self.student} on {self.assignment}"

    def get_absolute_url(self):
        return reverse("assessments:attempt", args=[self.pk])

    @property
    def feedback_released(self) -> bool:
        """Whether the student may see marks and comments; expects `assignment` loaded."""
        return bool(self.feedback_released_at or self.assignment.released_at)

    @property
    def time_taken(self) -> timedelta | None:
        if self.submitted_at is None:
            return None
        return self.submitted_at - self.started_at


class Response(models.Model):
    """A student's answer to one question. Created with the attempt; autosave only UPDATEs it."""

    # No index of its own: unique_response (attempt, question) leads with it, and every index
    # less is one write less on the autosave path.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)  # chosen Choice ids
    grid = models.JSONField(default=dict, blank=True)  # {claim_id: {label: agree|disagree|silent}}
    citations = models.JSONField(default=list, blank=True)  # [{excerpt, document, start, end}]
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    auto_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_response"),
        ]

    def __str__(self):
        return f"Response to {self.question_id} in attempt {self.attempt_id}"

    @property
    def teacher_mark(self) -> "Mark | None":
        """The teacher's Mark, or None; expects select_related("mark") to avoid a query."""
        try:
            return self.mark
        except Response.mark.RelatedObjectDoesNotExist:
            return None

    @property
    def effective_score(self) -> int | None:
        """The score that counts: the teacher's mark, else the automatic one.

        None means "to mark" and must never be shown or summed as zero. Expects `mark`
        (select_related) and `question` loaded.
        """
        mark = self.teacher_mark
        if mark is not None:
            return mark.score
        if self.question.is_objective:
            return self.auto_score
        return None


class Mark(models.Model):
    """The teacher's mark for a response: a level (extended questions), a score and a comment.

    For objective questions a Mark exists only when a teacher overrides the automatic score.
    A response with neither a Mark nor an auto_score is waiting to be marked: never zero.
    """

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="mark")
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    marker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField()
    is_override = models.BooleanField(default=False)
    override_reason = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.score} for response {self.response_id}"


class MarkChange(models.Model):
    """Audit trail: every change to a response's mark, with who, when, old and new."""

    class Kind(models.TextChoices):
        MARK = "mark", "Marked"
        OVERRIDE = "override", "Automatic mark overridden"
        SETTLE = "settle", "Settled after second marking"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="mark_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MARK)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    old_score = models.PositiveSmallIntegerField(null=True, blank=True)
    new_score = models.PositiveSmallIntegerField(null=True, blank=True)
    old_level = models.PositiveSmallIntegerField(null=True, blank=True)
    new_level = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["response", "changed_at", "pk"]

    def __str__(self):
        return f"{self.old_score} → {self.new_score} by {self.changed_by_id}"


class CommentBankEntry(TimeStampedModel):
    """A reusable marking comment, kept per question and level, usable across assessments."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_bank"
    )
    skill = models.CharField(max_length=20, choices=Skill.choices, blank=True)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_comments"
    )
    level_number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["level_number", "text"]
        verbose_name_plural = "comment bank entries"

    def __str__(self):
        return self.text[:60]


class SecondMarking(TimeStampedModel):
    """A request for a co-teacher to blind-mark a sample of responses to one question."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="second_markings"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    second_marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_markings"
    )
    responses = models.ManyToManyField(Response, related_name="second_markings")
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Second marking of {self.question} by {self.second_marker}"


class SecondMark(models.Model):
    request = models.ForeignKey(SecondMarking, on_delete=models.CASCADE, related_name="marks")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="second_marks")
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    marked_at = models.DateTimeField()
    settled = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "response"], name="unique_second_mark"),
        ]

    def __str__(self):
        return f"Second mark {self.score} for response {self.response_id}"


class FeedbackRelease(models.Model):
    """Audit of feedback releases: who released what, to whom, when."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="releases")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField()
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Empty when released to the whole class.",
    )

    def __str__(self):
        return f"Release of {self.assignment} at {self.released_at}"
