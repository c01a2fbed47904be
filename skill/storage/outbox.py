"""The outbox: every notification, written with the change it tells of.

Items::

    PK=OUTBOX#<id>      SK=EVENT             one notification; the table's stream
                                             delivers it (skill.usecases.notifier)
        delivered_team, delivered_sms,       when each target's message went out
        delivered_alexa                      (alexa: the customer's Alexa notification)

An event is never written on its own: :func:`outbox_put` gives the write that goes into
the transaction of its change, so the team hears of a callback exactly when it exists.
The notifier marks each target once its message is sent (:class:`OutboxStore`): a
retried stream batch then sends only what has not gone out. The marks are updates, which
the notifier's stream filter (new items only) never passes on.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skill.storage.codec import key, timestamp, to_item
from skill.storage.errors import ConditionFailed, translated
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.transaction import PRESENT, Put

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Outbox events are delivered within seconds; a month is ample for audits of delivery.
OUTBOX_RETENTION = timedelta(days=30)
_PREFIX = "OUTBOX#"
# Whom an event's messages go to; each is marked delivered on its own.
TARGETS = ("team", "sms", "alexa", "reminder")


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
    # Also for those: whose promise it was and the agent's first name, so the customer's
    # Alexa can be told it was kept (no callback to find them by).
    customer_id: str = ""
    agent_first_name: str = ""
    # Whether the notifier texts the customer, decided (and counted against the daily
    # limit) when the event was written; None: by the callback's channel alone.
    sms: bool | None = None
    # False: the customer's text only; the team heard of a move within the hour.
    team: bool = True


def outbox_values(event: OutboxEvent) -> dict[str, Any]:
    return {
        "PK": f"{_PREFIX}{event.event_id}",
        "SK": "EVENT",
        "kind": "outbox",
        "event": event.event,
        "callback_id": event.callback_id,
        "at": timestamp(event.at),
        "agent_id": event.agent_id,
        "channel": event.channel,
        "due_at": timestamp(event.due_at),
        "detail": event.detail or None,
        "customer_id": event.customer_id or None,
        "agent_first_name": event.agent_first_name or None,
        "sms": event.sms,
        "team": None if event.team else False,
        TTL_ATTRIBUTE: int((event.at + OUTBOX_RETENTION).timestamp()),
    }


def outbox_put(event: OutboxEvent) -> Put:
    """The write of one event, to go into the transaction of the change it tells of."""
    return Put(outbox_values(event))


def event_id(values: Mapping[str, Any]) -> str:
    """The id of the event whose item (as in a stream record) is ``values``."""
    return str(values["PK"]).removeprefix(_PREFIX)


def _mark(target: str) -> str:
    if target not in TARGETS:
        raise ValueError(f"no delivery target {target!r}")
    return f"delivered_{target}"


class OutboxStore:
    """Which of an event's messages went out: one mark per target on its item."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def delivered(self, event: str) -> frozenset[str]:
        """The targets whose message for ``event`` went out (read after any write)."""
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(f"{_PREFIX}{event}", "EVENT"),
            ConsistentRead=True,
        )
        item = answer.get("Item", {})
        return frozenset(target for target in TARGETS if _mark(target) in item)

    @translated()
    def mark_delivered(self, event: str, target: str, at: datetime) -> None:
        """Note that ``target``'s message for ``event`` went out at ``at``.

        An item that is gone (expired, or erased with its customer) is not written
        again: its message went out all the same.
        """
        try:
            with translated():
                self._client.update_item(
                    TableName=self._table,
                    Key=key(f"{_PREFIX}{event}", "EVENT"),
                    UpdateExpression="SET #mark = :at",
                    ConditionExpression=PRESENT,
                    ExpressionAttributeNames={"#mark": _mark(target)},
                    ExpressionAttributeValues=to_item({":at": timestamp(at)}),
                )
        except ConditionFailed:
            return
