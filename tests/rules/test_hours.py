"""When a team can call: the union of its agents' hours across zones, and the customer's day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from skill.records.callbacks import Agent
from skill.rules.callbacks import Requested, schedule
from skill.rules.hours import TeamHours, ZonedHours, reachable, shift, team_hours
from skill.rules.service_hours import ServiceHours

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
WEEKDAYS_9_TO_5 = ServiceHours.parse("Mon-Fri 09:00-17:00")
DEFAULT_HOURS = ServiceHours.parse("Mon-Fri 08:00-20:00; Sat 09:00-14:00")
TEN_MINUTES = timedelta(minutes=10)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def agent(agent_id: str, languages: tuple[str, ...] = ("en",), **own: str) -> Agent:
    return Agent(
        agent_id=agent_id,
        name=agent_id.title(),
        first_name=agent_id.title(),
        direct_line="+1 800 555 0100",
        email=f"{agent_id}@example.com",
        languages=languages,
        **own,  # type: ignore[arg-type]
    )


# A team of two shifts: London and New York, nine to five each in their own zone.
LONDON_AND_NEW_YORK = TeamHours(
    (ZonedHours(WEEKDAYS_9_TO_5, LONDON), ZonedHours(WEEKDAYS_9_TO_5, NEW_YORK))
)


# The union of the agents' hours -----------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # November: London is UTC, New York UTC-5; together 09:00-22:00 UTC.
        (utc(11, 23, 8), utc(11, 23, 9)),  # Monday before London opens
        (utc(11, 23, 16, 30), utc(11, 23, 16, 30)),  # both working
        (utc(11, 23, 18), utc(11, 23, 18)),  # London gone, New York still there
        (utc(11, 23, 22, 30), utc(11, 24, 9)),  # both gone: London in the morning
        (utc(11, 27, 22, 30), utc(11, 30, 9)),  # Friday night: Monday
        # 16 March: New York already on summer time (UTC-4), London not yet (UTC).
        (utc(3, 16, 21, 30), utc(3, 17, 9)),  # New York closed at 21:00 UTC, not 22:00
        (utc(3, 16, 20, 30), utc(3, 16, 20, 30)),
        # 30 March: London on summer time too, opening at 08:00 UTC.
        (utc(3, 30, 7, 30), utc(3, 30, 8)),
    ],
)
def test_a_team_is_open_while_any_of_its_agents_works(moment: datetime, expected: datetime) -> None:
    assert LONDON_AND_NEW_YORK.earliest(moment) == expected
    assert LONDON_AND_NEW_YORK.is_open(moment) is (moment == expected)


def test_agents_build_the_team_of_their_language_each_in_their_own_zone() -> None:
    default = ZonedHours(DEFAULT_HOURS, BERLIN)
    agents = [
        agent("lena", ("de",), hours="Mon-Fri 07:00-12:00"),  # the team's zone: Berlin
        agent("jonas", ("de", "en"), time_zone="America/New_York"),  # default hours, in NY
        agent("james", ("en",), hours="Sun 10:00-16:00", time_zone="Europe/London"),
    ]
    team = team_hours(agents, "de", default)
    assert len(team.shifts) == 2  # James speaks no German
    # Monday 06:30 in Berlin: Lena starts at seven.
    assert team.earliest(utc(11, 23, 5, 30)) == utc(11, 23, 6)
    # Monday 23:00 in Berlin is 17:00 in New York: Jonas is still working.
    assert team.is_open(utc(11, 23, 22))
    # Sunday: nobody who speaks German works; Monday at seven in Berlin.
    assert team.earliest(utc(11, 29, 12)) == utc(11, 30, 6)


def test_a_language_nobody_speaks_is_served_by_everyone_and_no_agents_by_the_default() -> None:
    default = ZonedHours(DEFAULT_HOURS, NEW_YORK)
    james = agent("james", ("en",), hours="Sun 10:00-16:00", time_zone="Europe/London")
    assert team_hours([james], "fr", default).earliest(utc(11, 29, 9)) == utc(11, 29, 10)
    assert team_hours([], "en", default).earliest(utc(11, 29, 9)) == utc(11, 30, 13)


def test_hours_or_a_zone_that_cannot_be_read_count_as_not_given() -> None:
    default = ZonedHours(DEFAULT_HOURS, BERLIN)
    odd = agent("odd", hours="weekdays nine to five", time_zone="Mars/Olympus_Mons")
    assert shift(odd, default) == default
    assert shift(replace(odd, time_zone="Europe/London"), default) == ZonedHours(
        DEFAULT_HOURS, LONDON
    )


# The nights the clocks change -------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Berlin springs forward on Sunday 29 March, 02:00 -> 03:00; asked at 01:30 CET.
        (utc(3, 29, 0, 30), utc(3, 30, 6)),  # Monday 08:00 CEST
        # Berlin falls back on Sunday 25 October, 03:00 -> 02:00; asked at 02:30 CEST.
        (utc(10, 25, 0, 30), utc(10, 26, 7)),  # Monday 08:00 CET
        # Saturday 24 October, 13:30 CEST: still within Saturday's hours.
        (utc(10, 24, 11, 30), utc(10, 24, 11, 30)),
    ],
)
def test_the_next_opening_across_the_nights_the_clocks_change(
    moment: datetime, expected: datetime
) -> None:
    team = TeamHours((ZonedHours(DEFAULT_HOURS, BERLIN),))
    assert team.earliest(moment) == expected
    assert reachable(team, BERLIN).earliest(moment) == expected


def test_the_hour_that_happens_twice_is_told_apart() -> None:
    # A night shift until 02:45 on the Sunday Berlin falls back: 02:45 comes first in
    # summer time (00:45 UTC); 02:30 in winter time (01:30 UTC) is after it, not before.
    night = ZonedHours(ServiceHours.parse("Sun 00:00-02:45"), BERLIN)
    assert night.earliest(utc(10, 25, 0, 30)) == utc(10, 25, 0, 30)
    assert night.earliest(utc(10, 25, 1, 30)) == utc(10, 31, 23)  # next Sunday, 00:00 CET


# The customer's day -----------------------------------------------------------------


def test_a_customer_is_not_called_at_night_while_the_team_is_working() -> None:
    new_york = TeamHours((ZonedHours(DEFAULT_HOURS, NEW_YORK),))
    # Monday 18:30 in New York is 00:30 in Berlin: the team opens again at 08:00 New
    # York time, 14:00 in Berlin, the first hour both are awake.
    assert new_york.is_open(utc(11, 23, 23, 30))
    assert reachable(new_york, BERLIN).earliest(utc(11, 23, 23, 30)) == utc(11, 24, 13)
    # Monday 06:00 in Los Angeles (09:00 in New York): at eight, Los Angeles time.
    assert reachable(new_york, LOS_ANGELES).earliest(utc(11, 23, 14)) == utc(11, 23, 16)
    # In the customer's own zone nothing changes.
    assert reachable(new_york, NEW_YORK).earliest(utc(11, 23, 15)) == utc(11, 23, 15)


def test_a_team_that_only_works_while_the_customer_sleeps_still_gets_a_time() -> None:
    night = TeamHours((ZonedHours(ServiceHours.parse("Mon-Fri 01:00-05:00"), BERLIN),))
    assert reachable(night, BERLIN).earliest(utc(11, 23, 12)) == utc(11, 24, 0)


# Scheduling with the team's hours ----------------------------------------------------


def test_asked_at_night_the_call_is_the_next_opening_not_ten_minutes() -> None:
    berlin = reachable(TeamHours((ZonedHours(DEFAULT_HOURS, BERLIN),)), BERLIN)
    # Tuesday 01:30 in Berlin.
    result = schedule(utc(11, 24, 0, 30), Requested(), TEN_MINUTES, berlin, BERLIN)
    assert result.at == utc(11, 24, 7)  # 08:00 in Berlin
    assert result.moved
    assert result.asap


def test_tomorrow_at_ten_in_berlin_is_ten_in_berlin_with_a_berlin_team() -> None:
    berlin = reachable(TeamHours((ZonedHours(DEFAULT_HOURS, BERLIN),)), BERLIN)
    wish = Requested.from_slots("2026-11-24", "10:00")
    result = schedule(utc(11, 23, 15), wish, TEN_MINUTES, berlin, BERLIN)
    assert result.at == utc(11, 24, 9)  # 10:00 in Berlin
    assert not result.moved
