"""Alexa request envelopes for tests, and conversations made of them.

``Conversation`` sends real envelopes to ``POST /alexa`` through the Flask test client,
carries session attributes from turn to turn as Alexa does, and returns what the
customer would hear::

    talk = Conversation(client, token="demo-alex")
    assert "running late" in talk.launch().speech
    assert "one more order" in talk.say("OrderStatusIntent").speech
"""

from __future__ import annotations

import copy
import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).with_name("events")
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-menschmoment"
TIMESTAMP = "2026-11-23T15:00:00Z"
# Alexa's APIs are not reachable from tests: a closed local port refuses at once. Tests of
# the profile and settings APIs serve them locally (tests/fake_alexa_api.py).
NO_API = "https://127.0.0.1:9"


def load_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def envelope(
    request: dict[str, Any],
    *,
    token: str | None = None,
    user_id: str = "amzn1.ask.account.TESTUSER",
    attributes: dict[str, Any] | None = None,
    new: bool = True,
    session_id: str = "amzn1.echo-api.session.test",
    application_id: str = SKILL_ID,
    api_endpoint: str = NO_API,
    consent: bool = False,
    scopes: dict[str, str] | None = None,
) -> dict[str, Any]:
    user: dict[str, Any] = {"userId": user_id}
    if token:
        user["accessToken"] = token
    if consent:
        user["permissions"] = {"consentToken": "test-consent-token"}
    if scopes:
        # What the customer granted or refused by voice: {"alexa::...": "GRANTED"}.
        permissions = user.setdefault("permissions", {})
        permissions["scopes"] = {scope: {"status": status} for scope, status in scopes.items()}
    application = {"applicationId": application_id}
    return {
        "version": "1.0",
        "session": {
            "new": new,
            "sessionId": session_id,
            "application": application,
            "attributes": attributes or {},
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
                "apiEndpoint": api_endpoint,
                "apiAccessToken": "test-api-access-token",
            }
        },
        "request": request,
    }


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def launch_request(locale: str = "en-US") -> dict[str, Any]:
    return {
        "type": "LaunchRequest",
        "requestId": _request_id(),
        "timestamp": TIMESTAMP,
        "locale": locale,
    }


def intent_request(
    name: str, locale: str = "en-US", dialog_state: str | None = None, **slots: str | None
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "type": "IntentRequest",
        "requestId": _request_id(),
        "timestamp": TIMESTAMP,
        "locale": locale,
        "intent": {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {
                slot: {"name": slot, "value": value, "confirmationStatus": "NONE"}
                if value is not None
                else {"name": slot, "confirmationStatus": "NONE"}
                for slot, value in slots.items()
            },
        },
    }
    if dialog_state:
        request["dialogState"] = dialog_state
    return request


def session_ended_request(locale: str = "en-US", reason: str = "USER_INITIATED") -> dict[str, Any]:
    return {
        "type": "SessionEndedRequest",
        "requestId": _request_id(),
        "timestamp": TIMESTAMP,
        "locale": locale,
        "reason": reason,
    }


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    ssml: str = ""
    reprompt: str | None = None
    end: bool = True
    card: dict[str, Any] | None = None
    directives: list[dict[str, Any]] = field(default_factory=list)

    @property
    def speech(self) -> str:
        """The words heard, as plain text."""
        return plain(self.ssml)

    @property
    def reprompt_text(self) -> str | None:
        return plain(self.reprompt) if self.reprompt else None


def plain(ssml: str) -> str:
    return "".join(ET.fromstring(ssml).itertext()).strip()


def check_ssml(ssml: str) -> None:
    """Raise if ``ssml`` is not a well-formed <speak> document."""
    root = ET.fromstring(ssml)
    assert root.tag == "speak", ssml


class Conversation:
    """One Alexa user talking to the skill; sessions continue until the skill ends them."""

    def __init__(
        self,
        client: Any,
        *,
        locale: str = "en-US",
        token: str | None = None,
        user_id: str = "amzn1.ask.account.TESTUSER",
        api_endpoint: str = NO_API,
        consent: bool = False,
        scopes: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.scopes = scopes
        self.locale = locale
        self.token = token
        self.user_id = user_id
        self.api_endpoint = api_endpoint
        self.consent = consent
        self.attributes: dict[str, Any] = {}
        self.new = True
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        self.replies: list[Reply] = []

    def launch(self) -> Reply:
        self._restart()
        return self.send(launch_request(self.locale))

    def say(self, intent: str, dialog_state: str | None = None, **slots: str | None) -> Reply:
        return self.send(intent_request(intent, self.locale, dialog_state, **slots))

    def end(self, reason: str = "USER_INITIATED") -> Reply:
        return self.send(session_ended_request(self.locale, reason))

    def _restart(self) -> None:
        self.attributes = {}
        self.new = True
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"

    def send(self, request: dict[str, Any]) -> Reply:
        body = envelope(
            request,
            token=self.token,
            user_id=self.user_id,
            attributes=copy.deepcopy(self.attributes),
            new=self.new,
            session_id=self.session_id,
            api_endpoint=self.api_endpoint,
            consent=self.consent,
            scopes=self.scopes,
        )
        answer = self.client.post("/alexa", json=body)
        reply = parse_reply(answer.status_code, answer.get_json())
        self.replies.append(reply)
        if reply.end:
            self._restart()
        else:
            self.new = False
            self.attributes = reply.body.get("sessionAttributes") or {}
        return reply


def parse_reply(status: int, body: dict[str, Any]) -> Reply:
    assert status == 200, body
    response = body["response"]
    ssml = response.get("outputSpeech", {}).get("ssml", "")
    reprompt = response.get("reprompt", {}).get("outputSpeech", {}).get("ssml")
    for part in filter(None, (ssml, reprompt)):
        check_ssml(part)
    return Reply(
        status=status,
        body=body,
        ssml=ssml,
        reprompt=reprompt,
        end=bool(response.get("shouldEndSession", True)),
        card=response.get("card"),
        directives=response.get("directives", []),
    )


def permission_answer(conversation: Conversation, scope: str, status: str, token: str) -> Reply:
    """Alexa's answer to a permission the skill asked for by voice (Connections.Response)."""
    return conversation.send(
        {
            "type": "Connections.Response",
            "requestId": "amzn1.echo-api.request.consent",
            "timestamp": "2026-11-23T15:00:00Z",
            "locale": conversation.locale,
            "name": "AskFor",
            "status": {"code": "200", "message": "OK"},
            "payload": {"permissionScope": scope, "status": status},
            "token": token,
        }
    )
