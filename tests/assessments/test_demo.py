"""The demo loader: with and without the corpus, and idempotent."""

from django.conf import settings

from accounts import demo as accounts_demo
from accounts.models import Classroom
from archive.services import corpus_files, corpus_import
from assessments import demo, selectors
from assessments.models import Assessment, Assignment, Attempt, Extension, QuestionSource, Response
from lessons.models import Unit


def _progress(assignment):
    counts = selectors.progress_counts(selectors.assignment_roster(assignment=assignment))
    return {p.value: n for p, n in counts.items()}


def test_demo_without_the_corpus_sets_work_in_every_state(db):
    accounts_demo.load()
    teacher = accounts_demo.TEACHER[0]
    unit = Unit.objects.create(
        title="Self-determination or Soviet power? Bolshevik nationalities policy, 1917-1920",
        enquiry_question="Why?",
        owner_id=Classroom.objects.get(join_code="DEMO12AA").owner_id,
    )

    report = demo.load()

    assert report.assessments_created == 4
    assert report.assignments_created == 4
    assert report.attempts_created == 2 * (19 + 10)
    assert report.sources_attached == 0
    assert report.warnings[0] == (
        "U1 Source A: corpus file 003 is not imported; the source was not attached (run "
        "manage.py import_corpus, then load the demo again)."
    )
    assert set(Assessment.objects.filter(unit=unit).values_list("title", flat=True)) == {
        "Unit 1 source check: nationalities policy",
        "Unit 1 exam practice: why did self-determination change?",
    }
    assert all(a.owner.username == teacher for a in Assessment.objects.all())

    for classroom in Classroom.objects.filter(join_code__in=["DEMO12AA", "DEMO12BB"]):
        past = Assignment.objects.get(classroom=classroom, assessment__time_limit_minutes=20)
        current = Assignment.objects.get(classroom=classroom, assessment__time_limit_minutes=None)
        assert _progress(past) == {
            "not_started": 6,
            "in_progress": 0,
            "submitted": 16,
            "late": 3,
        }
        assert _progress(current) == {
            "not_started": 15,
            "in_progress": 6,
            "submitted": 4,
            "late": 0,
        }
        timed_out = Attempt.objects.get(assignment=past, auto_submitted=True)
        assert timed_out.submitted_at == timed_out.deadline_at
        assert Extension.objects.filter(assignment=past, extra_minutes=10).count() == 1
        assert Extension.objects.filter(assignment=current, due_at__gt=current.closes_at).count()

    objective = Response.objects.filter(attempt__status="submitted", question__kind="single_choice")
    assert objective.filter(auto_score=1).exists()
    assert objective.filter(auto_score=0).exists()
    assert not objective.filter(auto_score__isnull=True).exists()
    saved_essays = Response.objects.filter(
        attempt__status="in_progress", question__kind="extended"
    ).exclude(text="")
    assert saved_essays.count() == 2 * (2 + 3 + 1 + 2 + 3 + 1)

    again = demo.load()
    assert (again.assessments_created, again.assignments_created, again.attempts_created) == (
        0,
        0,
        0,
    )
    assert Attempt.objects.count() == 58


def test_demo_with_the_corpus_attaches_every_source(db):
    accounts_demo.load()
    first = demo.load()
    assert first.sources_attached == 0

    wanted = [
        (n, d) for n, d in corpus_files(settings.CORPUS_DIR) if n[:3] in demo.SEED_COLLECTIONS
    ]
    report = corpus_import(wanted)
    assert report.ok, [f.error for f in report.files]

    again = demo.load()
    assert again.warnings == []
    assert again.sources_attached == 30
    assert QuestionSource.objects.count() == 30
    assert QuestionSource.objects.values("excerpt").distinct().count() == 9
    source_a = QuestionSource.objects.filter(
        question__assessment__title__startswith="Unit 1 source check", label="A"
    ).get()
    assert source_a.excerpt.text.startswith("Complete freedom for the Finnish people,")
    assert source_a.excerpt.text.endswith("the international socialist revolution advanced.")
    assert source_a.excerpt.document.collection.key == "stalin-works-4"

    assert demo.load().sources_attached == 0
