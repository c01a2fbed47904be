"""The daily counters against a real DynamoDB-compatible server: counted with the
change, full means nothing written, and threads at once never get past the limit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import TypeVar

import pytest

from skill.config import Settings
from skill.rules.callbacks import Requested
from skill.rules.limits import Act, Subject, Tally
from skill.storage import Stores
from skill.storage.callbacks import CallbackChanged
from skill.storage.client import dynamodb_client
from skill.storage.limits import LimitReached
from skill.usecases.callback_booking import Booking, CallbackRequest, request_callback
from skill.usecases.callback_changes import Move, reschedule
from skill.usecases.callback_limits import LimitRefused, NoText
from tests.conftest import MOMENT
from tests.storage.servers import transactional
from tests.storage.test_callbacks import event, make_callback
from tests.stored import items, outbox

DAY = date(2026, 11, 23)
NUMBER = "+1 212 555 0187"
T = TypeVar("T")


def at_once(count: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """``work(0)`` … ``work(count - 1)`` in threads released together."""
    start = threading.Barrier(count)
    results: list[T | BaseException] = []

    def run(number: int) -> None:
        start.wait()
        try:
            results.append(work(number))
        except BaseException as error:  # collected, asserted by the test
            results.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def patient(demo_stores: Stores, settings: Settings) -> Stores:
    """The demo's table on a client that waits for its answer: the embedded server
    answers one request at a time, so ten transactions at once queue up for seconds,
    longer than a voice turn's one-second timeout. What is tested is the count."""
    waits = settings.with_changes(dynamodb_read_timeout=60.0)
    return Stores(dynamodb_client(waits, local=True), settings.table_name)


def guest_request(number: int, phone: str = NUMBER) -> CallbackRequest:
    return CallbackRequest(
        request_id=f"amzn1.echo-api.request.{number}",
        owner=f"alexa:guest-{number}",
        locale="en-US",
        language="en",
        time_zone="America/New_York",
        channel="sms",
        requested=Requested(),
        caller=f"amzn1.ask.account.GUEST{number}",
        phone=phone,
    )


def counters(stores: Stores) -> dict[str, int]:
    """What the day's counters hold, by act and whom they count."""
    found = {}
    for item in items(stores, "limit"):
        subject = item["PK"].split("#")[1]
        found[f"{item['SK'].split('#')[0]} per {subject}"] = int(item["count"])
    return found


@transactional
def test_a_full_counter_refuses_the_whole_transaction_and_names_itself(stores: Stores) -> None:
    tally = Tally(Act.BOOKING, Subject.NUMBER, "2125550187", DAY, 2)
    for number in range(2):
        callback = make_callback(f"cb-{number}", owner=f"alexa:guest-{number}")
        stores.callbacks.create(callback, [event(callback, "requested")], [tally])

    third = make_callback("cb-2", owner="alexa:guest-2")
    with pytest.raises(LimitReached) as full:
        stores.callbacks.create(third, [event(third, "requested")], [tally])

    assert full.value.reached == (tally,)
    assert stores.callbacks.get("cb-2") is None
    assert stores.callbacks.owner_state("alexa:guest-2").open_callback_id is None
    assert {e["callback_id"] for e in outbox(stores)} == {"cb-0", "cb-1"}
    [counter] = items(stores, "limit")
    assert counter["count"] == 2
    # A hash, never the number; gone two days after its day began.
    assert "2125550187" not in str(counter)
    assert counter["expires_at"] == int(MOMENT.replace(hour=0).timestamp() + 2 * 86400)


@transactional
def test_a_closed_callback_says_so_before_a_full_counter(stores: Stores) -> None:
    tally = Tally(Act.RESCHEDULE, Subject.CALLER, "amzn1.user", DAY, 1)
    callback = make_callback("cb-1")
    stores.callbacks.create(callback, [])
    stores.callbacks.reschedule(callback, [], [tally])
    stores.callbacks.cancel(callback, MOMENT, [])

    with pytest.raises(CallbackChanged):
        stores.callbacks.reschedule(callback, [], [tally])


@pytest.mark.slow
@transactional
def test_guests_booking_for_one_number_at_once_never_pass_the_limit(
    patient: Stores, settings: Settings
) -> None:
    """Ten guests, one number nobody checked, the same moment: three bookings."""
    results = at_once(10, lambda n: request_callback(patient, settings, guest_request(n), MOMENT))

    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, LimitRefused)]
    assert len(refused) == 7, results
    assert len(booked) == 3
    assert {(r.act, r.subject) for r in refused} == {(Act.BOOKING, Subject.NUMBER)}
    assert len(items(patient, "callback")) == 3
    assert counters(patient)["booking per number"] == 3
    assert counters(patient)["text per number"] == 3


@pytest.mark.slow
@transactional
def test_moves_of_one_callback_at_once_never_pass_the_limit_and_are_told_once(
    patient: Stores, settings: Settings
) -> None:
    booked = request_callback(patient, settings, guest_request(1), MOMENT)
    assert isinstance(booked, Booking)
    later = MOMENT + timedelta(minutes=5)

    def move(number: int) -> Move:
        # Eight devices of the guest, each asking for another hour of the afternoon.
        wish = Requested.from_slots("2026-11-23", f"{13 + number % 4}:{number:02d}")
        return reschedule(
            patient,
            settings,
            booked.callback,
            wish,
            later,
            caller="amzn1.ask.account.GUEST1",
        )

    results = at_once(8, move)

    moved = [r for r in results if isinstance(r, Move)]
    refused = [r for r in results if isinstance(r, LimitRefused)]
    assert len(moved) == 3, results
    assert len(refused) == 5
    assert counters(patient)["reschedule per caller"] == 3
    # The team hears of one move, and the guest had their text with the booking.
    [told] = [e for e in outbox(patient) if e["event"] == "rescheduled"]
    assert told.get("sms") is False
    stored = patient.callbacks.get(booked.callback.callback_id)
    assert stored is not None
    assert stored.due_at in {move.callback.due_at for move in moved}


@transactional
def test_a_number_nobody_confirmed_is_called_not_texted_unless_the_shop_allows_it(
    demo_stores: Stores, settings: Settings
) -> None:
    unconfirmed = replace(guest_request(1), phone_confirmed=False)

    booked = request_callback(demo_stores, settings, unconfirmed, MOMENT)

    assert isinstance(booked, Booking)
    assert booked.callback.channel == "phone"  # the call back still happens
    assert booked.no_text == NoText.UNCONFIRMED  # and the customer hears why
    assert not [e for e in outbox(demo_stores) if e.get("sms")]
    assert "text per number" not in counters(demo_stores)

    allowed = settings.with_changes(text_unconfirmed=True)
    other = replace(guest_request(2, "+1 212 555 0100"), phone_confirmed=False)
    texted = request_callback(demo_stores, allowed, other, MOMENT)

    assert isinstance(texted, Booking)
    assert (texted.callback.channel, texted.no_text) == ("sms", None)
    assert counters(demo_stores)["text per number"] == 1
