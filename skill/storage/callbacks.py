"""Callbacks, the team that makes them, and the outbox that tells everyone.

Items::

    PK=OWNER#<owner>    SK=OPEN              the one open callback (a lock); a linked
                                             customer's also GSI1PK=CUSTOMER#<id>
                                             GSI1SK=CALLBACK#OPEN, so the account's
                                             query brings it along (the greeting)
    PK=OWNER#<owner>    SK=PREFS             the channel the customer chose last time
    PK=OWNER#<owner>    SK=CONTACT#<iso>     a finished call: who helped, when
    PK=OWNER#<owner>    SK=CALLBACK#<id>     every callback of this customer (for erasure)
    PK=CALLBACK#<id>    SK=CALLBACK          GSI1PK=TEAM  GSI1SK=QUEUE#<rank>#<due>#<id>
    PK=AGENT#<id>       SK=PROFILE           GSI1PK=TEAM  GSI1SK=AGENT#<id>
    PK=TEAM             SK=STATS             GSI1PK=TEAM  GSI1SK=STATS (handling times)
    PK=OUTBOX#<id>      SK=EVENT             one notification; the stream delivers it

The queue keys exist only while a callback is open (a sparse index), so one query on
``GSI1PK=TEAM`` returns the agents, the open queue and the handling times at once. A
new callback, its lock and its outbox events are written in one transaction: either the
customer's request exists completely or not at all.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from skill.records import (
    Agent,
    Callback,
    CallbackNote,
    CallbackStatus,
    Contact,
    Money,
    QueuedCallback,
)
from skill.rules.callbacks import Priority
from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import ConditionFailed, translated
from skill.storage.tables import GSI1, GSI1PK, TTL_ATTRIBUTE
from skill.storage.transaction import Delete, Put, Update, Write, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

TEAM = "TEAM"
# Outbox events are delivered within seconds; a month is ample for audits of delivery.
OUTBOX_RETENTION = timedelta(days=30)
HANDLING_HISTORY = 50
CLOSED_RETENTION = timedelta(days=365)
# Conditions: a new item, and a callback not closed yet.
ABSENT = "attribute_not_exists(PK)"
STILL_OPEN = "#status IN (:waiting, :claimed)"
OPEN_STATUSES = {":waiting": CallbackStatus.WAITING.value, ":claimed": CallbackStatus.CLAIMED.value}


class CallbackAlreadyOpen(ConditionFailed):
    """The customer already has an open callback; it is not replaced."""

    def __init__(self, callback_id: str | None) -> None:
        super().__init__("a callback is already open")
        self.callback_id = callback_id


class CallbackChanged(ConditionFailed):
    """The callback was closed or changed by someone else in the meantime."""


@dataclass(frozen=True)
class OwnerState:
    """An owner's call backs (customer or Alexa user): the open one, how to reach them."""

    open_callback_id: str | None = None
    channel: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    callback_ids: list[str] = field(default_factory=list)

    @property
    def last_contact(self) -> Contact | None:
        return max(self.contacts, key=lambda contact: contact.at, default=None)


@dataclass(frozen=True)
class Team:
    """The agents, their queue and recent call lengths: what a booking decides on."""

    agents: list[Agent]
    queue: list[QueuedCallback]
    handled_minutes: list[float]

    @property
    def on_duty(self) -> list[Agent]:
        return [agent for agent in self.agents if agent.on_duty]

    def agent(self, agent_id: str) -> Agent | None:
        return next((agent for agent in self.agents if agent.agent_id == agent_id), None)


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


def queue_sort_key(priority: str, due_at: datetime, callback_id: str) -> str:
    return f"QUEUE#{Priority(priority).rank}#{_iso(due_at)}#{callback_id}"


def _iso(moment: datetime) -> str:
    # One fixed format (UTC, seconds) so keys sort in time order.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _owner_pk(owner: str) -> str:
    return f"OWNER#{owner}"


