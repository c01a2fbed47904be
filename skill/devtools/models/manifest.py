"""The skill manifest (``skill.json``, ASK CLI skill-package format), checked with the
models it describes: the same locales, example phrases that use each locale's invocation
name and one of its sample utterances, the permissions the code asks for.
:func:`build_package` writes the ASK CLI ``skill-package`` folder, with the shop's URLs
and the Lambda endpoint filled into the manifest's ``${…}`` placeholders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from skill.config import LOCALES
from skill.devtools.models.model import (
    MANIFEST_FILE,
    MODELS_DIR,
    PACKAGE_DIR,
    Model,
    normalise,
    path_for,
)

# Alexa's customer-profile, device, notification and reminder permissions; the skill may
# ask for no other.
KNOWN_PERMISSIONS = frozenset(
    {
        "alexa::profile:name:read",
        "alexa::profile:given_name:read",
        "alexa::profile:email:read",
        "alexa::profile:mobile_number:read",
        "alexa::devices:all:address:full:read",
        "alexa::devices:all:address:country_and_postal_code:read",
        "alexa::devices:all:notifications:write",
        "alexa::alerts:reminders:skill:readwrite",
    }
)
# Scopes of the skill's own LWA token: asked of Amazon, not of customers.
SKILL_SCOPES = frozenset({"alexa::proactive_events"})
SOURCE_DIR = PACKAGE_DIR
# The AWS regions with the Alexa Skills Kit trigger, where a custom skill's Lambda may
# live; nearest the customers: North America us-east-1 (or us-west-2), Europe and India
# eu-west-1, the Far East us-west-2 (or ap-northeast-1).
ALEXA_LAMBDA_REGIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
}
_PERMISSION_IN_CODE = re.compile(r"""["'](alexa::[a-z_:]+)["']""")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
_SLOT_REFERENCE = re.compile(r"\{([^}]*)\}")
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
        if name not in SKILL_SCOPES
    }


def check_manifest(
    path: Path, models: Mapping[str, Model], directory: Path = MODELS_DIR
) -> list[str]:
    """Problems in the manifest, judged against the loaded models of each locale."""
    try:
        manifest = load_manifest(path)
    except ManifestError as error:
        return [str(error)]
    publishing: dict[str, Any] = manifest.get("publishingInformation", {}).get("locales", {})
    privacy: dict[str, Any] = manifest.get("privacyAndCompliance", {}).get("locales", {})
    problems = [
        *locales_and_models(publishing, directory),
        *(
            problem
            for locale, info in sorted(publishing.items())
            for problem in listing(locale, info, models.get(locale), privacy.get(locale, {}))
        ),
        *permissions(manifest),
        *endpoint(manifest),
    ]
    return [f"manifest: {problem}" for problem in problems]


def locales_and_models(publishing: Mapping[str, Any], directory: Path) -> Iterator[str]:
    """Our locales, each with its interaction model, and no model without its locale."""
    for locale in sorted(set(LOCALES) - set(publishing)):
        yield f"locale {locale} is missing"
    for locale in sorted(set(publishing) - set(LOCALES)):
        yield f"locale {locale} is not one of ours"
    for locale in sorted(publishing):
        if not path_for(locale, directory).is_file():
            yield f"{locale} has no interaction model ({locale}.json)"
    for model_file in sorted(directory.glob("*.json")):
        if model_file.stem not in publishing:
            yield f"{model_file.name} has no locale in the manifest"


def listing(
    locale: str, info: Mapping[str, Any], model: Model | None, urls: Mapping[str, Any]
) -> Iterator[str]:
    """One locale's store listing: its texts, example phrases and legal links."""
    for name in ("name", "summary", "description"):
        if not str(info.get(name, "")).strip():
            yield f"{locale}: {name} is empty"
    if model is not None:
        for text in example_phrases(info.get("examplePhrases", []), model):
            yield f"{locale}: {text}"
    for name in ("privacyPolicyUrl", "termsOfUseUrl"):
        value = str(urls.get(name, ""))
        if not (_PLACEHOLDER.fullmatch(value) or value.startswith("https://")):
            yield f"{locale}: {name} must be https:// or ${{…}}"


def permissions(manifest: Mapping[str, Any]) -> Iterator[str]:
    """Alexa's permissions only, and every one the code asks for."""
    asked = {entry.get("name") for entry in manifest.get("permissions", [])}
    for name in sorted(str(n) for n in asked - KNOWN_PERMISSIONS):
        yield f"permission {name} is not an Alexa permission"
    for name in sorted(permissions_in_code() - asked):
        yield f"the code asks for {name}, which is not in permissions"


def endpoint(manifest: Mapping[str, Any]) -> Iterator[str]:
    uri = str(manifest.get("apis", {}).get("custom", {}).get("endpoint", {}).get("uri", ""))
    if not (_PLACEHOLDER.fullmatch(uri) or uri.startswith("arn:aws:lambda:")):
        yield "apis.custom.endpoint.uri must be a Lambda ARN or ${…}"


def endpoint_region_warning(arn: str) -> str | None:
    """Why Alexa will not call the Lambda function ``arn``, if its region is the reason."""
    parts = arn.split(":")
    if len(parts) < 4 or parts[2] != "lambda":
        return None
    region = parts[3]
    if region in ALEXA_LAMBDA_REGIONS:
        return None
    regions = ", ".join(f"{code} ({name})" for code, name in ALEXA_LAMBDA_REGIONS.items())
    return (
        f"warning: the skill's endpoint is in {region or 'no region'}; Alexa calls a custom "
        f"skill's Lambda only in {regions}: deploy with --region eu-west-1, say"
    )


def example_phrases(phrases: list[str], model: Model) -> Iterator[str]:
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
    leaves the endpoints (the skill's and its events') out (a first ``ask deploy``
    creates the skill before the Lambda exists); any other placeholder left empty is an
    error.
    """
    data = {"manifest": load_manifest(manifest)}
    custom = data["manifest"].get("apis", {}).get("custom", {})
    if not values.get("SKILL_ENDPOINT"):
        custom.pop("endpoint", None)
        # Skill events go to the same endpoint; without one Alexa sends them nowhere.
        data["manifest"].get("events", {}).pop("endpoint", None)

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
