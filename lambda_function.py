"""AWS Lambda entry: settings from the environment, the skill built once at init.

Everything at module level runs during Lambda's init phase. With SnapStart the
snapshot holds the settings, the DynamoDB client, every handler's code and every
template loaded; without it, loading all of them would slow every cold start, so each
turn loads just the few templates it speaks (compiled ahead: the package carries them
compiled) and the first callback, complaint, privacy or feedback turn imports its
handlers.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_model import RequestEnvelope

from skill.app import build_skill
from skill.config import Settings
from skill.logs import configure_logging
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_client

settings = Settings.from_env()
configure_logging(settings.log_level)
renderer = Renderer()
if settings.snap_start:
    renderer.warm()
skill = build_skill(
    settings,
    Stores(dynamodb_client(settings), settings.table_name),
    renderer=renderer,
    eager=settings.snap_start,
)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # ask-sdk checks the application id against SKILL_ID inside invoke().
    envelope = skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
    result: dict[str, Any] = skill.serializer.serialize(skill.invoke(envelope, context))
    return result
