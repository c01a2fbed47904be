"""The body of an Alexa reminder (Reminders API) for a booked call back.

The customer hears the reminder five minutes before the call is due, on the device's
own clock: ``trigger.scheduledTime`` is a local time *without* offset, and
``timeZoneId`` names the zone it is in (Amazon refuses a time with an offset, and a
reminder without the zone rings at the device's zone, which may not be the call's).
``schemas/alexa/reminder.schema.json`` holds the body as JSON Schema; the tests check
every body against it. The words come in rendered from templates; none are chosen here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skill.rules.dates import zone

# How long before the call the reminder rings.
AHEAD = timedelta(minutes=5)
# The permission a skill needs to create, change and delete its reminders.
REMINDERS_PERMISSION = "alexa::alerts:reminders:skill:readwrite"


@dataclass(frozen=True)
class ReminderNotice:
    """What a reminder says, in which locale, for a call due when, in which zone."""

    due_at: datetime
    time_zone: str
    locale: str
    text: str  # rendered: "Maria from Menschmoment calls you in five minutes."


def local_time(moment: datetime, time_zone: str) -> str:
    """``moment`` on the wall clock of ``time_zone``, ISO 8601 without offset."""
    if moment.tzinfo is None:
        raise ValueError("a moment without its time zone")
    return (
        moment.astimezone(zone(time_zone)).replace(tzinfo=None).isoformat(timespec="milliseconds")
    )


def reminder_body(notice: ReminderNotice, now: datetime) -> dict[str, Any]:
    """The request body of a create (POST) or update (PUT) of the reminder."""
    return {
        "requestTime": local_time(now, notice.time_zone),
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "scheduledTime": local_time(notice.due_at - AHEAD, notice.time_zone),
            "timeZoneId": notice.time_zone,
        },
        "alertInfo": {"spokenInfo": {"content": [{"locale": notice.locale, "text": notice.text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


def worth_reminding(due_at: datetime, now: datetime) -> bool:
    """A reminder that would ring before now (a call due within five minutes) is none."""
    return due_at - AHEAD > now
