"""Scoring rules and level arithmetic: plain values in, integers and messages out.

No Django models here, so every rule is tested without a database. The services translate
Question/Response rows into these values (`question_key`, `answer_of` in services.py).

Rules decided here (and shown to teachers in the admin help):
- Single choice: full marks for exactly the one correct choice, else 0.
- Multiple choice: partial credit. Each correct choice ticked earns a share of the marks, each
  wrong choice ticked cancels one earned share; the result is rounded down and never negative.
  So ticking every box earns nothing more than guessing, and a blank answer scores 0.
- Short answer: full marks when the answer equals an accepted answer after normalising
  (Unicode NFKC, case, curly quotes and dashes, punctuation and spacing); else 0.
- Corroboration grid: one share per correct cell (claim × source), scaled to the question's
  marks and rounded down. A half-right row still earns its correct cells.
- Extended responses are marked by a teacher against levels; `check_bands` validates a mark
  scheme, `level_for_mark` and `mark_problem` check a teacher's mark.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
SHORT_ANSWER = "short_answer"
EXTENDED = "extended"
GRID = "grid"
GRID_VALUES = ("agree", "disagree", "silent")


@dataclass(frozen=True)
class QuestionKey:
    """What scoring needs to know about a question."""

    kind: str
    marks: int
    correct_choices: frozenset[int] = frozenset()
    choice_count: int = 0
    accepted_answers: tuple[str, ...] = ()
    # {claim id: {source label: "agree" | "disagree" | "silent"}}
    grid: Mapping[int, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What a student gave: chosen choice ids, text, and grid cells."""

    choices: tuple[int, ...] = ()
    text: str = ""
    grid: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


# --- objective questions -------------------------------------------------------------------


def score_single_choice(*, chosen: Iterable[int], correct: Iterable[int], marks: int) -> int:
    chosen, correct = set(chosen), set(correct)
    return marks if len(correct) == 1 and chosen == correct else 0


def score_multiple_choice(*, chosen: Iterable[int], correct: Iterable[int], marks: int) -> int:
    """Partial credit: (right ticks − wrong ticks) / number of right answers, floored, ≥ 0."""
    chosen, correct = set(chosen), set(correct)
    if not correct:
        return 0
    earned = len(chosen & correct) - len(chosen - correct)
    return max(0, marks * earned // len(correct))


_QUOTES = dict.fromkeys(map(ord, "'\u2018\u2019\u201a\u201b\u2032\u00b4`\u02bc"), None)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), ord("-"))


def normalise_answer(text: str) -> str:
    """Compare-ready form: NFKC, casefolded, apostrophes dropped, other punctuation as spaces.

    "Lenin’s  proposal." and "lenins proposal" normalise alike; "self-determination" becomes
    "self determination".
    """
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES).casefold()
    text = "".join(
        " " if unicodedata.category(ch)[0] in "PS" else ch for ch in text
    )  # P: punctuation, S: symbols
    return re.sub(r"\s+", " ", text).strip()


def score_short_answer(*, text: str, accepted: Iterable[str], marks: int) -> int:
    given = normalise_answer(text)
    if not given:
        return 0
    return marks if any(given == normalise_answer(a) for a in accepted) else 0


def score_grid(
    *,
    cells: Mapping[str, Mapping[str, str]],
    expected: Mapping[int, Mapping[str, str]],
    marks: int,
) -> int:
    """One share per correct cell, scaled to `marks`, floored. Claim ids may come as strings
    (JSON object keys always are)."""
    total = sum(len(row) for row in expected.values())
    if not total:
        return 0
    right = 0
    for claim_id, row in expected.items():
        given = cells.get(str(claim_id)) or cells.get(claim_id) or {}
        right += sum(1 for label, value in row.items() if given.get(label) == value)
    return marks * right // total


def score(key: QuestionKey, answer: Answer) -> int | None:
    """The automatic score, or None for a question a teacher marks (extended response)."""
    if key.kind == SINGLE_CHOICE:
        return score_single_choice(
            chosen=answer.choices, correct=key.correct_choices, marks=key.marks
        )
    if key.kind == MULTIPLE_CHOICE:
        return score_multiple_choice(
            chosen=answer.choices, correct=key.correct_choices, marks=key.marks
        )
    if key.kind == SHORT_ANSWER:
        return score_short_answer(text=answer.text, accepted=key.accepted_answers, marks=key.marks)
    if key.kind == GRID:
        return score_grid(cells=answer.grid, expected=key.grid, marks=key.marks)
    return None


