"""Booking, moving and retrying a call back with the hours of the customer's language team.

Against the embedded DynamoDB with the demo team: Maria and Jonas speak German, everyone
speaks English, nobody has hours of their own unless a test gives them some.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from skill.config import Settings
from skill.devtools.demo.data import JONAS
from skill.records.callbacks import Callback
from skill.rules.callbacks import Requested
from skill.storage import Stores
from skill.usecases.callback_booking import Booking, CallbackRequest, request_callback
from skill.usecases.callback_changes import reschedule
from skill.usecases.callback_work import retry_time


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


ASAP = Requested()


def guest(locale: str, time_zone: str, requested: Requested = ASAP) -> CallbackRequest:
    return CallbackRequest(
        request_id=f"amzn1.echo-api.request.{locale}.{time_zone}",
        owner=f"alexa:guest-{locale}",
        locale=locale,
        language=locale.split("-")[0],
        time_zone=time_zone,
        channel="phone",
        requested=requested,
        caller=f"amzn1.ask.account.GUEST-{locale}",
        phone="+49 151 23456733",
    )


def book(stores: Stores, settings: Settings, request: CallbackRequest, now: datetime) -> Booking:
    booking = request_callback(stores, settings, request, now)
    assert isinstance(booking, Booking)
    stored = stores.callbacks.get(booking.callback.callback_id)
    assert stored == booking.callback  # what the customer hears is what is stored
    return booking


def test_at_half_past_one_in_berlin_the_call_is_at_the_berlin_teams_opening(
    demo_stores: Stores, settings: Settings
) -> None:
    # Tuesday 01:30 in Berlin, still Monday 19:30 in New York.
    booking = book(demo_stores, settings, guest("de-DE", "Europe/Berlin"), utc(24, 0, 30))
    assert booking.schedule.moved
    assert booking.callback.due_at == utc(24, 7)  # 08:00 in Berlin, kept in UTC
    assert booking.callback.time_zone == "Europe/Berlin"
    assert booking.agent.agent_id in {"a-maria", "a-jonas"}


def test_tomorrow_at_ten_in_berlin_stays_ten_in_berlin(
    demo_stores: Stores, settings: Settings
) -> None:
    wish = Requested.from_slots("2026-11-24", "10:00")
    booking = book(demo_stores, settings, guest("de-DE", "Europe/Berlin", wish), utc(23, 15))
    assert not booking.schedule.moved
    assert booking.callback.due_at == utc(24, 9)


def test_an_english_customer_in_berlin_is_not_called_at_night_by_new_york(
    demo_stores: Stores, settings: Settings
) -> None:
    # Monday 18:30 in New York, the team is working; 00:30 in Berlin, where the device is.
    booking = book(demo_stores, settings, guest("en-US", "Europe/Berlin"), utc(23, 23, 30))
    assert booking.schedule.moved
    assert booking.callback.due_at == utc(24, 13)  # 08:00 in New York, 14:00 in Berlin


def test_an_agent_with_later_hours_keeps_the_german_team_open(
    demo_stores: Stores, settings: Settings
) -> None:
    # Monday 20:30 in Berlin: Maria's default hours are over, Jonas works New York hours.
    request = guest("de-DE", "Europe/Berlin")
    closed = request_callback(demo_stores, settings, request, utc(23, 19, 30))
    assert isinstance(closed, Booking) and closed.schedule.moved
    demo_stores.callbacks.cancel(closed.callback, utc(23, 19, 31), [], [])

    demo_stores.team.put_agent(
        replace(JONAS, hours="Mon-Fri 09:00-17:00", time_zone="America/New_York")
    )
    again = replace(request, request_id="amzn1.echo-api.request.again")
    booking = book(demo_stores, settings, again, utc(23, 19, 32))
    assert not booking.schedule.moved
    assert booking.callback.due_at < utc(23, 20)  # within minutes, before 21:00 in Berlin


def test_a_move_by_voice_and_a_retry_use_the_callbacks_team_and_zone(
    demo_stores: Stores, settings: Settings
) -> None:
    booking = book(demo_stores, settings, guest("en-GB", "Europe/London"), utc(23, 15))
    callback: Callback = booking.callback
    # "Tonight at eleven" in London: the London team opens again at eight. (Not "at
    # seven": AMAZON.TIME gives 07:00 for it, which is 7 pm while the team works.)
    wish = Requested.from_slots("2026-11-23", "23:00")
    move = reschedule(demo_stores, settings, callback, wish, utc(23, 15, 5), caller="someone")
    assert move.schedule.moved
    assert move.callback.due_at == utc(24, 8)
    # No answer at 19:45 in London: not at 20:15, the next morning at eight.
    team = demo_stores.team.get().agents
    assert retry_time(utc(23, 19, 45), settings, move.callback, team) == utc(24, 8)
