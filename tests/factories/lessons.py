"""Factories for units, lessons and items.

No surprises: a UnitFactory is a draft with no lessons and no classes (use PublishedUnitFactory
or `classrooms=[...]`); a LessonFactory has no items; each item factory builds what its kind
needs to be valid (a SourceItemFactory makes an excerpt, a DocumentItemFactory a document).
"""

import factory
from factory.django import DjangoModelFactory

from lessons.models import Lesson, LessonItem, LessonVisit, Unit
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.archive import DocumentFactory, ExcerptFactory

__all__ = [
    "UnitFactory",
    "PublishedUnitFactory",
    "LessonFactory",
    "SourceItemFactory",
    "ContextItemFactory",
    "DocumentItemFactory",
    "AssessmentItemFactory",
    "LessonVisitFactory",
]


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Unit {n}: Revolution and nationalities")
    enquiry_question = "Why did the Bolshevik attitude to self-determination change?"
    summary = "Read the sources **carefully**."
    level = Unit.Level.A_LEVEL
    owner = factory.SubFactory(TeacherFactory)
    status = Unit.Status.DRAFT

    @factory.post_generation
    def classrooms(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.classrooms.set(extracted)

    @factory.post_generation
    def co_authors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.co_authors.set(extracted)


class PublishedUnitFactory(UnitFactory):
    status = Unit.Status.PUBLISHED


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson

    unit = factory.SubFactory(UnitFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    introduction = "Read each source with its provenance."


class _ItemFactory(DjangoModelFactory):
    class Meta:
        model = LessonItem

    lesson = factory.SubFactory(LessonFactory)
    position = factory.Sequence(lambda n: n)


class SourceItemFactory(_ItemFactory):
    kind = LessonItem.Kind.SOURCE
    label = factory.Sequence(lambda n: f"Source {n}")
    caption = "From a telegram to Lenin, July 1918."
    excerpt = factory.SubFactory(ExcerptFactory)


class ContextItemFactory(_ItemFactory):
    kind = LessonItem.Kind.CONTEXT
    label = ""
    body = "The *Civil War* began in the summer of 1918."


class DocumentItemFactory(_ItemFactory):
    kind = LessonItem.Kind.DOCUMENT
    label = ""
    document = factory.SubFactory(DocumentFactory)


class AssessmentItemFactory(_ItemFactory):
    kind = LessonItem.Kind.ASSESSMENT
    label = ""
    assessment = factory.SubFactory(
        "tests.factories.assessments.AssessmentFactory",
        owner=factory.SelfAttribute("..lesson.unit.owner"),
    )


class LessonVisitFactory(DjangoModelFactory):
    class Meta:
        model = LessonVisit

    lesson = factory.SubFactory(LessonFactory)
    student = factory.SubFactory(StudentFactory)
