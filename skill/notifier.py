"""Tell people what happened to a callback: the team through a topic, customers by SMS.

Outbox items are written in the same transaction as the change they describe, so an
event exists exactly when the change does. DynamoDB Streams hand each new outbox item
to :func:`deliver`: in AWS a stream-triggered Lambda with :class:`SnsPublisher`; locally
:class:`StreamFollower` reads the embedded server's stream and prints the messages.

Messages to the team carry the customer's first name and the reason, never the phone
number: that is in the console, shown only to the agent who holds the request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from skill.records import Callback
from skill.rules.dates import relative_day, zone
from skill.storage.codec import from_item

if TYPE_CHECKING:
    from skill.speech import Renderer
    from skill.storage import Stores

log = logging.getLogger(__name__)

# The customer hears about the call time by SMS only when they chose SMS.
CUSTOMER_EVENTS = frozenset({"assigned", "rescheduled", "cancelled"})


@dataclass(frozen=True)
class Notification:
    audience: str  # "team" or "customer"
    subject: str
    text: str
    phone: str | None = None  # for the customer's SMS


class Publisher(Protocol):
    def publish(self, notification: Notification) -> None: ...


def notifications_for(
    event: Mapping[str, Any], callback: Callback, renderer: Renderer
) -> list[Notification]:
    """What one outbox event tells whom."""
    name = str(event.get("event", ""))
    who = callback.first_name or "a customer"
    local = callback.due_at.astimezone(zone(callback.time_zone))
    team = Notification(
        audience="team",
        subject=f"Callback {name}: {who}",
        text=(
            f"{callback.agent_name}: callback {name} for {who} ({callback.locale}), "
            f"{callback.priority} priority, reason {callback.reason}, by {callback.channel}, "
            f"due {callback.due_at.strftime('%Y-%m-%d %H:%M')} UTC."
        ),
    )
    messages = [team]
    if callback.channel == "sms" and callback.phone and name in CUSTOMER_EVENTS:
        today = callback.requested_at.astimezone(zone(callback.time_zone)).date()
        speech = renderer.render(
            callback.locale,
            "sms_callback",
            event=name,
            agent=callback.agent_name.split(" ")[0],
            day=relative_day(local.date(), today),
            hour=local.hour,
            minute=local.minute,
        )
        messages.append(Notification("customer", "Menschmoment", speech.text, phone=callback.phone))
    return messages


def deliver(
    records: Iterable[Mapping[str, Any]],
    stores: Stores,
    renderer: Renderer,
    publisher: Publisher,
) -> int:
    """Publish the notifications of new outbox items in DynamoDB stream ``records``."""
    delivered = 0
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = record.get("dynamodb", {}).get("NewImage")
        if not image:
            continue
        values = from_item(image)
        if values.get("kind") != "outbox":
            continue
        if not values.get("callback_id") and values.get("detail"):
            # About a promise, not a callback (kept from the console's overview).
            name = str(values.get("event", "")).replace("_", " ")
            publisher.publish(Notification("team", name.capitalize(), str(values["detail"])))
            delivered += 1
            continue
        # An event without a callback id is a bug upstream: failing here reports it to
        # the stream (the notifier Lambda retries from it), instead of losing it quietly.
        callback = stores.callbacks.get(str(values["callback_id"]))
        if callback is None:
            log.warning("outbox event without callback", extra={"event": values.get("event")})
            continue
        for notification in notifications_for(values, callback, renderer):
            publisher.publish(notification)
            delivered += 1
    return delivered


class LogPublisher:
    """Local stand-in for SNS: one line per message, printed where the demo runs."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def publish(self, notification: Notification) -> None:
        self.sent.append(notification)
        target = "team" if notification.audience == "team" else "customer SMS"
        print(f"[notify {target}] {notification.subject}: {notification.text}", flush=True)


class SnsPublisher:
    """The team's topic, and SMS to customers who chose it."""

    def __init__(self, client: Any, topic_arn: str) -> None:
        self._client = client
        self._topic_arn = topic_arn

    def publish(self, notification: Notification) -> None:
        if notification.audience == "customer" and notification.phone:
            self._client.publish(PhoneNumber=notification.phone, Message=notification.text)
        else:
            self._client.publish(
                TopicArn=self._topic_arn,
                Subject=notification.subject[:100],
                Message=notification.text,
            )


class StreamFollower:
    """Reads a table's stream and delivers outbox events; the local notifier."""

    def __init__(
        self,
        streams: Any,
        stream_arn: str,
        stores: Stores,
        renderer: Renderer,
        publisher: Publisher,
        interval: float = 1.0,
    ) -> None:
        self._streams = streams
        self._arn = stream_arn
        self._stores = stores
        self._renderer = renderer
        self._publisher = publisher
        self._interval = interval
        self._iterators: dict[str, str | None] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notifier", daemon=True)

    def poll_once(self) -> int:
        """Deliver what arrived since the last poll; returns messages published."""
        delivered = 0
        description = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            iterator = self._iterators[shard_id]
            if iterator is None:
                continue
            answer = self._streams.get_records(ShardIterator=iterator)
            self._iterators[shard_id] = answer.get("NextShardIterator")
            delivered += deliver(
                answer.get("Records", []), self._stores, self._renderer, self._publisher
            )
        return delivered

    def start(self) -> StreamFollower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll_once()
            except Exception as error:
                log.warning("notifier poll failed", extra={"error_type": type(error).__name__})