def lock_values(callback: Callback) -> dict[str, Any]:
    values: dict[str, Any] = {
        "PK": _owner_pk(callback.owner),
        "SK": "OPEN",
        "kind": "callback_lock",
        "callback_id": callback.callback_id,
    }
    if callback.customer_id and callback.owner == f"customer:{callback.customer_id}":
        values[GSI1PK] = f"CUSTOMER#{callback.customer_id}"
        values["GSI1SK"] = "CALLBACK#OPEN"
    return values


def callback_values(callback: Callback) -> dict[str, Any]:
    values: dict[str, Any] = {
        "PK": f"CALLBACK#{callback.callback_id}",
        "SK": "CALLBACK",
        "kind": "callback",
        "callback_id": callback.callback_id,
        "owner": callback.owner,
        "status": callback.status.value,
        "requested_at": _iso(callback.requested_at),
        "due_at": _iso(callback.due_at),
        "asap": callback.asap,
        "priority": callback.priority,
        "reason": callback.reason,
        "agent_id": callback.agent_id,
        "agent_name": callback.agent_name,
        "channel": callback.channel,
        "locale": callback.locale,
        "time_zone": callback.time_zone,
        "phone": callback.phone,
        "email": callback.email,
        "customer_id": callback.customer_id,
        "first_name": callback.first_name,
        "context": callback.context or None,
        "claimed_by": callback.claimed_by,
        "claimed_at": _iso(callback.claimed_at) if callback.claimed_at else None,
        "attempts": callback.attempts or None,
        "notes": [_note_values(note) for note in callback.notes] or None,
    }
    if callback.is_open:
        values[GSI1PK] = TEAM
        values["GSI1SK"] = queue_sort_key(callback.priority, callback.due_at, callback.callback_id)
    return values


def callback_from(values: dict[str, Any]) -> Callback:
    return Callback(
        callback_id=values["callback_id"],
        owner=values["owner"],
        status=CallbackStatus(values["status"]),
        requested_at=datetime.fromisoformat(values["requested_at"]),
        due_at=datetime.fromisoformat(values["due_at"]),
        asap=bool(values.get("asap", False)),
        priority=values.get("priority", Priority.NORMAL.value),
        reason=values.get("reason", "asked"),
        agent_id=values["agent_id"],
        agent_name=values.get("agent_name", ""),
        channel=values.get("channel", "phone"),
        locale=values.get("locale", "en-US"),
        time_zone=values.get("time_zone", "UTC"),
        phone=values.get("phone"),
        email=values.get("email"),
        customer_id=values.get("customer_id"),
        first_name=values.get("first_name"),
        context=dict(values.get("context") or {}),
        claimed_by=values.get("claimed_by"),
        claimed_at=datetime.fromisoformat(values["claimed_at"]) if "claimed_at" in values else None,
        attempts=int(values.get("attempts", 0)),
        notes=tuple(_note_from(note) for note in values.get("notes") or ()),
    )


def _note_values(note: CallbackNote) -> dict[str, Any]:
    return {"at": _iso(note.at), "agent_id": note.agent_id, "kind": note.kind, "text": note.text}


def _note_from(values: dict[str, Any]) -> CallbackNote:
    return CallbackNote(
        at=datetime.fromisoformat(values["at"]),
        agent_id=values.get("agent_id", ""),
        kind=values.get("kind", ""),
        text=values.get("text", ""),
    )


def agent_values(agent: Agent) -> dict[str, Any]:
    return {
        "PK": f"AGENT#{agent.agent_id}",
        "SK": "PROFILE",
        GSI1PK: TEAM,
        "GSI1SK": f"AGENT#{agent.agent_id}",
        "kind": "agent",
        "agent_id": agent.agent_id,
        "name": agent.name,
        "first_name": agent.first_name,
        "direct_line": agent.direct_line,
        "email": agent.email,
        "languages": list(agent.languages),
        "authority_amount": agent.authority.amount,
        "authority_currency": agent.authority.currency,
        "on_duty": agent.on_duty,
        "role": agent.role,
    }


