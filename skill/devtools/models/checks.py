"""Checking the interaction models before Alexa does: each locale's model on its own
(:func:`check`, one named check per rule), then the locales against each other and
against the handlers (:func:`check_all`, with the manifest).

A problem is reported with the locale and the place, e.g. ``de-DE: intent
ComplaintIntent: sample "…" uses {orderNumbr}, which is not a slot``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from skill.config import LOCALES
from skill.devtools.models.manifest import check_manifest
from skill.devtools.models.model import (
    MANIFEST_FILE,
    MODELS_DIR,
    PACKAGE_DIR,
    Intent,
    Model,
    ModelError,
    load,
    normalise,
)

HANDLERS_DIR = PACKAGE_DIR / "handlers"
# People ask in many ways; fewer samples than this and Alexa misses too many of them.
MIN_SAMPLES = 20
REQUIRED_BUILT_INS = (
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
)
# Alexa refuses invocation names containing these words, or starting with launch phrases.
FORBIDDEN_INVOCATION_WORDS = frozenset({"alexa", "amazon", "echo", "skill", "app", "computer"})
# What people say before the invocation name to open the skill ("open mensch moment").
LAUNCH_PHRASES = (
    "open",
    "ask",
    "tell",
    "launch",
    "start",
    "begin",
    "load",
    "run",
    "öffne",
    "starte",
)
_INVOCATION = re.compile(r"^[a-zäöüß][a-zäöüß' .]*[a-zäöüß.]$")
_SAMPLE = re.compile(r"^(?:[^\W\d_]|\{)[\w' .{}-]*$")
_SLOT_REFERENCE = re.compile(r"\{([^}]*)\}")
_INTENT_NAME = re.compile(r"""["'](AMAZON\.[A-Za-z]+Intent|[A-Z][A-Za-z]+Intent)["']""")


def code_slot_ids() -> dict[str, set[str]]:
    """Custom slot types whose ids the code reads, and the ids it knows."""
    from skill.handlers.callback_reach import CHANNELS
    from skill.handlers.complaint_turn import NO_REMEDY
    from skill.records.complaints import ProblemType, RemedyKind

    return {
        "ProblemType": {member.value for member in ProblemType},
        "RemedyType": {member.value for member in RemedyKind} | {NO_REMEDY},
        "CallbackChannel": set(CHANNELS),
    }


# One locale's model, one rule per check -------------------------------------------------


def invocation_name(model: Model) -> Iterator[str]:
    invocation = model.invocation
    if not _INVOCATION.match(invocation) or invocation != invocation.strip():
        yield f"invocation name {invocation!r}: lower-case letters and spaces only"
    if len(invocation.split()) < 2:
        yield f"invocation name {invocation!r}: needs at least two words"
    if FORBIDDEN_INVOCATION_WORDS & set(invocation.split()):
        yield f"invocation name {invocation!r}: contains a word Alexa reserves"
    if invocation.startswith(tuple(f"{phrase} " for phrase in LAUNCH_PHRASES)):
        yield f"invocation name {invocation!r}: starts with a launch phrase"


def required_built_ins(model: Model) -> Iterator[str]:
    for name in REQUIRED_BUILT_INS:
        if name not in model.intents:
            yield f"built-in {name} is missing"


def enough_samples(model: Model) -> Iterator[str]:
    for intent in model.intents.values():
        if not intent.name.startswith("AMAZON.") and len(intent.samples) < MIN_SAMPLES:
            yield (
                f"intent {intent.name} has {len(intent.samples)} samples, "
                f"at least {MIN_SAMPLES} needed"
            )


def slot_types_defined(model: Model) -> Iterator[str]:
    for intent in model.intents.values():
        for slot in intent.slots.values():
            if not slot.type.startswith("AMAZON.") and slot.type not in model.types:
                yield f"intent {intent.name}: slot {slot.name} has undefined type {slot.type}"


def slot_references(model: Model) -> Iterator[str]:
    """Every ``{name}`` in a sample (of the intent or of a slot's prompt) is a slot."""
    for intent in model.intents.values():
        for slot in intent.slots.values():
            for sample in slot.samples:
                yield from _references(intent, sample, f"slot {slot.name} sample")
        for sample in intent.samples:
            yield from _references(intent, sample, "sample")


def _references(intent: Intent, sample: str, what: str) -> Iterator[str]:
    used = _SLOT_REFERENCE.findall(sample)
    for reference in used:
        if reference not in intent.slots:
            yield f"intent {intent.name}: {what} {sample!r} uses {{{reference}}}, not a slot"
        elif (
            intent.slots[reference].type == "AMAZON.SearchQuery"
            and what == "sample"
            # Alexa wants words around a search query, and no other slot beside it.
            and (len(used) > 1 or sample.strip() == "{" + reference + "}")
        ):
            yield (
                f"intent {intent.name}: sample {sample!r} needs a carrier phrase and "
                "no other slot with the search query"
            )


def samples_unique(model: Model) -> Iterator[str]:
    """A sample belongs to one intent: Alexa could not tell which one was meant."""
    seen: dict[str, str] = {}
    for intent in model.intents.values():
        for sample in intent.samples:
            key = normalise(sample)
            if key in seen and seen[key] != intent.name:
                yield f"sample {sample!r} is in both {seen[key]} and {intent.name}"
            seen.setdefault(key, intent.name)


def sample_wording(model: Model) -> Iterator[str]:
    for intent in model.intents.values():
        for sample in intent.samples:
            if not _SAMPLE.match(sample) or any(ch.isdigit() for ch in sample):
                yield (
                    f"intent {intent.name}: sample {sample!r} may only have words, spaces, "
                    "apostrophes, periods, hyphens and {slots}; numbers spelled out"
                )


def ids_the_code_knows(model: Model) -> Iterator[str]:
    for type_name, known in code_slot_ids().items():
        if type_name in model.types:
            given = {value.id for value in model.types[type_name]}
            if given != known:
                yield f"slot type {type_name}: ids {sorted(given)}, the code knows {sorted(known)}"


def slot_values_distinct(model: Model) -> Iterator[str]:
    """Each id once per type, and each word (name or synonym) meaning one id."""
    for type_name, values in model.types.items():
        words: dict[str, str] = {}
        ids = [value.id for value in values]
        if len(ids) != len(set(ids)):
            yield f"slot type {type_name}: duplicate ids"
        for value in values:
            for word in (value.name, *value.synonyms):
                key = normalise(word)
                if key in words and words[key] != value.id:
                    yield f"slot type {type_name}: {word!r} means both {words[key]} and {value.id}"
                words[key] = value.id


def dialog_matches(model: Model) -> Iterator[str]:
    """The dialog model names intents, slots and prompts that exist."""
    raw = model.raw["interactionModel"]
    prompts = {prompt["id"] for prompt in raw.get("prompts", [])}
    for intent in raw.get("dialog", {}).get("intents", []):
        name = intent["name"]
        if name not in model.intents:
            yield f"dialog intent {name} is not in the language model"
            continue
        for slot in intent.get("slots", []):
            if slot["name"] not in model.intents[name].slots:
                yield f"dialog intent {name}: slot {slot['name']} is not in the language model"
            for prompt in slot.get("prompts", {}).values():
                if prompt not in prompts:
                    yield f"dialog intent {name}: prompt {prompt} is not defined"


# The checks of one locale's model, in the order their problems are listed.
CHECKS: tuple[Callable[[Model], Iterable[str]], ...] = (
    invocation_name,
    required_built_ins,
    enough_samples,
    slot_types_defined,
    slot_references,
    samples_unique,
    sample_wording,
    ids_the_code_knows,
    slot_values_distinct,
    dialog_matches,
)


def check(model: Model) -> list[str]:
    """Problems in one locale's model."""
    return [f"{model.locale}: {text}" for rule in CHECKS for text in rule(model)]


# The locales together ------------------------------------------------------------------


def handled_intents(directory: Path = HANDLERS_DIR) -> set[str]:
    """Intent names the handlers ask for, read from their source."""
    # The fallback handler takes every intent request nobody else claimed.
    names: set[str] = {"AMAZON.FallbackIntent"}
    for path in directory.glob("*.py"):
        names.update(_INTENT_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def check_all(
    locales: Iterable[str] = LOCALES,
    directory: Path = MODELS_DIR,
    handled: set[str] | None = None,
    manifest: Path | None = MANIFEST_FILE,
) -> list[str]:
    """Every problem across the locales, including intents missing in one of them, and
    in the manifest (``manifest=None`` checks the models only)."""
    problems: list[str] = []
    models: dict[str, Model] = {}
    for locale in locales:
        try:
            models[locale] = load(locale, directory)
        except ModelError as error:
            problems.append(str(error))
    for model in models.values():
        problems.extend(check(model))
    problems.extend(across_locales(models, handled_intents() if handled is None else handled))
    if manifest is not None:
        problems.extend(check_manifest(manifest, models, directory))
    return sorted(set(problems))


def across_locales(models: Mapping[str, Model], handled: set[str]) -> Iterator[str]:
    """The same intents, with the same slots, in every locale, and each one handled."""
    every: set[str] = set().union(*(set(model.intents) for model in models.values()))
    for locale, model in models.items():
        intents = set(model.intents)
        for name in sorted(every - intents):
            yield f"{locale}: intent {name} exists in another locale but not here"
        for name in sorted(handled - intents):
            yield f"{locale}: handlers expect {name}, which is not in the model"
        for name in sorted(intents - handled):
            yield f"{locale}: intent {name} has no handler"
        for other in models.values():
            for name, intent in other.intents.items():
                if name in intents and set(model.intents[name].slots) != set(intent.slots):
                    yield f"{locale}: intent {name} has other slots than in {other.locale}"
