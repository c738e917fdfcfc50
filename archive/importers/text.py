"""Text normalisation and extraction-artefact repair shared by the corpus parsers.

Everything here is source-agnostic: the decisions about hyphens are taken from the source's own
word usage (a :class:`Lexicon` built from the whole file), never from an outside dictionary, so
spellings of the period ("co-operation", "whiteguard") survive as the source prints them.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, pairwise

NBSP = "\u00a0"
WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
SENTENCE_END_RE = re.compile(r"[.!?:][\"”’')\]]*$")
SPACES_RE = re.compile(r"[ \t]{2,}")
SPACED_HYPHEN_RE = re.compile(r"[A-Za-z]+- [A-Za-z]+")  # "stipula- tions": no word of its own

# Prefixes that form compounds with a hyphen in this period's English ("re-grouping").
COMPOUND_PREFIXES = frozenset(
    {"all", "anti", "co", "counter", "ex", "half", "ill", "neo", "non", "over", "post", "pre"}
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


@dataclass(frozen=True)
class HyphenDecision:
    join: bool
    certain: bool  # False when the source's usage could not decide and a rule guessed


def decide_hyphen(left: str, right: str, lexicon: Lexicon, *, where: str) -> HyphenDecision:
    """Is "left-right" one word split by a soft hyphen (join) or a real compound (keep)?

    The source's own usage decides: the spelling printed more often elsewhere wins, a tie goes
    to the compound when both halves are words. ``where`` is "inline" (the lexicon has counted
    this occurrence, so it is discounted), "line_end" or "spaced" ("stipula- tions", a line-end
    hyphen whose break became a space). Without evidence, a line-end or inline hyphen is kept
    (most are compounds) unless it splits a name ("Zarga-ryants"); a spaced one is joined
    before a small letter unless both halves are words.
    """
    hyphenated = max(0, lexicon.hyphenated(left, right) - (1 if where == "inline" else 0))
    joined = lexicon.joined(left, right)
    if not joined and right.endswith("s") and len(right) > 3:
        joined = lexicon.joined(left, right[:-1])  # "Rod-zyankos": the plural of "Rodzyanko"
    both_words = lexicon.is_word(left) and lexicon.is_word(right)
    if joined != hyphenated:
        return HyphenDecision(join=joined > hyphenated, certain=True)
    if joined:
        return HyphenDecision(join=not both_words, certain=True)
    if where == "spaced":
        return HyphenDecision(join=right[:1].islower() and not both_words, certain=False)
    split_name = left[:1].isupper() and right[:1].islower() and not lexicon.is_word(left)
    return HyphenDecision(join=split_name, certain=False)


class HyphenRepairer:
    """Joins the lines of a paragraph and repairs the hyphens the extraction broke.

    ``repairs`` are reviewed literal replacements inside one line, applied first (spurious
    hyphens standing for spaces); ``keep`` lists "a-b" pairs the frequency rule must leave
    alone. What was guessed goes to ``guesses`` and what the reviewed lists did to ``applied``,
    for the caller to report.
    """

    LINE_END_RE = re.compile(r"([A-Za-z]+)-$")
    LINE_START_RE = re.compile(r"[A-Za-z]+")
    SPACED_RE = re.compile(r"(?<![A-Za-z-])([A-Za-z]+)- ([A-Za-z]+)")
    COMPOUND_RE = re.compile(r"(?<![A-Za-z-])[A-Za-z]+(?:-[A-Za-z]+)+(?![A-Za-z])")

    def __init__(
        self, lexicon: Lexicon, repairs: dict[str, str], keep: frozenset[str] = frozenset()
    ) -> None:
        self.lexicon = lexicon
        self.repairs = repairs
        self.keep = keep
        self.guesses: list[str] = []
        self.applied: list[str] = []

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
            if self._decide(broken.group(1), following.group(0), where="line_end"):
                return text[:-1] + line
            return text + line
        if text.endswith("-") or (text.endswith("—") and not text.endswith(" —")):
            return text + line  # a dash printed closed up: "Russia—" / "and such a Rada"
        return f"{text} {line}"

    def _repair_line(self, text: str) -> str:
        for printed, repaired in self.repairs.items():
            if printed in text:
                text = text.replace(printed, repaired)
                self.applied.append(f"TEXT_REPAIRS: {printed!r} -> {repaired!r}")
        if "- " in text:
            text = self.SPACED_RE.sub(self._spaced, text)
        return self.COMPOUND_RE.sub(self._compound, text) if "-" in text else text

    def _spaced(self, match: re.Match[str]) -> str:
        # "stipula- tions": a line-end hyphen whose line break became a space.
        left, right = match.groups()
        joined = self._decide(left, right, where="spaced")
        return left + right if joined else f"{left}-{right}"

    def _compound(self, match: re.Match[str]) -> str:
        parts = match.group(0).split("-")
        text = parts[0]
        for left, right in pairwise(parts):
            if self._decide(left, right, where="inline"):
                text += right
            else:
                text += f"-{right}"
                if len(parts) == 2 and self._suspect_space(left, right):
                    self.guesses.append(f"hyphen in {match.group(0)!r} may stand for a space")
        return text

    def _suspect_space(self, left: str, right: str) -> bool:
        # "gains-of": a function word never forms a two-part compound printed only once.
        function_word = left.lower() in FUNCTION_WORDS or right.lower() in FUNCTION_WORDS
        return function_word and self.lexicon.hyphenated(left, right) == 1

    def _decide(self, left: str, right: str, *, where: str) -> bool:
        if f"{left}-{right}".lower() in self.keep:
            self.applied.append(f"KEEP_HYPHENS: hyphen kept in '{left}-{right}'")
            return False
        decision = decide_hyphen(left, right, self.lexicon, where=where)
        if not decision.certain and self._worth_reporting(left, right, decision, where):
            outcome = f"{left}{right}" if decision.join else f"{left}-{right}"
            self.guesses.append(f"hyphen in '{left}-{right}' undecided by usage: {outcome!r}")
        return decision.join

    def _worth_reporting(self, left: str, right: str, decision: HyphenDecision, where: str) -> bool:
        # Names joined by a hyphen ("Alsace-Lorraine") and prefixes ("non-Ukrainian") are safe
        # guesses; of the many compounds printed once inside a line, only report odd ones.
        if decision.join:
            return True
        if right[:1].isupper() and left[:1].isupper() or left.lower() in COMPOUND_PREFIXES:
            return False
        if where == "inline":
            words = self.lexicon.is_word(left) or self.lexicon.is_word(right)
            return right.islower() and not words
        return True
