"""The interaction models and the skill manifest: loading them, and checking them
before Alexa does.

``python -m skill models check`` runs :func:`check_all`; the tests run it too. A
problem is reported with the locale and the place, e.g. ``de-DE: intent
ComplaintIntent: sample "…" uses {orderNumbr}, which is not a slot``.

The manifest (``skill.json``, ASK CLI skill-package format) is checked with the models
it describes: the same locales, example phrases that use each locale's invocation name
and one of its sample utterances, the permissions the code asks for.
:func:`build_package` writes the ASK CLI ``skill-package`` folder, with the shop's URLs
and the Lambda endpoint filled into the manifest's ``${…}`` placeholders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.config import LOCALES

PACKAGE_DIR = Path(__file__).resolve().parent.parent
MODELS_DIR = PACKAGE_DIR.parent / "interaction_models"
MANIFEST_FILE = PACKAGE_DIR.parent / "skill.json"
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
    from skill.handlers.callbacks import CHANNELS
    from skill.records import ProblemType, RemedyKind

    return {
        "ProblemType": {member.value for member in ProblemType},
        "RemedyType": {member.value for member in RemedyKind},
        "CallbackChannel": set(CHANNELS),
    }


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


def check(model: Model) -> list[str]:
    """Problems in one locale's model."""
    problems: list[str] = []
    where = model.locale

    def problem(text: str) -> None:
        problems.append(f"{where}: {text}")

    invocation = model.invocation
    if not _INVOCATION.match(invocation) or invocation != invocation.strip():
        problem(f"invocation name {invocation!r}: lower-case letters and spaces only")
    if len(invocation.split()) < 2:
        problem(f"invocation name {invocation!r}: needs at least two words")
    if FORBIDDEN_INVOCATION_WORDS & set(invocation.split()):
        problem(f"invocation name {invocation!r}: contains a word Alexa reserves")
    if invocation.startswith(tuple(f"{phrase} " for phrase in LAUNCH_PHRASES)):
        problem(f"invocation name {invocation!r}: starts with a launch phrase")

    for name in REQUIRED_BUILT_INS:
        if name not in model.intents:
            problem(f"built-in {name} is missing")

    seen: dict[str, str] = {}
    for intent in model.intents.values():
        if not intent.name.startswith("AMAZON.") and len(intent.samples) < MIN_SAMPLES:
            problem(
                f"intent {intent.name} has {len(intent.samples)} samples, "
                f"at least {MIN_SAMPLES} needed"
            )
        for slot in intent.slots.values():
            if not slot.type.startswith("AMAZON.") and slot.type not in model.types:
                problem(f"intent {intent.name}: slot {slot.name} has undefined type {slot.type}")
            for sample in slot.samples:
                _check_references(problem, intent, sample, f"slot {slot.name} sample")
        for sample in intent.samples:
            _check_references(problem, intent, sample, "sample")
            key = normalise(sample)
            if key in seen and seen[key] != intent.name:
                problem(f"sample {sample!r} is in both {seen[key]} and {intent.name}")
            seen.setdefault(key, intent.name)
            if not _SAMPLE.match(sample) or any(ch.isdigit() for ch in sample):
                problem(
                    f"intent {intent.name}: sample {sample!r} may only have words, spaces, "
                    "apostrophes, periods, hyphens and {slots}; numbers spelled out"
                )

    for type_name, known in code_slot_ids().items():
        if type_name in model.types:
            given = {value.id for value in model.types[type_name]}
            if given != known:
                problem(
                    f"slot type {type_name}: ids {sorted(given)}, the code knows {sorted(known)}"
                )

    for type_name, values in model.types.items():
        words: dict[str, str] = {}
        ids = [value.id for value in values]
        if len(ids) != len(set(ids)):
            problem(f"slot type {type_name}: duplicate ids")
        for value in values:
            for word in (value.name, *value.synonyms):
                key = normalise(word)
                if key in words and words[key] != value.id:
                    problem(
                        f"slot type {type_name}: {word!r} means both {words[key]} and {value.id}"
                    )
                words[key] = value.id

    problems.extend(f"{where}: {text}" for text in _check_dialog(model))
    return problems


