"""Text normalisation and extraction-artefact repair shared by the corpus parsers.

Everything here is source-agnostic: the decisions about hyphens are taken from the source's own
word usage (a :class:`Lexicon` built from the whole file), never from an outside dictionary, so
spellings of the period ("co-operation", "whiteguard") survive as the source prints them.
"""

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, pairwise

from archive.importers.records import HyphenChoice

NBSP = "\u00a0"
WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
SENTENCE_END_RE = re.compile(r"[.!?:][\"”’')\]]*$")
SPACES_RE = re.compile(r"[ \t]{2,}")
SPACED_HYPHEN_RE = re.compile(r"[A-Za-z]+- [A-Za-z]+")  # "stipula- tions": no word of its own

# Prefixes that form compounds with a hyphen in this period's English ("re-grouping").
COMPOUND_PREFIXES = frozenset(
    {"all", "anti", "co", "counter", "ex", "extra", "half", "ill", "neo", "non", "over", "post"}
    | {"pre"}
    | {"pro", "quasi", "re", "self", "semi", "so", "super", "ultra", "under", "vice", "well"}
)
# Words that never start or end a two-part compound; a lone hyphen next to one is suspect.
FUNCTION_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "in", "its", "of", "on", "our", "the", "their", "to"}
    | {"with"}
)


def normalise(text: str) -> str:
    """NFC, no-break spaces as plain spaces; curly quotes, dashes and Cyrillic are kept."""
    return unicodedata.normalize("NFC", text).replace(NBSP, " ")


def collapse_spaces(text: str) -> str:
    """Runs of spaces inside a line are layout, not content."""
    return (SPACES_RE.sub(" ", text) if "  " in text or "\t" in text else text).strip()


def ends_sentence(line: str) -> bool:
    return bool(SENTENCE_END_RE.search(line.rstrip()))


def first_word(line: str) -> str:
    parts = line.split(maxsplit=1)
    return parts[0] if parts else ""


def _lowered(counts: Counter[str]) -> Counter[str]:
    lowered: Counter[str] = Counter()
    for word, count in counts.items():
        lowered[word.lower()] += count
    return lowered


