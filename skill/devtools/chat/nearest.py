"""The nearest sample, for words no sample matches exactly: Alexa understands "can I
talk to a real person please" although only "I want to talk to a real person" is a
sample, so the chat must too, or a conversation script tests a skill nobody hears.

Each sample is a bag of words, its slots standing in as their types; a word counts as
much as it tells intents apart (words in many intents, "my", "the", count little; words
no sample has count much, so "tell me a joke" stays far from every intent). What was
said is compared with every sample, the spans that read as a slot's type replaced by
that type, and the closest sample wins if it is close enough.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from skill.devtools.chat.phrases import clean

SlotReader = Callable[[str, str], object | None]  # (slot type, words) -> value or None

# How close the nearest sample must be (cosine of the weighted word sets).
CLOSE_ENOUGH = 0.6
# A slot in a sample weighs as much as a fairly telling word.
SLOT_WEIGHT = 2.0
# Longest span of words read as one slot value ("one zero zero three", "salt and pepper mills").
LONGEST_SPAN = 5
# Where a number is a time, not an order number: "at ten", "um 10 Uhr", "after 5 pm".
_TIME_CUES = frozenset({"at", "after", "before", "um", "nach", "vor", "ab"})
_TIME_WORDS = re.compile(r"\b(am|pm|a\.m|p\.m|uhr|o'clock|noon|midday|mittag)\b|\d:\d")
_SLOT = re.compile(r"\{([^}]+)\}")
# Politeness and filler carry no intent; Alexa hears past them, so the bags leave them out.
FILLER = frozenset((
    "please", "just", "hey", "hi", "hello", "so", "then", "well", "oh", "um", "uh", "okay",
    "ok", "now", "really", "kindly", "actually", "bitte", "mal", "doch", "denn", "halt",
    "eigentlich", "gerne", "gern", "bloß", "nun", "ja", "also", "äh", "hallo",
))  # fmt: skip
# Contractions spelled out, so "where's" meets "where is".
_CONTRACTIONS = (
    ("n't", " not"),
    ("'s", " is"),
    ("'d", " would"),
    ("'m", " am"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'ll", " will"),
)


# Words that mean the same to every intent.
SAME = {"somebody": "someone", "anybody": "anyone", "everybody": "everyone", "jemanden": "jemand"}


def words_of(text: str) -> list[str]:
    """The words that count, stemmed; fillers left out."""
    text = clean(text)
    for short, long in _CONTRACTIONS:
        text = text.replace(short, long)
    return [stem(SAME.get(word, word)) for word in text.split() if word not in FILLER]


def stem(word: str) -> str:
    """A light stem shared by both languages: "calls" and "call", "Schuhe" and "Schuh"."""
    for ending in ("en", "es", "e", "s", "n"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class Sample:
    intent: str
    words: frozenset[str]
    slots: tuple[tuple[str, str], ...]  # (slot name, slot type), in the sample's order


@dataclass(frozen=True)
class Nearest:
    intent: str
    score: float
    slots: dict[str, str]  # slot name -> the words said for it


class NearestSample:
    """The closest sample to what was said, among one model's samples."""

    def __init__(
        self,
        samples: Iterable[tuple[str, str]],
        slot_types: Mapping[str, Mapping[str, str]],
        read: SlotReader,
    ) -> None:
        """``samples``: (intent, sample text); ``slot_types``: intent -> slot -> type;
        ``read``: reads words as a value of a slot type, None when they are not one."""
        self.read = read
        self.samples: list[Sample] = []
        for intent, text in samples:
            slots = tuple(
                (name, slot_types.get(intent, {}).get(name, "")) for name in _SLOT.findall(text)
            )
            words = frozenset(words_of(_SLOT.sub(" ", text))) | frozenset(
                f"<{kind}>" for _, kind in slots
            )
            self.samples.append(Sample(intent, words, slots))
        intents_with: dict[str, set[str]] = {}
        for sample in self.samples:
            for word in sample.words:
                intents_with.setdefault(word, set()).add(sample.intent)
        self.intents = len({sample.intent for sample in self.samples}) or 1

        self.weight = {
            word: math.log(1 + self.intents / len(intents))
            for word, intents in intents_with.items()
        }
        # A word no sample has tells against every intent, as much as a word of two intents.
        self.unknown = math.log(1 + self.intents / 2)

    def _weight(self, word: str) -> float:
        if word.startswith("<"):
            return SLOT_WEIGHT
        return self.weight.get(word, self.unknown)

    def find(self, said: str) -> Nearest | None:
        words = clean(said).split()
        if not words:
            return None
        spans: dict[str, list[tuple[int, int, str]]] = {}
        # Each word stemmed once, and one bag per set of slot types: samples share both.
        stemmed = [words_of(word) for word in words]
        bags: dict[frozenset[str], tuple[frozenset[str], list[tuple[str, str]]]] = {}
        best: Nearest | None = None
        for sample in self.samples:
            kinds = frozenset(kind for _, kind in sample.slots)
            if kinds not in bags:
                for kind in kinds - spans.keys():
                    spans[kind] = self._spans(words, kind)
                bags[kinds] = self._bag(stemmed, kinds, spans)
            bag, found = bags[kinds]
            score = self._cosine(bag, sample.words)
            if best is None or score > best.score:
                best = Nearest(sample.intent, score, self._fill(sample, found))
        if best is None or best.score < CLOSE_ENOUGH:
            return None
        return best

    def _spans(self, words: list[str], kind: str) -> list[tuple[int, int, str]]:
        """Longest first, not overlapping: where ``words`` hold a value of ``kind``."""
        found: list[tuple[int, int, str]] = []
        if kind == "AMAZON.SearchQuery":
            return found  # any words at all: only a sample's carrier phrase can place it
        taken: set[int] = set()
        for length in range(min(LONGEST_SPAN, len(words)), 0, -1):
            for start in range(len(words) - length + 1):
                end = start + length
                if taken & set(range(start, end)):
                    continue
                text = " ".join(words[start:end])
                if kind == "AMAZON.TIME" and not (
                    _TIME_WORDS.search(text) or (start and words[start - 1] in _TIME_CUES)
                ):
                    continue
                if self.read(kind, text) is not None:
                    found.append((start, end, text))
                    taken |= set(range(start, end))
        return sorted(found)

    @staticmethod
    def _bag(
        stemmed: list[list[str]],
        kinds: frozenset[str],
        spans: Mapping[str, list[tuple[int, int, str]]],
    ) -> tuple[frozenset[str], list[tuple[str, str]]]:
        """The words said (``stemmed``: each word's :func:`words_of`), with the spans of
        the sample's slot types as those types."""
        covered: set[int] = set()
        found: list[tuple[int, str, str]] = []
        # Custom types first: "late" is a problem before "late" is anything else.
        for kind in sorted(kinds, key=lambda kind: kind.startswith("AMAZON.")):
            for start, end, text in spans.get(kind, []):
                if not covered & set(range(start, end)):
                    covered |= set(range(start, end))
                    found.append((start, kind, text))
        bag = {
            counted
            for index, counts in enumerate(stemmed)
            if index not in covered
            for counted in counts
        }
        bag |= {f"<{kind}>" for _, kind, _ in found}
        return frozenset(bag), [(kind, text) for _, kind, text in sorted(found)]

    def _cosine(self, said: frozenset[str], sample: frozenset[str]) -> float:
        shared = sum(self._weight(word) ** 2 for word in said & sample)
        norm = math.sqrt(sum(self._weight(word) ** 2 for word in said)) * math.sqrt(
            sum(self._weight(word) ** 2 for word in sample)
        )
        return shared / norm if norm else 0.0

    @staticmethod
    def _fill(sample: Sample, found: list[tuple[str, str]]) -> dict[str, str]:
        """The sample's slots, each with the next span said of its type."""
        slots: dict[str, str] = {}
        left = list(found)
        for name, kind in sample.slots:
            for index, (said_kind, text) in enumerate(left):
                if said_kind == kind:
                    slots[name] = text
                    del left[index]
                    break
        return slots
