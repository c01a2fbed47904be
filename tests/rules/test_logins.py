"""Console sign-in: windows of attempts, the pause after five, a session's lifetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from skill.rules.logins import (
    Attempts,
    activity_to_record,
    checked,
    locked_until,
    opens_window,
    pause_end,
    pauses,
    session_over,
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


def test_a_session_ends_after_twelve_hours_or_thirty_idle_minutes() -> None:
    assert not session_over(T0, at(29), at(58.9))
    assert session_over(T0, at(29), at(59))  # idle from 29 to 59
    active = at(12 * 60 - 1)
    assert not session_over(T0, active, at(12 * 60 - 0.5))
    assert session_over(T0, active, at(12 * 60))  # however active


def test_an_action_is_recorded_at_most_once_a_minute() -> None:
    assert not activity_to_record(T0, at(0.5))
    assert activity_to_record(T0, at(1))
