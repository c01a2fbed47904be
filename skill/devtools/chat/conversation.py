"""One customer's conversation with the skill, carried as Alexa carries it: each turn
becomes the request envelope Alexa would send (session, attributes, the slot being
elicited), and the answer is read back as plain text with its card.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skill.devtools.chat.matcher import Matcher, SlotMatch
from skill.devtools.chat.phrases import clean
from skill.devtools.models.checks import LAUNCH_PHRASES
from skill.speech import plain_text

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-menschmoment"
# Alexa's APIs are not reachable from the local product; a closed port refuses at once.
NO_API = "https://127.0.0.1:9"


@dataclass(frozen=True)
class Answer:
    """What the customer hears and sees."""

    speech: str
    reprompt: str | None
    end: bool
    card_title: str | None = None
    card_text: str | None = None
    intent: str | None = None  # what the utterance was understood as
    slots: dict[str, str] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


class Chat:
    """One customer talking to the skill, turn by turn, as Alexa would carry it."""

    def __init__(
        self,
        post: Callable[[dict[str, Any]], dict[str, Any]],
        matcher: Matcher,
        *,
        token: str | None = None,
        user_id: str = "amzn1.ask.account.CHAT",
        now: Callable[[], datetime] | None = None,
        consent: str = "ACCEPTED",
    ) -> None:
        self._post = post
        # What the customer answers when Alexa asks for a permission by voice (AskFor):
        # "ACCEPTED", "DENIED" or "NOT_ANSWERED". Alexa's own question is not the skill's.
        self.consent = consent
        self.matcher = matcher
        self.locale = matcher.model.locale
        self.token = token
        self.user_id = user_id
        self._now = now
        self.attributes: dict[str, Any] = {}
        self.session_id: str | None = None
        self.eliciting: tuple[str, str] | None = None
        self._kept_slots: dict[str, Any] = {}
        self.last: Answer | None = None
        self._silences = 0

    @property
    def open(self) -> bool:
        return self.session_id is not None

    def say(self, text: str) -> Answer:
        """One utterance (or silence) -> the skill's answer."""
        text = text.strip()
        if not text:
            return self._silence()
        self._silences = 0
        words = clean(text)
        if words.startswith("intent "):
            name, direct = _parse_direct(text)
            return self._send(
                self._intent_request(name, {k: self._direct(name, k, v) for k, v in direct.items()})
            )
        invocation = self.matcher.model.invocation
        if words in (*(f"{p} {invocation}" for p in LAUNCH_PHRASES), invocation, "launch"):
            self._new_session()
            return self._send(self._request("LaunchRequest"))
        for prefix in (f"ask {invocation} ", f"tell {invocation} ", f"frag {invocation} "):
            if words.startswith(prefix):
                self._new_session()
                words = words[len(prefix) :]
        match = self.matcher.match(words, self.eliciting if self.open else None)
        slots: dict[str, SlotMatch] = dict(match.slots)
        if self.eliciting and match.intent == self.eliciting[0]:
            for name, value in self._kept_slots.items():
                if name not in slots and value:
                    slots[name] = SlotMatch(str(value))
        return self._send(self._intent_request(match.intent, slots))

    def _direct(self, intent_name: str, slot: str, value: str) -> SlotMatch:
        """A slot value typed directly; a custom slot's value resolves as Alexa would."""
        intent = self.matcher.model.intents.get(intent_name)
        kind = intent.slots[slot].type if intent and slot in intent.slots else None
        if kind is not None and kind in self.matcher.model.types:
            return self.matcher.resolve(kind, value) or SlotMatch(value)
        return SlotMatch(value)

    def _silence(self) -> Answer:
        """Alexa re-prompts once, then ends the session."""
        if not self.open or self.last is None or not self.last.reprompt:
            return Answer(speech="", reprompt=None, end=not self.open)
        self._silences += 1
        if self._silences == 1:
            return Answer(speech=self.last.reprompt, reprompt=self.last.reprompt, end=False)
        self._send(self._request("SessionEndedRequest", reason="EXCEEDED_MAX_REPROMPTS"))
        self._close()
        return Answer(speech="", reprompt=None, end=True)

    def _new_session(self) -> None:
        self._close()
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        self._new = True

    def _close(self) -> None:
        self.session_id = None
        self.attributes = {}
        self.eliciting = None
        self._kept_slots = {}

    def _timestamp(self) -> str:
        moment = self._now() if self._now else datetime.now().astimezone()
        return moment.astimezone().strftime("%Y-%m-%dT%H:%M:%SZ") if moment.tzinfo else ""

    def _request(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {
            "type": kind,
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": self._timestamp(),
            "locale": self.locale,
            **fields,
        }

    def _intent_request(self, name: str, slots: Mapping[str, SlotMatch]) -> dict[str, Any]:
        intent = self.matcher.model.intents.get(name)
        names = list(intent.slots) if intent else []
        names += [slot for slot in slots if slot not in names]
        types = self.matcher.model.types
        custom = {
            name for name, slot in (intent.slots if intent else {}).items() if slot.type in types
        }
        return self._request(
            "IntentRequest",
            dialogState="STARTED" if not self.eliciting else "IN_PROGRESS",
            intent={
                "name": name,
                "confirmationStatus": "NONE",
                "slots": {
                    slot: _slot(slot, slots.get(slot), custom=slot in custom) for slot in names
                },
            },
        )

    def _send(self, request: dict[str, Any]) -> Answer:
        if not self.open:
            self._new_session()
        user: dict[str, Any] = {"userId": self.user_id}
        if self.token:
            user["accessToken"] = self.token
        application = {"applicationId": SKILL_ID}
        envelope = {
            "version": "1.0",
            "session": {
                "new": self._new,
                "sessionId": self.session_id,
                "application": application,
                "attributes": self.attributes,
                "user": user,
            },
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": "amzn1.ask.device.CHAT", "supportedInterfaces": {}},
                    "apiEndpoint": NO_API,
                    "apiAccessToken": "chat-api-access-token",
                }
            },
            "request": request,
        }
        self._new = False
        body = self._post(envelope)
        if request["type"] == "SessionEndedRequest":
            return Answer(speech="", reprompt=None, end=True, raw=body)
        answer = _answer(body, request)
        self.last = answer
        response = body.get("response", {})
        self.eliciting = None
        self._kept_slots = {}
        for directive in response.get("directives", []):
            if directive.get("type") == "Dialog.ElicitSlot":
                updated = directive.get("updatedIntent") or {}
                self.eliciting = (updated.get("name", ""), directive["slotToElicit"])
                self._kept_slots = {
                    name: slot.get("value") for name, slot in updated.get("slots", {}).items()
                }
        if answer.end:
            self._close()
        else:
            self.attributes = body.get("sessionAttributes") or {}
        asked = _permission_request(response.get("directives", []))
        if asked is not None:
            return self._consent(asked)
        return answer

    def _consent(self, asked: Mapping[str, Any]) -> Answer:
        """Alexa asks the customer for the permission and hands their answer back."""
        scopes = asked.get("payload", {}).get("permissionScopes") or [{}]
        return self._send(
            self._request(
                "Connections.Response",
                name="AskFor",
                status={"code": "200", "message": "OK"},
                payload={
                    "permissionScope": scopes[0].get("permissionScope"),
                    "status": self.consent,
                },
                token=asked.get("token", ""),
            )
        )


