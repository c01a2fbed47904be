"""The reminder offered once after a booking: yes with the permission, yes without it
(Alexa asks by voice; accepted or denied), and no. Alexa's Reminders API is the fake one,
which refuses a body that breaks Amazon's schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.adapters.reminders_api import SessionReminders
from skill.app import build_skill
from skill.clock import Clock
from skill.config import Settings
from skill.rules.reminders import REMINDERS_PERMISSION
from skill.storage import Stores
from skill.web import create_app
from tests.alexa import Conversation, Reply, permission_answer
from tests.fake_alexa_api import FakeAlexaApi, trusted_fake

Talk = Callable[..., Conversation]
GRANTED = {REMINDERS_PERMISSION: "GRANTED"}
OFFER = "Shall I remind you five minutes before Maria calls?"


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    with trusted_fake(tmp_path, monkeypatch) as fake:
        fake.state.time_zone = "America/Chicago"
        yield fake


@pytest.fixture
def talk(settings: Settings, demo_stores: Stores, clock: Clock, api: FakeAlexaApi) -> Talk:
    """Conversations with a skill whose Alexa API, reminders included, is the fake."""
    reminders = SessionReminders(timeout=settings.alexa_api_timeout, extra_endpoints=[api.endpoint])
    skill = build_skill(settings, demo_stores, clock=clock, reminders=reminders)
    app = create_app(skill, verifier=None)
    app.testing = True
    client: FlaskClient = app.test_client()

    def start(**options: Any) -> Conversation:
        return Conversation(client, token="demo-alex", api_endpoint=api.endpoint, **options)

    return start


def answer(conversation: Conversation, status: str, token: str) -> Reply:
    return permission_answer(conversation, REMINDERS_PERMISSION, status, token)


def open_callback_id(stores: Stores) -> str:
    return str(stores.callbacks.owner_state("customer:c-alex").open_callback_id)


def test_the_booking_offers_the_reminder_once(talk: Talk) -> None:
    conversation = talk(scopes=GRANTED)
    booked = conversation.say("CallbackIntent")
    assert booked.speech.endswith(OFFER)
    assert booked.reprompt is not None and "reminder" in booked.reprompt
    assert not booked.end
    # Asked again about the same call back: told, never offered a second time.
    again = talk(scopes=GRANTED).say("CallbackIntent")
    assert "remind" not in again.speech


def test_yes_with_the_permission_sets_it_five_minutes_before_the_call(
    talk: Talk, api: FakeAlexaApi, demo_stores: Stores
) -> None:
    conversation = talk(scopes=GRANTED)
    conversation.say("CallbackIntent")
    reply = conversation.say("AMAZON.YesIntent")

    assert reply.speech == "Done: I'll remind you five minutes before Maria calls. Talk soon."
    assert reply.end
    [(alert_token, body)] = api.state.reminders.items()
    # Due at 15:10 UTC, in Chicago 09:10: the reminder rings at 09:05 there.
    assert body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2026-11-23T09:05:00.000",
        "timeZoneId": "America/Chicago",
    }
    assert body["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "en-US", "text": "Maria from Menschmoment calls you in five minutes."}
    ]
    kept = demo_stores.callback_reminders.get(open_callback_id(demo_stores))
    assert kept is not None and kept.alert_token == alert_token
    assert kept.api_endpoint == api.endpoint


def test_yes_without_the_permission_lets_alexa_ask_then_sets_it(
    talk: Talk, api: FakeAlexaApi, demo_stores: Stores
) -> None:
    conversation = talk()
    conversation.say("CallbackIntent")
    asked = conversation.say("AMAZON.YesIntent")

    assert asked.ssml == ""
    callback_id = open_callback_id(demo_stores)
    assert asked.directives == [
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [
                    {"permissionScope": REMINDERS_PERMISSION, "consentLevel": "ACCOUNT"}
                ],
            },
            "token": f"reminder:{callback_id}",
        }
    ]
    assert api.state.reminders == {}

    granted = answer(conversation, "ACCEPTED", f"reminder:{callback_id}")
    assert "I'll remind you five minutes before Maria calls" in granted.speech
    assert len(api.state.reminders) == 1
    assert demo_stores.callback_reminders.get(callback_id) is not None


def test_denied_is_answered_kindly_and_never_asked_again(
    talk: Talk, api: FakeAlexaApi, demo_stores: Stores
) -> None:
    conversation = talk()
    conversation.say("CallbackIntent")
    conversation.say("AMAZON.YesIntent")
    callback_id = open_callback_id(demo_stores)

    refused = answer(conversation, "DENIED", f"reminder:{callback_id}")

    assert refused.speech == "No problem, no reminder. Maria calls as planned."
    assert api.state.reminders == {}
    assert demo_stores.callback_reminders.denied("amzn1.ask.account.TESTUSER")
    # A later yes to a reminder: not asked again, told where to allow it.
    later = talk()
    later.attributes = {"awaiting": "reminder_offer", "callback_id": callback_id}
    later.new = False
    again = later.say("AMAZON.YesIntent")
    assert again.directives == []
    assert "you can allow them in the Alexa app" in again.speech


def test_alexa_saying_the_permission_is_denied_means_no_offer(talk: Talk) -> None:
    booked = talk(scopes={REMINDERS_PERMISSION: "DENIED"}).say("CallbackIntent")
    assert "remind" not in booked.speech
    # Instead, once: news on the speaker should the call back change.
    assert booked.speech.endswith("Shall I tell you on this speaker if your call back changes?")
    assert not booked.end


def test_no_sets_nothing(talk: Talk, api: FakeAlexaApi) -> None:
    conversation = talk(scopes=GRANTED)
    conversation.say("CallbackIntent")
    reply = conversation.say("AMAZON.NoIntent")
    assert reply.speech == "All right, no reminder. Talk soon."
    assert reply.end
    assert api.state.reminder_calls == []


def test_german_customers_hear_it_in_german(talk: Talk, api: FakeAlexaApi) -> None:
    conversation = talk(scopes=GRANTED, locale="de-DE")
    booked = conversation.say("CallbackIntent")
    assert booked.speech.endswith("Soll ich dich fünf Minuten vorher erinnern, bevor Maria anruft?")
    done = conversation.say("AMAZON.YesIntent")
    assert done.speech.startswith("Erledigt")
    [body] = api.state.reminders.values()
    assert body["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "de-DE", "text": "Maria von Menschmoment ruft dich in fünf Minuten an."}
    ]


def test_when_alexa_does_not_take_it_the_customer_hears_so(talk: Talk, api: FakeAlexaApi) -> None:
    conversation = talk(scopes=GRANTED)
    conversation.say("CallbackIntent")
    api.state.failures.append(500)
    reply = conversation.say("AMAZON.YesIntent")
    assert reply.speech == "Sorry, I couldn't set the reminder. Maria calls as planned."
    assert api.state.reminders == {}
