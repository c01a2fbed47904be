"""Who calls back, when, and how long the customer waits: pure rules over plain data."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol

from skill.records import Contact, Money
from skill.records.callbacks import Agent, QueuedCallback

# A customer who was helped by someone within this window gets that person again.
CONTINUITY_WINDOW = timedelta(days=30)
# Alexa's AMAZON.TIME says "MO", "AF", "EV" or "NI" for parts of the day.
DAY_PARTS = {"MO": time(9, 0), "AF": time(14, 0), "EV": time(18, 0), "NI": time(20, 0)}
# AMAZON.TIME says "04:00" for "four" and for "4 am" alike; nobody asks for a call at four
# in the night, so hours up to this one mean the afternoon when the team works then.
LAST_AMBIGUOUS_HOUR = 7
_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:\d+S)?)?$"
)


class Priority(StrEnum):
    """Order of the queue; the rank sorts it."""

    URGENT = "urgent"  # an escalated complaint
    HIGH = "high"  # a delayed order, a repeat contact, a locked verification
    NORMAL = "normal"

    @property
    def rank(self) -> int:
        return {"urgent": 1, "high": 2, "normal": 3}[self.value]


HIGH_REASONS = frozenset({"verification_locked", "delayed_order", "remedy_declined"})


def priority_for(
    reason: str, *, asked_priority: str = "normal", delayed_order: bool, repeat_contact: bool
) -> Priority:
    if reason == "complaint_escalated":
        return Priority.URGENT
    if asked_priority == "high" or reason in HIGH_REASONS or delayed_order or repeat_contact:
        return Priority.HIGH
    return Priority.NORMAL


def read_duration(value: str | None) -> timedelta | None:
    """Alexa's AMAZON.DURATION ("PT1H", "PT30M", "P1D"); None for anything else."""
    match = _DURATION.match(value.strip().upper()) if value else None
    if match is None:
        return None
    days, hours, minutes = (int(match[name] or 0) for name in ("days", "hours", "minutes"))
    after = timedelta(days=days, hours=hours, minutes=minutes)
    return after if after > timedelta(0) else None


class Opening(Protocol):
    """When a call can happen (:mod:`skill.rules.hours` builds them)."""

    def earliest(self, moment: datetime) -> datetime:
        """The first moment at or after ``moment`` when it can."""
        ...


@dataclass(frozen=True)
class Requested:
    """What the customer asked for; all empty means "as soon as possible"."""

    day: date | None = None
    at: time | None = None
    # "In an hour": from now, whatever the clock says.
    after: timedelta | None = None

    @property
    def asap(self) -> bool:
        return self.day is None and self.at is None and self.after is None

    @classmethod
    def from_slots(cls, day: str | None, at: str | None, delay: str | None = None) -> Requested:
        """Alexa's AMAZON.DATE ("2026-11-24"), AMAZON.TIME ("10:00", "EV") and
        AMAZON.DURATION ("PT1H") values; a duration wins over a clock time."""
        after = read_duration(delay)
        if after is not None:
            return cls(after=after)
        parsed_day: date | None = None
        parsed_time: time | None = None
        if day:
            try:
                parsed_day = date.fromisoformat(day)
            except ValueError:
                parsed_day = None  # "2026-W48", "PRESENT_REF": no single day to hold on to
        if at:
            if at.upper() in DAY_PARTS:
                parsed_time = DAY_PARTS[at.upper()]
            else:
                try:
                    parsed_time = time.fromisoformat(at.zfill(5) if len(at) < 5 else at)
                except ValueError:
                    parsed_time = None
        return cls(parsed_day, parsed_time)


@dataclass(frozen=True)
class Schedule:
    """When an agent will call, and whether service hours moved the wish."""

    at: datetime  # in UTC
    asap: bool
    # The customer's wish (or "now") fell outside service hours; ``at`` is the next opening.
    moved: bool


