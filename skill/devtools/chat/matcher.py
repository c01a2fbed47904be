"""What was typed -> an intent and its slots, from one locale's interaction model: the
samples become patterns, most literal words first; slot values are read as Alexa
resolves them (:mod:`skill.devtools.chat.phrases`). Words no pattern matches go to the
nearest sample (:mod:`skill.devtools.chat.nearest`), as Alexa understands more than
its samples.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from skill.devtools.chat.nearest import NearestSample
from skill.devtools.chat.phrases import (
    BUILT_INS,
    clean,
    date_value,
    duration_value,
    number_value,
    time_value,
)
from skill.devtools.models.model import Intent, Model, SlotValue, normalise


@dataclass(frozen=True)
class SlotMatch:
    value: str
    resolved_id: str | None = None  # for custom slot types


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict[str, SlotMatch] = field(default_factory=dict)


class Matcher:
    """Utterance -> intent and slots, from one locale's interaction model."""

    def __init__(self, model: Model, today: Callable[[], date] = date.today) -> None:
        self.model = model
        self.language = model.locale.split("-")[0]
        self.today = today
        self._samples: list[tuple[re.Pattern[str], Intent, int]] = []
        self._slot_samples: dict[tuple[str, str], list[tuple[re.Pattern[str], int]]] = {}
        for intent in model.intents.values():
            for sample in intent.samples:
                pattern, weight = self._compile(sample)
                self._samples.append((pattern, intent, weight))
            for slot in intent.slots.values():
                self._slot_samples[(intent.name, slot.name)] = [
                    self._compile(sample) for sample in slot.samples
                ]
        # More literal words first: "call me back at {time}" before "{channel} me instead".
        self._samples.sort(key=lambda entry: -entry[2])
        self._built_ins = {
            phrase: name for name, phrases in BUILT_INS[self.language].items() for phrase in phrases
        }
        self._nearest = NearestSample(
            [
                *(
                    (intent.name, sample)
                    for intent in model.intents.values()
                    for sample in intent.samples
                ),
                *((name, phrase) for phrase, name in self._built_ins.items()),
            ],
            {
                intent.name: {slot.name: slot.type for slot in intent.slots.values()}
                for intent in model.intents.values()
            },
            self.resolve,
        )

    @staticmethod
    def _compile(sample: str) -> tuple[re.Pattern[str], int]:
        parts: list[str] = []
        literal = 0
        for piece in re.split(r"(\{[^}]+\})", sample):
            if piece.startswith("{"):
                parts.append(f"(?P<{piece[1:-1]}>.+?)")
            elif piece.strip():
                words = clean(piece).split()
                literal += len(words)
                parts.append(r"\s*" + r"\s+".join(re.escape(w) for w in words) + r"\s*")
        return re.compile("^" + "".join(parts) + "$"), literal

    def match(self, text: str, eliciting: tuple[str, str] | None = None) -> Match:
        said = clean(text)
        if eliciting is not None:
            found = self._match_slot(said, *eliciting, open_slot=False)
            if found is not None:
                return found
        if said in self._built_ins:
            return Match(self._built_ins[said])
        for pattern, intent, _ in self._samples:
            found = self._try(pattern, intent, said)
            if found is not None:
                return found
        if eliciting is not None:
            # Only now may an asked-for custom slot take words outside its list: "talk to
            # a person" in the middle of a dialogue is a request, not a postcode.
            found = self._match_slot(said, *eliciting, open_slot=True)
            if found is not None:
                return found
        return self._near(said)

    def _near(self, said: str) -> Match:
        """The nearest sample's intent, its slots resolved; else Alexa's fallback."""
        near = self._nearest.find(said)
        if near is None:
            return Match("AMAZON.FallbackIntent")
        intent = self.model.intents.get(near.intent)
        slots: dict[str, SlotMatch] = {}
        for name, words in near.slots.items():
            value = self.resolve(intent.slots[name].type, words) if intent else None
            if value is not None:
                slots[name] = value
        return Match(near.intent, slots)

    def _match_slot(
        self, said: str, intent_name: str, slot: str, *, open_slot: bool
    ) -> Match | None:
        intent = self.model.intents.get(intent_name)
        if intent is None:
            return None
        for pattern, _ in self._slot_samples.get((intent_name, slot), []):
            found = self._try(pattern, intent, said, open_slot=slot if open_slot else None)
            if found is not None and slot in found.slots:
                return found
        return None

    def _try(
        self, pattern: re.Pattern[str], intent: Intent, said: str, open_slot: str | None = None
    ) -> Match | None:
        hit = pattern.match(said)
        if hit is None:
            return None
        slots: dict[str, SlotMatch] = {}
        for name, raw in hit.groupdict().items():
            if raw is None:
                continue
            value = self.resolve(intent.slots[name].type, raw.strip())
            if value is None and name == open_slot and intent.slots[name].type in self.model.types:
                # A custom slot Alexa asked for takes words outside its list too (a postcode).
                value = SlotMatch(raw.strip())
            if value is None:
                return None
            slots[name] = value
        return Match(intent.name, slots)

    def resolve(self, slot_type: str, text: str) -> SlotMatch | None:
        if slot_type == "AMAZON.DURATION":
            after = duration_value(text)
            return SlotMatch(after) if after else None
        if slot_type in ("AMAZON.NUMBER", "AMAZON.PhoneNumber", "AMAZON.FOUR_DIGIT_NUMBER"):
            digits = number_value(text)
            return SlotMatch(digits) if digits else None
        if slot_type == "AMAZON.DATE":
            day = date_value(text, self.today())
            return SlotMatch(day) if day else None
        if slot_type == "AMAZON.TIME":
            at = time_value(text)
            return SlotMatch(at) if at else None
        if slot_type in self.model.types:
            return self._custom(self.model.types[slot_type], text)
        return SlotMatch(text)  # AMAZON.SearchQuery and friends: the words themselves

    @staticmethod
    def _custom(values: tuple[SlotValue, ...], text: str) -> SlotMatch | None:
        for value in values:
            if normalise(text) in (normalise(word) for word in (value.name, *value.synonyms)):
                return SlotMatch(text, value.id)
        return None
