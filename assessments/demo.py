"""The demo assessments, set to the demo classes, with students' attempts in every state.

`load()` is idempotent: an assessment that exists (same owner and title) is kept, work already
set to a class is not set again, and attempts are only made when the work is first set. It
needs the demo people and classes (accounts.demo.load). The corpus and the lessons demo are
optional: a question's sources are attached when their documents are in the archive (found by
the units.json phrases, reusing the excerpt the lessons demo made, else creating it), and the
assessments are linked to their units when the units exist; re-running fills in what was
missing.

Everything is written through the services, so the attempts carry the same deadlines, late
flags and automatic marks as real ones.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Classroom, Enrolment, User
from archive.models import Document, Excerpt
from archive.services import excerpt_create, excerpt_find
from assessments import demo_data, services
from assessments.demo_data import ChoiceSpec, ExtendedSpec, GridSpec, ShortSpec
from assessments.models import (
    Assessment,
    Assignment,
    Attempt,
    Choice,
    Exemplar,
    GridClaim,
    IndicativePoint,
    Level,
    Question,
    QuestionSource,
    Response,
    Skill,
)
from lessons.models import Unit

MATERIAL = Path(settings.BASE_DIR) / "lessons" / "demo_material" / "units.json"

# The collection each units.json seed (corpus file number) is imported as.
SEED_COLLECTIONS = {
    "000": "web-essay-union-of-soviet-socialist-republics-ussr",
    "001": "web-article-joseph-stalin-revolution-and-power",
    "002": "cards-russia-1918-56",
    "003": "stalin-works-4",
}

QUOTED_CAPTIONS = {
    ("U3", "C"): "Transcriber's note A to “The October Revolution” (Source B) in the Marxists "
    "Internet Archive edition of the Works, quoting the 1936 English translation.",
}


@dataclass
class DemoReport:
    assessments_created: int = 0
    sources_attached: int = 0
    units_linked: int = 0
    assignments_created: int = 0
    attempts_created: int = 0
    warnings: list[str] = field(default_factory=list)


def _material() -> dict[str, dict]:
    units = json.loads(MATERIAL.read_text(encoding="utf-8"))
    return {
        u["unit"]: {"title": u["title"], "excerpts": {e["label"]: e for e in u["excerpts"]}}
        for u in units
    }


# --- sources ----------------------------------------------------------------------------------


class _Archive:
    """Finds the excerpt units.json describes; documents are loaded once per collection."""

    def __init__(self, report: DemoReport):
        self.report = report
        self.documents: dict[str, list[Document]] = {}

    def excerpt(self, unit_key: str, label: str, spec: dict) -> Excerpt | None:
        where = f"{unit_key} Source {label}"
        key = SEED_COLLECTIONS.get(spec["seed"])
        if key not in self.documents:
            self.documents[key] = list(
                Document.objects.filter(collection__key=key).order_by("position")
            )
        documents = self.documents[key]
        if not documents:
            self.report.warnings.append(
                f"{where}: corpus file {spec['seed']} is not imported; the source was not "
                "attached (run manage.py import_corpus, then load the demo again)."
            )
            return None
        # The Works volume's position is a hint; the passage itself decides the document.
        hint = (spec.get("doc_index_003") or 0) - 1
        ordered = sorted(documents, key=lambda d: d.position != hint)
        for document in ordered:
            try:
                start, end = excerpt_find(
                    document=document, starts=spec["starts"], ends=spec["ends"]
                )
            except ValidationError:
                continue
            existing = Excerpt.objects.filter(
                document=document, start=start, end=end, adapted_from__isnull=True
            ).first()
            return existing or excerpt_create(
                document=document, start=start, end=end, label=f"Source {label}"
            )
        self.report.warnings.append(
            f"{where}: no passage from “{spec['starts']}” to “{spec['ends']}” in {key}; "
            "the source was not attached."
        )
        return None


def _attach_sources(assessment, spec, unit_key, excerpts, archive, report) -> None:
    questions = list(assessment.questions.prefetch_related("sources"))
    for question, qspec in zip(questions, spec.questions, strict=False):
        have = {s.label for s in question.sources.all()}
        for position, label in enumerate(qspec.sources):
            if label in have:
                continue
            excerpt = archive.excerpt(unit_key, label, excerpts[label])
            if excerpt is not None:
                QuestionSource.objects.create(
                    question=question, excerpt=excerpt, label=label, position=position
                )
                report.sources_attached += 1


# --- assessments ------------------------------------------------------------------------------

MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")


def _quote(text: str) -> str:
    return "> " + MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))


def _prompt(qspec, unit_key: str, excerpts: dict) -> str:
    quoted = getattr(qspec, "quoted", ())
    parts = [
        f"**Source {label}.** {QUOTED_CAPTIONS.get((unit_key, label), '')}\n\n"
        f"{_quote(excerpts[label]['text'])}"
        for label in quoted
    ]
    return "\n\n".join([*parts, qspec.prompt])


def _build(spec, *, unit, owner, unit_key, excerpts) -> Assessment:
    assessment = Assessment.objects.create(
        title=spec.title,
        instructions=spec.instructions,
        unit=unit,
        time_limit_minutes=spec.time_limit_minutes,
        owner=owner,
    )
    for position, qspec in enumerate(spec.questions):
        fields = {
            "assessment": assessment,
            "position": position,
            "prompt": _prompt(qspec, unit_key, excerpts),
        }
        if isinstance(qspec, ChoiceSpec):
            question = Question.objects.create(
                kind=Question.Kind.SINGLE_CHOICE, marks=1, skill=Skill.CLOSE_READING, **fields
            )
            Choice.objects.bulk_create(
                Choice(question=question, position=i, text=text, is_correct=i == qspec.answer_index)
                for i, text in enumerate(qspec.options)
            )
        elif isinstance(qspec, ShortSpec):
            Question.objects.create(
                kind=Question.Kind.SHORT_ANSWER,
                marks=1,
                skill=Skill.CLOSE_READING,
                accepted_answers=list(qspec.accepted),
                **fields,
            )
        elif isinstance(qspec, GridSpec):
            question = Question.objects.create(
                kind=Question.Kind.GRID, marks=qspec.marks, skill=Skill.CORROBORATION, **fields
            )
            GridClaim.objects.bulk_create(
                GridClaim(question=question, position=i, text=text, expected=expected)
                for i, (text, expected) in enumerate(qspec.claims)
            )
        else:
            _build_extended(qspec, fields)
    return assessment


def _build_extended(qspec: ExtendedSpec, fields: dict) -> None:
    marks, levels = demo_data.SCHEMES[qspec.scheme]
    question = Question.objects.create(
        kind=Question.Kind.EXTENDED,
        marks=marks,
        skill=qspec.skill,
        asks_for_evidence=True,
        **fields,
    )
    by_number = {
        number: Level.objects.create(
            question=question, number=number, low=low, high=high, descriptor=descriptor
        )
        for number, low, high, descriptor in levels
    }
    IndicativePoint.objects.bulk_create(
        IndicativePoint(question=question, position=i, text=text)
        for i, text in enumerate(qspec.points)
    )
    if qspec.exemplar:
        number, text, commentary = qspec.exemplar
        Exemplar.objects.create(
            question=question, level=by_number[number], text=text, commentary=commentary
        )


# --- set work and attempts --------------------------------------------------------------------


def _at_nine(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _students(classroom: Classroom) -> list[User]:
    return [
        e.student
        for e in Enrolment.objects.filter(classroom=classroom)
        .select_related("student")
        .order_by("student__username")
    ]


def _save(response: Response, saved_at: datetime, **values) -> None:
    """What an autosave leaves behind: the answer, a version and the time."""
    Response.objects.filter(pk=response.pk).update(version=1, saved_at=saved_at, **values)


def _responses(attempt: Attempt) -> list[Response]:
    return list(
        attempt.responses.select_related("question")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position")),
            "question__claims",
        )
        .order_by("question__position")
    )


def _answer_objective(attempt: Attempt, index: int, at: datetime, *, upto: int | None = None):
    """Mostly right answers (about three in four), deterministic per student."""
    for j, response in enumerate(_responses(attempt)[:upto]):
        question, right = response.question, (index + j) % 4 != 0
        if question.kind == Question.Kind.SINGLE_CHOICE:
            choices = list(question.choices.all())
            pick = next(c for c in choices if c.is_correct is right)
            _save(response, at, choices=[pick.pk])
        elif question.kind == Question.Kind.SHORT_ANSWER:
            _save(response, at, text=question.accepted_answers[0] if right else "I'm not sure")
        elif question.kind == Question.Kind.GRID:
            grid = {str(c.pk): dict(c.expected) for c in question.claims.all()}
            if not right:
                first = next(iter(grid.values()))
                first[next(iter(first))] = "disagree"
            _save(response, at, grid=grid)


def _answer_essays(attempt: Attempt, index: int, at: datetime, *, upto: int | None = None):
    for j, response in enumerate(_responses(attempt)[:upto]):
        if response.question.kind != Question.Kind.EXTENDED:
            continue
        label = response.question.sources.values_list("label", flat=True).first() or "A"
        text = (
            demo_data.ESSAY_OPENINGS[(index + j) % 3].format(a=label)
            + (demo_data.ESSAY_DEVELOPMENT[(index + 2 * j) % 3])
        )
        _save(response, at, text=text)


def _past_work(assignment: Assignment, students: list[User], now, report) -> None:
    """A closed, timed quiz: on time, late, one timed out, some never started."""
    if len(students) > 2:
        services.extension_save(
            assignment=assignment,
            student=students[2],
            extra_minutes=10,
            reason="Access arrangement: 50% extra time",
        )
    for i, student in enumerate(students):
        if i < 15:
            start = assignment.opens_at + timedelta(days=1, minutes=37 * i)
            finish = start + timedelta(minutes=8 + i % 10)
        elif i < 18:
            start = assignment.due_at + timedelta(hours=2, minutes=30 * (i - 15))
            finish = start + timedelta(minutes=12)
        elif i == 18:
            start, finish = assignment.due_at - timedelta(days=1), None
        else:
            continue  # never started
        attempt = services.attempt_start(assignment=assignment, student=student, now=start)
        report.attempts_created += 1
        if finish is None:  # left open: the sweep after the close auto-submits it
            _answer_objective(attempt, i, start + timedelta(minutes=5), upto=3)
            services.attempt_submit(attempt=attempt, now=now, auto=True)
        else:
            _answer_objective(attempt, i, finish - timedelta(minutes=1))
            services.attempt_submit(attempt=attempt, now=finish)


def _open_work(assignment: Assignment, students: list[User], now, report) -> None:
    """Open now: a few submitted, several in progress with saved text, the rest not started."""
    if len(students) > 10:
        services.extension_save(
            assignment=assignment,
            student=students[10],
            due_at=assignment.closes_at + timedelta(days=3),
            reason="Illness",
        )
    for i, student in enumerate(students[:10]):
        if i < 4:
            start = assignment.opens_at + timedelta(hours=3 + i)
            attempt = services.attempt_start(assignment=assignment, student=student, now=start)
            _answer_essays(attempt, i, start + timedelta(minutes=45))
            services.attempt_submit(attempt=attempt, now=start + timedelta(minutes=50))
        else:
            start = max(assignment.opens_at, now - timedelta(hours=i))
            attempt = services.attempt_start(assignment=assignment, student=student, now=start)
            _answer_essays(attempt, i, start + timedelta(minutes=20), upto=1 + i % 3)
        report.attempts_created += 1


def _set(assessment, classroom, teacher, *, opens, due, report) -> Assignment | None:
    if Assignment.objects.filter(assessment=assessment, classroom=classroom).exists():
        return None
    assignment = services.assignment_create(
        assessment=assessment,
        classroom=classroom,
        set_by=teacher,
        opens_at=opens,
        due_at=due,
        closes_at=due + timedelta(days=1),
    )
    report.assignments_created += 1
    return assignment


# --- load -------------------------------------------------------------------------------------


@transaction.atomic
def load(*, now: datetime | None = None) -> DemoReport:
    """Create the demo assessments and set Unit 1's to both demo classes (once)."""
    now = now or timezone.now()
    report = DemoReport()
    teacher = User.objects.filter(username=accounts_demo.TEACHER[0]).first()
    codes = [code for _, code, _ in accounts_demo.CLASSES]
    classrooms = list(Classroom.objects.filter(join_code__in=codes).order_by("join_code"))
    if teacher is None or len(classrooms) != len(codes):
        raise RuntimeError("Load the demo people and classes first (accounts.demo.load).")
    material = _material()
    archive = _Archive(report)
    built = {}
    for unit_spec in demo_data.UNITS:
        unit_material = material[unit_spec.key]
        unit = Unit.objects.filter(title=unit_material["title"]).order_by("pk").first()
        for spec in (unit_spec.check, unit_spec.exam):
            assessment = Assessment.objects.filter(owner=teacher, title=spec.title).first()
            if assessment is None:
                assessment = _build(
                    spec,
                    unit=unit,
                    owner=teacher,
                    unit_key=unit_spec.key,
                    excerpts=unit_material["excerpts"],
                )
                report.assessments_created += 1
            elif unit is not None and assessment.unit_id is None:
                assessment.unit = unit
                assessment.save(update_fields=["unit", "updated_at"])
                report.units_linked += 1
            _attach_sources(
                assessment, spec, unit_spec.key, unit_material["excerpts"], archive, report
            )
            built[spec.title] = assessment

    today = timezone.localtime(now).date()
    check = built[demo_data.U1.check.title]
    exam = built[demo_data.U1.exam.title]
    for classroom in classrooms:
        students = _students(classroom)
        past = _set(
            check,
            classroom,
            teacher,
            opens=_at_nine(today - timedelta(days=14)),
            due=_at_nine(today - timedelta(days=8)),
            report=report,
        )
        if past is not None:
            _past_work(past, students, now, report)
        current = _set(
            exam,
            classroom,
            teacher,
            opens=_at_nine(today - timedelta(days=2)),
            due=_at_nine(today + timedelta(days=7)),
            report=report,
        )
        if current is not None:
            _open_work(current, students, now, report)
    return report
