"""The interaction models and the skill manifest: loading them, and checking them
before Alexa does.

``python -m skill models check`` runs :func:`check_all`; the tests run it too.
``python -m skill manifest build`` runs :func:`build_package`.

    model.py     one locale's interaction model, loaded
    checks.py    the checks of one model, then of the locales together
    manifest.py  the manifest's checks, and the ASK CLI skill-package folder
"""

from __future__ import annotations

from skill.config import LOCALES
from skill.devtools.models.checks import check, check_all, handled_intents
from skill.devtools.models.manifest import (
    ManifestError,
    build_package,
    check_manifest,
    load_manifest,
)
from skill.devtools.models.model import (
    MANIFEST_FILE,
    MODELS_DIR,
    Intent,
    Model,
    ModelError,
    Slot,
    SlotValue,
    load,
    normalise,
    path_for,
)

__all__ = [
    "LOCALES",
    "MANIFEST_FILE",
    "MODELS_DIR",
    "Intent",
    "ManifestError",
    "Model",
    "ModelError",
    "Slot",
    "SlotValue",
    "build_package",
    "check",
    "check_all",
    "check_manifest",
    "handled_intents",
    "load",
    "load_manifest",
    "normalise",
    "path_for",
]