def agent_from(values: dict[str, Any]) -> Agent:
    return Agent(
        agent_id=values["agent_id"],
        name=values.get("name", ""),
        first_name=values.get("first_name", ""),
        direct_line=values.get("direct_line", ""),
        email=values.get("email", ""),
        languages=tuple(values.get("languages") or ("en",)),
        authority=Money(
            Decimal(values.get("authority_amount", 0)), values.get("authority_currency", "USD")
        ),
        on_duty=bool(values.get("on_duty", False)),
        role=values.get("role", "agent"),
    )


def outbox_values(event: OutboxEvent) -> dict[str, Any]:
    return {
        "PK": f"OUTBOX#{event.event_id}",
        "SK": "EVENT",
        "kind": "outbox",
        "event": event.event,
        "callback_id": event.callback_id,
        "at": _iso(event.at),
        "agent_id": event.agent_id,
        "channel": event.channel,
        "due_at": _iso(event.due_at),
        "detail": event.detail or None,
        TTL_ATTRIBUTE: int((event.at + OUTBOX_RETENTION).timestamp()),
    }


def outbox_put(event: OutboxEvent) -> Put:
    """The write of one event, to go into the transaction of the change it tells of."""
    return Put(outbox_values(event))


class CallbackStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    # Reading -----------------------------------------------------------------------

    @translated()
    def owner_state(self, owner: str) -> OwnerState:
        """The lock, the remembered channel and past contacts, in one query."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": _owner_pk(owner)}},
            ConsistentRead=True,
        )
        open_id: str | None = None
        channel: str | None = None
        contacts: list[Contact] = []
        callback_ids: list[str] = []
        for raw in answer.get("Items", []):
            values = from_item(raw)
            if values["SK"] == "OPEN":
                open_id = values.get("callback_id")
            elif values["SK"] == "PREFS":
                channel = values.get("channel")
            elif values["SK"].startswith("CONTACT#"):
                contacts.append(Contact(values["agent_id"], datetime.fromisoformat(values["at"])))
            elif values["SK"].startswith("CALLBACK#"):
                callback_ids.append(str(values["callback_id"]))
        return OwnerState(open_id, channel, contacts, callback_ids)

    @translated()
    def team(self) -> Team:
        """Agents, the open queue and recent handling times: one query on the index."""
        agents: list[Agent] = []
        queue: list[QueuedCallback] = []
        handled: list[float] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": GSI1,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": GSI1PK},
            "ExpressionAttributeValues": {":pk": {"S": TEAM}},
        }
        while True:
            page = self._client.query(**kwargs)
            for raw in page.get("Items", []):
                values = from_item(raw)
                kind = values.get("kind")
                if kind == "agent":
                    agents.append(agent_from(values))
                elif kind == "callback":
                    queue.append(callback_from(values).queued())
                elif kind == "stats":
                    handled = [float(value) for value in values.get("handled_minutes", [])]
            if "LastEvaluatedKey" not in page:
                return Team(agents, queue, handled)
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    @translated()
    def get(self, callback_id: str) -> Callback | None:
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(f"CALLBACK#{callback_id}", "CALLBACK"),
            ConsistentRead=True,
        )
        item = answer.get("Item")
        return callback_from(from_item(item)) if item else None

    # Writing -----------------------------------------------------------------------

    @translated()
    def create(self, callback: Callback, events: Sequence[OutboxEvent]) -> None:
        """Store a new callback with its lock and events, or raise CallbackAlreadyOpen.

        A retried request (Alexa's or boto3's after a timeout) finds the lock it wrote
        itself: CallbackAlreadyOpen carries the same callback id, and the caller treats
        that as success.
        """
        owner_pk = _owner_pk(callback.owner)
        writes: list[Write] = [
            Put(lock_values(callback), condition=ABSENT),
            Put(callback_values(callback), condition=ABSENT),
            Put({"PK": owner_pk, "SK": "PREFS", "channel": callback.channel}),
            # So everything about one customer can be found again (and erased on request).
            Put(
                {
                    "PK": owner_pk,
                    "SK": f"CALLBACK#{callback.callback_id}",
                    "callback_id": callback.callback_id,
                }
            ),
            *map(outbox_put, events),
        ]
        try:
            transact(self._client, self._table, writes)
        except ConditionFailed as error:
            if 0 in error.failed_items:  # the lock
                existing = self.owner_state(callback.owner).open_callback_id
                raise CallbackAlreadyOpen(existing) from error
            raise

    @translated()
    def cancel(self, callback: Callback, now: datetime, events: Sequence[OutboxEvent]) -> None:
        self._close(callback, CallbackStatus.CANCELLED, now, events)

    @translated()
    def complete(
        self,
        callback: Callback,
        now: datetime,
        events: Sequence[OutboxEvent],
        extra: Sequence[Write] = (),
    ) -> None:
        """The agent reached the customer: close it and remember who helped.

        ``extra``: further writes of the same transaction (the console's audit entry and
        form guard).
        """
        contact = Put(
            {
                "PK": _owner_pk(callback.owner),
                "SK": f"CONTACT#{_iso(now)}",
                "agent_id": callback.agent_id,
                "at": _iso(now),
                "callback_id": callback.callback_id,
            }
        )
        self._close(callback, CallbackStatus.COMPLETED, now, events, extra=[contact, *extra])

    def _close(
        self,
        callback: Callback,
        status: CallbackStatus,
        now: datetime,
        events: Sequence[OutboxEvent],
        extra: Sequence[Write] = (),
    ) -> None:
        lock = Delete(
            _owner_pk(callback.owner),
            "OPEN",
            condition="callback_id = :id",
            values={":id": callback.callback_id},
        )
        closed = Update(
            f"CALLBACK#{callback.callback_id}",
            "CALLBACK",
            "SET #status = :status, closed_at = :now, "
            f"{TTL_ATTRIBUTE} = :expires REMOVE GSI1PK, GSI1SK",
            condition=STILL_OPEN,
            names={"#status": "status"},
            values={
                ":status": status.value,
                ":now": _iso(now),
                # A closed callback is kept a year for the team's figures, then DynamoDB
                # deletes it.
                ":expires": int((now + CLOSED_RETENTION).timestamp()),
                **OPEN_STATUSES,
            },
        )
        self._transact([lock, closed, *extra, *map(outbox_put, events)])

    @translated()
    def reschedule(self, callback: Callback, events: Sequence[OutboxEvent]) -> None:
        """Store a new time, channel or number for an open callback."""
        values = callback_values(callback)
        changed = ("due_at", "asap", "channel", "phone", "email", "GSI1SK")
        present = [name for name in changed if values.get(name) is not None]
        absent = [name for name in changed if values.get(name) is None]
        expression = "SET " + ", ".join(f"#{name} = :{name}" for name in present)
        if absent:
            expression += " REMOVE " + ", ".join(f"#{name}" for name in absent)
        moved = Update(
            f"CALLBACK#{callback.callback_id}",
            "CALLBACK",
            expression,
            condition=STILL_OPEN,
            names={**{f"#{name}": name for name in changed}, "#status": "status"},
            values={**{f":{name}": values[name] for name in present}, **OPEN_STATUSES},
        )
        channel = Put({"PK": _owner_pk(callback.owner), "SK": "PREFS", "channel": callback.channel})
        self._transact([moved, channel, *map(outbox_put, events)])

    def _transact(self, writes: Sequence[Write]) -> None:
        try:
            transact(self._client, self._table, writes)
        except ConditionFailed as error:
            raise CallbackChanged(str(error), failed_items=error.failed_items) from error

    @translated()
    def forget(self, owner: str, now: datetime) -> int:
        """Erase what the callbacks keep about a customer; returns the callbacks touched.

        An open callback is cancelled first (its outbox event tells the agent). Each
        callback keeps its bare facts (when, who, which channel) for the team's figures,
        without number, address, name or what the customer said; the customer's own
        items (lock, preference, contacts) are deleted.
        """
        state = self.owner_state(owner)
        if state.open_callback_id:
            callback = self.get(state.open_callback_id)
            if callback is not None and callback.is_open:
                event = OutboxEvent(
                    "cancelled", callback.callback_id, now, callback.agent_id,
                    callback.channel, now,
                )  # fmt: skip
                # Closed meanwhile by an agent: nothing left to cancel.
                with contextlib.suppress(CallbackChanged):
                    self.cancel(callback, now, [event])
        for callback_id in state.callback_ids:
            self._client.update_item(
                TableName=self._table,
                Key=key(f"CALLBACK#{callback_id}", "CALLBACK"),
                UpdateExpression="SET #owner = :erased REMOVE phone, email, first_name, "
                "customer_id, #context",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#owner": "owner", "#context": "context"},
                ExpressionAttributeValues={":erased": {"S": "erased"}},
            )
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": _owner_pk(owner)}},
            ProjectionExpression="PK, SK",
            ConsistentRead=True,
        )
        for item in answer.get("Items", []):
            self._client.delete_item(
                TableName=self._table, Key={"PK": item["PK"], "SK": item["SK"]}
            )
        return len(state.callback_ids)

    # The console ----------------------------------------------------------------------

    @translated()
    def open_callbacks(self) -> list[Callback]:
        """The open queue, by priority and then due time: the index's own order."""
        callbacks: list[Callback] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": GSI1,
            "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :queue)",
            "ExpressionAttributeNames": {"#pk": GSI1PK, "#sk": "GSI1SK"},
            "ExpressionAttributeValues": {":pk": {"S": TEAM}, ":queue": {"S": "QUEUE#"}},
        }
        while True:
            page = self._client.query(**kwargs)
            callbacks.extend(callback_from(from_item(raw)) for raw in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return callbacks
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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
            f"CALLBACK#{callback_id}",
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
                ":now": _iso(now),
            },
        )
        self._transact([claimed, *extra, *map(outbox_put, events)])

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
            ":note": [_note_values(note)],
            ":claimed": CallbackStatus.CLAIMED.value,
            ":holder": holder,
        }
        removes: list[str] = []
        if due_at is not None:
            sets += ["due_at = :due", "GSI1SK = :rank"]
            values[":due"] = _iso(due_at)
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
            f"CALLBACK#{callback.callback_id}",
            "CALLBACK",
            expression,
            condition="#status = :claimed AND claimed_by = :holder",
            names={"#status": "status"},
            values=values,
        )
        self._transact([changed, *extra, *map(outbox_put, events)])

    # The team (demo data and the console) --------------------------------------------

    @translated()
    def agent(self, agent_id: str) -> Agent | None:
        """One agent's profile (the console's signed-in agent, on every request)."""
        answer = self._client.get_item(
            TableName=self._table, Key=key(f"AGENT#{agent_id}", "PROFILE"), ConsistentRead=True
        )
        item = answer.get("Item")
        return agent_from(from_item(item)) if item else None

    @translated()
    def put_agent(self, agent: Agent) -> None:
        self._client.put_item(TableName=self._table, Item=to_item(agent_values(agent)))

    @translated()
    def add_contact(self, owner: str, contact: Contact) -> None:
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": _owner_pk(owner),
                    "SK": f"CONTACT#{_iso(contact.at)}",
                    "agent_id": contact.agent_id,
                    "at": _iso(contact.at),
                }
            ),
        )

    @translated()
    def record_handling_time(self, minutes: float) -> None:
        """Keep the last handling times for the wait estimate."""
        answer = self._client.get_item(TableName=self._table, Key=key(TEAM, "STATS"))
        current = from_item(answer.get("Item", {})).get("handled_minutes", [])
        history = [*current, Decimal(str(round(minutes, 1)))][-HANDLING_HISTORY:]
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": TEAM,
                    "SK": "STATS",
                    GSI1PK: TEAM,
                    "GSI1SK": "STATS",
                    "kind": "stats",
                    "handled_minutes": history,
                }
            ),
        )
