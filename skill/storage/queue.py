"""The console's queue: the open callbacks, claiming one, and changing a claimed one.

Only the console uses this store; a Lambda turn never imports it. Every change is one
transaction with what the console adds to it (the audit entry, the guard of the form)
and its outbox events, on the condition that the callback is still as the agent saw it:
:class:`~skill.storage.callbacks.CallbackChanged` otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from skill.records.callbacks import Agent, Callback, CallbackNote, CallbackStatus
from skill.storage.callback_items import (
    TEAM,
    callback_from,
    callback_pk,
    note_values,
    queue_sort_key,
)
from skill.storage.callbacks import write_change
from skill.storage.codec import from_item, timestamp
from skill.storage.errors import translated
from skill.storage.outbox import OutboxEvent, outbox_put
from skill.storage.pages import index_partition
from skill.storage.transaction import Update, Write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class QueueStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def open_callbacks(self) -> list[Callback]:
        """The open queue, by priority and then due time: the index's own order."""
        found = index_partition(self._client, self._table, TEAM, "QUEUE#")
        return [callback_from(from_item(raw)) for raw in found]

    @translated()
    def claim(
        self,
        callback_id: str,
        agent: Agent,
        now: datetime,
        events: Sequence[OutboxEvent],
        extra: Sequence[Write] = (),
    ) -> None:
        """Make ``agent`` the one owner of a waiting callback, or raise CallbackChanged.

        The condition is the whole guarantee: of two agents claiming at once, DynamoDB
        lets exactly one update pass. The claimer becomes the customer's named contact.
        """
        claimed = Update(
            callback_pk(callback_id),
            "CALLBACK",
            "SET #status = :claimed, claimed_by = :me, claimed_at = :now, "
            "agent_id = :me, agent_name = :name",
            condition="#status = :waiting",
            names={"#status": "status"},
            values={
                ":claimed": CallbackStatus.CLAIMED.value,
                ":waiting": CallbackStatus.WAITING.value,
                ":me": agent.agent_id,
                ":name": agent.name,
                ":now": timestamp(now),
            },
        )
        write_change(self._client, self._table, [claimed, *extra, *map(outbox_put, events)])

    @translated()
    def update_held(
        self,
        callback: Callback,
        holder: str,
        note: CallbackNote,
        events: Sequence[OutboxEvent],
        extra: Sequence[Write] = (),
        *,
        due_at: datetime | None = None,
        attempt: bool = False,
        hand_to: Agent | None = None,
    ) -> None:
        """Change a callback that ``holder`` has claimed, adding ``note``.

        ``due_at`` moves it (a retry or a new time); ``hand_to`` gives it to a colleague,
        who becomes the named contact and finds it waiting in the queue.
        Raises CallbackChanged if ``holder`` no longer holds it.
        """
        sets = ["notes = list_append(if_not_exists(notes, :none), :note)"]
        values: dict[str, Any] = {
            ":none": [],
            ":note": [note_values(note)],
            ":claimed": CallbackStatus.CLAIMED.value,
            ":holder": holder,
        }
        removes: list[str] = []
        if due_at is not None:
            sets += ["due_at = :due", "GSI1SK = :rank"]
            values[":due"] = timestamp(due_at)
            values[":rank"] = queue_sort_key(callback.priority, due_at, callback.callback_id)
        if attempt:
            sets.append("attempts = if_not_exists(attempts, :zero) + :one")
            values[":zero"] = 0
            values[":one"] = 1
        if hand_to is not None:
            sets += ["#status = :waiting", "agent_id = :to", "agent_name = :to_name"]
            removes += ["claimed_by", "claimed_at"]
            values[":waiting"] = CallbackStatus.WAITING.value
            values[":to"] = hand_to.agent_id
            values[":to_name"] = hand_to.name
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        changed = Update(
            callback_pk(callback.callback_id),
            "CALLBACK",
            expression,
            condition="#status = :claimed AND claimed_by = :holder",
            names={"#status": "status"},
            values=values,
        )
        write_change(self._client, self._table, [changed, *extra, *map(outbox_put, events)])
