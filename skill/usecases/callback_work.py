"""Working a callback: claim it, record the call's outcome, reschedule, hand over.

Use-cases over the stores (no Flask here); what they share, and how a resent form is
harmless, is in :mod:`skill.usecases.acts`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from skill.records.callbacks import Agent, Callback, CallbackNote
from skill.rules.satisfaction import AskedBy, asked_by
from skill.storage.callbacks import CallbackChanged
from skill.usecases.acts import Act, InvalidInput, conflict, held_update, require_holder
from skill.usecases.callbacks import call_hours

if TYPE_CHECKING:
    from collections.abc import Sequence

    from skill.config import Settings

# No answer: try again after this long (when the team can call: call_hours).
RETRY_AFTER = timedelta(minutes=30)
# A callback is rescheduled to at most this far ahead.
RESCHEDULE_AHEAD = timedelta(days=90)


class Outcome(StrEnum):
    REACHED = "reached"  # spoke to the customer; more to do
    NO_ANSWER = "no_answer"  # a retry is scheduled
    RESOLVED = "resolved"  # done: the callback is completed


def claim(act: Act, callback: Callback) -> None:
    """Take the callback; raise ActionConflict (with who has it) if someone was quicker.

    Taking a request named for a colleague is allowed; it is recorded, and the claimer
    becomes the customer's named contact (an "assigned" event tells them).
    """
    other = callback.agent_id != act.agent.agent_id
    mine = replace(callback, agent_id=act.agent.agent_id, agent_name=act.agent.name)
    events = [act.event("claimed", mine)]
    if other:
        events.append(act.event("assigned", mine))
    detail = f"named agent was {callback.agent_id}" if other else ""
    try:
        act.stores.queue.claim(
            callback.callback_id,
            act.agent,
            act.now,
            events,
            act.records("claim_named_other" if other else "claim", callback.callback_id, detail),
        )
    except CallbackChanged as error:
        changed = conflict(act.stores, callback.callback_id)
        if changed.holder is not None and changed.holder.agent_id == act.agent.agent_id:
            return  # our own earlier click won
        raise changed from error


def retry_time(
    now: datetime, settings: Settings, callback: Callback, agents: Sequence[Agent]
) -> datetime:
    """When to try again after no answer: a little later, while the callback's team is
    working and it is day where the customer is."""
    hours = call_hours(settings, agents, callback.locale, callback.time_zone)
    return hours.earliest(now + RETRY_AFTER)


def record_outcome(
    act: Act, settings: Settings, callback: Callback, outcome: Outcome, text: str
) -> None:
    """Reached (a note), no answer (a retry is scheduled) or resolved (completed)."""
    require_holder(act, callback)
    note = CallbackNote(act.now, act.agent.agent_id, outcome.value, text)
    if outcome is Outcome.REACHED:
        held_update(act, callback, "outcome_reached", note, [act.event("reached", callback)])
        return
    if outcome is Outcome.NO_ANSWER:
        retry = retry_time(act.now, settings, callback, act.stores.roster.agents(act.now))
        held_update(
            act,
            callback,
            "outcome_no_answer",
            note,
            [act.event("rescheduled", callback, retry)],
            due_at=retry,
            attempt=True,
        )
        return
    # How the customer is asked how it went: their next visit, or a text now.
    survey = asked_by(callback)
    events = [act.event("completed", callback)]
    if survey is AskedBy.SMS:
        events.append(replace(act.event("satisfaction", callback), sms=True, team=False))
    try:
        act.stores.callbacks.complete(
            callback,
            act.now,
            events,
            act.records("outcome_resolved", callback.callback_id, text),
            survey=survey,
        )
    except CallbackChanged as error:
        if act.repeated("outcome_resolved", callback.callback_id):
            return
        raise conflict(act.stores, callback.callback_id) from error
    # The wait estimate learns from how long calls really take, from claim to done.
    started = callback.claimed_at or callback.requested_at
    act.stores.team.record_handling_time((act.now - started).total_seconds() / 60)


def reschedule(act: Act, callback: Callback, when: datetime, text: str) -> None:
    """A new time for the call, in the future and at most :data:`RESCHEDULE_AHEAD` ahead."""
    require_holder(act, callback)
    if when <= act.now:
        raise InvalidInput("Choose a time in the future.")
    if when - act.now > RESCHEDULE_AHEAD:
        raise InvalidInput(f"Choose a time within the next {RESCHEDULE_AHEAD.days} days.")
    note = CallbackNote(act.now, act.agent.agent_id, "rescheduled", text)
    held_update(
        act,
        callback,
        "reschedule",
        note,
        [act.event("rescheduled", callback, when)],
        due_at=when,
    )


def hand_over(act: Act, callback: Callback, colleague: Agent | None, text: str) -> None:
    """Give the callback to a colleague, who becomes the named contact."""
    require_holder(act, callback)
    if colleague is None or colleague.agent_id == act.agent.agent_id:
        raise InvalidInput("Choose a colleague to hand over to.")
    note = CallbackNote(act.now, act.agent.agent_id, "handover", text)
    moved = replace(callback, agent_id=colleague.agent_id, agent_name=colleague.name)
    held_update(
        act,
        callback,
        "handover",
        note,
        [act.event("assigned", moved)],
        hand_to=colleague,
    )
