"""Launch, help, stop, cancel, fallback, repeat and the end of a session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from skill.app import build_skill
from skill.clock import fixed_clock
from skill.config import LOCALES, Settings
from skill.storage import Stores
from skill.web import create_app
from tests.alexa import Conversation
from tests.conftest import MOMENT

Talk = Callable[..., Conversation]


@pytest.mark.parametrize(
    ("locale", "first_time", "returning", "delay"),
    [
        (
            "en-US",
            "Welcome to Menschmoment, Alex.",
            "Welcome back, Alex.",
            "Order 1003, your running shoes, is late, sorry",
        ),
        (
            "de-DE",
            "Willkommen bei Menschmoment, Alex.",
            "Schön, dich zu hören, Alex.",
            "Bestellung 1003, die Laufschuhe, ist verspätet",
        ),
    ],
)
def test_launch_greets_returning_customer_and_tells_the_delay_first(
    talk: Talk, locale: str, first_time: str, returning: str, delay: str
) -> None:
    conversation = talk(token="demo-alex", locale=locale, user_id=f"amzn1.ask.account.{locale}")
    first = conversation.launch()
    assert first.speech.startswith(first_time + " " + delay)
    assert not first.end and first.reprompt_text
    second = conversation.launch()
    assert second.speech.startswith(returning + " " + delay)
    # Only what is underway: not the delivered grinder, not the order being packed.
    assert "1001" not in second.speech and "1004" not in second.speech


def test_launch_remembers_the_visit_in_dynamodb(talk: Talk, demo_stores: Stores) -> None:
    talk(user_id="amzn1.ask.account.VISITOR").launch()
    previous = demo_stores.users.record_visit("amzn1.ask.account.VISITOR", MOMENT)
    assert previous == MOMENT


def test_launch_for_unlinked_customer_explains_what_to_ask(talk: Talk) -> None:
    reply = talk().launch()
    assert reply.speech == (
        "Welcome to Menschmoment. I can tell you where your order is. Just ask: where is my order?"
    )
    assert reply.reprompt_text == "You can say: where is my order?"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_at_once_even_mid_verification(
    talk: Talk, locale: str, intent: str
) -> None:
    conversation = talk(locale=locale)
    assert not conversation.say("OrderStatusIntent").end
    reply = conversation.say(intent)
    assert reply.end
    assert reply.reprompt is None
    assert not reply.directives


def test_help_gives_examples_for_now(talk: Talk) -> None:
    reply = talk(token="demo-alex").say("AMAZON.HelpIntent")
    assert "where is my order?" in reply.speech
    # Complaints and promises are what else a customer can do now.
    assert "my package arrived damaged" in reply.speech
    assert "call me back" in reply.speech
    assert not reply.end


def test_help_while_asked_for_the_zip_keeps_the_dialogue(talk: Talk) -> None:
    conversation = talk(locale="en-GB")
    conversation.say("OrderStatusIntent", orderNumber="1003")
    reply = conversation.say("AMAZON.HelpIntent")
    assert "postcode of the delivery address" in reply.speech
    directive = reply.directives[0]
    assert directive["type"] == "Dialog.ElicitSlot"
    assert directive["slotToElicit"] == "postalCode"
    assert directive["updatedIntent"]["slots"]["orderNumber"]["value"] == "1003"
    done = conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="10115")
    assert "running shoes" in done.speech


def test_help_in_german_mentions_account_linking_when_unlinked(talk: Talk) -> None:
    reply = talk(locale="de-DE").say("AMAZON.HelpIntent")
    assert "Wo ist meine Bestellung?" in reply.speech
    assert "Mit verknüpftem Konto in der Alexa App" in reply.speech


def test_fallback_counts_consecutive_misunderstandings(talk: Talk) -> None:
    conversation = talk()
    first = conversation.say("AMAZON.FallbackIntent")
    assert first.speech.startswith("Sorry, I didn't get that.")
    assert conversation.attributes["misunderstandings"] == 1
    second = conversation.say("AMAZON.FallbackIntent")
    assert second.speech.startswith("Sorry, I still didn't get that.")
    assert conversation.attributes["misunderstandings"] == 2
    conversation.say("AMAZON.HelpIntent")
    assert conversation.attributes["misunderstandings"] == 0
    assert not second.end and second.reprompt_text


def test_fallback_while_asked_for_the_order_number_asks_again(talk: Talk) -> None:
    conversation = talk(locale="de-DE")
    conversation.say("OrderStatusIntent")
    reply = conversation.say("AMAZON.FallbackIntent")
    assert "Nenn mir bitte die Bestellnummer" in reply.speech
    assert reply.directives[0]["slotToElicit"] == "orderNumber"


def test_repeat_says_the_last_answer_again(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    listed = conversation.say("OrderStatusIntent")
    again = conversation.say("AMAZON.RepeatIntent")
    assert again.ssml == listed.ssml
    # The question is still open after the repeat.
    assert "coffee grinder" in conversation.say("AMAZON.YesIntent").speech


def test_yes_after_anything_else_asks_what(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.launch()
    conversation.say("OrderStatusIntent", orderNumber="1001")
    reply = conversation.say("AMAZON.YesIntent")
    assert reply.speech == "What can I do for you?"
    assert not reply.end


def test_session_ended_gets_an_empty_response(talk: Talk) -> None:
    conversation = talk()
    conversation.launch()
    reply = conversation.end("EXCEEDED_MAX_REPROMPTS")
    assert reply.ssml == ""
    assert reply.status == 200


def test_navigate_home_asks_what_to_do(talk: Talk) -> None:
    reply = talk(locale="de-DE").say("AMAZON.NavigateHomeIntent")
    assert reply.speech == "Was kann ich für dich tun?"
    assert not reply.end


@pytest.mark.parametrize(
    ("minute", "goodbye", "greeting"),
    [
        (0, "Okay. Bye for now.", "Welcome back, Alex."),
        (1, "All right. Talk to you soon.", "Good to hear you, Alex."),
        (2, "Take care. Bye!", "Hello again, Alex."),
    ],
)
def test_often_heard_phrases_vary_with_the_minute(
    settings: Settings, demo_stores: Stores, minute: int, goodbye: str, greeting: str
) -> None:
    clock = fixed_clock(MOMENT + timedelta(minutes=minute))
    client = create_app(
        build_skill(settings, demo_stores, clock=clock), verifier=None
    ).test_client()
    conversation = Conversation(client, token="demo-alex")
    conversation.launch()  # the first visit
    assert conversation.say("AMAZON.StopIntent").speech == goodbye
    assert conversation.launch().speech.startswith(greeting)