def _permission_request(directives: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for directive in directives:
        if directive.get("type") == "Connections.SendRequest" and directive.get("name") == "AskFor":
            return directive
    return None


def _slot(name: str, match: SlotMatch | None, *, custom: bool = False) -> dict[str, Any]:
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if match is None:
        return slot
    slot["value"] = match.value
    if custom and match.resolved_id is None:
        # Words outside a custom slot's values: Alexa passes them on, matched to nothing.
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.chat",
                    "status": {"code": "ER_SUCCESS_NO_MATCH"},
                }
            ]
        }
    if match.resolved_id is not None:
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.chat",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": match.value, "id": match.resolved_id}}],
                }
            ]
        }
    return slot


def _answer(body: Mapping[str, Any], request: Mapping[str, Any]) -> Answer:
    response = body.get("response", {})
    speech = plain_text(response.get("outputSpeech", {}).get("ssml", "")).strip()
    reprompt_ssml = response.get("reprompt", {}).get("outputSpeech", {}).get("ssml")
    card = response.get("card") or {}
    intent = request.get("intent", {})
    return Answer(
        speech=speech,
        reprompt=plain_text(reprompt_ssml).strip() if reprompt_ssml else None,
        end=bool(response.get("shouldEndSession", True)),
        card_title=card.get("title") or (card.get("type") if card else None),
        card_text=card.get("content") or (", ".join(card.get("permissions", [])) or None),
        intent=intent.get("name") if intent else request.get("type"),
        slots={
            name: slot["value"] for name, slot in intent.get("slots", {}).items() if "value" in slot
        },
        raw=body,
    )


def _parse_direct(text: str) -> tuple[str, dict[str, str]]:
    """``intent OrderStatusIntent orderNumber=1003`` -> name and slots."""
    parts = text.split()[1:]
    if not parts:
        return "AMAZON.FallbackIntent", {}
    slots = dict(part.split("=", 1) for part in parts[1:] if "=" in part)
    return parts[0], slots
