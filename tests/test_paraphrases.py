"""How well the chat matcher understands what people say that nobody wrote into the
interaction models: the held-out paraphrases under tests/paraphrases/<locale>.tsv.

Those files are written apart from the models' samples and never copied into them (a
test below makes sure); the matcher is what the conversation scripts use, so its
accuracy on them is the measure of how many phrasings the scripts' customers may use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from skill.config import LOCALES
from skill.devtools.chat import Matcher
from skill.devtools.chat.phrases import clean
from skill.devtools.models import load

PARAPHRASES = Path(__file__).with_name("paraphrases")
MONDAY = date(2026, 11, 23)  # "tomorrow" in the files is the 24th
REQUIRED_ACCURACY = 0.95
AT_LEAST = 60


@dataclass(frozen=True)
class Paraphrase:
    line: int
    said: str
    intent: str
    slots: dict[str, str]


def paraphrases(locale: str) -> list[Paraphrase]:
    found = []
    text = (PARAPHRASES / f"{locale}.tsv").read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        said, intent, *rest = raw.split("\t")
        slots = dict(pair.split("=", 1) for pair in rest[0].split(",")) if rest else {}
        found.append(Paraphrase(number, said, intent, slots))
    return found


def understood(matcher: Matcher, paraphrase: Paraphrase) -> bool:
    match = matcher.match(paraphrase.said)
    if match.intent != paraphrase.intent:
        return False
    for name, expected in paraphrase.slots.items():
        slot = match.slots.get(name)
        # Custom slots: the id Alexa resolves to, or (items) the words themselves.
        heard = {slot.value.lower(), (slot.resolved_id or "").lower()} if slot else set()
        if expected.lower() not in heard:
            return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("locale", LOCALES)
def test_the_matcher_understands_held_out_paraphrases(
    locale: str, capsys: pytest.CaptureFixture[str]
) -> None:
    matcher = Matcher(load(locale), today=lambda: MONDAY)
    cases = paraphrases(locale)
    assert len(cases) >= AT_LEAST
    missed = [case for case in cases if not understood(matcher, case)]
    accuracy = 1 - len(missed) / len(cases)
    with capsys.disabled():
        print(f"\n{locale}: {len(cases) - len(missed)}/{len(cases)} understood ({accuracy:.1%})")
    details = [
        f"{locale}.tsv:{case.line} {case.said!r} -> {matcher.match(case.said)}" for case in missed
    ]
    assert accuracy >= REQUIRED_ACCURACY, "\n".join(details)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_has_held_out_paraphrases(locale: str) -> None:
    intents = {case.intent for case in paraphrases(locale)}
    own = {name for name in load(locale).intents if not name.startswith("AMAZON.")}
    assert own <= intents


@pytest.mark.parametrize("locale", LOCALES)
def test_no_held_out_paraphrase_is_in_the_model(locale: str) -> None:
    model = load(locale)
    samples = {
        clean(sample)
        for intent in model.intents.values()
        for sample in (
            *intent.samples,
            *(s for slot in intent.slots.values() for s in slot.samples),
        )
    }
    copied = [case.said for case in paraphrases(locale) if clean(case.said) in samples]
    assert not copied
