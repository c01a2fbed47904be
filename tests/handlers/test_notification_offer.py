"""News on this speaker, offered once after a complaint's remedy is stored or a call
back is booked without a reminder offer: yes lets Alexa ask for the notifications
permission by voice; accepted stores the opt-in, denied (or no) is remembered and never
asked again."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from skill.rules.reminders import REMINDERS_PERMISSION
from skill.storage import Stores
from skill.usecases.alexa_notifications import NOTIFICATIONS_PERMISSION
from skill.usecases.privacy import erase
from tests.alexa import NO_API, Conversation, Reply, permission_answer
from tests.conftest import MOMENT

Talk = Callable[..., Conversation]
ALEX = "c-alex"
USER = "amzn1.ask.account.NEWS"
OFFER = {
    "en-US": "Shall I tell you on this speaker when it's done?",
    "de-DE": "Soll ich dir auf diesem Lautsprecher Bescheid sagen, wenn es erledigt ist?",
}


def settle_late_order(conversation: Conversation) -> Reply:
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    return conversation.say("RemedyChoiceIntent", remedy="voucher")


def settle_damaged_order(conversation: Conversation) -> Reply:
    conversation.say("ComplaintIntent", problemType="damaged", orderNumber="1001", description="x")
    return conversation.say("RemedyChoiceIntent", remedy="refund")


def complaint_id(stores: Stores) -> str:
    (complaint,) = stores.complaints.history(ALEX).complaints
    return complaint.complaint_id


def answer(conversation: Conversation, status: str, token: str) -> Reply:
    return permission_answer(conversation, NOTIFICATIONS_PERMISSION, status, token)


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_the_remedy_offers_news_on_this_speaker(talk: Talk, locale: str) -> None:
    granted = settle_late_order(talk(token="demo-alex", locale=locale, user_id=USER))
    assert granted.speech.endswith(OFFER[locale])
    assert granted.reprompt_text is not None and "?" in granted.reprompt_text
    assert not granted.end
    # The promise's card is still the one the customer gets.
    assert granted.card is not None and "1003" in granted.card["title"]


def test_yes_asks_alexa_for_the_permission_and_accepted_stores_the_opt_in(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex", user_id=USER)
    settle_late_order(conversation)
    asked = conversation.say("AMAZON.YesIntent")

    assert asked.ssml == ""
    token = f"notifications:{complaint_id(demo_stores)}"
    assert asked.directives == [
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [
                    {"permissionScope": NOTIFICATIONS_PERMISSION, "consentLevel": "ACCOUNT"}
                ],
            },
            "token": token,
        }
    ]
    assert demo_stores.optins.get(USER) is None

    accepted = answer(conversation, "ACCEPTED", token)
    assert accepted.speech == "Great: I'll tell you on this speaker when it's done. Bye for now."
    assert accepted.end
    opt_in = demo_stores.optins.get(USER)
    assert opt_in is not None
    assert opt_in.permissions == {NOTIFICATIONS_PERMISSION}
    assert opt_in.api_endpoint == NO_API
    assert opt_in.locale == "en-US"
    assert opt_in.customer_id == ALEX
    assert opt_in in demo_stores.optins.for_customer(ALEX)

    # Allowed now: the next complaint settled is not followed by the offer.
    again = settle_damaged_order(talk(token="demo-alex", user_id=USER))
    assert again.speech.startswith("Done:")
    assert "on this speaker" not in again.speech


@pytest.mark.parametrize("status", ["DENIED", "NOT_ANSWERED"])
def test_a_refusal_is_remembered_and_never_asked_again(
    talk: Talk, demo_stores: Stores, status: str
) -> None:
    conversation = talk(token="demo-alex", locale="de-DE", user_id=USER)
    settle_late_order(conversation)
    conversation.say("AMAZON.YesIntent")

    refused = answer(conversation, status, f"notifications:{complaint_id(demo_stores)}")
    assert refused.speech == "Kein Problem, keine Nachricht auf diesem Lautsprecher. Bis bald."
    assert refused.end
    assert demo_stores.optins.standing(USER) == (None, True)

    again = settle_damaged_order(talk(token="demo-alex", locale="de-DE", user_id=USER))
    assert again.speech.startswith("Erledigt:")
    assert OFFER["de-DE"] not in again.speech
    assert again.end


def test_no_is_remembered_too_and_stores_no_opt_in(talk: Talk, demo_stores: Stores) -> None:
    conversation = talk(token="demo-alex", user_id=USER)
    settle_late_order(conversation)
    declined = conversation.say("AMAZON.NoIntent")

    assert declined.speech == "All right, no news on this speaker. Bye for now."
    assert declined.end
    assert declined.directives == []
    assert demo_stores.optins.standing(USER) == (None, True)
    again = settle_damaged_order(talk(token="demo-alex", user_id=USER))
    assert OFFER["en-US"] not in again.speech


@pytest.mark.parametrize("status", ["GRANTED", "DENIED"])
def test_no_offer_when_alexa_says_the_permission_is_decided(
    talk: Talk, demo_stores: Stores, status: str
) -> None:
    conversation = talk(token="demo-alex", user_id=USER, scopes={NOTIFICATIONS_PERMISSION: status})
    granted = settle_late_order(conversation)
    assert granted.speech.startswith("Done:")
    assert OFFER["en-US"] not in granted.speech
    assert granted.end
    assert demo_stores.optins.standing(USER) == (None, False)


CALL_OFFER = {
    "en-US": "Shall I tell you on this speaker if your call back changes?",
    "de-DE": "Soll ich dir auf diesem Lautsprecher Bescheid sagen, wenn sich dein Rückruf ändert?",
}
NO_REMINDERS = {REMINDERS_PERMISSION: "DENIED"}


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_a_booking_without_a_reminder_offers_news_of_the_call_and_yes_asks_alexa(
    talk: Talk, demo_stores: Stores, locale: str
) -> None:
    conversation = talk(token="demo-alex", locale=locale, user_id=USER, scopes=NO_REMINDERS)
    booked = conversation.say("CallbackIntent")
    assert booked.speech.endswith(CALL_OFFER[locale])
    assert not booked.end
    callback_id = demo_stores.callbacks.owner_state(f"customer:{ALEX}").open_callback_id

    asked = conversation.say("AMAZON.YesIntent")
    token = f"notifications:call:{callback_id}"
    [directive] = asked.directives
    assert directive["name"] == "AskFor" and directive["token"] == token
    assert directive["payload"]["permissionScopes"] == [
        {"permissionScope": NOTIFICATIONS_PERMISSION, "consentLevel": "ACCOUNT"}
    ]

    accepted = answer(conversation, "ACCEPTED", token)
    assert accepted.end
    expected = {
        "en-US": "Great: I'll tell you on this speaker if your call back changes. Bye for now.",
        "de-DE": "Gut: Ich sage dir auf diesem Lautsprecher Bescheid, wenn sich dein Rückruf "
        "ändert. Bis bald.",
    }
    assert accepted.speech == expected[locale]
    opt_in = demo_stores.optins.get(USER)
    assert opt_in is not None and opt_in.customer_id == ALEX
    assert opt_in.permissions == {NOTIFICATIONS_PERMISSION}
    # Allowed now: the next complaint settled is not followed by the offer.
    again = settle_late_order(talk(token="demo-alex", locale=locale, user_id=USER))
    assert OFFER[locale] not in again.speech


def test_no_to_news_of_the_call_is_remembered_for_complaints_too(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex", user_id=USER, scopes=NO_REMINDERS)
    conversation.say("CallbackIntent")
    declined = conversation.say("AMAZON.NoIntent")
    assert declined.speech == "All right, no news on this speaker. Bye for now."
    assert declined.end
    assert demo_stores.optins.standing(USER) == (None, True)
    again = settle_late_order(talk(token="demo-alex", user_id=USER))
    assert OFFER["en-US"] not in again.speech


def test_erasing_my_data_forgets_the_refusal(demo_stores: Stores) -> None:
    now = MOMENT
    demo_stores.optins.refuse(USER, now)
    assert demo_stores.optins.standing(USER) == (None, True)

    erase(demo_stores, None, USER, now)
    assert demo_stores.optins.standing(USER) == (None, False)
