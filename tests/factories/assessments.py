"""Factories for assessments, assignments and attempts.

No surprises: an AssessmentFactory has no questions until you add them; an AssignmentFactory is
open now (opened an hour ago, due in a week, closes a day after that) for a new class owned by
the assessment's owner; an AttemptFactory is in progress for a student enrolled in the
assignment's class, with one empty Response per question (as `attempt_start` creates them).
Per-kind question factories build what the kind needs to be valid:

    SingleChoiceQuestionFactory(assessment=a, choices=["Kiev", "Helsingfors"], correct=[1])
    MultipleChoiceQuestionFactory(assessment=a, choices=[...], correct=[0, 2])
    ShortAnswerQuestionFactory(assessment=a, accepted_answers=["Helsingfors"])
    ExtendedQuestionFactory(assessment=a, marks=12)          # levels 0–0, 1–3, 4–7, 8–12
    ExtendedQuestionFactory(assessment=a, levels=False)      # no mark scheme yet
    GridQuestionFactory(assessment=a, claims=[{"A": "agree", "B": "silent"}])
"""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments.models import (
    Assessment,
    Assignment,
    Attempt,
    Choice,
    Exemplar,
    Extension,
    GridClaim,
    IndicativePoint,
    Level,
    Question,
    QuestionSource,
    Response,
    Skill,
)
from tests.factories.accounts import ClassroomFactory, EnrolmentFactory, TeacherFactory
from tests.factories.archive import ExcerptFactory

__all__ = [
    "AssessmentFactory",
    "QuestionFactory",
    "SingleChoiceQuestionFactory",
    "MultipleChoiceQuestionFactory",
    "ShortAnswerQuestionFactory",
    "ExtendedQuestionFactory",
    "GridQuestionFactory",
    "ChoiceFactory",
    "QuestionSourceFactory",
    "GridClaimFactory",
    "LevelFactory",
    "IndicativePointFactory",
    "ExemplarFactory",
    "AssignmentFactory",
    "ExtensionFactory",
    "AttemptFactory",
    "ResponseFactory",
    "default_bands",
]


def default_bands(marks: int) -> list[tuple[int, int]]:
    """Bands covering 0..marks: level 0 is 0–0, then three roughly equal bands."""
    if marks < 3:
        return [(0, 0)] + [(m, m) for m in range(1, marks + 1)]
    third = marks // 3
    return [(0, 0), (1, third), (third + 1, 2 * third), (2 * third + 1, marks)]


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    title = factory.Sequence(lambda n: f"Assessment {n}")
    instructions = "Answer all the questions."
    owner = factory.SubFactory(TeacherFactory)


