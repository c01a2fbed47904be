"""Dates relative to the customer's day: kinds of relative days and the local calendar day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from skill.rules.dates import DayKind, local_today, relative_day, zone

TODAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("offset", "kind"),
    [
        (-7, DayKind.DATE),
        (-6, DayKind.WEEKDAY),
        (-5, DayKind.WEEKDAY),
        (-4, DayKind.WEEKDAY),
        (-3, DayKind.WEEKDAY),
        (-2, DayKind.WEEKDAY),
        (-1, DayKind.YESTERDAY),
        (0, DayKind.TODAY),
        (1, DayKind.TOMORROW),
        (2, DayKind.WEEKDAY),
        (3, DayKind.WEEKDAY),
        (4, DayKind.WEEKDAY),
        (5, DayKind.WEEKDAY),
        (6, DayKind.WEEKDAY),
        (7, DayKind.DATE),
    ],
)
def test_relative_day_kind_by_offset(offset: int, kind: DayKind) -> None:
    day = TODAY + timedelta(days=offset)

    relative = relative_day(day, TODAY)

    assert relative.offset == offset
    assert relative.date == day
    assert relative.kind is kind


@pytest.mark.parametrize(
    ("day", "weekday"),
    [
        (date(2026, 11, 23), 0),  # Monday
        (date(2026, 11, 27), 4),  # Friday
        (date(2026, 11, 29), 6),  # Sunday
        (date(2026, 11, 20), 4),  # the Friday before
    ],
)
def test_relative_day_weekday_is_that_of_the_date(day: date, weekday: int) -> None:
    assert relative_day(day, TODAY).weekday == weekday


def test_relative_day_counts_across_month_and_year_ends() -> None:
    new_year = relative_day(date(2027, 1, 1), date(2026, 12, 31))
    last_year = relative_day(date(2026, 12, 31), date(2027, 1, 1))

    assert (new_year.offset, new_year.kind) == (1, DayKind.TOMORROW)
    assert (last_year.offset, last_year.kind) == (-1, DayKind.YESTERDAY)


@pytest.mark.parametrize(
    ("now", "time_zone", "expected"),
    [
        # 02:00 UTC: still the evening before in New York, already morning in Berlin.
        (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "America/New_York", date(2026, 11, 23)),
        (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 11, 24)),
        (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "UTC", date(2026, 11, 24)),
        (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "America/Los_Angeles", date(2026, 11, 23)),
        # 23:30 UTC: the next day already in Berlin, and in London it is still the same day.
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 11, 24)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "Europe/London", date(2026, 11, 23)),
        # An aware datetime in another zone is converted, not read as is.
        (
            datetime(2026, 11, 23, 20, 0, tzinfo=ZoneInfo("America/New_York")),
            "Europe/Berlin",
            date(2026, 11, 24),
        ),
    ],
)
def test_local_today_is_the_customers_calendar_day(
    now: datetime, time_zone: str, expected: date
) -> None:
    assert local_today(now, time_zone) == expected


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "Europe/"])
def test_local_today_unknown_zone_falls_back_to_utc(time_zone: str) -> None:
    # 23:30 UTC on the 23rd: UTC says the 23rd, where Berlin would already say the 24th.
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    # 02:00 UTC on the 24th: UTC says the 24th, where New York would still say the 23rd.
    early = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)

    assert local_today(late, time_zone) == date(2026, 11, 23)
    assert local_today(early, time_zone) == date(2026, 11, 24)
    assert zone(time_zone) == ZoneInfo("UTC")


def test_zone_returns_the_named_zone() -> None:
    assert zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
