"""The callback store against a real DynamoDB-compatible server: one open per customer."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from skill.config import Settings
from skill.devtools.demo.data import MARIA, seed
from skill.records import Contact
from skill.records.callbacks import Callback, CallbackStatus
from skill.rules.callbacks import Requested
from skill.storage import Stores
from skill.storage.callbacks import CallbackAlreadyOpen, CallbackChanged
from skill.storage.outbox import OutboxEvent
from skill.usecases.callback_booking import Booking, CallbackRequest, request_callback
from skill.usecases.callbacks import OpenCallback
from tests.conftest import MOMENT
from tests.storage.servers import transactional
from tests.stored import outbox


def make_callback(callback_id: str, owner: str = "customer:c-x", **changes: Any) -> Callback:
    values: dict[str, Any] = {
        "callback_id": callback_id,
        "owner": owner,
        "status": CallbackStatus.WAITING,
        "requested_at": MOMENT,
        "due_at": MOMENT + timedelta(minutes=10),
        "asap": True,
        "priority": "normal",
        "reason": "asked",
        "agent_id": MARIA.agent_id,
        "agent_name": MARIA.name,
        "channel": "phone",
        "locale": "en-US",
        "time_zone": "America/New_York",
        "phone": "+1 212 555 0142",
        "context": {"orders": [{"number": "1003", "status": "delayed"}], "words": "Salt & <b>"},
    }
    values.update(changes)
    return Callback(**values)


def event(callback: Callback, name: str) -> OutboxEvent:
    return OutboxEvent(name, callback.callback_id, MOMENT, callback.agent_id, "phone", MOMENT)


@transactional
def test_a_callback_round_trips_with_its_context(stores: Stores) -> None:
    callback = make_callback("cb-1")
    stores.callbacks.create(callback, [event(callback, "requested")])

    assert stores.callbacks.get("cb-1") == callback
    assert stores.callbacks.owner_state("customer:c-x").open_callback_id == "cb-1"
    assert stores.callbacks.owner_state("customer:c-x").channel == "phone"
    [queued] = stores.team.get().queue
    assert queued == callback.queued()
    [stored] = outbox(stores)
    assert stored["event"] == "requested" and stored["callback_id"] == "cb-1"
    assert stored["expires_at"] > MOMENT.timestamp()  # the outbox cleans itself up


@transactional
def test_a_second_open_callback_for_the_same_customer_is_refused(stores: Stores) -> None:
    first = make_callback("cb-1")
    stores.callbacks.create(first, [event(first, "requested")])
    second = make_callback("cb-2")

    with pytest.raises(CallbackAlreadyOpen) as refused:
        stores.callbacks.create(second, [event(second, "requested")])

    assert refused.value.callback_id == "cb-1"
    assert stores.callbacks.get("cb-2") is None
    assert len(outbox(stores)) == 1  # the refused one left nothing behind


@transactional
def test_cancel_closes_once(stores: Stores, dynamodb: Any, settings: Settings) -> None:
    callback = make_callback("cb-1")
    stores.callbacks.create(callback, [])
    stores.callbacks.cancel(callback, MOMENT, [event(callback, "cancelled")])

    closed = stores.callbacks.get("cb-1")
    assert closed is not None and closed.status is CallbackStatus.CANCELLED
    stored = dynamodb.get_item(
        TableName=settings.table_name, Key={"PK": {"S": "CALLBACK#cb-1"}, "SK": {"S": "CALLBACK"}}
    )["Item"]
    assert int(stored["expires_at"]["N"]) == int((MOMENT + timedelta(days=365)).timestamp())
    assert stores.team.get().queue == []
    assert stores.callbacks.owner_state("customer:c-x").open_callback_id is None
    with pytest.raises(CallbackChanged):
        stores.callbacks.cancel(callback, MOMENT, [])


@transactional
def test_a_linked_customers_account_shows_the_open_callback_until_it_closes(
    stores: Stores,
) -> None:
    linked = make_callback("cb-1", customer_id="c-x")
    unlinked = make_callback("cb-2", owner="alexa:abc", customer_id="c-x")
    stores.callbacks.create(linked, [])

    assert stores.orders.account("c-x").open_callback_id == "cb-1"
    stores.callbacks.cancel(linked, MOMENT, [])
    assert stores.orders.account("c-x").open_callback_id is None
    # Owned by an Alexa user (not linked then): not the account's callback.
    stores.callbacks.create(unlinked, [])
    assert stores.orders.account("c-x").open_callback_id is None


@transactional
def test_complete_remembers_who_helped(stores: Stores) -> None:
    callback = make_callback("cb-1")
    stores.callbacks.create(callback, [])
    stores.callbacks.complete(callback, MOMENT, [event(callback, "completed")])

    state = stores.callbacks.owner_state("customer:c-x")
    assert state.open_callback_id is None
    assert state.last_contact == Contact(MARIA.agent_id, MOMENT)


@transactional
def test_a_linked_customers_account_brings_the_channel_and_who_helped(stores: Stores) -> None:
    callback = make_callback("cb-1", customer_id="c-x", channel="sms")
    stores.callbacks.create(callback, [])
    stores.callbacks.complete(callback, MOMENT, [])
    stores.callbacks.add_contact("customer:c-x", Contact("a-james", MOMENT - timedelta(days=3)))
    stores.callbacks.add_contact("alexa:abc", Contact("a-jonas", MOMENT))  # not linked

    account = stores.orders.account("c-x")

    assert account.open_callback_id is None
    assert account.callback_channel == "sms"
    assert sorted(account.contacts, key=lambda contact: contact.at) == [
        Contact("a-james", MOMENT - timedelta(days=3)),
        Contact(MARIA.agent_id, MOMENT),
    ]


@transactional
def test_reschedule_moves_the_queue_entry(stores: Stores) -> None:
    callback = make_callback("cb-1")
    stores.callbacks.create(callback, [])
    later = MOMENT + timedelta(days=1)
    stores.callbacks.reschedule(replace(callback, due_at=later, asap=False, channel="sms"), [])

    stored = stores.callbacks.get("cb-1")
    assert stored is not None
    assert (stored.due_at, stored.asap, stored.channel) == (later, False, "sms")
    assert stores.team.get().queue[0].due_at == later
    assert stores.callbacks.owner_state("customer:c-x").channel == "sms"


def test_handling_times_feed_the_team_query(stores: Stores) -> None:
    for minutes in (4, 8, 12):
        stores.team.record_handling_time(minutes)
    assert stores.team.get().handled_minutes == [4.0, 8.0, 12.0]


@pytest.mark.slow
@transactional
def test_concurrent_requests_create_exactly_one_callback(
    demo_stores: Stores, settings: Settings
) -> None:
    """Eight devices of one customer ask at the same moment: one callback, all told it."""
    start = threading.Barrier(8)
    results: list[Booking | OpenCallback | BaseException] = []

    def ask(number: int) -> None:
        request = CallbackRequest(
            request_id=f"amzn1.echo-api.request.{number}",
            owner="customer:c-alex",
            locale="en-US",
            language="en",
            time_zone="America/New_York",
            channel="phone",
            requested=Requested(),
            caller="amzn1.ask.account.ALEX",
            phone="+1 212 555 0142",
        )
        start.wait()
        try:
            results.append(request_callback(demo_stores, settings, request, MOMENT))
        except BaseException as error:
            results.append(error)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not [r for r in results if isinstance(r, BaseException)], results
    booked = [r for r in results if isinstance(r, Booking)]
    told = [r for r in results if isinstance(r, OpenCallback)]
    assert len(booked) == 1
    assert len(told) == 7
    assert {r.callback.callback_id for r in told} == {booked[0].callback.callback_id}
    assert len(demo_stores.team.get().queue) == 1


def test_seeded_demo_team(stores: Stores) -> None:
    seed(stores, MOMENT.date())
    team = stores.team.get()
    assert {agent.first_name for agent in team.on_duty} == {"Maria", "James", "Jonas"}
    assert stores.callbacks.owner_state("customer:c-alex").last_contact == Contact(
        MARIA.agent_id, datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
    )
