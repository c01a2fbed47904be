"""What people say, and reading it as Alexa does: the built-in intents' phrases, the
words for numbers, weekdays and parts of the day, and the readers that turn typed words
into the values Alexa would fill into a slot (AMAZON.NUMBER, DATE, TIME).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

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

DIGIT_WORDS = {
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
NUMBER_WORDS = {
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
WEEKDAYS = {
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
DAY_PARTS = {
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


def clean(text: str) -> str:
    """Lower case, no punctuation except apostrophes and colons inside times."""
    text = text.lower().replace("\u2019", "'")  # a typographic apostrophe
    text = re.sub(r"[^\w':+.-]+", " ", text)
    return " ".join(word.strip(".-") for word in text.split() if word.strip(".-"))


def number_value(text: str) -> str | None:
    """'1003', 'one zero zero three', '10 03', 'zehn' -> digits."""
    words = text.replace("-", " ").split()
    if not words:
        return None
    digits = ""
    for word in words:
        if word.isdigit():
            digits += word
        elif word in DIGIT_WORDS:
            digits += str(DIGIT_WORDS[word])
        elif word in NUMBER_WORDS:
            digits += str(NUMBER_WORDS[word])
        elif word.startswith("+") and word[1:].isdigit():
            digits += word[1:]  # a country code, "+49"
        else:
            return None  # not a number ("double five" included: too clever for this)
    return digits or None


def date_value(text: str, today: date) -> str | None:
    words = text.split()
    if text in ("today", "heute"):
        return today.isoformat()
    if text in ("tomorrow", "morgen"):
        return (today + timedelta(days=1)).isoformat()
    if text in ("day after tomorrow", "the day after tomorrow", "übermorgen"):
        return (today + timedelta(days=2)).isoformat()
    for word in words:
        if word in WEEKDAYS and len(words) <= 3:
            ahead = (WEEKDAYS[word] - today.weekday()) % 7 or 7
            return (today + timedelta(days=ahead)).isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


DURATION_UNITS = {
    "minute": "M",
    "minutes": "M",
    "minuten": "M",
    "hour": "H",
    "hours": "H",
    "stunde": "H",
    "stunden": "H",
    "day": "D",
    "days": "D",
    "tag": "D",
    "tagen": "D",
}
COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "einer": 1, "einem": 1, "ein": 1, "eine": 1}


def duration_value(text: str) -> str | None:
    """'an hour', '30 minutes', 'zwei stunden', 'half an hour' -> Alexa's DURATION."""
    if text in ("half an hour", "einer halben stunde", "einer halbe stunde"):
        return "PT30M"
    words = text.split()
    if len(words) != 2 or words[1] not in DURATION_UNITS:
        return None
    count = COUNT_WORDS.get(words[0]) or number_value(words[0])
    if not count:
        return None
    unit = DURATION_UNITS[words[1]]
    return f"P{count}D" if unit == "D" else f"PT{count}{unit}"


def _hour(word: str) -> int:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word, DIGIT_WORDS.get(word, -1))


def time_value(text: str) -> str | None:
    """'10', 'ten', '10 am', '5 pm', '17:00', '17 uhr', 'noon', 'evening', 'half past
    four', 'halb fünf' -> Alexa's TIME."""
    text = text.replace("o'clock", "").replace("uhr", "").strip()
    past = re.fullmatch(r"(half|quarter) past (\S+)", text)
    if past and 1 <= _hour(past[2]) <= 12:
        return f"{_hour(past[2]):02d}:{30 if past[1] == 'half' else 15}"
    half = re.fullmatch(r"halb (\S+)", text)
    if half and 1 <= _hour(half[1]) <= 12:
        return f"{_hour(half[1]) - 1:02d}:30"
    if text in DAY_PARTS:
        return DAY_PARTS[text]
    if text in ("noon", "midday", "mittag", "mittags"):
        return "12:00"
    match = re.fullmatch(r"(\S+?)(?::(\d{2}))?\s*(am|pm|a\.m|p\.m)?", text)
    if not match:
        return None
    hour_text = match[1]
    hour = (
        int(hour_text)
        if hour_text.isdigit()
        else NUMBER_WORDS.get(hour_text, DIGIT_WORDS.get(hour_text, -1))
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
