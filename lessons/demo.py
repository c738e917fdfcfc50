"""The demo's two units, built from lessons/demo_material/units.json and the imported corpus.

`load()` is idempotent: a unit that already exists (same owner and title) is left as it is, an
excerpt that already exists at the same offsets is reused, and giving a unit to a class twice
changes nothing. It needs the demo people (accounts.demo.load) and the corpus
(manage.py import_corpus) first.

units.json names each passage's document by seed (the corpus file's number) and, for the Works
volume, by `doc_index_003`, which counts documents from 1 in file order; the importer stores
positions from 0, so document #n is at position n - 1. The printed title is checked too, so a
changed importer cannot silently attach a passage to another document. A passage is located
with archive.services.excerpt_find; one that cannot be found stops the load with the unit,
label and phrases.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import demo as accounts_demo
from accounts.models import Classroom, User
from archive.models import Collection, Document, Excerpt
from archive.services import excerpt_create, excerpt_find
from lessons import services
from lessons.models import LessonItem, Unit

MATERIAL = Path(__file__).parent / "demo_material" / "units.json"

# The corpus file a seed names, as the importers key its collection.
SEED_COLLECTIONS = {
    "000": "web-essay-union-of-soviet-socialist-republics-ussr",
    "001": "web-article-joseph-stalin-revolution-and-power",
    "002": "cards-russia-1918-56",
    "003": "stalin-works-4",
}
CARD_SET = SEED_COLLECTIONS["002"]
CARD_TITLE = re.compile(r"^Card (\d+) of \d+:\s*")


class DemoMaterialError(RuntimeError):
    """The demo material does not match the archive (a document or passage is missing)."""


# ---------------------------------------------------------------------------------------------
# The units: lessons and their items. ("source", "A", caption) places units.json excerpt A;
# ("note", "C", caption) places a passage that the archive keeps as an editors' note (the
# Works importer stores notes apart from the text, and an Excerpt can only point at the text).


@dataclass(frozen=True)
class LessonSpec:
    title: str
    introduction: str
    items: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class UnitSpec:
    key: str  # "U1", as in units.json
    title: str
    enquiry_question: str
    summary: str
    lessons: list[LessonSpec]
    # Labels whose units.json title is not the document's own (a note's, say).
    document_titles: dict[str, str] = field(default_factory=dict)


CONTEXT_CALENDAR = (
    "*Dates.* Russia used the Old Style (Julian) calendar until February 1918, 13 days behind "
    "the calendar used in western Europe. The Works print dates up to then in the Old Style."
)

UNITS = [
    UnitSpec(
        key="U1",
        title="Self-determination or Soviet power? Bolshevik nationalities policy, 1917-1920",
        enquiry_question=(
            "Why did the Bolshevik attitude to national self-determination change between "
            "1917 and 1920?"
        ),
        summary=(
            "In October 1917 the Bolsheviks promised the peoples of the former Russian Empire "
            "the right to decide their own future, up to independence. By 1920 Stalin, the "
            "People's Commissar for Nationalities, called the demand for secession "
            "“profoundly counter-revolutionary”.\n\n"
            "Read what he said to different audiences in 1917, 1918 and 1920, test a revision "
            "card against the sources, and decide **why** the policy changed."
        ),
        lessons=[
            LessonSpec(
                title="1917: the promise of freedom",
                introduction=(
                    "Two sources from the first weeks of Soviet power. Read each one with its "
                    "provenance: who is speaking, to whom, and why then?"
                ),
                items=[
                    (
                        "context",
                        "Context",
                        "The new government and the nationalities",
                        "The Second Congress of Soviets appointed Stalin **People's Commissar "
                        "for the Affairs of Nationalities** on 26 October 1917. On 2 November "
                        "the *Declaration of the Rights of the Peoples of Russia*, signed by "
                        "Lenin and Stalin, promised the peoples of the former empire equality "
                        "and self-determination, up to secession. In December the Council of "
                        "People's Commissars recognised Finland's independence, while in "
                        "Ukraine the Central Rada in Kiev was in conflict with the Soviets.\n\n"
                        + CONTEXT_CALENDAR,
                    ),
                    (
                        "source",
                        "A",
                        "From Stalin's speech to the Congress of the Finnish Social-Democratic "
                        "Labour Party, Helsingfors (Helsinki), 14 November 1917.",
                    ),
                    (
                        "source",
                        "C",
                        "From “Reply to Ukrainian Comrades in the Rear and at the Front”, an "
                        "open letter signed by Stalin as People's Commissar, 12 December 1917.",
                    ),
                    (
                        "context",
                        "Think about",
                        "",
                        "- Who was Stalin speaking to in Source A, and why might he want to "
                        "reassure them?\n"
                        "- In Source C, what does Stalin say the conflict in Ukraine is "
                        "*really* about?\n"
                        "- Has anything changed between November and December 1917?",
                    ),
                ],
            ),
            LessonSpec(
                title="January 1918: self-determination for whom?",
                introduction=(
                    "At the Third Congress of Soviets Stalin explained what self-determination "
                    "should now mean."
                ),
                items=[
                    (
                        "context",
                        "Context",
                        "The Third Congress of Soviets",
                        "The Third All-Russian Congress of Soviets met in Petrograd on 10–18 "
                        "January 1918, days after the Bolsheviks dissolved the Constituent "
                        "Assembly. It adopted a resolution, moved by Stalin, on the federal "
                        "institutions of the Russian Republic.\n\n"
                        "Source B is a **newspaper report**: it summarises what “the speaker” "
                        "said in the third person. It is not a word-for-word record.",
                    ),
                    (
                        "source",
                        "B",
                        "From a newspaper report of Stalin's report on the national question "
                        "to the Third All-Russian Congress of Soviets, 15 January 1918.",
                    ),
                    (
                        "document",
                        "",
                        "A student's revision card on the Civil War. Use it for an overview, "
                        "then check its claims against the sources.",
                        (CARD_SET, 8),
                    ),
                ],
            ),
            LessonSpec(
                title="1920: secession as counter-revolution",
                introduction="Three years of revolution and civil war later.",
                items=[
                    (
                        "context",
                        "Context",
                        "1920",
                        "By October 1920 the Bolsheviks had survived civil war and foreign "
                        "intervention. The war with Poland ended in an armistice that month, "
                        "and Wrangel's army in the Crimea was defeated in November. Soviet "
                        "power had been set up in Azerbaijan in April 1920; independent "
                        "Georgia was invaded by the Red Army in February 1921.",
                    ),
                    (
                        "source",
                        "D",
                        "From “The Policy of the Soviet Government on the National Question in "
                        "Russia”, an article signed by Stalin, Pravda, No. 226, 10 October "
                        "1920.",
                    ),
                    (
                        "context",
                        "Think about",
                        "",
                        "| Source | Date | Audience | What self-determination means |\n"
                        "|---|---|---|---|\n"
                        "| A | November 1917 | Finnish socialists | |\n"
                        "| C | December 1917 | Ukrainian Bolsheviks | |\n"
                        "| B | January 1918 | Congress of Soviets | |\n"
                        "| D | October 1920 | Pravda's readers | |\n\n"
                        "Copy the table and fill in the last column. Where does the change "
                        "happen, and what explains it?",
                    ),
                ],
            ),
            LessonSpec(
                title="Why Stalin? Weighing a revision card",
                introduction=(
                    "Revision cards are handy, but they are not evidence. How much weight can "
                    "this one bear?"
                ),
                items=[
                    (
                        "source",
                        "E",
                        "From a student's revision card (“Stalin's Rise to Power 1924-9”, card "
                        "26 of 68), written for exam revision. No author, date or references.",
                    ),
                    (
                        "context",
                        "Check it",
                        "",
                        "- What evidence does the card give for *why* Lenin chose Stalin?\n"
                        "- Stalin had written *Marxism and the National Question* in 1912–13; "
                        "does that change your view of the card's explanation?\n"
                        "- The Second Congress of Soviets appointed him on 26 October 1917: "
                        "what else would you need to know?",
                    ),
                ],
            ),
        ],
    ),
    UnitSpec(
        key="U3",
        title="Who made October? Trotsky, Brest-Litovsk and the rewriting of the revolution",
        enquiry_question=(
            "How far did later accounts rewrite Trotsky's part in the October Revolution and at "
            "Brest-Litovsk?"
        ),
        summary=(
            "Trotsky chaired the Petrograd Soviet in 1917 and led the Soviet delegation at the "
            "Brest-Litovsk peace talks. After his defeat by Stalin in the 1920s, Soviet "
            "histories shrank or removed his part.\n\n"
            "Compare a record made at the time, an article by Stalin as printed in 1918 and as "
            "reprinted in the 1950s, and two modern websites."
        ),
        document_titles={"C": "The October Revolution"},
        lessons=[
            LessonSpec(
                title="January 1918: peace or revolutionary war?",
                introduction="The Bolshevik leaders divide over peace with Germany.",
                items=[
                    (
                        "context",
                        "Context",
                        "Brest-Litovsk",
                        "The Bolsheviks had promised peace, and at Brest-Litovsk Germany "
                        "demanded huge territories. In the Central Committee on 11 January 1918 "
                        "three positions clashed: a *revolutionary war* against Germany; "
                        "Trotsky's “neither war nor peace” (stop fighting but sign nothing); "
                        "and Lenin's call to sign a separate peace. The treaty was signed on "
                        "3 March 1918 after a renewed German advance.\n\n" + CONTEXT_CALENDAR,
                    ),
                    (
                        "source",
                        "A",
                        "The minutes' summary record of Stalin's speech at the meeting of the "
                        "Bolshevik Central Committee on peace with the Germans, 11 January "
                        "1918.",
                    ),
                    (
                        "document",
                        "",
                        "A student's revision card: check its dates against the sources.",
                        (CARD_SET, 9),
                    ),
                ],
            ),
            LessonSpec(
                title="Stalin remembers October: 1918 and 1953",
                introduction=(
                    "For the revolution's first anniversary Stalin wrote about the October "
                    "days. Compare what was printed later with what he wrote then."
                ),
                items=[
                    (
                        "source",
                        "B",
                        "From Stalin's article “The October Revolution”, Pravda, No. 241, "
                        "6 November 1918, as printed in his Works, vol. 4 (Moscow, 1953).",
                    ),
                    (
                        "note",
                        "C",
                        "A transcriber's note to Source B in the Marxists Internet Archive "
                        "edition, quoting the 1936 English translation of the same article.",
                    ),
                    (
                        "context",
                        "Think about",
                        "",
                        "- Who does Source B credit with leading the uprising?\n"
                        "- What did the 1953 edition leave out, according to Source C?\n"
                        "- Why might Stalin have praised Trotsky in 1918, and why might his "
                        "editors have cut it later?",
                    ),
                ],
            ),
            LessonSpec(
                title="Memory and rewriting",
                introduction="How is the story told today?",
                items=[
                    (
                        "source",
                        "D",
                        "From the index page of a pro-Soviet website, written in or after "
                        "November 2021; no author is named.",
                    ),
                    (
                        "source",
                        "E",
                        "From “Joseph Stalin – Revolution and Power”, an unsigned web article "
                        "(its images are credited 2014).",
                    ),
                    (
                        "context",
                        "Think about",
                        "",
                        "- What is Source D's purpose? Look at its vocabulary.\n"
                        "- Does Source E help explain the difference between Sources B and C?\n"
                        "- Which of the two would you trust more for what happened in 1918, "
                        "and which for how it was remembered?",
                    ),
                ],
            ),
        ],
    ),
]


# ---------------------------------------------------------------------------------------------


def _material() -> dict[str, dict]:
    units = json.loads(MATERIAL.read_text(encoding="utf-8"))
    return {
        unit["unit"]: {
            "title": unit["title"],
            "excerpts": {e["label"]: e for e in unit["excerpts"]},
        }
        for unit in units
    }


def _norm(title: str) -> str:
    title = title.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return " ".join(title.casefold().split())


def _same_title(expected: str, document: Document) -> bool:
    want = _norm(expected)
    return any(
        have and (want.startswith(have) or have.startswith(want))
        for have in (_norm(document.display_title), _norm(document.title))
    )


def _collection(seed: str, where: str) -> Collection:
    key = SEED_COLLECTIONS.get(seed)
    collection = Collection.objects.filter(key=key).first() if key else None
    if collection is None:
        raise DemoMaterialError(
            f"{where}: the archive has no collection “{key or seed}” (corpus file {seed}). "
            "Import the corpus first: manage.py import_corpus."
        )
    return collection


def _document(spec: dict, *, title: str, where: str) -> Document:
    """The document units.json means: by seed and position, confirmed by its title."""
    collection = _collection(spec["seed"], where)
    documents = collection.documents.all()
    card = CARD_TITLE.match(title)
    if card:
        candidates = list(documents.filter(card_number=int(card.group(1))))
        title = title[card.end() :]
    elif spec.get("doc_index_003"):
        candidates = list(documents.filter(position=spec["doc_index_003"] - 1))
    else:
        candidates = list(documents.filter(position=0))
    matching = [d for d in candidates if _same_title(title, d)]
    if not matching:  # positions moved: find the title instead
        matching = [d for d in documents if _same_title(title, d)]
    if len(matching) != 1:
        raise DemoMaterialError(
            f"{where}: expected one document titled “{title}” in {collection.key}, found "
            f"{len(matching)}."
        )
    return matching[0]


def _excerpt(spec: dict, document: Document, *, label: str, caption: str, where: str) -> Excerpt:
    try:
        start, end = excerpt_find(document=document, starts=spec["starts"], ends=spec["ends"])
    except ValidationError:
        raise DemoMaterialError(
            f"{where}: no passage from “{spec['starts']}” to “{spec['ends']}” in "
            f"“{document.display_title}” (pk {document.pk})."
        ) from None
    existing = Excerpt.objects.filter(
        document=document, start=start, end=end, adapted_from__isnull=True
    ).first()
    return existing or excerpt_create(
        document=document, start=start, end=end, label=label, caption=caption
    )


MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")


def _quote(text: str) -> str:
    """Plain text as a Markdown block quote, its paragraphs kept and Markdown escaped."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n>\n".join("> " + MARKDOWN_SPECIALS.sub(r"\\\1", p) for p in paragraphs)


