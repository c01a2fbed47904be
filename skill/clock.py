"""Time as a collaborator: rules take ``now`` as data, handlers get it from a clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, always timezone-aware UTC."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always answers ``moment`` (tests and the benchmark)."""
    if moment.tzinfo is None:
        raise ValueError("a clock answers timezone-aware times")
    return lambda: moment


def clock_from(moment: datetime) -> Clock:
    """A clock that starts at ``moment`` and runs on at the machine's pace.

    The live-server tests start the demo with it (``serve --demo --clock``), so that the
    service hours, relative days and lockouts they meet do not depend on when they run.
    """
    if moment.tzinfo is None:
        raise ValueError("a clock answers timezone-aware times")
    started = time.monotonic()
    return lambda: moment + timedelta(seconds=time.monotonic() - started)
