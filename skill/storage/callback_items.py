"""A callback's items in the table, and the callback read back from them.

Shared by the stores that write callbacks: :mod:`.callbacks` (booking, closing,
moving), :mod:`.queue` (the console's claims and notes) and :mod:`.team` (the queue as
the team's index returns it). Only open callbacks carry the queue's index keys
(``GSI1PK=TEAM``, ``GSI1SK=QUEUE#<rank>#<due>#<id>``), so the index is the open queue,
by priority and then due time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skill.records.callbacks import Callback, CallbackNote, CallbackStatus
from skill.rules.callbacks import Priority
from skill.storage.codec import timestamp
from skill.storage.tables import GSI1PK

# The index partition of everything the team sees at once: agents, queue, handling times.
TEAM = "TEAM"


def callback_pk(callback_id: str) -> str:
    return f"CALLBACK#{callback_id}"


def owner_pk(owner: str) -> str:
    return f"OWNER#{owner}"


def account_keys(owner: str, sort_key: str) -> dict[str, str]:
    """The index keys that put a linked customer's callback item into their account's
    query (:meth:`skill.storage.orders.OrderStore.account`): a booking then reads the
    lock, the channel chosen last time and past contacts with the profile and orders.
    An Alexa user's items (unlinked) have no account: none."""
    kind, _, customer_id = owner.partition(":")
    if kind != "customer" or not customer_id:
        return {}
    return {GSI1PK: f"CUSTOMER#{customer_id}", "GSI1SK": f"CALLBACK#{sort_key}"}


def queue_sort_key(priority: str, due_at: datetime, callback_id: str) -> str:
    return f"QUEUE#{Priority(priority).rank}#{timestamp(due_at)}#{callback_id}"


def lock_values(callback: Callback) -> dict[str, Any]:
    values: dict[str, Any] = {
        "PK": owner_pk(callback.owner),
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
        "PK": callback_pk(callback.callback_id),
        "SK": "CALLBACK",
        "kind": "callback",
        "callback_id": callback.callback_id,
        "owner": callback.owner,
        "status": callback.status.value,
        "requested_at": timestamp(callback.requested_at),
        "due_at": timestamp(callback.due_at),
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
        "claimed_at": timestamp(callback.claimed_at) if callback.claimed_at else None,
        "attempts": callback.attempts or None,
        "notes": [note_values(note) for note in callback.notes] or None,
        "phone_confirmed": callback.phone_confirmed,
        "noticed_at": timestamp(callback.noticed_at) if callback.noticed_at else None,
        "texted_at": timestamp(callback.texted_at) if callback.texted_at else None,
        "csat_asked_at": _stamp(callback.csat_asked_at),
        "csat_asked_by": callback.csat_asked_by,
        "csat_score": callback.csat_score,
        "csat_at": _stamp(callback.csat_at),
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
        # Callbacks stored before the flag existed were booked under the rules of then.
        phone_confirmed=bool(values.get("phone_confirmed", True)),
        noticed_at=_moment(values.get("noticed_at")),
        texted_at=_moment(values.get("texted_at")),
        csat_asked_at=_moment(values.get("csat_asked_at")),
        csat_asked_by=values.get("csat_asked_by"),
        csat_score=int(values["csat_score"]) if values.get("csat_score") is not None else None,
        csat_at=_moment(values.get("csat_at")),
    )


def _stamp(moment: datetime | None) -> str | None:
    return timestamp(moment) if moment else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def note_values(note: CallbackNote) -> dict[str, Any]:
    return {
        "at": timestamp(note.at),
        "agent_id": note.agent_id,
        "kind": note.kind,
        "text": note.text,
    }


def _note_from(values: dict[str, Any]) -> CallbackNote:
    return CallbackNote(
        at=datetime.fromisoformat(values["at"]),
        agent_id=values.get("agent_id", ""),
        kind=values.get("kind", ""),
        text=values.get("text", ""),
    )
