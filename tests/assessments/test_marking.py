"""Scoring and level arithmetic, without a database."""

import pytest

from assessments import marking
from assessments.marking import Answer, Band, QuestionKey

# --- single choice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ([2], 1),
        ([1], 0),
        ([], 0),
        ([1, 2], 0),  # two ticks on a single-choice question earn nothing
        ([2, 2], 1),  # a repeated id is still one choice
    ],
)
def test_score_single_choice(chosen, expected):
    assert marking.score_single_choice(chosen=chosen, correct=[2], marks=1) == expected


def test_score_single_choice_with_two_correct_choices_scores_nothing():
    assert marking.score_single_choice(chosen=[1], correct=[1, 2], marks=1) == 0


# --- multiple choice (partial credit) --------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "marks", "expected"),
    [
        ({1, 2, 3}, 3, 3),  # all right
        ({1, 2}, 3, 2),  # two of three right
        ({1}, 3, 1),
        ({1, 2, 3, 4}, 3, 2),  # one wrong tick cancels one right tick
        ({1, 4}, 3, 0),
        ({4, 5}, 3, 0),  # never negative
        ({1, 2, 3, 4, 5}, 3, 1),  # ticking every box
        (set(), 3, 0),
        ({1, 2}, 2, 1),  # 2 × 2/3 rounds down to 1
        ({1, 2, 3}, 2, 2),
    ],
)
def test_score_multiple_choice_partial_credit(chosen, marks, expected):
    assert marking.score_multiple_choice(chosen=chosen, correct={1, 2, 3}, marks=marks) == expected


def test_score_multiple_choice_without_correct_choices_scores_nothing():
    assert marking.score_multiple_choice(chosen={1}, correct=set(), marks=2) == 0


# --- short answer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Helsingfors", "helsingfors"),
        ("  HELSINGFORS. ", "helsingfors"),
        ("Lenin’s proposal", "lenins proposal"),
        ("Lenin's   proposal!", "lenins proposal"),
        ("self\u2014determination", "self determination"),
        ("self-determination", "self determination"),
        ("“the Congress of Soviets”", "the congress of soviets"),
        ("Pravda, No. 226", "pravda no 226"),
        ("ＰＲＡＶＤＡ", "pravda"),  # full-width letters (NFKC)
        ("ﬁnland", "finland"),  # ligature (NFKC)
        ("Straße", "strasse"),  # casefold, not just lower
        ("", ""),
        ("...", ""),
    ],
)
def test_normalise_answer(raw, normalised):
    assert marking.normalise_answer(raw) == normalised


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("helsingfors", 2),
        ("Helsingfors!", 2),
        ("Helsinki", 2),
        ("  the   congress of soviets ", 2),
        ("Kiev", 0),
        ("", 0),
        ("   ", 0),
        ("Helsingfors Kiev", 0),
    ],
)
def test_score_short_answer(text, expected):
    accepted = ["Helsingfors", "Helsinki", "The Congress of Soviets"]
    assert marking.score_short_answer(text=text, accepted=accepted, marks=2) == expected


def test_score_short_answer_with_a_punctuation_only_accepted_answer_never_matches_blank():
    assert marking.score_short_answer(text="?", accepted=["..."], marks=1) == 0


# --- corroboration grid ----------------------------------------------------------------------

EXPECTED_GRID = {
    10: {"A": "agree", "B": "disagree"},
    11: {"A": "silent", "B": "agree"},
}


@pytest.mark.parametrize(
    ("cells", "marks", "expected"),
    [
        (
            {"10": {"A": "agree", "B": "disagree"}, "11": {"A": "silent", "B": "agree"}},
            4,
            4,
        ),
        ({"10": {"A": "agree", "B": "disagree"}}, 4, 2),  # a row left blank
        ({"10": {"A": "agree", "B": "agree"}, "11": {"A": "silent", "B": "agree"}}, 4, 3),
        ({"10": {"A": "agree"}}, 4, 1),  # a half-right row earns its right cell
        ({}, 4, 0),
        ({"10": {"A": "agree", "B": "disagree"}, "11": {"A": "silent"}}, 2, 1),  # 2 × 3/4 → 1
        ({"99": {"A": "agree"}}, 4, 0),  # unknown claim ignored
    ],
)
def test_score_grid_per_cell(cells, marks, expected):
    assert marking.score_grid(cells=cells, expected=EXPECTED_GRID, marks=marks) == expected


def test_score_grid_accepts_integer_claim_keys():
    cells = {10: {"A": "agree", "B": "disagree"}}
    assert marking.score_grid(cells=cells, expected=EXPECTED_GRID, marks=4) == 2


def test_score_grid_without_claims_scores_nothing():
    assert marking.score_grid(cells={}, expected={}, marks=4) == 0


