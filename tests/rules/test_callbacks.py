"""Who calls, when, and how long the wait is: the pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from skill.records import Contact, Money
from skill.records.callbacks import Agent, QueuedCallback
from skill.rules.callbacks import (
    Priority,
    Requested,
    ahead_of,
    choose_agent,
    last_digits,
    loads,
    median_minutes,
    normalise_phone,
    priority_for,
    read_duration,
    schedule,
    wait_estimate,
)
from skill.rules.hours import ZonedHours
from skill.rules.service_hours import ServiceHours, ServiceHoursError

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
HOURS = ServiceHours.parse("Mon-Fri 08:00-20:00; Sat 09:00-14:00")
# A team in New York (the team of several zones is tests/rules/test_hours.py).
NY_TEAM = ZonedHours(HOURS, NEW_YORK)
# Monday 23 November 2026, 10:00 in New York.
MONDAY_MORNING = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TEN_MINUTES = timedelta(minutes=10)


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


def agent(agent_id: str, *, on_duty: bool = True, languages: tuple[str, ...] = ("en",)) -> Agent:
    return Agent(
        agent_id=agent_id,
        name=agent_id.title(),
        first_name=agent_id.title(),
        direct_line="+1 800 555 0100",
        email=f"{agent_id}@example.com",
        languages=languages,
        authority=Money(Decimal("100"), "USD"),
        on_duty=on_duty,
    )


# Service hours -------------------------------------------------------------------


def test_service_hours_parse_ranges_and_single_days() -> None:
    assert HOURS.days[0] == (time(8), time(20))
    assert HOURS.days[4] == (time(8), time(20))
    assert HOURS.days[5] == (time(9), time(14))
    assert 6 not in HOURS.days


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no opening hours"),
        ("Mon-Fri 8-20", "cannot read"),
        ("Mon-Fry 08:00-20:00", "unknown weekday"),
        ("Mon 20:00-08:00", "closing before opening"),
        ("Mon 08:00-25:00", "invalid time"),
        ("Funday 08:00-20:00", "cannot read"),
    ],
)
def test_service_hours_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ServiceHoursError, match=message):
        ServiceHours.parse(text)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ny(23, 10), ny(23, 10)),  # Monday morning: now
        (ny(23, 6), ny(23, 8)),  # before opening: at eight
        (ny(23, 21), ny(24, 8)),  # after closing: tomorrow at eight
        (ny(27, 20, 30), ny(28, 9)),  # Friday night: Saturday at nine
        (ny(28, 15), ny(30, 8)),  # Saturday afternoon: Monday
        (ny(29, 12), ny(30, 8)),  # Sunday: Monday
    ],
)
def test_earliest_opening(moment: datetime, expected: datetime) -> None:
    assert HOURS.earliest(moment, NEW_YORK) == expected


# Scheduling ----------------------------------------------------------------------


def test_asap_within_hours_is_now_plus_the_wait() -> None:
    result = schedule(MONDAY_MORNING, Requested(), TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == MONDAY_MORNING + TEN_MINUTES
    assert result.asap
    assert not result.moved


def test_asap_after_hours_moves_to_the_next_opening() -> None:
    evening = ny(23, 19, 55)
    result = schedule(evening, Requested(), TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(24, 8)
    assert result.moved


def test_tomorrow_at_ten_in_the_customers_zone() -> None:
    wish = Requested.from_slots("2026-11-24", "10:00")
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(24, 10)
    assert not result.asap
    assert not result.moved


def test_a_time_already_past_today_means_tomorrow() -> None:
    wish = Requested.from_slots(None, "09:00")  # said at 10:00
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(24, 9)


def test_across_time_zones_the_customers_morning_is_before_the_teams_opening() -> None:
    # 10:00 in Berlin is 04:00 in New York: the team starts at 08:00 (14:00 in Berlin).
    wish = Requested.from_slots("2026-11-24", "10:00")
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, BERLIN)
    assert result.at == ny(24, 8)
    assert result.at.astimezone(BERLIN).hour == 14
    assert result.moved


def test_after_five_pm_is_kept_within_hours() -> None:
    wish = Requested.from_slots(None, "17:00")
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(23, 17)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("04:00", ny(23, 16)),  # "at four", said at ten in the morning
        ("04:30", ny(23, 16, 30)),  # "half past four"
        ("01:00", ny(23, 13)),
        ("07:00", ny(23, 19)),
        ("08:00", ny(24, 8)),  # within hours in the morning: tomorrow morning, as said
        ("11:00", ny(23, 11)),
    ],
)
def test_one_to_seven_oclock_means_the_afternoon_when_the_team_works_then(
    at: str, expected: datetime
) -> None:
    result = schedule(
        MONDAY_MORNING, Requested.from_slots(None, at), TEN_MINUTES, NY_TEAM, NEW_YORK
    )
    assert result.at == expected
    assert not result.moved


def test_an_afternoon_already_past_today_is_tomorrows() -> None:
    evening = ny(23, 18)
    result = schedule(evening, Requested.from_slots(None, "04:00"), TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(24, 16)


def test_seven_on_saturday_afternoon_is_closed_so_the_morning_counts() -> None:
    # Saturday closes at 14:00: "at seven" cannot be 19:00, so it is 07:00, moved to 09:00.
    wish = Requested.from_slots("2026-11-28", "07:00")
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(28, 9)
    assert result.moved


def test_in_an_hour_is_from_now() -> None:
    wish = Requested.from_slots(None, None, "PT1H")
    assert not wish.asap
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(23, 11)
    assert not result.moved


def test_a_duration_past_closing_moves_to_the_next_opening() -> None:
    wish = Requested.from_slots(None, None, "PT12H")
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(24, 8)
    assert result.moved


def test_a_duration_shorter_than_the_wait_is_the_wait() -> None:
    wish = Requested.from_slots(None, None, "PT1M")
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == MONDAY_MORNING + TEN_MINUTES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PT1H", timedelta(hours=1)),
        ("PT2H", timedelta(hours=2)),
        ("PT30M", timedelta(minutes=30)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("P1D", timedelta(days=1)),
        ("pt2h", timedelta(hours=2)),
        ("PT0M", None),
        ("P1W", None),  # weeks: not a call back's horizon
        ("an hour", None),
        ("", None),
        (None, None),
    ],
)
def test_read_duration(value: str | None, expected: timedelta | None) -> None:
    assert read_duration(value) == expected


def test_a_named_day_without_time_is_that_days_opening_and_not_a_move() -> None:
    wish = Requested.from_slots("2026-11-28", None)  # Saturday
    result = schedule(MONDAY_MORNING, wish, TEN_MINUTES, NY_TEAM, NEW_YORK)
    assert result.at == ny(28, 9)
    assert not result.moved


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        ("2026-11-24", "10:00", Requested(date(2026, 11, 24), time(10))),
        (None, "EV", Requested(None, time(18))),
        (None, "MO", Requested(None, time(9))),
        ("2026-W48", None, Requested(date(2026, 11, 23), None)),  # "this week": its Monday
        ("2026-11-XX", None, Requested()),
        ("2026-11-24", "noonish", Requested(date(2026, 11, 24), None)),
        (None, "9:30", Requested(None, time(9, 30))),
    ],
)
def test_requested_from_alexa_slot_values(
    day: str | None, at: str | None, expected: Requested
) -> None:
    assert Requested.from_slots(day, at) == expected


# Priority, agents, queue ---------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "asked", "delayed", "repeat", "expected"),
    [
        ("complaint_escalated", "normal", False, False, Priority.URGENT),
        ("verification_locked", "high", False, False, Priority.HIGH),
        ("asked", "normal", True, False, Priority.HIGH),
        ("asked", "normal", False, True, Priority.HIGH),
        ("asked", "normal", False, False, Priority.NORMAL),
        ("misunderstood", "normal", False, False, Priority.NORMAL),
        ("remedy_declined", "normal", False, False, Priority.HIGH),
    ],
)
def test_priority_from_the_reason(
    reason: str, asked: str, delayed: bool, repeat: bool, expected: Priority
) -> None:
    assert (
        priority_for(reason, asked_priority=asked, delayed_order=delayed, repeat_contact=repeat)
        is expected
    )


TEAM = [agent("maria"), agent("james"), agent("priya", on_duty=False)]


def test_continuity_the_agent_who_helped_within_30_days() -> None:
    last = Contact("maria", MONDAY_MORNING - timedelta(days=29))
    chosen = choose_agent(TEAM, {"maria": 5}, last, MONDAY_MORNING, "en")
    assert chosen == (TEAM[0], True)


def test_no_continuity_after_30_days_least_loaded_instead() -> None:
    last = Contact("maria", MONDAY_MORNING - timedelta(days=31))
    chosen = choose_agent(TEAM, {"james": 2}, last, MONDAY_MORNING, "en")
    assert chosen == (TEAM[0], False)


def test_no_continuity_with_an_agent_off_duty() -> None:
    last = Contact("priya", MONDAY_MORNING - timedelta(days=1))
    chosen = choose_agent(TEAM, {"maria": 1}, last, MONDAY_MORNING, "en")
    assert chosen == (TEAM[1], False)


def test_agents_who_speak_the_customers_language_first() -> None:
    team = [agent("james"), agent("jonas", languages=("de", "en"))]
    chosen = choose_agent(team, {"jonas": 3}, None, MONDAY_MORNING, "de")
    assert chosen is not None and chosen[0].agent_id == "jonas"


def test_an_escalated_complaint_goes_to_someone_allowed_to_grant_it() -> None:
    senior = Agent(
        agent_id="maria",
        name="Maria",
        first_name="Maria",
        direct_line="+1 800 555 0100",
        email="maria@example.com",
        authority=Money(Decimal("250"), "USD"),
    )
    team = [agent("james"), senior]
    need = Money(Decimal("119.95"), "USD")
    # James has less to do, but may only grant 100 dollars.
    assert choose_agent(team, {"maria": 3}, None, MONDAY_MORNING, "en", need) == (senior, False)
    # Continuity gives way to authority too.
    last = Contact("james", MONDAY_MORNING - timedelta(days=2))
    assert choose_agent(team, {}, last, MONDAY_MORNING, "en", need) == (senior, False)
    # Nobody allowed: still a named person rather than none.
    too_much = Money(Decimal("5000"), "USD")
    chosen = choose_agent(team, {"maria": 3}, None, MONDAY_MORNING, "en", too_much)
    assert chosen is not None and chosen[0].agent_id == "james"


def test_nobody_on_duty_still_names_someone_and_no_team_names_nobody() -> None:
    off = [agent("priya", on_duty=False)]
    assert choose_agent(off, {}, None, MONDAY_MORNING, "en") == (off[0], False)
    assert choose_agent([], {}, None, MONDAY_MORNING, "en") is None


def queued(
    callback_id: str, priority: Priority, minutes: int, agent_id: str = "maria"
) -> QueuedCallback:
    return QueuedCallback(
        callback_id, priority.value, MONDAY_MORNING + timedelta(minutes=minutes), agent_id
    )


def test_ahead_follows_the_queue_order_priority_then_due_time() -> None:
    queue = [
        queued("a", Priority.URGENT, 50),
        queued("b", Priority.HIGH, 5),
        queued("c", Priority.NORMAL, 1),
        queued("d", Priority.HIGH, 90),
    ]
    due = MONDAY_MORNING + timedelta(minutes=30)
    assert ahead_of(queue, Priority.HIGH, due) == 2  # the urgent one and b
    assert ahead_of(queue, Priority.URGENT, due) == 0
    assert ahead_of(queue, Priority.NORMAL, due) == 4  # every higher priority, and c
    assert loads(queue) == {"maria": 4}


@pytest.mark.parametrize(
    ("ahead", "agents", "median", "minutes"),
    [
        (0, 2, 10.0, 10),
        (1, 2, 10.0, 10),
        (2, 2, 10.0, 20),
        (5, 2, 12.0, 40),  # three rounds of 12 minutes, rounded up to five
        (3, 0, 10.0, 40),  # nobody on duty counts as one
        (0, 3, 2.0, 5),  # never less than five minutes
    ],
)
def test_wait_estimate(ahead: int, agents: int, median: float, minutes: int) -> None:
    assert wait_estimate(ahead, agents, median) == timedelta(minutes=minutes)


def test_median_handling_time_uses_the_default_until_there_is_history() -> None:
    assert median_minutes([], 10) == 10.0
    assert median_minutes([4.0, 30.0], 10) == 10.0
    assert median_minutes([4.0, 30.0, 8.0, 6.0], 10) == 7.0


@pytest.mark.parametrize(
    ("spoken", "expected"),
    [
        ("2125550142", "2125550142"),
        ("+49 151 2345 6789", "+4915123456789"),
        ("555 12", None),
        ("", None),
        (None, None),
        ("1" * 16, None),
    ],
)
def test_normalise_phone(spoken: str | None, expected: str | None) -> None:
    assert normalise_phone(spoken) == expected


def test_last_digits_ignore_formatting() -> None:
    assert last_digits("+1 212 555 0142") == "42"
    assert last_digits("") == ""
