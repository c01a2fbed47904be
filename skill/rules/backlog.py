"""How many callbacks were open at the end of each of the last days, worked back from
what is stored: the queue now and the callbacks closed since.

A callback was open at a moment T when it had been requested by T and was not closed
by T. The ones still open now count when requested by T; a closed one counts when
requested by T and closed after it. Summed, that is the open queue now, plus the
callbacks closed since T, minus the ones requested since T::

    requested ──────── T ──────── closed ──── now     open at T (closed since)
    requested ──────── T ─────────────────── now      open at T (still open)
           T ── requested ──── closed ────── now      not yet at T
    requested ── closed ── T ─────────────── now      no longer at T

Only the closes the caller knows of count: a callback closed unseen (cancelled by its
customer, which the audit trail does not record) is missing from the days before it
closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from skill.rules.dates import zone


@dataclass(frozen=True)
class Closed:
    """A callback closed: when it was requested, and when it was closed."""

    requested_at: datetime
    closed_at: datetime


def day_ends(today: date, days: int, time_zone: str) -> list[tuple[date, datetime]]:
    """The last ``days`` days up to ``today``, oldest first, each with the midnight that
    ends it in ``time_zone`` (a day of a clock change is 23 or 25 hours long), in UTC:
    moments in one zone compare by their wall clocks, not as instants."""
    local = zone(time_zone)
    wanted = [today - timedelta(days=back) for back in range(days - 1, -1, -1)]
    return [
        (d, datetime.combine(d + timedelta(days=1), time.min, tzinfo=local).astimezone(UTC))
        for d in wanted
    ]


def open_at(moment: datetime, open_now: Sequence[datetime], closed: Sequence[Closed]) -> int:
    """How many callbacks were open at ``moment``: ``open_now``, the request times of the
    callbacks open now; ``closed``, the callbacks closed since ``moment`` or later.

    A moment after now counts the queue as it is now.
    """
    still_open = sum(1 for requested in open_now if requested <= moment)
    closed_since = sum(1 for c in closed if c.requested_at <= moment < c.closed_at)
    return still_open + closed_since


def open_at_day_ends(
    today: date,
    days: int,
    time_zone: str,
    open_now: Sequence[datetime],
    closed: Sequence[Closed],
) -> list[tuple[date, int]]:
    """Each of the last ``days`` days with the callbacks open when it ended (today's:
    open now, as nothing has closed after now)."""
    return [(d, open_at(end, open_now, closed)) for d, end in day_ends(today, days, time_zone)]
