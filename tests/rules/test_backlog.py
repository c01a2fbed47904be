"""The callbacks open at the end of each day, worked back from the queue now and the
callbacks closed since."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from skill.rules.backlog import Closed, day_ends, open_at, open_at_day_ends

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday, 10:00 in New York
NEW_YORK = "America/New_York"


def at(day: int, hour: int) -> datetime:
    """A time in November 2026, in UTC."""
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def test_each_kind_of_callback_counts_only_while_it_was_open() -> None:
    moment = at(21, 12)
    open_now = [at(20, 9), at(22, 9)]  # one before the moment, one after
    closed = [
        Closed(at(20, 9), at(22, 9)),  # open across the moment: counts
        Closed(at(21, 13), at(22, 9)),  # requested after it
        Closed(at(19, 9), at(20, 9)),  # closed before it
        Closed(at(21, 8), at(21, 12)),  # closed at that very moment: no longer open
    ]
    assert open_at(moment, open_now, closed) == 2


def test_it_is_the_queue_now_plus_closed_since_minus_requested_since() -> None:
    open_now = [at(16, 9), at(19, 9), at(22, 20), at(23, 14)]
    closed = [
        Closed(at(15, 9), at(18, 10)),
        Closed(at(17, 9), at(21, 10)),
        Closed(at(19, 9), at(19, 11)),
        Closed(at(20, 9), at(23, 9)),
        Closed(at(22, 9), at(22, 12)),
    ]
    for moment in (at(day, 23) for day in range(15, 24)):
        closed_since = sum(1 for c in closed if c.closed_at > moment)
        requested_since = sum(1 for r in open_now if r > moment) + sum(
            1 for c in closed if c.requested_at > moment
        )
        expected = len(open_now) + closed_since - requested_since
        assert open_at(moment, open_now, closed) == expected, moment


def test_the_days_end_at_midnight_in_the_teams_zone() -> None:
    ends = day_ends(date(2026, 11, 23), 7, NEW_YORK)
    assert [d for d, _ in ends] == [date(2026, 11, day) for day in range(17, 24)]
    assert ends[-1][1] == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # midnight EST
    assert ends[0][1] == datetime(2026, 11, 18, 5, 0, tzinfo=UTC)


def test_a_day_with_the_clock_change_ends_at_its_own_midnight() -> None:
    # Clocks went back on Sunday 1 November 2026 in New York: a day of 25 hours.
    [(_, saturday), (_, sunday)] = day_ends(date(2026, 11, 1), 2, NEW_YORK)
    assert saturday == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # midnight EDT
    assert sunday == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)  # midnight EST
    assert sunday - saturday == timedelta(hours=25)


def test_the_last_seven_days_in_new_york() -> None:
    # Booked on Thursday evening in New York (Friday in UTC), resolved on Saturday.
    thursday_evening = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    closed = [Closed(thursday_evening, at(21, 16))]
    open_now = [at(18, 14), at(23, 14)]  # Wednesday morning; this morning
    figures = dict(open_at_day_ends(NOW.date(), 7, NEW_YORK, open_now, closed))
    assert figures == {
        date(2026, 11, 17): 0,
        date(2026, 11, 18): 1,
        date(2026, 11, 19): 2,  # Thursday's booking counts on Thursday, its own day there
        date(2026, 11, 20): 2,
        date(2026, 11, 21): 1,
        date(2026, 11, 22): 1,
        date(2026, 11, 23): 2,  # today: the queue now
    }


def test_an_empty_week_is_all_zero() -> None:
    assert [n for _, n in open_at_day_ends(NOW.date(), 7, "UTC", [], [])] == [0] * 7
