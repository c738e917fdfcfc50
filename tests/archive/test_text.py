"""Hyphen decisions taken from a source's own usage (pure; no database)."""

import pytest

from archive.importers.text import HyphenRepairer, Lexicon, decide_hyphen

SOURCE = [
    "the co-ordination of the fronts, better co-ordination and more co-ordination;",
    "no coordination, the armies were coordinated badly",
    "Petlura and the Ukrainian soldier, the peasants and the name of Kaledin",
    "a blood-soaked regime, its blood",
    "Kaledin again, and Kaledin",
    "the self-determination of nations",
]


@pytest.fixture
def lexicon():
    return Lexicon(SOURCE)


@pytest.mark.parametrize(
    ("left", "right", "where", "joined", "rule"),
    [
        # 3 "co-ordination" against "coordination" + "coordinated": the family keeps it.
        ("co", "ordinated", "line_end", False, "family"),
        ("Kale", "din", "line_end", True, "usage"),
        ("non", "Ukrainian", "line_end", False, "capital"),
        ("Zarga", "ryants", "line_end", True, "name"),
        ("stipula", "tions", "spaced", True, "spaced"),
        ("pre", "condition", "line_end", False, "prefix"),
        ("soldier", "peasants", "line_end", False, "words"),
        ("blood", "soaked", "inline", False, "printed"),
        ("whipper", "snapper", "line_end", False, "guess"),
    ],
)
def test_decide_hyphen_rules(lexicon, left, right, where, joined, rule):
    decision = decide_hyphen(left, right, lexicon, where=where)
    assert (decision.join, decision.rule) == (joined, rule)


def test_undecided_hyphen_is_kept_and_reported(lexicon):
    repairer = HyphenRepairer(lexicon, {})
    assert repairer.paragraph(["a whipper-", "snapper"]) == "a whipper-snapper"
    assert repairer.guesses == ["hyphen in 'whipper-snapper' undecided by usage: kept"]
    assert repairer.log[-1].rule == "guess"


def test_reviewed_hyphen_decides_and_is_listed(lexicon):
    repairer = HyphenRepairer(lexicon, {}, {"con-mander": "conmander"})
    assert repairer.paragraph(["to the con-", "mander of"]) == "to the conmander of"
    assert repairer.guesses == []
    assert repairer.applied == ["HYPHENS: 'con-mander' -> 'conmander'"]
    assert repairer.used == {"con-mander"}


def test_text_repairs_come_before_hyphen_rules(lexicon):
    repairer = HyphenRepairer(lexicon, {"vicinity-in particular": "vicinity—in particular"})
    assert repairer.paragraph(["their vicinity-in particular"]) == "their vicinity—in particular"
    assert repairer.guesses == []
