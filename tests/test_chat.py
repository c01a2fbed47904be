"""The chat matcher resolves what people type the way Alexa resolves what they say."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from skill.devtools.chat import Matcher, SlotMatch
from skill.devtools.models import load

ROOT = Path(__file__).resolve().parents[1]
MONDAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def english() -> Matcher:
    return Matcher(load("en-US"), today=lambda: MONDAY)


@pytest.fixture(scope="module")
def german() -> Matcher:
    return Matcher(load("de-DE"), today=lambda: MONDAY)


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("Where is my order?", "OrderStatusIntent"),
        ("talk to a person", "CallbackIntent"),
        ("I need a human", "CallbackIntent"),
        ("cancel my callback", "CancelCallbackIntent"),
        ("when will I get my call", "CallbackStatusIntent"),
        ("what did you promise me", "CommitmentStatusIntent"),
        ("yes please", "AMAZON.YesIntent"),
        ("nope", "AMAZON.NoIntent"),
        ("what can I say", "AMAZON.HelpIntent"),
        ("bye", "AMAZON.StopIntent"),
        ("say that again", "AMAZON.RepeatIntent"),
        ("the moon is made of cheese", "AMAZON.FallbackIntent"),
    ],
)
def test_english_intents(english: Matcher, said: str, intent: str) -> None:
    assert english.match(said).intent == intent


def test_slots_are_resolved_like_alexa_does(english: Matcher) -> None:
    found = english.match("track order one zero zero three zip code 10115")
    assert found.intent == "OrderStatusIntent"
    assert found.slots == {"orderNumber": SlotMatch("1003"), "postalCode": SlotMatch("10115")}
    callback = english.match("call me back tomorrow at 10 am")
    assert callback.slots == {"day": SlotMatch("2026-11-24"), "time": SlotMatch("10:00")}
    assert english.match("call me after 5 pm").slots == {"time": SlotMatch("17:00")}
    # A custom slot carries the id its synonym resolves to, as Alexa's entity resolution.
    assert english.match("text me instead").slots == {"channel": SlotMatch("text", "sms")}
    damaged = english.match("my package arrived broken")
    assert damaged.slots["problemType"] == SlotMatch("broken", "damaged")


@pytest.mark.parametrize(
    ("said", "slots"),
    [
        ("call me back in an hour", {"delay": "PT1H"}),
        ("call me back in 30 minutes", {"delay": "PT30M"}),
        ("call me back at half past four", {"time": "04:30"}),
        ("call me back at quarter past two", {"time": "02:15"}),
        ("call me back at 3 am", {"time": "03:00"}),
    ],
)
def test_durations_and_spoken_times(english: Matcher, said: str, slots: dict[str, str]) -> None:
    found = english.match(said)
    assert found.intent == "CallbackIntent"
    assert {name: value.value for name, value in found.slots.items()} == slots


def test_a_slot_being_asked_for_is_tried_first(english: Matcher) -> None:
    asked = english.match("10115", eliciting=("OrderStatusIntent", "postalCode"))
    assert asked.intent == "OrderStatusIntent"
    assert asked.slots == {"postalCode": SlotMatch("10115")}
    # Not a number at all: the words go elsewhere, not into the slot.
    assert english.match("help", eliciting=("OrderStatusIntent", "postalCode")).intent == (
        "AMAZON.HelpIntent"
    )


def test_a_request_wins_over_an_open_custom_slot(german: Matcher) -> None:
    said = "ich will mit einem Menschen sprechen"
    assert german.match(said, eliciting=("ComplaintIntent", "problemType")).intent == (
        "CallbackIntent"
    )


@pytest.mark.parametrize(
    ("said", "intent", "slots"),
    [
        ("wo ist mein Paket", "OrderStatusIntent", {}),
        ("ruf mich doch nicht an", "CancelCallbackIntent", {}),
        ("ja", "AMAZON.YesIntent", {}),
        (
            "ruf mich morgen um 10 uhr zurück",
            "CallbackIntent",
            {"day": "2026-11-24", "time": "10:00"},
        ),
        ("wo ist bestellung drei null null eins", "OrderStatusIntent", {"orderNumber": "3001"}),
        ("ruf mich in zwei stunden zurück", "CallbackIntent", {"delay": "PT2H"}),
        ("ruf mich um halb fünf an", "CallbackIntent", {"time": "04:30"}),
        ("nein, 3002", "ComplaintIntent", {"orderNumber": "3002"}),
    ],
)
def test_german(german: Matcher, said: str, intent: str, slots: dict[str, str]) -> None:
    found = german.match(said)
    assert found.intent == intent
    assert {name: value.value for name, value in found.slots.items()} == slots


@pytest.mark.slow  # a fresh Python process
def test_chat_command_in_a_terminal() -> None:
    """What the README promises: ``python -m skill chat --token demo-alex``."""
    done = subprocess.run(
        [sys.executable, "-m", "skill", "chat", "--token", "demo-alex"],
        input="where is my order\nyes\nintent CallbackStatusIntent\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    out = done.stdout
    assert "(OrderStatusIntent)" in out
    assert "Alexa: Order 1003, your running shoes, is late, sorry" in out
    assert "(listening" in out
    assert "Alexa: Order 1004, your salt & pepper mills" in out
    assert "Order 1001, your coffee grinder" in out
    assert "(session ends)" in out
    assert "You don't have a call back booked right now." in out


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        # No sample says these; the nearest sample does, as Alexa would understand them.
        ("hey could somebody please talk to me about my order", "CallbackIntent"),
        ("um where's my order at", "OrderStatusIntent"),
        ("I really don't need that callback anymore", "CancelCallbackIntent"),
        # Far from every sample: still not understood.
        ("tell me a joke", "AMAZON.FallbackIntent"),
        ("set a timer for ten minutes", "AMAZON.FallbackIntent"),
    ],
)
def test_words_no_sample_has_go_to_the_nearest_sample(
    english: Matcher, said: str, intent: str
) -> None:
    assert english.match(said).intent == intent


def test_the_nearest_sample_fills_its_slots(english: Matcher, german: Matcher) -> None:
    found = english.match("hey my order 1003 has been late again please")
    assert found.intent == "ComplaintIntent"
    assert found.slots["orderNumber"] == SlotMatch("1003")
    assert found.slots["problemType"].resolved_id == "late"
    found = german.match("ruf mich doch bitte morgen um 10 Uhr mal an")
    assert found.intent == "CallbackIntent"
    assert found.slots == {"day": SlotMatch("2026-11-24"), "time": SlotMatch("10:00")}


def test_an_item_names_the_order(english: Matcher, german: Matcher) -> None:
    assert english.match("where are my shoes").slots == {
        "item": SlotMatch("shoes", "running_shoes")
    }
    assert german.match("wo sind meine Laufschuhe").slots["item"].value == "laufschuhe"
