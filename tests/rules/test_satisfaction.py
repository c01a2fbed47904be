"""Customer satisfaction after a resolved callback: who is asked, how, what a number
means, and the figures of the scores: the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from skill.records.callbacks import Callback, CallbackStatus
from skill.rules.satisfaction import (
    AskedBy,
    Reading,
    Survey,
    asked_by,
    first_name,
    read_score,
    satisfaction,
    survey_to_ask,
)

NOW = datetime(2026, 11, 30, 13, 2, tzinfo=UTC)


def callback(**changes: Any) -> Callback:
    values: dict[str, Any] = {
        "callback_id": "cb-1",
        "owner": "customer:c-kim",
        "status": CallbackStatus.CLAIMED,
        "requested_at": NOW - timedelta(hours=1),
        "due_at": NOW - timedelta(minutes=30),
        "asap": True,
        "priority": "normal",
        "reason": "asked",
        "agent_id": "a-maria",
        "agent_name": "Maria Schneider",
        "channel": "phone",
        "locale": "en-US",
        "time_zone": "America/Chicago",
        "phone": "+1 312 555 0163",
        "customer_id": "c-kim",
    }
    return Callback(**{**values, **changes})


def test_a_linked_customer_is_asked_at_the_next_visit() -> None:
    assert asked_by(callback()) is AskedBy.VOICE
    assert asked_by(callback(channel="email")) is AskedBy.VOICE


def test_a_customer_who_chose_sms_is_asked_by_text() -> None:
    assert asked_by(callback(channel="sms")) is AskedBy.SMS
    # Without a number to text, the next visit asks.
    assert asked_by(callback(channel="sms", phone=None)) is AskedBy.VOICE
    # Nor to a number said by voice and never confirmed.
    assert asked_by(callback(channel="sms", phone_confirmed=False)) is AskedBy.VOICE


@pytest.mark.parametrize(
    "changes",
    [
        {"owner": "alexa:guest", "customer_id": None},  # a guest: nobody to ask
        {"owner": "alexa:guest", "customer_id": "c-kim"},  # booked before linking
        {"owner": "erased"},  # the customer's data was erased
        {"csat_asked_at": NOW},  # asked already
    ],
)
def test_nobody_is_asked_without_an_account_or_twice(changes: dict[str, Any]) -> None:
    assert asked_by(callback(**changes)) is None
    assert asked_by(callback(channel="sms", **changes)) is None


def test_the_agent_is_named_by_first_name() -> None:
    assert first_name("Maria Schneider") == "Maria"
    assert first_name("") == ""


def test_one_question_a_visit_about_the_latest_call() -> None:
    older = Survey("cb-old", "James", NOW - timedelta(days=3))
    latest = Survey("cb-new", "Maria", NOW - timedelta(days=1))
    assert survey_to_ask([latest, older]) == latest
    assert survey_to_ask([]) is None


@pytest.mark.parametrize(
    ("said", "reading", "score"),
    [
        ("1", Reading.SCORE, 1),
        ("4", Reading.SCORE, 4),
        ("5", Reading.SCORE, 5),
        ("0", Reading.OUT_OF_RANGE, None),
        ("7", Reading.OUT_OF_RANGE, None),
        ("10", Reading.OUT_OF_RANGE, None),
        ("1003", Reading.NO_SCORE, None),  # an order number: a question, not a score
        ("?", Reading.NO_SCORE, None),
        ("-2", Reading.NO_SCORE, None),
        ("", Reading.NO_SCORE, None),
        (None, Reading.NO_SCORE, None),
    ],
)
def test_what_a_number_says(said: str | None, reading: Reading, score: int | None) -> None:
    heard = read_score(said)
    assert (heard.reading, heard.score) == (reading, score)


def test_the_figures_of_the_scores_per_agent() -> None:
    names = {"a-maria": "Maria Schneider", "a-james": "James Carter"}
    asked = {"csat_asked_at": NOW}
    callbacks = [
        callback(callback_id="1", csat_score=5, **asked),
        callback(callback_id="2", csat_score=4, **asked),
        callback(callback_id="3", csat_score=2, agent_id="a-james", **asked),
        callback(callback_id="4", **asked),  # asked, not answered
        callback(callback_id="5"),  # never asked
    ]
    figures = satisfaction(callbacks, names)
    assert figures.responses == 3
    assert figures.asked == 4
    assert figures.average == Decimal("3.7")
    assert figures.distribution == [("1", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 1)]
    assert figures.by_agent == [
        ("James Carter", 1, Decimal("2.0")),
        ("Maria Schneider", 2, Decimal("4.5")),
    ]


def test_no_scores_no_average() -> None:
    figures = satisfaction([callback()], {})
    assert (figures.responses, figures.average, figures.by_agent) == (0, None, [])
    assert figures.distribution == [(str(n), 0) for n in range(1, 6)]