def _check_references(problem: Any, intent: Intent, sample: str, what: str) -> None:
    used = _SLOT_REFERENCE.findall(sample)
    for reference in used:
        if reference not in intent.slots:
            problem(f"intent {intent.name}: {what} {sample!r} uses {{{reference}}}, not a slot")
        elif (
            intent.slots[reference].type == "AMAZON.SearchQuery"
            and what == "sample"
            # Alexa wants words around a search query, and no other slot beside it.
            and (len(used) > 1 or sample.strip() == "{" + reference + "}")
        ):
            problem(
                f"intent {intent.name}: sample {sample!r} needs a carrier phrase and "
                "no other slot with the search query"
            )


def _check_dialog(model: Model) -> Iterable[str]:
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
    handled = handled_intents() if handled is None else handled
    every = set().union(*(set(model.intents) for model in models.values())) if models else set()
    for locale, model in models.items():
        for name in sorted(every - set(model.intents)):
            problems.append(f"{locale}: intent {name} exists in another locale but not here")
        for name in sorted(handled - set(model.intents)):
            problems.append(f"{locale}: handlers expect {name}, which is not in the model")
        for name in sorted(set(model.intents) - handled):
            problems.append(f"{locale}: intent {name} has no handler")
        slots = {name: set(intent.slots) for name, intent in model.intents.items()}
        for other in models.values():
            for name, intent in other.intents.items():
                if name in slots and slots[name] != set(intent.slots):
                    problems.append(
                        f"{locale}: intent {name} has other slots than in {other.locale}"
                    )
    if manifest is not None:
        problems.extend(check_manifest(manifest, models, directory))
    return sorted(set(problems))


# The manifest --------------------------------------------------------------------------

# Alexa's customer-profile and device permissions; the skill may ask for no other.
KNOWN_PERMISSIONS = frozenset(
    {
        "alexa::profile:name:read",
        "alexa::profile:given_name:read",
        "alexa::profile:email:read",
        "alexa::profile:mobile_number:read",
        "alexa::devices:all:address:full:read",
        "alexa::devices:all:address:country_and_postal_code:read",
    }
)
SOURCE_DIR = PACKAGE_DIR
_PERMISSION_IN_CODE = re.compile(r"""["'](alexa::[a-z_:]+)["']""")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
# How an example phrase starts, per language: wake word, then the launch form. The
# first phrase opens the skill; the others ask it something (Alexa's certification).
OPEN_FORMS = {"en": ("open", "start", "launch"), "de": ("öffne", "starte")}
ASK_FORMS = {"en": ("ask", "tell"), "de": ("frag", "sag", "bitte")}
# Words Alexa allows between the invocation name and the utterance.
CONNECTORS = {"en": ("to", "for", "about", "if", "whether", "that"), "de": ("nach", "ob", "dass")}


class ManifestError(Exception):
    """The manifest cannot be read, or cannot be filled in."""


def load_manifest(path: Path = MANIFEST_FILE) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["manifest"]
    except FileNotFoundError as error:
        raise ManifestError(f"manifest: {path.name} is missing") from error
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ManifestError(f"manifest: {path.name} is not a skill manifest: {error}") from error
    return data


def permissions_in_code(directory: Path = SOURCE_DIR) -> set[str]:
    """Alexa permission names the code asks customers for, read from its source."""
    return {
        name
        for path in directory.rglob("*.py")
        # This module lists every permission Alexa has; it asks for none.
        if path.resolve() != Path(__file__).resolve()
        for name in _PERMISSION_IN_CODE.findall(path.read_text(encoding="utf-8"))
    }


