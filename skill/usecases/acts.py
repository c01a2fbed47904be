"""What every agent action on a callback shares, as use-cases over the stores (no Flask).

Each action is one DynamoDB transaction: the change, its outbox event, the audit entry
and the guard of the form's action id. Every form has its own action id; a double click
sends the same one twice, the guard's condition fails the second time and nothing is
applied again, which the actions report as done (:meth:`Act.repeated`). The same id
sent with another form is refused, never reported as done.

The actions: working a callback (:mod:`skill.usecases.callback_work`: claim, outcome,
reschedule, hand over) and promises (:mod:`skill.usecases.promises`: grant and keep).

A table that cannot be reached raises :class:`~skill.storage.errors.StorageUnavailable`
through them: the action was not carried out (or, after a timeout, perhaps was; the
same form sent again is then applied once), and the console says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skill.records.callbacks import Agent, Callback, CallbackNote, CallbackStatus
from skill.storage.audit import AuditEntry, entry_put, guard_put
from skill.storage.callbacks import CallbackChanged
from skill.storage.outbox import OutboxEvent
from skill.storage.transaction import Write

if TYPE_CHECKING:
    from skill.storage import Stores


class ActionRefused(Exception):
    """The agent may not do this (not theirs, above their authority); says why."""

    def __init__(self, reason: str, colleagues: list[Agent] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        # Above the limit: colleagues on duty who could do it instead.
        self.colleagues = colleagues or []


class InvalidInput(Exception):
    """What the agent entered cannot be used (a time out of range, no colleague chosen):
    ``message`` says what to enter instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionConflict(Exception):
    """Someone changed it first; ``holder`` has the callback now, if anyone."""

    def __init__(self, holder: Agent | None) -> None:
        super().__init__("changed meanwhile")
        self.holder = holder


@dataclass(frozen=True)
class Act:
    """Who does what, when, under which form action id."""

    stores: Stores
    agent: Agent
    now: datetime
    action_id: str

    def records(self, action: str, callback_id: str | None, detail: str = "") -> list[Write]:
        """The audit entry and the form's guard, to go in the action's transaction."""
        entry = AuditEntry(self.now, self.agent.agent_id, action, callback_id, detail)
        what = _what(action, callback_id)
        return [guard_put(self.action_id, self.now, what), entry_put(entry)]

    def event(self, name: str, callback: Callback, due_at: datetime | None = None) -> OutboxEvent:
        return OutboxEvent(
            name,
            callback.callback_id,
            self.now,
            callback.agent_id,
            callback.channel,
            due_at or callback.due_at,
            event_id=f"{self.action_id}.{name}",
        )

    def repeated(self, action: str, callback_id: str | None) -> bool:
        """This form was carried out before (a double click, a resent form).

        Its action id used before by another form (a page of an older kind, a forged
        form) is refused: that action was not this one, so it is not reported as done.
        """
        carried_out = self.stores.audit.carried_out(self.action_id)
        if carried_out is None:
            return False
        if carried_out and carried_out != _what(action, callback_id):
            raise ActionRefused("This form was used before for something else: reload the page.")
        return True


def _what(action: str, callback_id: str | None) -> str:
    # A claim is recorded as "claim" or "claim_named_other": one form either way.
    family = "claim" if action.startswith("claim") else action
    return f"{family} {callback_id or '-'}"


def conflict(stores: Stores, callback_id: str) -> ActionConflict:
    """The callback changed under the action: who holds it now, if anyone."""
    current = stores.callbacks.get(callback_id)
    holder = current.claimed_by if current and current.status is CallbackStatus.CLAIMED else None
    return ActionConflict(stores.team.agent(holder) if holder else None)


def require_holder(act: Act, callback: Callback) -> None:
    """Only the agent who holds the callback acts on it."""
    if callback.status is not CallbackStatus.CLAIMED or callback.claimed_by != act.agent.agent_id:
        raise ActionRefused("Claim this callback first: only the agent who holds it can act.")


def held_update(
    act: Act,
    callback: Callback,
    action: str,
    note: CallbackNote,
    events: list[OutboxEvent],
    **changes: object,
) -> None:
    """Change a held callback, with a note and events; a resent form is done already."""
    try:
        act.stores.queue.update_held(
            callback,
            act.agent.agent_id,
            note,
            events,
            act.records(action, callback.callback_id, note.text),
            **changes,  # type: ignore[arg-type]
        )
    except CallbackChanged as error:
        if act.repeated(action, callback.callback_id):
            return
        raise conflict(act.stores, callback.callback_id) from error


def on_duty_colleagues(act: Act) -> list[Agent]:
    """Who else is on duty, to name when an action is above the agent's authority."""
    team = act.stores.team.get().agents
    return [a for a in team if a.on_duty and a.agent_id != act.agent.agent_id]
