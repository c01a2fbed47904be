"""Where is my order: every demo order, both languages, linked and unlinked customers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from skill.storage import Stores
from tests.alexa import Conversation
from tests.conftest import MOMENT

Talk = Callable[..., Conversation]

EXPECTED = {
    "en-US": {
        "1001": "Order 1001, your coffee grinder, was delivered last Friday.",
        "1002": "Order 1002, your rain jacket, is on its way with UPS and should arrive on Wednesday.",
        "1003": (
            "Order 1003, your running shoes, is late, sorry. "
            "It was due yesterday and should now come on Friday."
        ),
        "1004": "Order 1004, your salt & pepper mills, is being packed and will ship soon.",
    },
    "de-DE": {
        "1001": "Bestellung 1001, die Kaffeemühle, wurde letzten Freitag zugestellt.",
        "1002": "Bestellung 1002, die Regenjacke, ist mit UPS unterwegs und kommt voraussichtlich am Mittwoch.",
        "1003": (
            "Bestellung 1003, die Laufschuhe, ist verspätet, das tut mir leid. "
            "Sie sollte gestern kommen, jetzt voraussichtlich am Freitag."
        ),
        "1004": "Bestellung 1004, die Salz- & Pfeffermühlen, wird gerade gepackt und geht bald raus.",
    },
}


OFFER = {
    "en-US": "Shall I put the details in your Alexa app?",
    "de-DE": "Soll ich dir die Details in die Alexa App legen?",
}
CARD = {
    "en-US": (
        "Order 1003: running shoes",
        "Running late, and we're sorry. It was due yesterday. "
        "New estimate: on Friday, November 27. Carrier: DHL.",
    ),
    "de-DE": (
        "Bestellung 1003: die Laufschuhe",
        "Leider verspätet, das tut uns leid. Geplant war gestern. "
        "Neue Schätzung: am Freitag, 27. November. Versand mit DHL.",
    ),
}


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_late_order_details_go_to_the_alexa_app_on_yes(talk: Talk, locale: str) -> None:
    conversation = talk(token="demo-alex", locale=locale)
    conversation.say("OrderStatusIntent", orderNumber="1003")
    reply = conversation.say("AMAZON.YesIntent")
    title, content = CARD[locale]
    assert reply.card is not None
    assert reply.card["title"] == title
    assert reply.card["content"].startswith(content)
    assert reply.speech in (
        "Done: the details are in your Alexa app.",
        "Erledigt: Die Details findest du in der Alexa App.",
    )
    assert reply.end


def test_late_order_offer_declined(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("OrderStatusIntent", orderNumber="1003")
    reply = conversation.say("AMAZON.NoIntent")
    assert reply.card is None
    assert reply.end


def test_a_guest_gets_the_details_only_of_the_order_they_verified(talk: Talk) -> None:
    conversation = talk()
    conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="10115")
    conversation.attributes["offer_order"] = "1002"  # a tampered session must not leak
    reply = conversation.say("AMAZON.YesIntent")
    assert reply.card is None
    assert "rain jacket" not in reply.speech


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
@pytest.mark.parametrize("number", ["1001", "1002", "1003", "1004"])
def test_each_demo_order_for_a_linked_customer(talk: Talk, locale: str, number: str) -> None:
    reply = talk(token="demo-alex", locale=locale).say("OrderStatusIntent", orderNumber=number)
    assert reply.speech.startswith(EXPECTED[locale][number])
    assert '<say-as interpret-as="digits">' + number + "</say-as>" in reply.ssml
    if number == "1003":
        # The late order comes with an offer, so the session stays open for the answer.
        assert reply.speech.endswith(OFFER[locale])
        assert not reply.end and reply.reprompt_text
    else:
        assert reply.speech == EXPECTED[locale][number]
        assert reply.end  # a one-shot question gets its answer and the session ends


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_several_orders_most_relevant_first_two_at_most(talk: Talk, locale: str) -> None:
    conversation = talk(token="demo-alex", locale=locale)
    reply = conversation.say("OrderStatusIntent")
    expected = EXPECTED[locale]
    first, second = (reply.speech.index(expected[n]) for n in ("1003", "1002"))
    assert first < second
    assert expected["1004"] not in reply.speech
    assert expected["1001"] not in reply.speech
    assert not reply.end and reply.reprompt_text
    more = conversation.say("AMAZON.YesIntent")
    assert expected["1001"] in more.speech
    assert expected["1003"] not in more.speech


def test_no_to_the_rest_ends_politely(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("OrderStatusIntent")
    reply = conversation.say("AMAZON.NoIntent")
    assert reply.end
    assert "Bye" in reply.speech


def test_order_not_in_the_account_says_so_and_reads_what_is_there(talk: Talk) -> None:
    reply = talk(token="demo-alex").say("OrderStatusIntent", orderNumber="4711")
    assert reply.speech.startswith("I couldn't find order 4711 in your account.")
    assert EXPECTED["en-US"]["1003"] in reply.speech


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-US", "I don't see any orders in your account yet, Sam."),
        ("de-DE", "In deinem Konto sehe ich noch keine Bestellungen, Sam."),
    ],
)
def test_customer_without_orders(talk: Talk, locale: str, words: str) -> None:
    reply = talk(token="demo-sam", locale=locale).say("OrderStatusIntent")
    assert reply.speech.startswith(words)
    assert reply.end


def test_linked_order_status_needs_two_round_trips(talk: Talk, round_trips: list[str]) -> None:
    talk(token="demo-alex").say("OrderStatusIntent")
    assert round_trips == ["GetItem", "Query"]


def test_after_a_launch_the_answer_asks_for_more(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.launch()
    reply = conversation.say("OrderStatusIntent", orderNumber="1002")
    assert reply.speech.endswith("Anything else I can help with?")
    assert not reply.end
    assert conversation.say("AMAZON.NoIntent").end


# --- unlinked customers --------------------------------------------------------------


def elicited(reply: object, slot: str) -> bool:
    directives = getattr(reply, "directives", [])
    return any(
        d.get("type") == "Dialog.ElicitSlot" and d.get("slotToElicit") == slot for d in directives
    )


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_unlinked_customer_verifies_with_order_number_and_zip(talk: Talk, locale: str) -> None:
    conversation = talk(locale=locale)
    first = conversation.say("OrderStatusIntent")
    assert elicited(first, "orderNumber")
    assert first.card == {"type": "LinkAccount"}
    assert not first.end
    second = conversation.say("OrderStatusIntent", "IN_PROGRESS", orderNumber="1003")
    assert elicited(second, "postalCode")
    kept = second.directives[0]["updatedIntent"]["slots"]["orderNumber"]["value"]
    assert kept == "1003"
    third = conversation.say(
        "OrderStatusIntent", "IN_PROGRESS", orderNumber="1003", postalCode="10115"
    )
    assert third.speech == EXPECTED[locale]["1003"] + " " + OFFER[locale]
    details = conversation.say("AMAZON.YesIntent")
    assert details.card is not None
    assert details.card["title"] == CARD[locale][0]


def test_wrong_zip_and_unknown_order_sound_the_same(talk: Talk) -> None:
    wrong_zip = talk(user_id="amzn1.ask.account.A").say(
        "OrderStatusIntent", orderNumber="1003", postalCode="99999"
    )
    unknown = talk(user_id="amzn1.ask.account.B").say(
        "OrderStatusIntent", orderNumber="9999", postalCode="10115"
    )
    assert wrong_zip.ssml == unknown.ssml
    assert wrong_zip.directives == unknown.directives
    assert "couldn't match" in wrong_zip.speech
    assert "running shoes" not in wrong_zip.speech
    assert elicited(wrong_zip, "orderNumber")


def test_verified_order_is_remembered_for_the_session(talk: Talk) -> None:
    conversation = talk()
    conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="10115")
    same_session = conversation.say("OrderStatusIntent", orderNumber="1003")
    assert same_session.speech.startswith(EXPECTED["en-US"]["1003"])
    conversation.say("AMAZON.StopIntent")
    # A new session must verify again.
    again = conversation.say("OrderStatusIntent", orderNumber="1003")
    assert elicited(again, "postalCode")


def test_three_failures_lock_verification_for_fifteen_minutes(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(user_id="amzn1.ask.account.GUESSER")
    for _ in range(2):
        reply = conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="11111")
        assert "couldn't match" in reply.speech
    locked = conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="11111")
    assert "paused order look-ups" in locked.speech
    assert "15 minutes" in locked.speech
    # A locked customer is offered a human (high priority) instead of being left alone.
    assert "Shall someone from our team call you back?" in locked.speech
    assert not locked.end
    assert conversation.attributes["awaiting"] == "callback_offer"
    assert conversation.attributes["handover"]["reason"] == "verification_locked"
    assert conversation.attributes["handover"]["priority"] == "high"
    assert locked.card == {"type": "LinkAccount"}
    # Even the right answer is refused while locked, and nothing is read out.
    right = talk(user_id="amzn1.ask.account.GUESSER").say(
        "OrderStatusIntent", orderNumber="1003", postalCode="10115"
    )
    assert "paused order look-ups" in right.speech
    assert "running shoes" not in right.speech
    # The failures are stored, so a new session or device is locked too.
    failures = demo_stores.users.verification_failures("amzn1.ask.account.GUESSER")
    assert failures == [MOMENT, MOMENT, MOMENT]


def test_a_zip_code_not_made_out_is_asked_again_and_is_no_failed_try(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(user_id="amzn1.ask.account.MUMBLER")
    conversation.say("OrderStatusIntent", orderNumber="1003")
    again = conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="?")
    assert again.speech == (
        "Sorry, I didn't catch that. What's the ZIP code of the delivery address?"
    )
    assert elicited(again, "postalCode")
    assert demo_stores.users.verification_failures("amzn1.ask.account.MUMBLER") == []
    # The order number said before is kept: the ZIP code alone completes it.
    reply = conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="10115")
    assert reply.speech.startswith(EXPECTED["en-US"]["1003"])


def test_lockout_ends_after_fifteen_minutes(talk: Talk, demo_stores: Stores) -> None:
    earlier = MOMENT - timedelta(minutes=15)
    demo_stores.users.save_verification_failures("amzn1.ask.account.LATER", [earlier] * 3)
    reply = talk(user_id="amzn1.ask.account.LATER").say(
        "OrderStatusIntent", orderNumber="1003", postalCode="10115"
    )
    assert reply.speech.startswith(EXPECTED["en-US"]["1003"])


def test_lockout_is_told_before_asking_anything(talk: Talk, demo_stores: Stores) -> None:
    demo_stores.users.save_verification_failures("amzn1.ask.account.LOCKED", [MOMENT] * 3)
    reply = talk(user_id="amzn1.ask.account.LOCKED", locale="de-DE").say("OrderStatusIntent")
    assert "pausiert die Suche nach Bestellungen" in reply.speech
    assert "15 Minuten" in reply.speech
    # No order number or PLZ is asked for; only the offered call back's time may follow.
    assert not elicited(reply, "orderNumber")
    assert not elicited(reply, "postalCode")


def test_an_expired_link_is_treated_as_unlinked(talk: Talk) -> None:
    reply = talk(token="no-longer-valid").say("OrderStatusIntent", orderNumber="1002")
    assert elicited(reply, "postalCode")
    assert "rain jacket" not in reply.speech
