"""The demo loader, against a corpus built with factories (the documented interface: collection
keys, document positions and titles, notes) and once against the real corpus files."""

import json

import pytest
from django.conf import settings

from accounts import demo as accounts_demo
from accounts.models import Classroom
from archive.models import Excerpt
from archive.services import corpus_files, corpus_import
from lessons import demo
from lessons.models import Lesson, LessonItem, Unit
from tests.factories import (
    AssessmentFactory,
    CollectionFactory,
    DocumentFactory,
    NoteFactory,
)

MATERIAL = json.loads(demo.MATERIAL.read_text(encoding="utf-8"))
EXCERPTS = {(unit["unit"], e["label"]): e for unit in MATERIAL for e in unit["excerpts"]}
NOTE_PASSAGES = {("U3", "C")}  # the archive keeps this passage as note "A" of its document


def words(text):
    return " ".join(text.split())


def build_corpus():
    """Collections and documents holding the demo's passages, as the importers store them."""
    collections = {
        seed: CollectionFactory(key=key, title=f"Collection {seed}", source_file=f"{seed}_x.txt")
        for seed, key in demo.SEED_COLLECTIONS.items()
    }
    documents = {}
    for (unit, label), spec in EXCERPTS.items():
        if (unit, label) in NOTE_PASSAGES:
            continue
        seed = spec["seed"]
        title = spec["document"]
        fields = {"position": 0}
        if seed == "003":
            title = title.split(" — ")[0]
            fields["position"] = spec["doc_index_003"] - 1
        elif seed == "002":
            number, title = title.removeprefix("Card ").split(": ", 1)
            title = title.split(" — ")[0]
            fields.update(
                card_number=int(number.split()[0]), kind="revision_card", category="learner_notes"
            )
        else:
            title = title.split(" (")[0]
        documents.setdefault((seed, fields["position"], fields.get("card_number")), [])
        documents[(seed, fields["position"], fields.get("card_number"))].append(
            (title, fields, spec["text"])
        )
    made = {}
    for (seed, _, _), entries in documents.items():
        title, fields, _ = entries[0]
        text = "\n\n".join(
            ["An opening paragraph."] + [passage for *_, passage in entries] + ["The end."]
        )
        made[(seed, title)] = DocumentFactory(
            collection=collections[seed], title=title, display_title=title, text=text, **fields
        )
    for number in (8, 9):  # background revision cards
        DocumentFactory(
            collection=collections["002"],
            position=number - 1,
            card_number=number,
            title=f"Card {number}",
            display_title=f"Card {number}",
            kind="revision_card",
            category="learner_notes",
        )
    note = EXCERPTS[("U3", "C")]["text"].removeprefix("A. ")
    october = made[("003", "The October Revolution (October 24 and 25, 1917, in Petrograd)")]
    NoteFactory(document=october, position=0, label="A", text=note)
    return made


@pytest.fixture
def demo_people(db):
    accounts_demo.load()


def test_demo_load_builds_published_units_for_the_demo_classes(demo_people):
    build_corpus()
    units = demo.load()

    assert [unit.title for unit in units] == [spec.title for spec in demo.UNITS]
    demo_classes = set(Classroom.objects.filter(join_code__in=["DEMO12AA", "DEMO12BB"]))
    for unit in units:
        assert unit.status == Unit.Status.PUBLISHED
        assert unit.owner.username == "teacher"
        assert set(unit.classrooms.all()) == demo_classes
    assert [lesson.count() for lesson in (units[0].lessons, units[1].lessons)] == [4, 3]


def test_demo_sources_hold_exactly_the_passages_of_the_material(demo_people):
    build_corpus()
    demo.load()
    for spec in demo.UNITS:
        unit = Unit.objects.get(title=spec.title)
        items = LessonItem.objects.filter(lesson__unit=unit, label__startswith="Source ")
        for item in items:
            passage = EXCERPTS[(spec.key, item.label.removeprefix("Source "))]
            if (spec.key, item.label[-1]) in NOTE_PASSAGES:
                assert item.kind == LessonItem.Kind.CONTEXT
                assert "the Moscow editors have omitted" in item.body
                assert "Antonov and Podvoisky" in item.body
                continue
            assert item.kind == LessonItem.Kind.SOURCE
            assert words(item.excerpt.text) == words(passage["text"])
            assert (
                item.excerpt.text
                == item.excerpt.document.text[item.excerpt.start : item.excerpt.end]
            )
        assert sorted(item.label for item in items) == sorted(
            f"Source {label}" for key, label in EXCERPTS if key == spec.key
        )


def test_demo_load_is_idempotent(demo_people):
    build_corpus()
    demo.load()
    counts = (
        Unit.objects.count(),
        Lesson.objects.count(),
        LessonItem.objects.count(),
        Excerpt.objects.count(),
    )
    demo.load()
    assert (
        Unit.objects.count(),
        Lesson.objects.count(),
        LessonItem.objects.count(),
        Excerpt.objects.count(),
    ) == counts


def test_demo_finds_a_document_by_title_when_positions_moved(demo_people):
    made = build_corpus()
    finnish = made[
        ("003", "Speech delivered at the Congress of the Finnish Social-Democratic Labour Party")
    ]
    finnish.position = 40
    finnish.save()
    demo.load()
    assert Excerpt.objects.filter(document=finnish).count() == 1


def test_demo_fails_loudly_when_a_passage_is_missing(demo_people):
    made = build_corpus()
    finnish = made[
        ("003", "Speech delivered at the Congress of the Finnish Social-Democratic Labour Party")
    ]
    finnish.text = "An opening paragraph.\n\nSomething else entirely."
    finnish.save()
    with pytest.raises(demo.DemoMaterialError) as info:
        demo.load()
    message = str(info.value)
    assert "Self-determination or Soviet power?" in message
    assert "Source A" in message
    assert "Complete freedom for the Finnish people," in message
    assert "the international socialist revolution advanced." in message
    assert not Unit.objects.exists()  # nothing half-built


def test_demo_fails_loudly_without_the_corpus(demo_people):
    with pytest.raises(demo.DemoMaterialError, match="import_corpus"):
        demo.load()


def test_demo_needs_the_demo_people(db):
    with pytest.raises(demo.DemoMaterialError, match="accounts.demo.load"):
        demo.load()


def test_demo_links_the_units_assessments_once(demo_people):
    build_corpus()
    units = demo.load()
    assessment = AssessmentFactory(unit=units[1], owner=units[1].owner, title="Q3.1")
    assert demo.link_assessments() == 1
    assert demo.link_assessments() == 0
    item = LessonItem.objects.get(assessment=assessment)
    assert item.lesson == units[1].lessons.order_by("position").last()


def test_demo_load_with_the_real_corpus(demo_people):
    files = [f for f in corpus_files(settings.CORPUS_DIR) if f[0][:3] in demo.SEED_COLLECTIONS]
    report = corpus_import(files)
    assert report.ok, [f.error for f in report.files]
    units = demo.load()
    sources = LessonItem.objects.filter(lesson__unit__in=units, kind=LessonItem.Kind.SOURCE)
    assert sources.count() == len(EXCERPTS) - len(NOTE_PASSAGES)
    for item in sources.select_related("excerpt"):
        unit_key = "U1" if item.lesson.unit_id == units[0].pk else "U3"
        expected = EXCERPTS[(unit_key, item.label.removeprefix("Source "))]["text"]
        # The importer repairs line-end hyphens and drops note markers; the words otherwise match.
        repaired = (
            words(expected)
            .replace("self- determination", "self-determination")
            .replace("movement. A An", "movement. An")
        )
        assert words(item.excerpt.text) == repaired
