"""A call back as the customer hears about it: who calls, by which channel, and when.

Spoken by the booking (:mod:`skill.handlers.callbacks`), by the status and the cancel
questions (:mod:`skill.handlers.callback_status`) and by the launch greeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from skill.records.callbacks import Agent, Callback
from skill.rules.callbacks import last_digits
from skill.rules.dates import Day, relative_day, zone
from skill.storage.errors import StorageError
from skill.usecases.callbacks import open_callback, owner_of, still_open

if TYPE_CHECKING:
    from skill.handlers.turn import Turn
    from skill.storage.orders import Account


class Moment(Protocol):
    """What a view needs of the turn: its time (the assistants' endpoint has no turn)."""

    @property
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class CallTime:
    """When, as the customer hears it: minutes from now, or a day and a clock time."""

    in_minutes: int | None
    day: Day
    hour: int
    minute: int


@dataclass(frozen=True)
class CallView:
    """A booked call back as the templates speak it."""

    agent: str  # first name, as spoken
    agent_full: str
    direct_line: str
    agent_email: str
    channel: str
    digits: str
    time: CallTime
    continuity: bool = False


def call_time(turn: Moment, at: datetime, asap: bool, time_zone: str) -> CallTime:
    local = at.astimezone(zone(time_zone))
    minutes = max(0, round((at - turn.now).total_seconds() / 60))
    today = turn.now.astimezone(zone(time_zone)).date()
    return CallTime(
        in_minutes=minutes if asap and minutes <= 90 else None,
        day=relative_day(local.date(), today),
        hour=local.hour,
        minute=local.minute,
    )


def view(
    turn: Moment, callback: Callback, agent: Agent | None, *, continuity: bool = False
) -> CallView:
    """The callback as templates speak it; ``agent`` is None if they left the team since."""
    return CallView(
        agent=agent.first_name if agent else callback.agent_name.split(" ")[0],
        agent_full=agent.name if agent else callback.agent_name,
        direct_line=agent.direct_line if agent else "",
        agent_email=agent.email if agent else "",
        channel=callback.channel,
        digits=last_digits(callback.phone or ""),
        time=call_time(turn, callback.due_at, callback.asap, callback.time_zone),
        continuity=continuity,
    )


def open_callback_view(turn: Turn, account: Account | None) -> CallView | None:
    """For the launch greeting: the open callback of the linked customer whose
    ``account`` was read (its query brings the lock along), or of the Alexa user."""
    stores = turn.services.stores
    try:
        if account is not None:
            callback = still_open(stores, account.open_callback_id)
        else:
            callback = open_callback(stores, owner_of(None, turn.user_id))
    except StorageError:
        return None  # a greeting never fails over this
    return view(turn, callback, None) if callback else None