def _note_passage(spec: dict, document: Document, *, where: str) -> str:
    """The passage from starts to ends in one of the document's notes (as printed: "A. …")."""

    def pattern(words: str) -> str:
        return r"\s+".join(re.escape(w) for w in words.split())

    regex = re.compile(pattern(spec["starts"]) + r".*?" + pattern(spec["ends"]), re.S)
    for note in document.notes.all():
        printed = f"{note.label}. {note.text}"
        match = regex.search(printed)
        if match:
            passage = match.group(0)
            return passage.removeprefix(f"{note.label}. ").strip()
    raise DemoMaterialError(
        f"{where}: no passage from “{spec['starts']}” to “{spec['ends']}” in the text or the "
        f"notes of “{document.display_title}” (pk {document.pk})."
    )


def _build_unit(spec: UnitSpec, material: dict, teacher: User) -> Unit:
    unit = services.unit_create(
        owner=teacher,
        title=spec.title,
        enquiry_question=spec.enquiry_question,
        summary=spec.summary,
        level=Unit.Level.A_LEVEL,
    )
    excerpts = material["excerpts"]
    for lesson_spec in spec.lessons:
        lesson = services.lesson_create(
            unit=unit, title=lesson_spec.title, introduction=lesson_spec.introduction
        )
        for kind, *args in lesson_spec.items:
            if kind == "context":
                label, caption, body = args
                services.lesson_item_create(
                    lesson=lesson,
                    kind=LessonItem.Kind.CONTEXT,
                    label=label,
                    caption=caption,
                    body=body,
                )
            elif kind == "document":
                label, caption, (collection_key, card_number) = args
                document = Document.objects.filter(
                    collection__key=collection_key, card_number=card_number
                ).first()
                if document is None:
                    raise DemoMaterialError(
                        f"Demo unit “{spec.title}”: no card {card_number} in {collection_key}."
                    )
                services.lesson_item_create(
                    lesson=lesson,
                    kind=LessonItem.Kind.DOCUMENT,
                    label=label,
                    caption=caption,
                    document=document,
                )
            else:
                letter, caption = args
                where = f"Demo unit “{spec.title}”, Source {letter}"
                if letter not in excerpts:
                    raise DemoMaterialError(f"{where}: not in {MATERIAL.name}.")
                excerpt_spec = excerpts[letter]
                title = spec.document_titles.get(letter, excerpt_spec["document"])
                document = _document(excerpt_spec, title=title, where=where)
                label = f"Source {letter}"
                if kind == "source":
                    excerpt = _excerpt(
                        excerpt_spec, document, label=label, caption=caption, where=where
                    )
                    services.lesson_item_create(
                        lesson=lesson,
                        kind=LessonItem.Kind.SOURCE,
                        label=label,
                        caption=caption,
                        excerpt=excerpt,
                    )
                else:  # a passage the archive holds as a note
                    passage = _note_passage(excerpt_spec, document, where=where)
                    services.lesson_item_create(
                        lesson=lesson,
                        kind=LessonItem.Kind.CONTEXT,
                        label=label,
                        caption=caption,
                        body=f"{_quote(passage)}\n\n"
                        f"[Read the article and its notes in the archive]"
                        f"({document.get_absolute_url()})",
                    )
    return unit


