"""How often a caller or a number may book, move and be texted: the pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from skill.records.callbacks import Callback, CallbackStatus
from skill.rules.limits import (
    Act,
    DailyLimits,
    Subject,
    Tally,
    may_text,
    notice_due,
    number_key,
    tallies,
    text_due,
)

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
DAY = date(2026, 11, 23)


def callback(**changes: Any) -> Callback:
    values: dict[str, Any] = {
        "callback_id": "cb-1",
        "owner": "alexa:guest",
        "status": CallbackStatus.WAITING,
        "requested_at": NOW,
        "due_at": NOW + timedelta(minutes=10),
        "asap": True,
        "priority": "normal",
        "reason": "asked",
        "agent_id": "a-maria",
        "agent_name": "Maria Schneider",
        "channel": "sms",
        "locale": "en-US",
        "time_zone": "America/New_York",
        "phone": "2125550187",
    }
    values.update(changes)
    return Callback(**values)


def test_a_number_is_the_same_however_it_was_written() -> None:
    assert number_key("+1 212 555 0142") == number_key("2125550142") == "2125550142"
    assert number_key("+49 151 23456733") == number_key("0151 23456733")
    assert number_key("+1 212 555 0142") != number_key("+1 212 555 0143")


def test_an_act_counts_for_the_caller_and_for_the_number() -> None:
    limits = DailyLimits(bookings=3, reschedules=2, texts=5)

    counted = tallies(Act.RESCHEDULE, limits, DAY, caller="amzn1.user", phone="+1 212 555 0142")

    assert counted == [
        Tally(Act.RESCHEDULE, Subject.CALLER, "amzn1.user", DAY, 2),
        Tally(Act.RESCHEDULE, Subject.NUMBER, "2125550142", DAY, 2),
    ]
    # An e-mail call back without a number counts for the caller only.
    assert tallies(Act.BOOKING, limits, DAY, caller="amzn1.user", phone=None) == [
        Tally(Act.BOOKING, Subject.CALLER, "amzn1.user", DAY, 3)
    ]
    assert limits.of(Act.TEXT) == 5


def test_a_guests_number_is_texted_only_once_confirmed_unless_the_shop_allows_it() -> None:
    unconfirmed = callback(phone_confirmed=False)
    assert not may_text(unconfirmed, unconfirmed_allowed=False)
    assert may_text(unconfirmed, unconfirmed_allowed=True)
    assert may_text(callback(phone_confirmed=True), unconfirmed_allowed=False)
    # A linked customer's number is the shop's or Amazon's.
    assert may_text(
        callback(phone_confirmed=False, customer_id="c-alex"), unconfirmed_allowed=False
    )
    assert not may_text(callback(phone=None), unconfirmed_allowed=True)


def test_moves_are_told_at_most_once_an_hour() -> None:
    fresh = callback()
    assert notice_due(fresh, NOW) and text_due(fresh, NOW)

    told = callback(noticed_at=NOW, texted_at=NOW - timedelta(minutes=30))

    assert not notice_due(told, NOW + timedelta(minutes=59))
    assert notice_due(told, NOW + timedelta(hours=1))
    assert not text_due(told, NOW + timedelta(minutes=29))
    assert text_due(told, NOW + timedelta(minutes=30))
