"""Console sign-in lockout: five failed attempts inside 15 minutes pause the login.

fail x5 within 15 min
|----------------------|=========== locked for 15 min ===========|
first                  fifth                                   fifth + 15 min
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
MAX_FAILURES = 5


def locked_until(failures: Iterable[datetime], now: datetime) -> datetime | None:
    """When the login opens again, or None if a sign-in may be tried at ``now``."""
    times = sorted(failures)
    until: datetime | None = None
    for first, last in zip(times, times[MAX_FAILURES - 1 :], strict=False):
        if last - first <= WINDOW and last + LOCK > now:
            until = max(until or last + LOCK, last + LOCK)
    return until


def still_relevant(failures: Iterable[datetime], now: datetime) -> list[datetime]:
    """The failures that can still cause or extend a lock; older ones are dropped."""
    return sorted(moment for moment in failures if now - moment < WINDOW + LOCK)