# --- authoring checks for objective questions ----------------------------------------------


def choice_problems(*, kind: str, correct_count: int, choice_count: int) -> list[str]:
    problems = []
    if choice_count < 2:
        problems.append("A choice question needs at least two choices.")
    if kind == SINGLE_CHOICE and correct_count != 1:
        problems.append(
            f"A single-choice question needs exactly one correct choice (it has {correct_count})."
        )
    if kind == MULTIPLE_CHOICE and correct_count < 1:
        problems.append("A multiple-choice question needs at least one correct choice.")
    return problems


def grid_problems(*, labels: Sequence[str], rows: Sequence[Mapping[str, str]]) -> list[str]:
    """Each claim row must give agree/disagree/silent for source labels the question has."""
    problems = []
    if not rows:
        problems.append("A corroboration grid needs at least one claim.")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping) or not row:
            problems.append(f'Claim {number}: give the expected answers, e.g. {{"A": "agree"}}.')
            continue
        unknown = sorted(set(row) - set(labels))
        if labels and unknown:
            problems.append(f"Claim {number}: no source labelled {', '.join(unknown)}.")
        bad = sorted(v for v in row.values() if v not in GRID_VALUES)
        if bad:
            problems.append(
                f"Claim {number}: {', '.join(map(str, bad))} is not agree, disagree or silent."
            )
    return problems


# --- level arithmetic for extended responses -----------------------------------------------


@dataclass(frozen=True, order=True)
class Band:
    low: int
    high: int
    number: int

    def __str__(self):
        return f"level {self.number} ({self.low}–{self.high})"


def check_bands(bands: Iterable[Band], marks: int) -> list[str]:
    """Readable problems with a mark scheme's levels; [] when they cover 0..marks exactly once.

    Levels must not overlap or leave gaps, must start at 0 and end at the question's marks, and
    a higher level must sit on higher marks.
    """
    bands = list(bands)
    if not bands:
        return ["Add the mark scheme's levels."]
    problems = []
    numbers = [b.number for b in bands]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(f"Level {number} appears more than once.")
    for band in bands:
        if band.low > band.high:
            problems.append(f"Level {band.number}: the lowest mark is above the highest mark.")
        if band.high > marks:
            problems.append(
                f"Level {band.number} goes up to {band.high}, above the question's {marks} marks."
            )
    if problems:
        return problems  # coverage of a garbled scheme would only add noise
    ordered = sorted(bands)
    if ordered[0].low > 0:
        problems.append(f"No level covers {_span(0, ordered[0].low - 1)}.")
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.low <= before.high:
            problems.append(
                f"Level {before.number} ({before.low}–{before.high}) and level {after.number} "
                f"({after.low}–{after.high}) overlap."
            )
        elif after.low > before.high + 1:
            problems.append(f"No level covers {_span(before.high + 1, after.low - 1)}.")
        if after.number < before.number:
            problems.append(
                f"Level {after.number} sits on higher marks than level {before.number}."
            )
    top = max(b.high for b in bands)
    if top < marks:
        problems.append(f"No level covers {_span(top + 1, marks)}.")
    return problems


def _span(low: int, high: int) -> str:
    return f"mark {low}" if low == high else f"marks {low}–{high}"


def level_for_mark(bands: Iterable[Band], mark: int) -> Band | None:
    """The band containing the mark (the first, if a faulty scheme overlaps)."""
    return next((b for b in sorted(bands) if b.low <= mark <= b.high), None)


def mark_problem(bands: Iterable[Band], *, level: int, mark: int, marks: int) -> str | None:
    """Why a level-based mark is invalid, or None. The mark must lie within the chosen level."""
    if not 0 <= mark <= marks:
        return f"The mark must be between 0 and {marks}."
    band = next((b for b in bands if b.number == level), None)
    if band is None:
        return f"The mark scheme has no level {level}."
    if not band.low <= mark <= band.high:
        return f"A level {level} answer earns {_span(band.low, band.high)}, not {mark}."
    return None