def link_assessments() -> int:
    """Add an assessment item for each assessment of a demo unit that no item shows yet.

    The item goes into the assessment's own lesson if it names one, else the unit's last
    lesson. Returns how many items were added; re-running adds none.
    """
    from assessments.models import Assessment

    added = 0
    units = Unit.objects.filter(title__in=[spec.title for spec in UNITS])
    shown = LessonItem.objects.filter(lesson__unit__in=units, assessment__isnull=False).values(
        "assessment"
    )
    for assessment in Assessment.objects.filter(unit__in=units).exclude(pk__in=shown):
        lesson = assessment.lesson or assessment.unit.lessons.order_by("position", "pk").last()
        if lesson is None:
            continue
        services.lesson_item_create(
            lesson=lesson, kind=LessonItem.Kind.ASSESSMENT, assessment=assessment
        )
        added += 1
    return added


@transaction.atomic
def load() -> list[Unit]:
    """Build the demo units (once), publish them and give them to the demo classes."""
    teacher = User.objects.filter(username=accounts_demo.TEACHER[0]).first()
    codes = [code for _, code, _ in accounts_demo.CLASSES]
    classrooms = list(Classroom.objects.filter(join_code__in=codes))
    if teacher is None or len(classrooms) != len(codes):
        raise DemoMaterialError("Load the demo people and classes first (accounts.demo.load).")
    material = _material()
    units = []
    for spec in UNITS:
        unit = Unit.objects.filter(owner=teacher, title=spec.title).first()
        if unit is None:
            unit = _build_unit(spec, material[spec.key], teacher)
            services.unit_publish(unit=unit)
        services.unit_give_to_classes(unit=unit, classrooms=classrooms, by=teacher)
        units.append(unit)
    link_assessments()
    return units
