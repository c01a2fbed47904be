"""Callbacks: booking one, and cancelling, completing or moving it, with its lock.

Items::

    PK=OWNER#<owner>    SK=OPEN              the one open callback (a lock); a linked
                                             customer's also GSI1PK=CUSTOMER#<id>
                                             GSI1SK=CALLBACK#OPEN, so the account's
                                             query brings it along (the greeting)
    PK=OWNER#<owner>    SK=PREFS             the channel the customer chose last time
    PK=OWNER#<owner>    SK=CONTACT#<iso>     a finished call: who helped, when
                                             (both, for a linked customer, also
                                             GSI1PK=CUSTOMER#<id> GSI1SK=CALLBACK#...,
                                             so a booking reads them with the account;
                                             a resolved callback's contact whose customer
                                             is asked how it went at the next visit also
                                             csat_due and agent_first_name:
                                             :mod:`.satisfaction`)
    PK=OWNER#<owner>    SK=CALLBACK#<id>     every callback of this customer (for erasure)
    PK=CALLBACK#<id>    SK=CALLBACK          the callback (:mod:`.callback_items`)

A new callback, its lock and its outbox events (:mod:`.outbox`) are written in one
transaction: either the customer's request exists completely or not at all. A booking
or move by voice counts itself in the same transaction (the daily limits of
:mod:`.limits`), so one over the limit stores nothing. The console's claims and notes
are in :mod:`.queue`; the agents and the queue as a booking sees them in :mod:`.team`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skill.records import Contact
from skill.records.callbacks import Callback, CallbackStatus
from skill.rules.limits import Tally
from skill.rules.satisfaction import AskedBy, asked_by, first_name
from skill.storage.callback_items import (
    account_keys,
    callback_from,
    callback_pk,
    callback_values,
    lock_values,
    owner_pk,
)
from skill.storage.codec import from_item, key, timestamp
from skill.storage.errors import ConditionFailed, translated
from skill.storage.limits import LimitReached, limits_checked, tally_update
from skill.storage.outbox import OutboxEvent, outbox_put
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.transaction import ABSENT, PRESENT, Delete, Put, Update, Write, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# A closed callback is kept a year for the team's figures, then DynamoDB deletes it.
CLOSED_RETENTION = timedelta(days=365)
# The condition of every change to a callback: it is not closed yet.
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


def write_change(
    client: DynamoDBClient, table: str, writes: Sequence[Write], counted: Sequence[Tally] = ()
) -> None:
    """Write a change to a callback; CallbackChanged if it is no longer as it was.

    ``counted``: daily counters the change adds one to; LimitReached if one is full.
    """
    try:
        with limits_checked(len(writes), counted):
            transact(client, table, [*writes, *map(tally_update, counted)], token=once(counted))
    except LimitReached:
        raise
    except ConditionFailed as error:
        raise CallbackChanged(str(error), failed_items=error.failed_items) from error


def once(counted: Sequence[Tally]) -> str | None:
    """A client request token for a write that counts: botocore retries a write whose
    answer was lost with the same token, and DynamoDB applies it once, not counting twice.
    """
    return uuid.uuid4().hex if counted else None


def prefs_values(callback: Callback) -> dict[str, object]:
    return {
        "PK": owner_pk(callback.owner),
        "SK": "PREFS",
        "kind": "callback_prefs",
        "channel": callback.channel,
        **account_keys(callback.owner, "PREFS"),
    }


def contact_values(owner: str, contact: Contact) -> dict[str, object]:
    at = timestamp(contact.at)
    return {
        "PK": owner_pk(owner),
        "SK": f"CONTACT#{at}",
        "kind": "callback_contact",
        "agent_id": contact.agent_id,
        "at": at,
        **account_keys(owner, f"CONTACT#{at}"),
    }


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
            ExpressionAttributeValues={":pk": {"S": owner_pk(owner)}},
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
    def get(self, callback_id: str) -> Callback | None:
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(callback_pk(callback_id), "CALLBACK"),
            ConsistentRead=True,
        )
        item = answer.get("Item")
        return callback_from(from_item(item)) if item else None

    # Writing -----------------------------------------------------------------------

    @translated()
    def create(
        self, callback: Callback, events: Sequence[OutboxEvent], counted: Sequence[Tally] = ()
    ) -> None:
        """Store a new callback with its lock and events, or raise CallbackAlreadyOpen.

        A retried request (Alexa's or boto3's after a timeout) finds the lock it wrote
        itself: CallbackAlreadyOpen carries the same callback id, and the caller treats
        that as success. ``counted``: the daily counters the booking adds one to;
        LimitReached (and nothing written) if one of them is full.
        """
        owner = owner_pk(callback.owner)
        writes: list[Write] = [
            Put(lock_values(callback), condition=ABSENT),
            Put(callback_values(callback), condition=ABSENT),
            Put(prefs_values(callback)),
            # So everything about one customer can be found again (and erased on request).
            Put(
                {
                    "PK": owner,
                    "SK": f"CALLBACK#{callback.callback_id}",
                    "callback_id": callback.callback_id,
                }
            ),
            *map(outbox_put, events),
        ]
        try:
            with limits_checked(len(writes), counted):
                writes += map(tally_update, counted)
                transact(self._client, self._table, writes, token=once(counted))
        except ConditionFailed as error:
            if 1 in error.failed_items:
                # This very callback is stored: an attempt whose answer was lost (a
                # timeout) went through. Said without another read, which the turn may
                # have no time left for: a booking that exists is never apologised for.
                raise CallbackAlreadyOpen(callback.callback_id) from error
            if 0 in error.failed_items:  # the lock: another callback is open
                existing = self.owner_state(callback.owner).open_callback_id
                raise CallbackAlreadyOpen(existing) from error
            raise

    @translated()
    def cancel(
        self,
        callback: Callback,
        now: datetime,
        events: Sequence[OutboxEvent],
        counted: Sequence[Tally] = (),
    ) -> None:
        """Close it as cancelled; ``counted``: the daily counters of the text it sends."""
        self._close(callback, CallbackStatus.CANCELLED, now, events, counted=counted)

    @translated()
    def complete(
        self,
        callback: Callback,
        now: datetime,
        events: Sequence[OutboxEvent],
        extra: Sequence[Write] = (),
        survey: AskedBy | None = None,
    ) -> None:
        """The agent reached the customer: close it and remember who helped.

        ``extra``: further writes of the same transaction (the console's audit entry and
        form guard). ``survey``: how the customer is asked how it went
        (:mod:`skill.rules.satisfaction`): at the next visit, which the contact item
        tells the account's query, or by the text among ``events``, marked asked here.
        """
        values: dict[str, object] = {
            **contact_values(callback.owner, Contact(callback.agent_id, now)),
            "callback_id": callback.callback_id,
        }
        if survey is AskedBy.VOICE:
            values |= {"csat_due": True, "agent_first_name": first_name(callback.agent_name)}
        asked = (
            {"csat_asked_at": now, "csat_asked_by": survey.value} if survey is AskedBy.SMS else {}
        )
        self._close(
            callback,
            CallbackStatus.COMPLETED,
            now,
            events,
            extra=[Put(values), *extra],
            attributes=asked,
        )

    def _close(
        self,
        callback: Callback,
        status: CallbackStatus,
        now: datetime,
        events: Sequence[OutboxEvent],
        extra: Sequence[Write] = (),
        counted: Sequence[Tally] = (),
        attributes: Mapping[str, object] | None = None,
    ) -> None:
        """``attributes``: more attributes of the callback, written as it closes."""
        more = {
            name: timestamp(value) if isinstance(value, datetime) else value
            for name, value in (attributes or {}).items()
        }
        lock = Delete(
            owner_pk(callback.owner),
            "OPEN",
            condition="callback_id = :id",
            values={":id": callback.callback_id},
        )
        closed = Update(
            callback_pk(callback.callback_id),
            "CALLBACK",
            "SET #status = :status, closed_at = :now, "
            + "".join(f"#{name} = :{name}, " for name in more)
            + f"{TTL_ATTRIBUTE} = :expires REMOVE GSI1PK, GSI1SK",
            condition=STILL_OPEN,
            names={"#status": "status", **{f"#{name}": name for name in more}},
            values={
                ":status": status.value,
                ":now": timestamp(now),
                ":expires": int((now + CLOSED_RETENTION).timestamp()),
                **OPEN_STATUSES,
                **{f":{name}": value for name, value in more.items()},
            },
        )
        writes: list[Write] = [lock, closed, *extra, *map(outbox_put, events)]
        write_change(self._client, self._table, writes, counted)

    @translated()
    def reschedule(
        self,
        callback: Callback,
        events: Sequence[OutboxEvent],
        counted: Sequence[Tally] = (),
        *,
        quiet: Mapping[str, datetime] | None = None,
    ) -> None:
        """Store a new time, channel or number for an open callback.

        ``counted``: the daily counters the move adds one to; LimitReached (and nothing
        written) if one is full. ``quiet``: attributes (``noticed_at``, ``texted_at``)
        this move sets because it is told, each with the moment it must not be later
        than: if another device told a move since, CallbackChanged, and the caller
        reads the callback again.
        """
        values = callback_values(callback)
        changed = (
            "due_at", "asap", "channel", "phone", "email", "phone_confirmed", "noticed_at",
            "texted_at", "GSI1SK",
        )  # fmt: skip
        present = [name for name in changed if values.get(name) is not None]
        absent = [name for name in changed if values.get(name) is None]
        expression = "SET " + ", ".join(f"#{name} = :{name}" for name in present)
        if absent:
            expression += " REMOVE " + ", ".join(f"#{name}" for name in absent)
        condition = STILL_OPEN
        extra: dict[str, object] = {}
        for name, latest in (quiet or {}).items():
            condition += f" AND (attribute_not_exists(#{name}) OR #{name} <= :{name}_quiet)"
            extra[f":{name}_quiet"] = timestamp(latest)
        moved = Update(
            callback_pk(callback.callback_id),
            "CALLBACK",
            expression,
            condition=condition,
            names={**{f"#{name}": name for name in changed}, "#status": "status"},
            values={**{f":{name}": values[name] for name in present}, **OPEN_STATUSES, **extra},
        )
        channel = Put(prefs_values(callback))
        writes: list[Write] = [moved, channel, *map(outbox_put, events)]
        write_change(self._client, self._table, writes, counted)

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
            stripped = Update(
                callback_pk(callback_id),
                "CALLBACK",
                "SET #owner = :erased REMOVE phone, email, first_name, customer_id, #context",
                condition=PRESENT,
                names={"#owner": "owner", "#context": "context"},
                values={":erased": "erased"},
            )
            self._client.update_item(**stripped.arguments(self._table))
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": owner_pk(owner)}},
            ProjectionExpression="PK, SK",
            ConsistentRead=True,
        )
        for item in answer.get("Items", []):
            self._client.delete_item(
                TableName=self._table, Key={"PK": item["PK"], "SK": item["SK"]}
            )
        return len(state.callback_ids)

    @translated()
    def add_contact(self, owner: str, contact: Contact) -> None:
        """A call made before (demo data): who helped, when."""
        self._client.put_item(**Put(contact_values(owner, contact)).arguments(self._table))

    @translated()
    def add_resolved(self, callback: Callback, resolved_at: datetime) -> None:
        """A callback resolved before (demo data), its customer not asked yet how it went:
        what :meth:`complete` leaves, written without a transaction."""
        closed = {
            **callback_values(replace(callback, status=CallbackStatus.COMPLETED)),
            "closed_at": timestamp(resolved_at),
        }
        contact = {
            **contact_values(callback.owner, Contact(callback.agent_id, resolved_at)),
            "callback_id": callback.callback_id,
        }
        if asked_by(callback) is AskedBy.VOICE:
            contact |= {"csat_due": True, "agent_first_name": first_name(callback.agent_name)}
        index = {
            "PK": owner_pk(callback.owner),
            "SK": f"CALLBACK#{callback.callback_id}",
            "callback_id": callback.callback_id,
        }
        for values in (closed, contact, index):
            self._client.put_item(**Put(values).arguments(self._table))