class QuestionFactory(DjangoModelFactory):
    """A bare question (extended by default, no levels). Prefer the per-kind factories."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    assessment = factory.SubFactory(AssessmentFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.EXTENDED
    prompt = factory.Sequence(lambda n: f"Question {n}: how useful is Source A?")
    marks = 1
    skill = Skill.SOURCING


class _ChoiceQuestionFactory(QuestionFactory):
    skill = Skill.CLOSE_READING

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):
        """`choices=[texts]`; which are correct is set by `correct`."""
        if not create:
            return
        texts = extracted if extracted is not None else ["Petrograd", "Helsingfors", "Kiev"]
        Choice.objects.bulk_create(
            Choice(question=obj, position=i, text=text) for i, text in enumerate(texts)
        )

    @factory.post_generation
    def correct(obj, create, extracted, **kwargs):
        """`correct=[indexes]` of the choices; default: the first is correct."""
        if not create:
            return
        indexes = extracted if extracted is not None else [0]
        obj.choices.filter(position__in=indexes).update(is_correct=True)


class SingleChoiceQuestionFactory(_ChoiceQuestionFactory):
    kind = Question.Kind.SINGLE_CHOICE


class MultipleChoiceQuestionFactory(_ChoiceQuestionFactory):
    kind = Question.Kind.MULTIPLE_CHOICE
    marks = 2


class ShortAnswerQuestionFactory(QuestionFactory):
    kind = Question.Kind.SHORT_ANSWER
    skill = Skill.CLOSE_READING
    accepted_answers = factory.LazyFunction(lambda: ["Helsingfors"])


class ExtendedQuestionFactory(QuestionFactory):
    kind = Question.Kind.EXTENDED
    marks = 12

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        """`levels=[(low, high), ...]` numbered from 0; False for no mark scheme."""
        if not create or extracted is False:
            return
        bands = extracted if extracted is not None else default_bands(obj.marks)
        Level.objects.bulk_create(
            Level(question=obj, number=i, low=low, high=high, descriptor=f"Level {i} descriptor.")
            for i, (low, high) in enumerate(bands)
        )


class GridQuestionFactory(QuestionFactory):
    kind = Question.Kind.GRID
    skill = Skill.CORROBORATION
    marks = 4

    @factory.post_generation
    def claims(obj, create, extracted, **kwargs):
        """`claims=[{"A": "agree", ...}, ...]`; default two claims over sources A and B."""
        if not create:
            return
        rows = (
            extracted
            if extracted is not None
            else [{"A": "agree", "B": "disagree"}, {"A": "silent", "B": "agree"}]
        )
        GridClaim.objects.bulk_create(
            GridClaim(question=obj, position=i, text=f"Claim {i + 1}", expected=expected)
            for i, expected in enumerate(rows)
        )


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(SingleChoiceQuestionFactory, choices=[])
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Option {n}")
    is_correct = False


class QuestionSourceFactory(DjangoModelFactory):
    class Meta:
        model = QuestionSource

    question = factory.SubFactory(QuestionFactory)
    excerpt = factory.SubFactory(ExcerptFactory)
    label = factory.Sequence(lambda n: "ABCDEFGH"[n % 8] if n < 8 else f"S{n}")
    position = factory.Sequence(lambda n: n)


class GridClaimFactory(DjangoModelFactory):
    class Meta:
        model = GridClaim

    question = factory.SubFactory(GridQuestionFactory, claims=[])
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Claim {n}")
    expected = factory.LazyFunction(lambda: {"A": "agree", "B": "silent"})


class LevelFactory(DjangoModelFactory):
    class Meta:
        model = Level

    question = factory.SubFactory(ExtendedQuestionFactory, levels=False)
    number = 1
    low = 1
    high = 4
    descriptor = factory.LazyAttribute(lambda lv: f"Level {lv.number} descriptor.")


class IndicativePointFactory(DjangoModelFactory):
    class Meta:
        model = IndicativePoint

    question = factory.SubFactory(ExtendedQuestionFactory)
    position = factory.Sequence(lambda n: n)
    text = "Provenance: a public speech by the People's Commissar."


class ExemplarFactory(DjangoModelFactory):
    class Meta:
        model = Exemplar

    question = factory.SubFactory(ExtendedQuestionFactory)
    level = factory.LazyAttribute(lambda e: e.question.levels.order_by("-number").first())
    text = "An exemplar answer."
    commentary = "Why it sits in this level."


class AssignmentFactory(DjangoModelFactory):
    """Open now: opened an hour ago, due in 7 days, closes 8 days from now."""

    class Meta:
        model = Assignment

    classroom = factory.SubFactory(ClassroomFactory)
    assessment = factory.SubFactory(
        AssessmentFactory, owner=factory.SelfAttribute("..classroom.owner")
    )
    set_by = factory.SelfAttribute("classroom.owner")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    due_at = factory.LazyAttribute(lambda a: a.opens_at + timedelta(days=7, hours=1))
    closes_at = factory.LazyAttribute(lambda a: a.due_at + timedelta(days=1))
    attempts_allowed = 1


class ExtensionFactory(DjangoModelFactory):
    class Meta:
        model = Extension

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.LazyAttribute(
        lambda e: EnrolmentFactory(classroom=e.assignment.classroom).student
    )
    due_at = None
    extra_minutes = 0
    reason = "Access arrangement"


class AttemptFactory(DjangoModelFactory):
    """In progress, started now, by a student enrolled in the assignment's class.

    Creates one empty Response per question, as `attempt_start` does (`responses=False` to skip).
    The trait `submitted=True` gives a submitted, on-time attempt.
    """

    class Meta:
        model = Attempt
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(
            status=Attempt.Status.SUBMITTED,
            submitted_at=factory.LazyAttribute(lambda a: a.started_at + timedelta(minutes=30)),
        )

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.LazyAttribute(
        lambda a: EnrolmentFactory(classroom=a.assignment.classroom).student
    )
    number = 1
    status = Attempt.Status.IN_PROGRESS
    started_at = factory.LazyFunction(timezone.now)
    deadline_at = factory.LazyAttribute(lambda a: a.assignment.closes_at)

    @factory.post_generation
    def responses(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        Response.objects.bulk_create(
            Response(attempt=obj, question=q) for q in obj.assignment.assessment.questions.all()
        )


class ResponseFactory(DjangoModelFactory):
    class Meta:
        model = Response
        django_get_or_create = ("attempt", "question")

    attempt = factory.SubFactory(AttemptFactory, responses=False)
    question = factory.SubFactory(
        ExtendedQuestionFactory, assessment=factory.SelfAttribute("..attempt.assignment.assessment")
    )
    text = ""