# --- dispatch ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "answer", "expected"),
    [
        (QuestionKey("single_choice", 1, frozenset({5})), Answer(choices=(5,)), 1),
        (QuestionKey("multiple_choice", 2, frozenset({5, 6})), Answer(choices=(5,)), 1),
        (QuestionKey("short_answer", 1, accepted_answers=("1936",)), Answer(text="1936."), 1),
        (
            QuestionKey("grid", 2, grid={1: {"A": "agree"}}),
            Answer(grid={"1": {"A": "agree"}}),
            2,
        ),
        (QuestionKey("extended", 25), Answer(text="An essay."), None),
    ],
)
def test_score_dispatches_on_kind(key, answer, expected):
    assert marking.score(key, answer) == expected


# --- authoring checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "correct", "count", "problems"),
    [
        ("single_choice", 1, 4, []),
        (
            "single_choice",
            0,
            4,
            ["A single-choice question needs exactly one correct choice (it has 0)."],
        ),
        (
            "single_choice",
            2,
            4,
            ["A single-choice question needs exactly one correct choice (it has 2)."],
        ),
        ("multiple_choice", 2, 4, []),
        (
            "multiple_choice",
            0,
            4,
            ["A multiple-choice question needs at least one correct choice."],
        ),
        ("multiple_choice", 1, 1, ["A choice question needs at least two choices."]),
    ],
)
def test_choice_problems(kind, correct, count, problems):
    assert marking.choice_problems(kind=kind, correct_count=correct, choice_count=count) == problems


def test_grid_problems_name_unknown_labels_and_values():
    problems = marking.grid_problems(
        labels=["A", "B"], rows=[{"A": "agree"}, {"C": "agree", "B": "maybe"}, {}]
    )
    assert problems == [
        "Claim 2: no source labelled C.",
        "Claim 2: maybe is not agree, disagree or silent.",
        'Claim 3: give the expected answers, e.g. {"A": "agree"}.',
    ]


def test_grid_problems_need_a_claim():
    assert marking.grid_problems(labels=["A"], rows=[]) == [
        "A corroboration grid needs at least one claim."
    ]


# --- level arithmetic ------------------------------------------------------------------------

G1 = [
    Band(0, 0, 0),
    Band(1, 5, 1),
    Band(6, 10, 2),
    Band(11, 15, 3),
    Band(16, 20, 4),
    Band(21, 25, 5),
]


def test_check_bands_accepts_the_generic_scheme():
    assert marking.check_bands(G1, 25) == []


def test_check_bands_accepts_levels_in_any_order():
    assert marking.check_bands(list(reversed(G1)), 25) == []


@pytest.mark.parametrize(
    ("bands", "marks", "problems"),
    [
        ([], 10, ["Add the mark scheme's levels."]),
        ([Band(1, 4, 1), Band(5, 8, 2)], 8, ["No level covers mark 0."]),
        ([Band(0, 0, 0), Band(1, 4, 1), Band(5, 8, 2)], 10, ["No level covers marks 9–10."]),
        (
            [Band(0, 0, 0), Band(1, 4, 1), Band(7, 10, 2)],
            10,
            ["No level covers marks 5–6."],
        ),
        (
            [Band(0, 0, 0), Band(1, 5, 1), Band(5, 10, 2)],
            10,
            ["Level 1 (1–5) and level 2 (5–10) overlap."],
        ),
        (
            [Band(0, 0, 0), Band(1, 12, 1)],
            10,
            ["Level 1 goes up to 12, above the question's 10 marks."],
        ),
        (
            [Band(0, 0, 0), Band(1, 5, 2), Band(6, 10, 1)],
            10,
            ["Level 1 sits on higher marks than level 2."],
        ),
        (
            [Band(0, 0, 0), Band(1, 5, 1), Band(6, 10, 1)],
            10,
            ["Level 1 appears more than once."],
        ),
        (
            [Band(0, 0, 0), Band(5, 1, 1)],
            5,
            ["Level 1: the lowest mark is above the highest mark."],
        ),
        (
            [Band(2, 3, 1)],
            5,
            ["No level covers marks 0–1.", "No level covers marks 4–5."],
        ),
    ],
)
def test_check_bands_reports_readable_problems(bands, marks, problems):
    assert marking.check_bands(bands, marks) == problems


@pytest.mark.parametrize(
    ("mark", "level"),
    [(0, 0), (1, 1), (5, 1), (6, 2), (15, 3), (16, 4), (25, 5), (26, None), (-1, None)],
)
def test_level_for_mark(mark, level):
    band = marking.level_for_mark(G1, mark)
    assert (band.number if band else None) == level


@pytest.mark.parametrize(
    ("level", "mark", "problem"),
    [
        (3, 12, None),
        (3, 11, None),
        (3, 15, None),
        (0, 0, None),
        (3, 16, "A level 3 answer earns marks 11–15, not 16."),
        (0, 1, "A level 0 answer earns mark 0, not 1."),
        (6, 25, "The mark scheme has no level 6."),
        (5, 26, "The mark must be between 0 and 25."),
        (1, -1, "The mark must be between 0 and 25."),
    ],
)
def test_mark_problem(level, mark, problem):
    assert marking.mark_problem(G1, level=level, mark=mark, marks=25) == problem


def test_band_str():
    assert str(Band(11, 15, 3)) == "level 3 (11–15)"
