"""Reading free words as what they mean: a command said where the skill takes a
description, or an order number corrected ("no, I meant order 1002").

Alexa hands a free-text slot (AMAZON.SearchQuery) whatever was said, so "talk to a
person" at "In a few words, what happened?" arrives as the description. These rules
recognise the few phrases that must act as commands there; the rest stays the
customer's own words.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Command(StrEnum):
    HUMAN = "human"  # talk to a person: the call back flow
    STOP = "stop"
    HELP = "help"


# Whole answers only: "the box was stopped at customs" is a description, not "stop".
_COMMANDS: dict[str, dict[str, Command]] = {
    "en": {
        **dict.fromkeys(
            (
                "talk to a person",
                "speak to a person",
                "talk to someone",
                "speak to someone",
                "talk to a human",
                "speak to a human",
                "i want to talk to a person",
                "i want to speak to a person",
                "let me talk to someone",
                "get me a real person",
                "i need a human",
                "agent",
                "representative",
                "speak to an agent",
                "call me back",
                "can you call me back",
            ),
            Command.HUMAN,
        ),
        **dict.fromkeys(("stop", "cancel", "quit", "exit", "bye", "goodbye"), Command.STOP),
        **dict.fromkeys(("help", "help me", "what can i say"), Command.HELP),
    },
    "de": {
        **dict.fromkeys(
            (
                "mit einem menschen sprechen",
                "ich will mit einem menschen sprechen",
                "ich möchte mit einer person sprechen",
                "mit einem mitarbeiter sprechen",
                "verbinde mich mit einem menschen",
                "ich brauche einen menschen",
                "mitarbeiter",
                "ruf mich zurück",
                "kannst du mich zurückrufen",
                "rückruf",
            ),
            Command.HUMAN,
        ),
        **dict.fromkeys(("stopp", "stop", "abbrechen", "beenden", "tschüss"), Command.STOP),
        **dict.fromkeys(("hilfe", "hilf mir", "was kann ich sagen"), Command.HELP),
    },
}
# Said around a command without changing it.
_POLITE = re.compile(r"^(?:(?:please|bitte|ähm|um|uh)\s+)*|(?:\s+(?:please|bitte))*$")
_DIGITS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "null": "0", "eins": "1",
    "zwei": "2", "zwo": "2", "drei": "3", "vier": "4", "fünf": "5", "sechs": "6",
    "sieben": "7", "acht": "8", "neun": "9",
}  # fmt: skip
_CORRECTION = re.compile(
    r"^(?:no|nope|nein|nee|sorry|oh)?\s*"
    r"(?:i meant|i mean|it's|it is|it was|ich meinte|ich meine|es ist|es war|das war)?\s*"
    r"(?:the other one|the other order|die andere bestellung|die andere)?\s*"
    r"(?:order number|order|bestellnummer|bestellung|nummer|number|die)\s+"
    r"(?P<number>[\w ]+)$"
)


def _words(text: str) -> str:
    cleaned = re.sub(r"[^\w' ]+", " ", text.lower().replace("\u2019", "'"))
    return " ".join(cleaned.split())


def command_in(text: str | None, language: str) -> Command | None:
    """The command ``text`` is, said as a whole answer; None for anything else."""
    if not text:
        return None
    words = _POLITE.sub("", _words(text)).strip()
    return _COMMANDS.get(language, _COMMANDS["en"]).get(words)


def order_correction(text: str | None) -> str | None:
    """The order number in "no, I meant order 1002" or "nein, Bestellung 3001"."""
    if not text:
        return None
    match = _CORRECTION.match(_words(text))
    if match is None:
        return None
    digits = ""
    for word in match["number"].split():
        if word.isdigit():
            digits += word
        elif word in _DIGITS:
            digits += _DIGITS[word]
        else:
            return None
    return digits if 3 <= len(digits) <= 12 else None
