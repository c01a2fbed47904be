"""The outbox: every notification, written with the change it tells of.

Items::

    PK=OUTBOX#<id>      SK=EVENT             one notification; the table's stream
                                             delivers it (skill.usecases.notifier)

An event is never written on its own: :func:`outbox_put` gives the write that goes into
the transaction of its change, so the team hears of a callback exactly when it exists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from skill.storage.codec import timestamp
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.transaction import Put

# Outbox events are delivered within seconds; a month is ample for audits of delivery.
OUTBOX_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class OutboxEvent:
    """One notification: "requested", "assigned", "rescheduled", "cancelled", "completed"."""

    event: str
    callback_id: str
    at: datetime
    agent_id: str
    channel: str
    due_at: datetime
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # For events without a callback (a promise kept from the console's overview): what
    # the team is told. Never personal data: remedy, amount, order number.
    detail: str = ""
    # Whether the notifier texts the customer, decided (and counted against the daily
    # limit) when the event was written; None: by the callback's channel alone.
    sms: bool | None = None
    # False: the customer's text only; the team heard of a move within the hour.
    team: bool = True


def outbox_values(event: OutboxEvent) -> dict[str, Any]:
    return {
        "PK": f"OUTBOX#{event.event_id}",
        "SK": "EVENT",
        "kind": "outbox",
        "event": event.event,
        "callback_id": event.callback_id,
        "at": timestamp(event.at),
        "agent_id": event.agent_id,
        "channel": event.channel,
        "due_at": timestamp(event.due_at),
        "detail": event.detail or None,
        "sms": event.sms,
        "team": None if event.team else False,
        TTL_ATTRIBUTE: int((event.at + OUTBOX_RETENTION).timestamp()),
    }


def outbox_put(event: OutboxEvent) -> Put:
    """The write of one event, to go into the transaction of the change it tells of."""
    return Put(outbox_values(event))