def check_manifest(
    path: Path, models: Mapping[str, Model], directory: Path = MODELS_DIR
) -> list[str]:
    """Problems in the manifest, judged against the loaded models of each locale."""
    try:
        manifest = load_manifest(path)
    except ManifestError as error:
        return [str(error)]
    problems: list[str] = []
    publishing = manifest.get("publishingInformation", {}).get("locales", {})
    privacy = manifest.get("privacyAndCompliance", {}).get("locales", {})
    for locale in sorted(set(LOCALES) - set(publishing)):
        problems.append(f"manifest: locale {locale} is missing")
    for locale in sorted(set(publishing) - set(LOCALES)):
        problems.append(f"manifest: locale {locale} is not one of ours")
    for locale in sorted(publishing):
        if not path_for(locale, directory).is_file():
            problems.append(f"manifest: {locale} has no interaction model ({locale}.json)")
    for model_file in sorted(directory.glob("*.json")):
        if model_file.stem not in publishing:
            problems.append(f"manifest: {model_file.name} has no locale in the manifest")
    for locale, info in sorted(publishing.items()):
        for name in ("name", "summary", "description"):
            if not str(info.get(name, "")).strip():
                problems.append(f"manifest: {locale}: {name} is empty")
        model = models.get(locale)
        if model is not None:
            problems.extend(
                f"manifest: {locale}: {text}"
                for text in _check_phrases(info.get("examplePhrases", []), model)
            )
        urls = privacy.get(locale, {})
        for name in ("privacyPolicyUrl", "termsOfUseUrl"):
            value = str(urls.get(name, ""))
            if not (_PLACEHOLDER.fullmatch(value) or value.startswith("https://")):
                problems.append(f"manifest: {locale}: {name} must be https:// or ${{…}}")
    asked = {entry.get("name") for entry in manifest.get("permissions", [])}
    for name in sorted(str(n) for n in asked - KNOWN_PERMISSIONS):
        problems.append(f"manifest: permission {name} is not an Alexa permission")
    for name in sorted(permissions_in_code() - asked):
        problems.append(f"manifest: the code asks for {name}, which is not in permissions")
    endpoint = str(manifest.get("apis", {}).get("custom", {}).get("endpoint", {}).get("uri", ""))
    if not (_PLACEHOLDER.fullmatch(endpoint) or endpoint.startswith("arn:aws:lambda:")):
        problems.append("manifest: apis.custom.endpoint.uri must be a Lambda ARN or ${…}")
    return problems


def _check_phrases(phrases: list[str], model: Model) -> Iterable[str]:
    language = model.locale.split("-")[0]
    if not 1 <= len(phrases) <= 3:
        yield "examplePhrases: one to three phrases"
    for index, phrase in enumerate(phrases):
        forms = OPEN_FORMS[language] if index == 0 else ASK_FORMS[language]
        starts = [f"alexa, {form} {normalise(model.invocation)}" for form in forms]
        text = normalise(phrase)
        start = next((s for s in starts if text == s or text.startswith(s + " ")), None)
        if start is None:
            yield f"example phrase {phrase!r} must start with {starts[0].capitalize()!r}"
            continue
        rest = text[len(start) :].strip()
        if index == 0 and not rest:
            continue
        if not _matches_a_sample(rest, model, CONNECTORS[language]):
            yield f"example phrase {phrase!r}: {rest!r} is no sample utterance of the model"


def _matches_a_sample(utterance: str, model: Model, connectors: tuple[str, ...]) -> bool:
    words = utterance.split()
    candidates = [utterance]
    if words and words[0] in connectors:
        candidates.append(" ".join(words[1:]))
    for intent in model.intents.values():
        for sample in intent.samples:
            pattern = _SLOT_REFERENCE.sub("\x00", normalise(sample))
            if not pattern.replace("\x00", "").strip():
                continue  # a bare slot would match any words at all
            regex = re.compile(".+".join(re.escape(part) for part in pattern.split("\x00")))
            if any(regex.fullmatch(candidate) for candidate in candidates):
                return True
    return False


def build_package(
    out: Path,
    values: Mapping[str, str],
    manifest: Path = MANIFEST_FILE,
    directory: Path = MODELS_DIR,
) -> Path:
    """Write an ASK CLI ``skill-package`` folder to ``out``; returns its skill.json.

    ``values`` fills the manifest's ``${NAME}`` placeholders. An empty SKILL_ENDPOINT
    leaves the endpoint out (a first ``ask deploy`` creates the skill before the Lambda
    exists); any other placeholder left empty is an error.
    """
    data = {"manifest": load_manifest(manifest)}
    custom = data["manifest"].get("apis", {}).get("custom", {})
    if not values.get("SKILL_ENDPOINT"):
        custom.pop("endpoint", None)

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "")
        if not value:
            raise ManifestError(f"manifest: no value for {match.group(1)}")
        return value

    text = _PLACEHOLDER.sub(fill, json.dumps(data, ensure_ascii=False, indent=2))
    models = out / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    for locale in data["manifest"]["publishingInformation"]["locales"]:
        source = path_for(locale, directory)
        if not source.is_file():
            raise ManifestError(f"manifest: {locale} has no interaction model")
        (models / source.name).write_bytes(source.read_bytes())
    target = out / "skill.json"
    target.write_text(text + "\n", encoding="utf-8")
    return target