def schedule(
    now: datetime,
    requested: Requested,
    wait: timedelta,
    hours: Opening,
    customer_zone: tzinfo,
) -> Schedule:
    """When the call happens: as soon as possible, or the customer's time within hours.

    ``hours`` says when a call can happen (the team's hours, within the customer's day:
    :func:`skill.rules.hours.reachable`); the wish is read in the customer's zone.
    """
    if requested.asap:
        wanted = now + wait
    elif requested.after is not None:
        wanted = max(now + requested.after, now + wait)
    else:
        wanted = _wanted(now, requested, hours, customer_zone)
        if wanted < now + wait:
            wanted = now + wait
    at = hours.earliest(wanted)
    # Midnight on a named day without a time means "some time that day", not a move.
    vague_day = requested.day is not None and requested.at is None
    moved = at > wanted and not vague_day
    return Schedule(at=at.astimezone(now.tzinfo), asap=requested.asap, moved=moved)


def _wanted(
    now: datetime,
    requested: Requested,
    hours: Opening,
    customer_zone: tzinfo,
) -> datetime:
    """The moment the customer named; 1 to 7 o'clock is the afternoon when we work then."""
    local_now = now.astimezone(customer_zone)
    day = requested.day or local_now.date()
    at = requested.at or time(0, 0)
    if requested.at is not None and 1 <= at.hour <= LAST_AMBIGUOUS_HOUR:
        afternoon = datetime.combine(day, at.replace(hour=at.hour + 12), customer_zone)
        if requested.day is None and afternoon < local_now:
            afternoon += timedelta(days=1)
        if hours.earliest(afternoon) == afternoon:
            return afternoon
    wanted = datetime.combine(day, at, customer_zone)
    if requested.day is None and wanted < local_now:
        wanted += timedelta(days=1)  # "at ten" said at eleven means tomorrow
    return wanted


def covers(authority: Money, need: Money | None) -> bool:
    """May someone with ``authority`` grant ``need`` alone?"""
    if need is None:
        return True
    return authority.currency == need.currency and authority.amount >= need.amount


def choose_agent(
    agents: Sequence[Agent],
    loads: Mapping[str, int],
    last_contact: Contact | None,
    now: datetime,
    language: str,
    need: Money | None = None,
) -> tuple[Agent, bool] | None:
    """The named person: continuity first, otherwise the least loaded on duty.

    Only agents whose authority covers ``need`` (what an escalated complaint may cost)
    are considered while there are any. Returns the agent and whether it is the one
    who helped last time.
    """
    if not agents:
        return None
    able = [agent for agent in agents if covers(agent.authority, need)] or list(agents)
    speakers = [agent for agent in able if language in agent.languages] or able
    on_duty = [agent for agent in speakers if agent.on_duty]
    if last_contact is not None and now - last_contact.at <= CONTINUITY_WINDOW:
        for agent in on_duty:
            if agent.agent_id == last_contact.agent_id:
                return agent, True
    pool = on_duty or speakers
    chosen = min(pool, key=lambda agent: (loads.get(agent.agent_id, 0), agent.name))
    return chosen, False


def loads(queue: Iterable[QueuedCallback]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in queue:
        counts[item.agent_id] = counts.get(item.agent_id, 0) + 1
    return counts


def ahead_of(queue: Iterable[QueuedCallback], priority: Priority, due: datetime) -> int:
    """Open requests that will be called before one of ``priority`` due at ``due``."""
    return sum(
        1 for item in queue if (Priority(item.priority).rank, item.due_at) <= (priority.rank, due)
    )


def median_minutes(handled: Sequence[float], default: int) -> float:
    """The usual handling time of recent callbacks; ``default`` until there is history."""
    # Imported here: statistics brings fractions and random, a few ms of every cold
    # start, and only a booking needs it.
    import statistics

    return statistics.median(handled) if len(handled) >= 3 else float(default)


def wait_estimate(ahead: int, agents_on_duty: int, median: float) -> timedelta:
    """Each agent works through their share of the queue ahead, then calls.

    Rounded up to five minutes, which is how people say it ("about 15 minutes").
    """
    rounds = ahead // max(agents_on_duty, 1) + 1
    minutes = max(5, math.ceil(rounds * median / 5) * 5)
    return timedelta(minutes=minutes)


def last_digits(number: str, count: int = 2) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[-count:]


def normalise_phone(spoken: str | None) -> str | None:
    """AMAZON.PhoneNumber gives digits; anything shorter than a real number is refused."""
    if not spoken:
        return None
    digits = "".join(ch for ch in spoken if ch.isdigit())
    if not 7 <= len(digits) <= 15:
        return None
    return ("+" if spoken.strip().startswith("+") else "") + digits
