"""Time as a collaborator: rules take ``now`` as data, handlers get it from a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, always timezone-aware UTC."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always answers ``moment`` (tests and the benchmark)."""
    if moment.tzinfo is None:
        raise ValueError("a clock answers timezone-aware times")
    return lambda: moment
