"""Talk to the skill in a terminal: ``python -m skill chat [--locale de-DE] [--token demo-alex]``.

What is typed is resolved to an intent and slots the way Alexa would, with a matcher
built from the interaction model's samples and slot values, then sent as the request
envelope Alexa would send, through ``POST /alexa`` of the local product with its demo
data. The answer is shown as plain text, with the card and whether the session stays
open. ``intent Name slot=value`` sends an intent directly; an empty line is silence.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from skill.devtools.models import LAUNCH_PHRASES, Intent, Model, SlotValue, normalise
from skill.speech import plain_text

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-menschmoment"
# Alexa's APIs are not reachable from the local product; a closed port refuses at once.
NO_API = "https://127.0.0.1:9"

# Built-in intents have no samples in the model; Alexa knows these phrases.
BUILT_INS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "AMAZON.YesIntent": (
            "yes",
            "yeah",
            "yep",
            "sure",
            "okay",
            "ok",
            "please do",
            "yes please",
            "that's right",
            "correct",
            "go ahead",
            "of course",
        ),
        "AMAZON.NoIntent": (
            "no",
            "nope",
            "no thanks",
            "no thank you",
            "not now",
            "nah",
            "that's wrong",
            "wrong",
        ),
        "AMAZON.HelpIntent": (
            "help",
            "help me",
            "what can i say",
            "what can you do",
            "i need help",
            "how does this work",
        ),
        "AMAZON.StopIntent": (
            "stop",
            "bye",
            "goodbye",
            "quit",
            "exit",
            "that's all",
            "i'm done",
            "nothing else",
        ),
        "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
        "AMAZON.RepeatIntent": (
            "repeat",
            "say that again",
            "repeat that",
            "what did you say",
            "come again",
            "pardon",
        ),
        "AMAZON.NavigateHomeIntent": ("home", "go home", "start over", "main menu"),
    },
    "de": {
        "AMAZON.YesIntent": (
            "ja",
            "ja bitte",
            "genau",
            "gerne",
            "klar",
            "okay",
            "ok",
            "richtig",
            "stimmt",
            "jawohl",
            "mach das",
        ),
        "AMAZON.NoIntent": ("nein", "nee", "nein danke", "lieber nicht", "falsch", "stimmt nicht"),
        "AMAZON.HelpIntent": (
            "hilfe",
            "hilf mir",
            "was kann ich sagen",
            "was kannst du",
            "ich brauche hilfe",
            "wie funktioniert das",
        ),
        "AMAZON.StopIntent": (
            "stopp",
            "stop",
            "tschüss",
            "beenden",
            "ende",
            "das war's",
            "nichts weiter",
            "auf wiedersehen",
        ),
        "AMAZON.CancelIntent": ("abbrechen", "vergiss es", "egal"),
        "AMAZON.RepeatIntent": (
            "wiederholen",
            "wiederhole das",
            "noch einmal",
            "nochmal",
            "wie bitte",
            "was hast du gesagt",
        ),
        "AMAZON.NavigateHomeIntent": ("startseite", "zum anfang", "von vorne"),
    },
}

_DIGIT_WORDS = {
    "zero": 0,
    "oh": 0,
    "o": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "null": 0,
    "eins": 1,
    "ein": 1,
    "eine": 1,
    "zwei": 2,
    "zwo": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
}
_NUMBER_WORDS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fünfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
    "zwanzig": 20,
}
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "montag": 0,
    "dienstag": 1,
    "mittwoch": 2,
    "donnerstag": 3,
    "freitag": 4,
    "samstag": 5,
    "sonntag": 6,
}
_DAY_PARTS = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "tonight": "NI",
    "night": "NI",
    "morgens": "MO",
    "vormittag": "MO",
    "nachmittag": "AF",
    "nachmittags": "AF",
    "abend": "EV",
    "abends": "EV",
    "nacht": "NI",
}


def _clean(text: str) -> str:
    """Lower case, no punctuation except apostrophes and colons inside times."""
    text = text.lower().replace("\u2019", "'")  # a typographic apostrophe
    text = re.sub(r"[^\w':+.-]+", " ", text)
    return " ".join(word.strip(".-") for word in text.split() if word.strip(".-"))


def _number(text: str) -> str | None:
    """'1003', 'one zero zero three', '10 03', 'zehn' -> digits."""
    words = text.replace("-", " ").split()
    if not words:
        return None
    digits = ""
    for word in words:
        if word.isdigit():
            digits += word
        elif word in _DIGIT_WORDS:
            digits += str(_DIGIT_WORDS[word])
        elif word in _NUMBER_WORDS:
            digits += str(_NUMBER_WORDS[word])
        elif word.startswith("+") and word[1:].isdigit():
            digits += word[1:]  # a country code, "+49"
        else:
            return None  # not a number ("double five" included: too clever for this)
    return digits or None


def _date(text: str, today: date) -> str | None:
    words = text.split()
    if text in ("today", "heute"):
        return today.isoformat()
    if text in ("tomorrow", "morgen"):
        return (today + timedelta(days=1)).isoformat()
    if text in ("day after tomorrow", "the day after tomorrow", "übermorgen"):
        return (today + timedelta(days=2)).isoformat()
    for word in words:
        if word in _WEEKDAYS and len(words) <= 3:
            ahead = (_WEEKDAYS[word] - today.weekday()) % 7 or 7
            return (today + timedelta(days=ahead)).isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _time(text: str) -> str | None:
    """'10', 'ten', '10 am', '5 pm', '17:00', '17 uhr', 'noon', 'evening' -> Alexa's TIME."""
    text = text.replace("o'clock", "").replace("uhr", "").strip()
    if text in _DAY_PARTS:
        return _DAY_PARTS[text]
    if text in ("noon", "midday", "mittag", "mittags"):
        return "12:00"
    match = re.fullmatch(r"(\S+?)(?::(\d{2}))?\s*(am|pm|a\.m|p\.m)?", text)
    if not match:
        return None
    hour_text = match[1]
    hour = (
        int(hour_text)
        if hour_text.isdigit()
        else _NUMBER_WORDS.get(hour_text, _DIGIT_WORDS.get(hour_text, -1))
    )
    if not 0 <= hour <= 23:
        return None
    minute = int(match[2] or 0)
    suffix = (match[3] or "").replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


