"""Console sign-in lockout: five failures inside 15 minutes pause the login 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from skill.rules.logins import locked_until, still_relevant

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def minutes(*offsets: int) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in offsets]


def test_five_failures_in_the_window_lock_until_fifteen_minutes_after_the_fifth() -> None:
    failures = minutes(0, 1, 2, 3, 14)
    assert locked_until(failures, T0 + timedelta(minutes=14)) == T0 + timedelta(minutes=29)
    assert locked_until(failures, T0 + timedelta(minutes=28)) == T0 + timedelta(minutes=29)
    assert locked_until(failures, T0 + timedelta(minutes=29)) is None


def test_four_failures_or_five_spread_out_do_not_lock() -> None:
    assert locked_until(minutes(0, 1, 2, 3), T0 + timedelta(minutes=4)) is None
    assert locked_until(minutes(0, 4, 8, 12, 16), T0 + timedelta(minutes=16)) is None


def test_old_failures_are_dropped_before_storing() -> None:
    failures = minutes(0, 20, 31)
    assert still_relevant(failures, T0 + timedelta(minutes=31)) == minutes(20, 31)
