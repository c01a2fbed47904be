"""The interaction models: the same intents in every locale, slots that exist, custom
slot ids that the code knows, and carrier phrases where Alexa requires them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from skill.records import ProblemType, RemedyKind

MODELS = Path(__file__).resolve().parent.parent / "interaction_models"
LOCALES = ["en-US", "de-DE"]
SLOT = re.compile(r"\{(\w+)\}")


def model(locale: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MODELS / f"{locale}.json").read_text(encoding="utf-8"))
    return data["interactionModel"]


def intents(locale: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in model(locale)["languageModel"]["intents"]}


def test_every_locale_has_the_same_intents_and_slots() -> None:
    shapes = [
        {name: sorted(s["name"] for s in i.get("slots", [])) for name, i in intents(locale).items()}
        for locale in LOCALES
    ]
    assert shapes[0] == shapes[1]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "name", ["ComplaintIntent", "RemedyChoiceIntent", "CommitmentStatusIntent", "FeedbackIntent"]
)
def test_new_intents_have_many_samples(locale: str, name: str) -> None:
    samples = intents(locale)[name]["samples"]
    assert len(samples) >= 20
    assert len(set(samples)) == len(samples)


@pytest.mark.parametrize("locale", LOCALES)
def test_samples_use_only_declared_slots_and_search_queries_have_carrier_phrases(
    locale: str,
) -> None:
    for intent in intents(locale).values():
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            used = SLOT.findall(sample)
            assert set(used) <= set(slots), (intent["name"], sample)
            if any(slots[name] == "AMAZON.SearchQuery" for name in used):
                # Alexa requires words around a search query and no other slot with it.
                assert len(used) == 1 and sample.strip() != "{" + used[0] + "}", sample


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_belongs_to_two_intents(locale: str) -> None:
    seen: dict[str, str] = {}
    for name, intent in intents(locale).items():
        for sample in intent["samples"]:
            key = sample.lower()
            assert key not in seen, (sample, seen.get(key), name)
            seen[key] = name


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("type_name", "ids"), [("ProblemType", ProblemType), ("RemedyType", RemedyKind)]
)
def test_custom_slot_ids_are_the_codes_values(locale: str, type_name: str, ids: Any) -> None:
    types = {t["name"]: t for t in model(locale)["languageModel"]["types"]}
    values = types[type_name]["values"]
    assert {value["id"] for value in values} == {member.value for member in ids}
    synonyms = [
        s.lower() for v in values for s in [v["name"]["value"], *v["name"].get("synonyms", [])]
    ]
    assert len(synonyms) == len(set(synonyms)), "a synonym may mean one thing only"


@pytest.mark.parametrize("locale", LOCALES)
def test_dialog_prompts_exist(locale: str) -> None:
    interaction = model(locale)
    prompt_ids = {prompt["id"] for prompt in interaction["prompts"]}
    for intent in interaction["dialog"]["intents"]:
        assert intent["name"] in intents(locale)
        for slot in intent["slots"]:
            assert slot["prompts"]["elicitation"] in prompt_ids