@dataclass(frozen=True)
class SlotMatch:
    value: str
    resolved_id: str | None = None  # for custom slot types


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict[str, SlotMatch] = field(default_factory=dict)


class Matcher:
    """Utterance -> intent and slots, from one locale's interaction model."""

    def __init__(self, model: Model, today: Callable[[], date] = date.today) -> None:
        self.model = model
        self.language = model.locale.split("-")[0]
        self.today = today
        self._samples: list[tuple[re.Pattern[str], Intent, int]] = []
        self._slot_samples: dict[tuple[str, str], list[tuple[re.Pattern[str], int]]] = {}
        for intent in model.intents.values():
            for sample in intent.samples:
                pattern, weight = self._compile(sample)
                self._samples.append((pattern, intent, weight))
            for slot in intent.slots.values():
                self._slot_samples[(intent.name, slot.name)] = [
                    self._compile(sample) for sample in slot.samples
                ]
        # More literal words first: "call me back at {time}" before "{channel} me instead".
        self._samples.sort(key=lambda entry: -entry[2])
        self._built_ins = {
            phrase: name for name, phrases in BUILT_INS[self.language].items() for phrase in phrases
        }

    @staticmethod
    def _compile(sample: str) -> tuple[re.Pattern[str], int]:
        parts: list[str] = []
        literal = 0
        for piece in re.split(r"(\{[^}]+\})", sample):
            if piece.startswith("{"):
                parts.append(f"(?P<{piece[1:-1]}>.+?)")
            elif piece.strip():
                words = _clean(piece).split()
                literal += len(words)
                parts.append(r"\s*" + r"\s+".join(re.escape(w) for w in words) + r"\s*")
        return re.compile("^" + "".join(parts) + "$"), literal

    def match(self, text: str, eliciting: tuple[str, str] | None = None) -> Match:
        said = _clean(text)
        if eliciting is not None:
            found = self._match_slot(said, *eliciting, open_slot=False)
            if found is not None:
                return found
        if said in self._built_ins:
            return Match(self._built_ins[said])
        for pattern, intent, _ in self._samples:
            found = self._try(pattern, intent, said)
            if found is not None:
                return found
        if eliciting is not None:
            # Only now may an asked-for custom slot take words outside its list: "talk to
            # a person" in the middle of a dialogue is a request, not a postcode.
            found = self._match_slot(said, *eliciting, open_slot=True)
            if found is not None:
                return found
        return Match("AMAZON.FallbackIntent")

    def _match_slot(
        self, said: str, intent_name: str, slot: str, *, open_slot: bool
    ) -> Match | None:
        intent = self.model.intents.get(intent_name)
        if intent is None:
            return None
        for pattern, _ in self._slot_samples.get((intent_name, slot), []):
            found = self._try(pattern, intent, said, open_slot=slot if open_slot else None)
            if found is not None and slot in found.slots:
                return found
        return None

    def _try(
        self, pattern: re.Pattern[str], intent: Intent, said: str, open_slot: str | None = None
    ) -> Match | None:
        hit = pattern.match(said)
        if hit is None:
            return None
        slots: dict[str, SlotMatch] = {}
        for name, raw in hit.groupdict().items():
            if raw is None:
                continue
            value = self.resolve(intent.slots[name].type, raw.strip())
            if value is None and name == open_slot and intent.slots[name].type in self.model.types:
                # A custom slot Alexa asked for takes words outside its list too (a postcode).
                value = SlotMatch(raw.strip())
            if value is None:
                return None
            slots[name] = value
        return Match(intent.name, slots)

    def resolve(self, slot_type: str, text: str) -> SlotMatch | None:
        if slot_type in ("AMAZON.NUMBER", "AMAZON.PhoneNumber", "AMAZON.FOUR_DIGIT_NUMBER"):
            digits = _number(text)
            return SlotMatch(digits) if digits else None
        if slot_type == "AMAZON.DATE":
            day = _date(text, self.today())
            return SlotMatch(day) if day else None
        if slot_type == "AMAZON.TIME":
            at = _time(text)
            return SlotMatch(at) if at else None
        if slot_type in self.model.types:
            return self._custom(self.model.types[slot_type], text)
        return SlotMatch(text)  # AMAZON.SearchQuery and friends: the words themselves

    @staticmethod
    def _custom(values: tuple[SlotValue, ...], text: str) -> SlotMatch | None:
        for value in values:
            if normalise(text) in (normalise(word) for word in (value.name, *value.synonyms)):
                return SlotMatch(text, value.id)
        return None


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
    ) -> None:
        self._post = post
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
        words = _clean(text)
        if words.startswith("intent "):
            name, direct = _parse_direct(text)
            return self._send(
                self._intent_request(name, {k: SlotMatch(v) for k, v in direct.items()})
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
        return self._request(
            "IntentRequest",
            dialogState="STARTED" if not self.eliciting else "IN_PROGRESS",
            intent={
                "name": name,
                "confirmationStatus": "NONE",
                "slots": {slot: _slot(slot, slots.get(slot)) for slot in names},
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
        return answer


def _slot(name: str, match: SlotMatch | None) -> dict[str, Any]:
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if match is None:
        return slot
    slot["value"] = match.value
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


def describe(answer: Answer) -> str:
    """The answer as the terminal shows it."""
    lines = [f"Alexa: {answer.speech}" if answer.speech else "Alexa: (silence)"]
    if answer.card_title:
        lines.append(
            f"  [card] {answer.card_title}" + (f": {answer.card_text}" if answer.card_text else "")
        )
    lines.append("  (session ends)" if answer.end else "  (listening…)")
    return "\n".join(lines)


def interactive(locale: str, token: str | None, user_id: str) -> None:
    """The terminal conversation with the local product and its demo data."""
    import logging

    from skill.config import Settings
    from skill.devtools.models import load
    from skill.web.serve import start_demo

    logging.getLogger().setLevel(logging.WARNING)  # the conversation, not the turn logs
    demo = start_demo(Settings.from_env())
    client = demo.app.test_client()

    def post(envelope: dict[str, Any]) -> dict[str, Any]:
        answer = client.post("/alexa", json=envelope)
        body: dict[str, Any] = answer.get_json()
        return body

    chat = Chat(post, Matcher(load(locale)), token=token, user_id=user_id)
    who = f"linked as {token}" if token else "not linked"
    print(
        f"Menschmoment chat ({locale}, {who}). Say 'open {chat.matcher.model.invocation}' or "
        "just ask. Empty line: silence. 'intent Name slot=value' sends an intent. Ctrl-D ends.",
        flush=True,
    )
    try:
        while True:
            try:
                text = input("you> ")
            except EOFError:
                break
            answer = chat.say(text)
            if answer.intent:
                slots = " ".join(f"{k}={v}" for k, v in answer.slots.items())
                print(f"  ({answer.intent}{' ' + slots if slots else ''})")
            print(describe(answer), flush=True)
    finally:
        demo.database.stop()
