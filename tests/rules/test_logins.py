"""Console sign-in: windows of attempts, the pause after five."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from skill.rules.logins import (
    Attempts,
    checked,
    locked_until,
    opens_window,
    pause_end,
    pauses,
)

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_first_attempt_opens_a_window_of_fifteen_minutes() -> None:
    assert opens_window(Attempts(), T0)
    window = Attempts(count=3, since=T0)
    assert not opens_window(window, at(14.9))
    assert opens_window(window, at(15))


def test_the_fifth_attempt_pauses_for_fifteen_minutes_and_only_five_are_checked() -> None:
    assert [pauses(n) for n in range(1, 7)] == [False] * 4 + [True] * 2
    assert [checked(n) for n in range(0, 7)] == [False] + [True] * 5 + [False]
    assert pause_end(at(14)) == at(29)


def test_a_pause_holds_past_its_window_and_then_a_new_window_opens() -> None:
    paused = Attempts(count=9, since=T0, paused_until=at(29))
    assert locked_until(paused, at(20)) == at(29)
    assert not opens_window(paused, at(20))  # still counted in the paused window
    assert locked_until(paused, at(29)) is None
    assert opens_window(paused, at(29))
    assert locked_until(Attempts(count=4, since=T0), at(1)) is None
