"""Use-cases of the open callback: move it to another time, channel or number, or cancel it.

A move counts against the daily limits (:mod:`skill.usecases.callback_limits`) in the
transaction that stores it, and is refused with nothing stored when over them; a cancel
is never refused. Either tells the customer by text only while the day's texts last, and
a move tells the team and the customer at most once an hour.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skill.rules.callbacks import Requested, Schedule, schedule
from skill.rules.dates import local_today, zone
from skill.rules.limits import NOTICE_INTERVAL, Act, may_text, notice_due, tallies, text_due
from skill.storage.callbacks import CallbackChanged
from skill.storage.errors import StorageError
from skill.storage.limits import LimitReached
from skill.storage.outbox import OutboxEvent
from skill.usecases.callback_limits import NoText, over_limit, textable
from skill.usecases.callbacks import CallbackUnavailable, call_hours

if TYPE_CHECKING:
    from collections.abc import Sequence

    from skill.config import Settings
    from skill.records.callbacks import Agent, Callback
    from skill.storage import Stores


@dataclass(frozen=True)
class Move:
    """A call back moved: as it is now, when, and why no text tells of it (NoText)."""

    callback: Callback
    schedule: Schedule
    no_text: str | None = None


@dataclass(frozen=True)
class _Change:
    """What a move sets: the new time, and the channel or number if the customer gave one."""

    when: Schedule
    channel: str | None
    phone: str | None
    phone_confirmed: bool
    email: str | None

    def applied_to(self, base: Callback) -> Callback:
        return replace(
            base,
            due_at=self.when.at,
            asap=self.when.asap,
            channel=self.channel or base.channel,
            phone=self.phone or base.phone,
            phone_confirmed=self.phone_confirmed if self.phone else base.phone_confirmed,
            email=self.email or base.email,
        )


def cancel(
    stores: Stores, settings: Settings, callback: Callback, now: datetime, *, caller: str
) -> bool:
    """Cancel; False if it had already been closed by someone else.

    Never refused: only the text telling of it counts against the day's texts, and is
    left out when they are used up.
    """
    texting = callback.channel == "sms" and may_text(
        callback, unconfirmed_allowed=settings.text_unconfirmed
    )
    day = local_today(now, settings.service_time_zone)
    texts = tallies(Act.TEXT, settings.daily_limits, day, caller=caller, phone=callback.phone)
    while True:  # twice at most: the second time without the text
        event = OutboxEvent(
            "cancelled",
            callback.callback_id,
            now,
            callback.agent_id,
            callback.channel,
            now,
            sms=texting,
        )
        try:
            stores.callbacks.cancel(callback, now, [event], texts if texting else [])
        except LimitReached as full:
            over_limit(stores, full, now, callback.callback_id, callback.phone)
            texting = False
            continue
        except CallbackChanged:
            return False
        except StorageError as error:
            raise CallbackUnavailable from error
        return True


def reschedule(
    stores: Stores,
    settings: Settings,
    callback: Callback,
    requested: Requested,
    now: datetime,
    *,
    caller: str,
    channel: str | None = None,
    phone: str | None = None,
    phone_confirmed: bool = True,
    email: str | None = None,
    agents: Sequence[Agent] | None = None,
) -> Move:
    """Move an open callback to a new time and/or channel or number; it keeps its agent.

    ``agents``, the team as the caller read it, give the hours; read here when not given.
    Raises LimitRefused when the caller or the number moved call backs as often as a day
    allows (nothing is stored), CallbackUnavailable when it cannot be stored or was
    closed meanwhile. The team and the customer hear of a move at most once an hour.
    """
    keeps_time = channel is not None or phone is not None
    if agents is None:
        try:
            agents = stores.roster.agents(now)
        except StorageError as error:
            raise CallbackUnavailable from error
    when = _new_time(settings, agents, callback, requested, now, keeps_time=keeps_time)
    change = _Change(when, channel, phone, phone_confirmed, email)
    day = local_today(now, settings.service_time_zone)
    limits = settings.daily_limits
    text_allowed = True
    base = callback
    for _attempt in range(3):
        changed, no_text = textable(change.applied_to(base), settings)
        texting = text_allowed and changed.channel == "sms" and text_due(base, now)
        changed, events, quiet = _telling(callback, base, changed, now, texting=texting)
        counted = tallies(Act.RESCHEDULE, limits, day, caller=caller, phone=changed.phone)
        if texting:
            counted += tallies(Act.TEXT, limits, day, caller=caller, phone=changed.phone)
        try:
            stores.callbacks.reschedule(changed, events, counted, quiet=quiet)
        except LimitReached as full:
            over_limit(stores, full, now, callback.callback_id, changed.phone)
            text_allowed = False
            continue
        except CallbackChanged as error:
            # Closed, or moved and told by another device meanwhile: look again.
            base = _reread(stores, callback.callback_id, error)
            continue
        except StorageError as error:
            raise CallbackUnavailable from error
        if no_text is None:
            no_text = _untold(changed, texting=texting, text_allowed=text_allowed)
        return Move(changed, when, no_text)
    raise CallbackUnavailable("changed meanwhile, again and again")


def planned_move(
    stores: Stores,
    settings: Settings,
    callback: Callback,
    requested: Requested,
    now: datetime,
    *,
    keeps_time: bool,
    agents: Sequence[Agent] | None = None,
) -> Schedule:
    """When a move to ``requested`` would be due, without storing anything: the
    customer hears it first if service hours push it later than they asked.

    ``agents``, the team as the caller read it, give the hours; else the roster.
    Raises CallbackUnavailable when the team cannot be read.
    """
    if agents is None:
        try:
            agents = stores.roster.agents(now)
        except StorageError as error:
            raise CallbackUnavailable from error
    return _new_time(settings, agents, callback, requested, now, keeps_time=keeps_time)


def _new_time(
    settings: Settings,
    agents: Sequence[Agent],
    callback: Callback,
    requested: Requested,
    now: datetime,
    *,
    keeps_time: bool,
) -> Schedule:
    """When the move is due: "as soon as possible" with a new channel or number keeps it."""
    wait = timedelta(minutes=5) if requested.asap else timedelta(0)
    hours = call_hours(settings, agents, callback.locale, callback.time_zone)
    when = schedule(now, requested, wait, hours, zone(callback.time_zone))
    if requested.asap and keeps_time:
        # Only the channel or the number changes: the time stays.
        when = Schedule(at=callback.due_at, asap=callback.asap, moved=False)
    return when


def _telling(
    callback: Callback, base: Callback, changed: Callback, now: datetime, *, texting: bool
) -> tuple[Callback, list[OutboxEvent], dict[str, datetime]]:
    """Whom the move tells, at most once an hour: the team of a move, the customer by text.

    Returns the callback marked as told, the event that tells (if any), and what the
    write sets on condition that no other device set it within the hour.
    """
    noticed = notice_due(base, now)
    told = [name for name, yes in (("noticed_at", noticed), ("texted_at", texting)) if yes]
    quiet = dict.fromkeys(told, now - NOTICE_INTERVAL)
    changed = replace(
        changed,
        noticed_at=now if noticed else base.noticed_at,
        texted_at=now if texting else base.texted_at,
    )
    events = []
    if noticed or texting:
        events.append(
            OutboxEvent(
                "rescheduled",
                callback.callback_id,
                now,
                callback.agent_id,
                changed.channel,
                changed.due_at,
                sms=texting,
                team=noticed,
            )
        )
    return changed, events, quiet


def _untold(changed: Callback, *, texting: bool, text_allowed: bool) -> str | None:
    """Why a move by SMS sends no text: the day's texts used up, or one within the hour."""
    if changed.channel == "sms" and not texting:
        return NoText.LIMIT if not text_allowed else NoText.RECENT
    return None


def _reread(stores: Stores, callback_id: str, error: CallbackChanged) -> Callback:
    """The callback again after a write found it changed; CallbackUnavailable if closed."""
    try:
        fresh = stores.callbacks.get(callback_id)
    except StorageError as failure:
        raise CallbackUnavailable from failure
    if fresh is None or not fresh.is_open:
        raise CallbackUnavailable("closed meanwhile") from error
    return fresh