class Lexicon:
    """Word and hyphen-pair frequencies of one source, read from its text lines.

    Fragments broken at a line end ("self-" / "determination") are left out, so every count
    reflects a spelling the source prints inside a line.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        tokens = []
        previous_broken = False
        for line in lines:
            words = WORD_RE.findall(SPACED_HYPHEN_RE.sub(" ", line))
            if previous_broken and words:
                words.pop(0)
            previous_broken = line.endswith("-")
            if previous_broken and words:
                words.pop()
            tokens += words
        plain = Counter(token for token in tokens if "-" not in token)
        compounds = [token.split("-") for token in tokens if "-" in token]
        self.exact: Counter[str] = Counter(plain)  # case-sensitive, also inside compounds
        self.exact.update(chain.from_iterable(compounds))
        self.segments = _lowered(self.exact)  # lower-case, also inside compounds
        self.standalone = _lowered(plain)  # lower-case words printed on their own
        self.pairs: Counter[str] = Counter(  # lower-case "a-b" adjacent compound parts
            f"{left}-{right}".lower() for parts in compounds for left, right in pairwise(parts)
        )
        self._pair_keys = sorted(self.pairs)
        self._word_keys = sorted(self.segments)

    def hyphenated(self, left: str, right: str) -> int:
        return self.pairs[f"{left}-{right}".lower()]

    def joined(self, left: str, right: str) -> int:
        # "Inter-National" must not be mistaken for "International": a capital on the second
        # part is only matched case-sensitively.
        if right[:1].isupper():
            return self.exact[left + right]
        return self.segments[(left + right).lower()]

    def is_word(self, word: str) -> bool:
        return self.standalone[word.lower()] > 0

    def family(self, left: str, stem: str) -> tuple[int, int]:
        """How often the source prints "left-stem…" and "leftstem…" (any ending), lower case."""
        return (
            _prefixed(self._pair_keys, self.pairs, f"{left}-{stem}".lower()),
            _prefixed(self._word_keys, self.segments, f"{left}{stem}".lower()),
        )


def _prefixed(keys: list[str], counts: Counter[str], prefix: str) -> int:
    total = 0
    for key in keys[bisect_left(keys, prefix) :]:
        if not key.startswith(prefix):
            break
        total += counts[key]
    return total


@dataclass(frozen=True)
class HyphenDecision:
    join: bool
    rule: str  # the rule that decided (see ``decide_hyphen``); GUESS when none could

    @property
    def certain(self) -> bool:
        return self.rule != GUESS


GUESS = "guess"
# Inflections stripped to find a word's family ("co-ordinated" / "co-ordination").
FAMILY_SUFFIXES = (
    *("ations", "ation", "ating", "ated", "ates", "ate", "ions", "ion", "ings", "ing"),
    *("ed", "es", "s"),
)
FAMILY_STEM = 4  # shorter stems ("re-a…") would gather unrelated words


def family_stem(word: str) -> str:
    for suffix in FAMILY_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= FAMILY_STEM:
            return word[: -len(suffix)]
    return word


def decide_hyphen(left: str, right: str, lexicon: Lexicon, *, where: str) -> HyphenDecision:
    """Is "left-right" one word split by a soft hyphen (join) or a real compound (keep)?

    ``where`` is "inline" (the lexicon has counted this occurrence, so it is discounted),
    "line_end" or "spaced" ("stipula- tions", a line-end hyphen whose break became a space).
    The rules, in order (the name of the one that decides is returned):

    - ``usage``: the spelling the source prints more often elsewhere wins; for a lower-case
      second half, counted over the word's family, its inflections included (``family``:
      "co-ordination" 3 times against "coordination" and "coordinated" once each keeps the
      hyphen in "co-/ordinated"). A tie with the joined spelling printed goes to the compound
      when both halves are words.
    - ``capital``: a capital after the hyphen keeps it ("non-Ukrainian", "Petlura-/Vinnichenko"):
      a word broken at a line end never resumes with a capital.
    - ``name``: a capitalised fragment and a lower-case one, neither a word of the source, are
      one name split by a soft hyphen ("Zarga-/ryants").
    - ``spaced``: a spaced hyphen is joined unless both halves are words.
    - ``prefix``: a compound-forming prefix keeps its hyphen ("pre-/condition"), as the source
      prints them inside lines ("re-establish", "non-existent", "self-respect").
    - ``words``: two halves that are both words of the source stay a compound
      ("soldier-/peasants"); inside a line, one word is enough (``printed``: the source printed
      the hyphen there).
    - otherwise GUESS: the hyphen is kept and the caller reports it for review.
    """
    discount = 1 if where == "inline" else 0
    hyphenated = max(0, lexicon.hyphenated(left, right) - discount)
    joined = lexicon.joined(left, right)
    if not joined and right.endswith("s") and len(right) > 3:
        joined = lexicon.joined(left, right[:-1])  # "Rod-zyankos": the plural of "Rodzyanko"
    if right[:1].islower():
        family_hyphenated, family_joined = lexicon.family(left, family_stem(right))
        family_hyphenated = max(0, family_hyphenated - discount)
        more = family_hyphenated + family_joined > hyphenated + joined
        if more and family_hyphenated != family_joined:
            return HyphenDecision(join=family_joined > family_hyphenated, rule="family")
    left_word, right_word = lexicon.is_word(left), lexicon.is_word(right)
    if joined != hyphenated:
        return HyphenDecision(join=joined > hyphenated, rule="usage")
    if joined:
        return HyphenDecision(join=not (left_word and right_word), rule="usage")
    if right[:1].isupper():
        return HyphenDecision(join=False, rule="capital")
    if left[:1].isupper() and not left_word and not right_word:
        return HyphenDecision(join=True, rule="name")
    if where == "spaced":
        return HyphenDecision(join=not (left_word and right_word), rule="spaced")
    if left.lower() in COMPOUND_PREFIXES:
        return HyphenDecision(join=False, rule="prefix")
    if left_word and right_word:
        return HyphenDecision(join=False, rule="words")
    if where == "inline" and (left_word or right_word):
        return HyphenDecision(join=False, rule="printed")
    return HyphenDecision(join=False, rule=GUESS)


class HyphenRepairer:
    """Joins the lines of a paragraph and repairs the hyphens the extraction broke.

    ``repairs`` are reviewed literal replacements inside one line, applied first (spurious
    hyphens standing for spaces); ``hyphens`` maps a printed "a-b" (lower case) to the
    reviewed spelling for what no rule decides. Every decision is logged in ``log``; what
    was guessed goes to ``guesses`` and what the reviewed tables did to ``applied``, for the
    caller to report; ``used`` collects the table entries that applied at least once.
    """

    LINE_END_RE = re.compile(r"([A-Za-z]+)-$")
    LINE_START_RE = re.compile(r"[A-Za-z]+")
    SPACED_RE = re.compile(r"(?<![A-Za-z-])([A-Za-z]+)- ([A-Za-z]+)")
    COMPOUND_RE = re.compile(r"(?<![A-Za-z-])[A-Za-z]+(?:-[A-Za-z]+)+(?![A-Za-z])")

    def __init__(
        self, lexicon: Lexicon, repairs: dict[str, str], hyphens: dict[str, str] | None = None
    ) -> None:
        self.lexicon = lexicon
        self.repairs = repairs
        self.hyphens = {printed.lower(): spelling for printed, spelling in (hyphens or {}).items()}
        self.guesses: list[str] = []
        self.applied: list[str] = []
        self.used: set[str] = set()
        self.log: list[HyphenChoice] = []
        self.subject = ""  # what the caller is repairing, for the log ("works-001")

    def paragraph(self, lines: list[str]) -> str:
        """One paragraph from its lines. Repairs inside a line come first, so that a compound
        made by joining two lines is decided once, as a line-end hyphen."""
        lines = [self._repair_line(line) for line in lines]
        text = lines[0]
        for line in lines[1:]:
            text = self._join(text, line)
        return collapse_spaces(text)

    def _join(self, text: str, line: str) -> str:
        broken = text.endswith("-") and self.LINE_END_RE.search(text[-40:])
        following = self.LINE_START_RE.match(line)
        if broken and following:
            if self._decide(broken.group(1), following.group(0), where="line_end").join:
                return text[:-1] + line
            return text + line
        if text.endswith("-") or (text.endswith("—") and not text.endswith(" —")):
            return text + line  # a dash printed closed up: "Russia—" / "and such a Rada"
        return f"{text} {line}"

    def _repair_line(self, text: str) -> str:
        for printed, repaired in self.repairs.items():
            if printed in text:
                text = text.replace(printed, repaired)
                self.used.add(printed)
                self.applied.append(f"TEXT_REPAIRS: {printed!r} -> {repaired!r}")
        if "- " in text:
            text = self.SPACED_RE.sub(self._spaced, text)
        return self.COMPOUND_RE.sub(self._compound, text) if "-" in text else text

    def _spaced(self, match: re.Match[str]) -> str:
        # "stipula- tions": a line-end hyphen whose line break became a space.
        left, right = match.groups()
        joined = self._decide(left, right, where="spaced").join
        return left + right if joined else f"{left}-{right}"

    def _compound(self, match: re.Match[str]) -> str:
        parts = match.group(0).split("-")
        text = parts[0]
        for left, right in pairwise(parts):
            decision = self._decide(left, right, where="inline")
            if decision.join:
                text += right
            else:
                text += f"-{right}"
                suspect = len(parts) == 2 and self._suspect_space(left, right)
                if suspect and decision.rule != "override":
                    self.guesses.append(f"hyphen in {match.group(0)!r} may stand for a space")
        return text

    def _suspect_space(self, left: str, right: str) -> bool:
        # "gains-of": a function word never forms a two-part compound printed only once.
        function_word = left.lower() in FUNCTION_WORDS or right.lower() in FUNCTION_WORDS
        return function_word and self.lexicon.hyphenated(left, right) == 1

    def _decide(self, left: str, right: str, *, where: str) -> HyphenDecision:
        printed = f"{left}-{right}"
        if (spelling := self.hyphens.get(printed.lower())) is not None:
            decision = HyphenDecision(join="-" not in spelling, rule="override")
            self.used.add(printed.lower())
            outcome = f"{left}{right}" if decision.join else printed
            self.applied.append(f"HYPHENS: {printed!r} -> {outcome!r}")
        else:
            decision = decide_hyphen(left, right, self.lexicon, where=where)
            if not decision.certain:
                self.guesses.append(f"hyphen in {printed!r} undecided by usage: kept")
        self.log.append(
            HyphenChoice(self.subject, left, right, where, decision.join, decision.rule)
        )
        return decision
