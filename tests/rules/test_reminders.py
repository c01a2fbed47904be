"""A call back's reminder body: five minutes ahead, on the call's own wall clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from skill.rules.reminders import ReminderNotice, local_time, reminder_body, worth_reminding
from tests.fake_alexa_api import reminder_errors

NOW = datetime(2026, 11, 23, 15, 2, 7, 250000, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def test_rings_five_minutes_before_the_call_in_local_time_without_offset() -> None:
    notice = ReminderNotice(DUE, "America/New_York", "en-US", "Maria calls in five minutes.")
    body = reminder_body(notice, NOW)
    assert body == {
        "requestTime": "2026-11-23T10:02:07.250",
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "scheduledTime": "2026-11-23T16:55:00.000",
            "timeZoneId": "America/New_York",
        },
        "alertInfo": {
            "spokenInfo": {"content": [{"locale": "en-US", "text": "Maria calls in five minutes."}]}
        },
        "pushNotification": {"status": "ENABLED"},
    }
    assert reminder_errors(body) == []


def test_the_schema_refuses_a_time_with_an_offset() -> None:
    notice = ReminderNotice(DUE, "Europe/Berlin", "de-DE", "Jonas ruft gleich an.")
    body = reminder_body(notice, NOW)
    body["trigger"]["scheduledTime"] = "2026-11-23T22:55:00Z"
    assert reminder_errors(body)


def test_a_moment_needs_its_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        local_time(datetime(2026, 11, 23, 15, 0), "UTC")


def test_a_call_within_five_minutes_gets_no_reminder() -> None:
    assert worth_reminding(DUE, NOW)
    assert not worth_reminding(DUE, datetime(2026, 11, 23, 21, 56, tzinfo=UTC))
