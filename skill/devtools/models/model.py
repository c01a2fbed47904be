"""An interaction model as the checks and the chat read it: loaded from the ASK CLI
skill-package file of one locale (``interaction_models/<locale>.json``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parents[2]
MODELS_DIR = PACKAGE_DIR.parent / "interaction_models"
MANIFEST_FILE = PACKAGE_DIR.parent / "skill.json"


class ModelError(Exception):
    """A model file cannot be read at all."""


@dataclass(frozen=True)
class Slot:
    name: str
    type: str
    samples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intent:
    name: str
    samples: tuple[str, ...]
    slots: Mapping[str, Slot]


@dataclass(frozen=True)
class SlotValue:
    id: str
    name: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    locale: str
    invocation: str
    intents: Mapping[str, Intent]
    types: Mapping[str, tuple[SlotValue, ...]]
    raw: Mapping[str, Any] = field(repr=False, compare=False)


def path_for(locale: str, directory: Path = MODELS_DIR) -> Path:
    return directory / f"{locale}.json"


def load(locale: str, directory: Path = MODELS_DIR) -> Model:
    path = path_for(locale, directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ModelError(f"{locale}: {path.name} is missing") from error
    except json.JSONDecodeError as error:
        raise ModelError(f"{locale}: {path.name} is not valid JSON: {error}") from error
    try:
        language = data["interactionModel"]["languageModel"]
        intents = {
            intent["name"]: Intent(
                name=intent["name"],
                samples=tuple(intent.get("samples", [])),
                slots={
                    slot["name"]: Slot(slot["name"], slot["type"], tuple(slot.get("samples", [])))
                    for slot in intent.get("slots", [])
                },
            )
            for intent in language["intents"]
        }
        types = {
            kind["name"]: tuple(
                SlotValue(
                    id=value.get("id") or value["name"]["value"],
                    name=value["name"]["value"],
                    synonyms=tuple(value["name"].get("synonyms", [])),
                )
                for value in kind.get("values", [])
            )
            for kind in language.get("types", [])
        }
        invocation = language["invocationName"]
    except (KeyError, TypeError) as error:
        raise ModelError(
            f"{locale}: not in skill-package format (interactionModel.languageModel.…): "
            f"missing {error}"
        ) from error
    return Model(locale, invocation, intents, types, data)


def normalise(text: str) -> str:
    """How Alexa compares utterances: case and spacing do not matter."""
    return " ".join(text.lower().split())
