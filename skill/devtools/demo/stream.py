"""The local notifier: the embedded DynamoDB's stream, read as the notifier Lambda gets it."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from skill.adapters.delivery import Publisher
from skill.clock import Clock, system_clock
from skill.usecases.notifier import deliver

if TYPE_CHECKING:
    from skill.speech import Renderer
    from skill.storage import Stores
    from skill.usecases.alexa_notifications import AlexaNotifier
    from skill.usecases.callback_reminders import ReminderKeeper

log = logging.getLogger(__name__)


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
        clock: Clock = system_clock,
        alexa: AlexaNotifier | None = None,
        reminders: ReminderKeeper | None = None,
    ) -> None:
        self._streams = streams
        self._arn = stream_arn
        self._stores = stores
        self._renderer = renderer
        self._publisher = publisher
        self._interval = interval
        self._clock = clock
        self._alexa = alexa
        self._reminders = reminders
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
                answer.get("Records", []),
                self._stores,
                self._renderer,
                self._publisher,
                self._clock,
                self._alexa,
                self._reminders,
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
