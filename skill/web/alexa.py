"""``POST /alexa``: an Alexa request envelope in, the skill's response envelope out.

Anything that is not a well-formed, (when configured) verified Alexa request gets HTTP
400 with a short JSON reason; oversized bodies get 413. Never a 500 for bad input.
"""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_model import RequestEnvelope
from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from skill.web.verification import VerificationError

log = logging.getLogger(__name__)
alexa_blueprint = Blueprint("alexa", __name__)


def refuse(reason: str, status: int = 400) -> tuple[Response, int]:
    log.warning("request refused", extra={"reason": reason, "status": status})
    return jsonify(error=reason), status


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "unknown"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"


def envelope_problem(envelope: Any) -> str | None:
    """Why this JSON is not an Alexa request envelope, or None if it is one."""
    if not isinstance(envelope, dict):
        return "body is not a JSON object"
    body = envelope.get("request")
    if not isinstance(envelope.get("version"), str) or not isinstance(body, dict):
        return "not an Alexa request envelope"
    if not isinstance(body.get("type"), str) or not isinstance(body.get("requestId"), str):
        return "not an Alexa request envelope"
    # Alexa always sends context.System with the application; ask-sdk reads both before
    # any handler runs (the application id, the API endpoint and token).
    context = envelope.get("context")
    system = context.get("System") if isinstance(context, dict) else None
    if not isinstance(system, dict) or not isinstance(system.get("application"), dict):
        return "not an Alexa request envelope"
    if not isinstance(system["application"].get("applicationId"), str):
        return "not an Alexa request envelope"
    session = envelope.get("session")
    if session is not None and not isinstance(session, dict):
        return "not an Alexa request envelope"
    return None


def read_body() -> bytes:
    """The raw body, or ``RequestEntityTooLarge`` past ``MAX_CONTENT_LENGTH``.

    werkzeug refuses a declared ``Content-Length`` over the limit, but cuts a chunked
    body off at the limit without a word (it raises only on a read beyond it), so a
    body without a length that fills the limit counts as too large.
    """
    raw = request.get_data(cache=False)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and limit is not None and len(raw) >= limit:
        raise RequestEntityTooLarge()
    return raw


@alexa_blueprint.post("/alexa")
def alexa() -> Any:
    """Verify, then hand the envelope to the skill."""
    try:
        raw = read_body()
    except RequestEntityTooLarge:
        return refuse("request body too large", 413)
    verifier = current_app.extensions["menschmoment.verifier"]
    try:
        envelope = verifier.verify(request.headers, raw) if verifier else json.loads(raw)
    except VerificationError as error:
        return refuse(error.reason)
    except (ValueError, UnicodeDecodeError):
        return refuse("body is not valid JSON")
    except Exception as error:
        # A bug in verification must not become a 500 (Alexa's certification counts
        # that as a failure) nor let the request through. The message may quote the
        # request, so only the type and the place are logged.
        log.error(
            "request verification failed",
            extra={"error_type": type(error).__name__, "reason": _where(error)},
        )
        return refuse("request verification failed")
    problem = envelope_problem(envelope)
    if problem:
        return refuse(problem)
    skill = current_app.extensions["menschmoment.skill"]
    try:
        request_envelope = skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)
    except (AskSdkException, ValueError, TypeError, KeyError, AttributeError):
        return refuse("malformed Alexa request")
    try:
        response = skill.invoke(request_envelope, None)
    except AskSdkException as error:
        # Raised before any handler runs: wrong skill id, or no handler at all.
        log.warning("request not handled", extra={"reason": type(error).__name__})
        return refuse("request not accepted by this skill")
    return jsonify(skill.serializer.serialize(response))


@alexa_blueprint.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")
