"""The interaction models are checked before Alexa sees them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.models import MODELS_DIR, check_all, handled_intents


def test_the_three_locales_pass() -> None:
    assert check_all() == []


def test_every_handled_intent_is_known() -> None:
    handled = handled_intents()
    assert {"OrderStatusIntent", "CallbackIntent", "ComplaintIntent"} <= handled
    assert "AMAZON.FallbackIntent" in handled


@pytest.fixture
def models(tmp_path: Path) -> Path:
    for path in MODELS_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit(models: Path, locale: str) -> Any:
    path = models / f"{locale}.json"
    data = json.loads(path.read_text(encoding="utf-8"))

    class Saver:
        def __enter__(self) -> Any:
            return data["interactionModel"]

        def __exit__(self, *exc: object) -> None:
            path.write_text(json.dumps(data), encoding="utf-8")

    return Saver()


def intent(model: Any, name: str) -> Any:
    return next(i for i in model["languageModel"]["intents"] if i["name"] == name)


def problems(models: Path) -> str:
    return "\n".join(check_all(directory=models))


def test_invocation_name_rules(models: Path) -> None:
    with edit(models, "en-US") as model:
        model["languageModel"]["invocationName"] = "Open Alexa"
    found = problems(models)
    assert "en-US: invocation name 'Open Alexa': lower-case letters and spaces only" in found
    with edit(models, "en-US") as model:
        model["languageModel"]["invocationName"] = "ask moment"
    assert "starts with a launch phrase" in problems(models)


def test_a_sample_in_two_intents(models: Path) -> None:
    with edit(models, "de-DE") as model:
        intent(model, "CallbackStatusIntent")["samples"].append("ruf mich zurück")
    assert "de-DE: sample 'ruf mich zurück' is in both" in problems(models)


def test_a_sample_using_an_unknown_slot(models: Path) -> None:
    with edit(models, "en-GB") as model:
        intent(model, "OrderStatusIntent")["samples"].append("order {orderNumbr}")
    assert "uses {orderNumbr}, not a slot" in problems(models)


def test_an_undefined_slot_type_and_missing_built_in(models: Path) -> None:
    with edit(models, "en-US") as model:
        intent(model, "CallbackIntent")["slots"][2]["type"] = "Channels"
        model["languageModel"]["intents"] = [
            i for i in model["languageModel"]["intents"] if i["name"] != "AMAZON.HelpIntent"
        ]
    found = problems(models)
    assert "slot channel has undefined type Channels" in found
    assert "en-US: built-in AMAZON.HelpIntent is missing" in found


def test_an_intent_missing_in_one_locale_and_one_without_handler(models: Path) -> None:
    with edit(models, "en-GB") as model:
        model["languageModel"]["intents"] = [
            i for i in model["languageModel"]["intents"] if i["name"] != "FeedbackIntent"
        ]
    with edit(models, "de-DE") as model:
        model["languageModel"]["intents"].append({"name": "DanceIntent", "samples": ["tanz"]})
    found = problems(models)
    assert "en-GB: intent FeedbackIntent exists in another locale but not here" in found
    assert "de-DE: intent DanceIntent has no handler" in found
    assert "de-DE: intent DanceIntent has 1 samples, at least 20 needed" in found


def test_numerals_and_punctuation_in_samples(models: Path) -> None:
    with edit(models, "en-US") as model:
        intent(model, "OrderStatusIntent")["samples"] += ["track order 1003", "where is it?"]
    found = problems(models)
    assert "sample 'track order 1003' may only have words" in found
    assert "sample 'where is it?' may only have words" in found


def test_broken_json_is_named(models: Path) -> None:
    (models / "de-DE.json").write_text("{", encoding="utf-8")
    assert "de-DE: de-DE.json is not valid JSON" in problems(models)


def test_slot_ids_must_be_the_ones_the_code_knows(models: Path) -> None:
    with edit(models, "en-GB") as model:
        kinds = next(t for t in model["languageModel"]["types"] if t["name"] == "ProblemType")
        kinds["values"][0]["id"] = "broken"
    assert "en-GB: slot type ProblemType: ids ['billing', 'broken'" in problems(models)


def test_a_search_query_needs_a_carrier_phrase(models: Path) -> None:
    with edit(models, "en-US") as model:
        intent(model, "FeedbackIntent")["samples"].append("{feedback}")
    assert "sample '{feedback}' needs a carrier phrase" in problems(models)
