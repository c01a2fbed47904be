"""'What do you know about me' and 'delete my data': told truthfully, erased on a yes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.config import Settings
from skill.records.complaints import CommitmentStatus
from skill.storage import Stores
from skill.storage.codec import from_item
from tests.alexa import Conversation
from tests.faults import THROTTLING, FaultyTable, simulate_time

Talk = Callable[..., Conversation]
ALEX_DEVICE = "amzn1.ask.account.ALEXDEVICE"


def table(dynamodb: Any, settings: Settings) -> list[dict[str, Any]]:
    return [
        from_item(raw)
        for raw in dynamodb.scan(TableName=settings.table_name, ConsistentRead=True)["Items"]
    ]


def alex_with_history(talk: Talk) -> None:
    """A refund granted (promise open), a callback booked by text, visits."""
    conversation = talk(token="demo-alex", user_id=ALEX_DEVICE)
    conversation.launch()
    conversation.say(
        "ComplaintIntent", problemType="damaged", orderNumber="1001", description="the lid broke"
    )
    conversation.say("RemedyChoiceIntent", remedy="refund")
    talk(token="demo-alex", user_id=ALEX_DEVICE).say("CallbackIntent", channel="text")


def test_what_do_you_know_about_me(talk: Talk) -> None:
    alex_with_history(talk)
    reply = talk(token="demo-alex", user_id=ALEX_DEVICE).say("MyDataIntent")
    assert reply.speech == (
        "Your account is linked, Alex. Besides that, I "
        "keep 1 complaint, 1 open promise, 1 call back with your number, "
        "how you like to be reached and when you last visited. To erase it, say: delete my data."
    )
    assert reply.card is not None
    assert reply.card["title"] == "What Menschmoment keeps about you"
    assert "Call backs: 1 (one open)" in reply.card["content"]
    assert not reply.end


def test_a_new_guest_hears_that_nothing_is_kept(talk: Talk) -> None:
    reply = talk(user_id="amzn1.ask.account.NEWGUEST").say("MyDataIntent")
    assert reply.speech.startswith(
        "Your account isn't linked, so I don't know your name or your orders. Besides "
        "that, I keep nothing at all."
    )


def test_delete_my_data_asks_first_and_no_keeps_everything(
    talk: Talk, dynamodb: Any, settings: Settings
) -> None:
    alex_with_history(talk)
    before = table(dynamodb, settings)
    conversation = talk(token="demo-alex", user_id=ALEX_DEVICE, locale="de-DE")
    asked = conversation.say("DeleteMyDataIntent")
    assert asked.speech.endswith("Deine Bestellungen bleiben beim Shop. Soll ich das löschen?")
    assert conversation.say("AMAZON.NoIntent").speech == "Alles klar, ich habe nichts gelöscht."
    assert table(dynamodb, settings) == before


def test_erasure_keeps_open_promises_without_a_name(
    talk: Talk, demo_stores: Stores, dynamodb: Any, settings: Settings
) -> None:
    alex_with_history(talk)
    conversation = talk(token="demo-alex", user_id=ALEX_DEVICE)
    conversation.say("DeleteMyDataIntent")

    done = conversation.say("AMAZON.YesIntent")

    assert done.speech == (
        "Done. I've deleted what I kept about you; the open promise stays, without your name."
    )
    items = table(dynamodb, settings)
    # The shop's own records (profile, orders, linking token) are not the skill's.
    skills = [i for i in items if not str(i["PK"]).startswith(("CUSTOMER#", "ORDER#", "TOKEN#"))]
    for personal in ("the lid broke", "+1 212 555 0142", "customer:c-alex", "c-alex"):
        assert personal not in str(skills), personal
    # The refund is still owed: the promise stays, tied to the order, not to Alex.
    [promise] = [item for item in items if item.get("kind") == "commitment"]
    assert promise["order_number"] == "1001"
    assert promise["status"] == CommitmentStatus.PROMISED.value
    assert "customer_id" not in promise and "GSI1PK" not in promise
    # The open callback was cancelled, so Maria is told not to call, and kept bare.
    [callback] = [item for item in items if item.get("kind") == "callback"]
    assert callback["status"] == "cancelled"
    assert callback["owner"] == "erased"
    assert not {"phone", "first_name", "customer_id", "context"} & set(callback)
    assert "cancelled" in {item["event"] for item in items if item.get("kind") == "outbox"}
    # Nothing is kept about the device any more, and the shop's records stay.
    assert not [item for item in items if str(item["PK"]).startswith(("ALEXAUSER#", "OWNER#"))]
    assert demo_stores.orders.account("c-alex").customer is not None
    # Asked again, the skill knows nothing but the orders it reads from the shop.
    again = talk(token="demo-alex", user_id=ALEX_DEVICE).say("MyDataIntent")
    assert "1 open promise" not in again.speech
    assert "Besides that, I keep nothing at all." in again.speech


def test_a_failed_erasure_says_so_and_a_second_request_finishes(
    talk: Talk, dynamodb: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex_with_history(talk)
    simulate_time(monkeypatch)
    faults = FaultyTable(dynamodb)
    conversation = talk(token="demo-alex", user_id=ALEX_DEVICE)
    conversation.say("DeleteMyDataIntent")
    faults.fail("DeleteItem", THROTTLING)
    failed = conversation.say("AMAZON.YesIntent")
    assert failed.speech.startswith("I'm sorry, I couldn't finish deleting your data just now.")
    assert "Done" not in failed.speech
    faults.heal()

    conversation = talk(token="demo-alex", user_id=ALEX_DEVICE)
    conversation.say("DeleteMyDataIntent")
    assert conversation.say("AMAZON.YesIntent").speech.startswith("Done.")
    assert "the lid broke" not in str(table(dynamodb, settings))
