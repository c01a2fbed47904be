"""Callback events reach the team and, when they chose SMS, the customer."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from skill.adapters.delivery import LogPublisher, Notification, SnsPublisher
from skill.app import build_skill
from skill.config import Settings
from skill.devtools.demo.stream import StreamFollower
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_streams_client
from skill.usecases.callbacks import owner_of
from skill.web import create_app
from tests.alexa import Conversation
from tests.conftest import MOMENT
from tests.moto_in_process import on_the_embedded_server
from tests.team_inbox import team_inbox

# On the embedded server: the stream.
dynamodb_endpoint = on_the_embedded_server()

Talk = Callable[..., Conversation]


def follower(
    settings: Settings, dynamodb: Any, stores: Stores
) -> tuple[StreamFollower, LogPublisher]:
    arn = dynamodb.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    publisher = LogPublisher()
    streams = dynamodb_streams_client(settings, local=True)
    return StreamFollower(streams, arn, stores, Renderer(), publisher), publisher


def test_a_booked_sms_callback_notifies_team_and_customer(
    talk: Talk, settings: Settings, dynamodb: Any, demo_stores: Stores, capsys: Any
) -> None:
    notifier, publisher = follower(settings, dynamodb, demo_stores)
    notifier.poll_once()  # the demo data itself is not news
    publisher.sent.clear()

    talk(token="demo-alex").say("CallbackIntent", channel="text")
    delivered = notifier.poll_once()

    assert delivered == 3  # requested and assigned to the team; assigned by SMS too
    team = [n for n in publisher.sent if n.audience == "team"]
    assert [n.subject for n in team] == ["Callback requested: Alex", "Callback assigned: Alex"]
    assert all("0142" not in n.text for n in team)  # no phone numbers to the team topic
    [sms] = [n for n in publisher.sent if n.audience == "customer"]
    assert sms.phone == "+1 212 555 0142"
    assert sms.text == "Maria from our service team will text you today at 10:10 am."
    assert "[notify customer SMS] Menschmoment: Maria" in capsys.readouterr().out
    assert notifier.poll_once() == 0  # each event once


def test_cancelling_notifies_again_in_the_customers_language(
    talk: Talk, settings: Settings, dynamodb: Any, demo_stores: Stores
) -> None:
    notifier, publisher = follower(settings, dynamodb, demo_stores)
    talk(token="demo-alex", locale="de-DE").say("CallbackIntent", channel="SMS")
    conversation = talk(token="demo-alex", locale="de-DE")
    conversation.say("CancelCallbackIntent")
    conversation.say("AMAZON.YesIntent")
    publisher.sent.clear()
    notifier._iterators.clear()  # read the stream from its start again

    notifier.poll_once()

    sms = [n.text for n in publisher.sent if n.audience == "customer"]
    assert "Dein Rückruf mit Maria ist abgesagt." in " ".join(sms)
    assert "Callback cancelled: Alex" in [n.subject for n in publisher.sent]


def test_sns_publisher_sends_team_messages_to_the_topic(dynamodb_endpoint: str) -> None:
    inbox = team_inbox(dynamodb_endpoint, name="agents")
    sns, topic = inbox.sns, inbox.topic
    sent: list[dict[str, Any]] = []
    sns.meta.events.register("before-call.sns.Publish", lambda params, **_: sent.append(params))

    publisher = SnsPublisher(sns, topic)
    publisher.publish(Notification("team", "Callback requested: Alex", "Maria: callback"))
    publisher.publish(Notification("customer", "Menschmoment", "Maria will text", "+12125550142"))

    messages = inbox.received()
    body = json.loads(messages[0]["Body"])
    assert body["Subject"] == "Callback requested: Alex"
    assert body["Message"] == "Maria: callback"
    assert sent[1]["body"]["PhoneNumber"] == "+12125550142"


def test_a_refused_booking_is_never_announced_and_what_follows_still_is(
    talk: Talk, settings: Settings, dynamodb: Any, demo_stores: Stores
) -> None:
    for _ in range(3):
        talk(token="demo-alex").say("CallbackIntent")
        conversation = talk(token="demo-alex")
        conversation.say("CancelCallbackIntent")
        conversation.say("AMAZON.YesIntent")
    notifier, publisher = follower(settings, dynamodb, demo_stores)
    notifier.poll_once()
    publisher.sent.clear()

    refused = talk(token="demo-alex").say("CallbackIntent")
    talk(token="demo-ruth", locale="en-GB", user_id="amzn1.ask.account.RUTH").say("CallbackIntent")
    notifier.poll_once()

    assert refused.speech.startswith("I'm sorry, I can't book another call back today")
    assert [n.subject for n in publisher.sent] == [
        "Callback requested: Ruth",
        "Callback assigned: Ruth",
    ]


GUEST = "amzn1.ask.account.GUEST"


@pytest.mark.slow
def test_a_guest_moving_an_sms_callback_again_and_again_is_texted_at_most_once_an_hour(
    settings: Settings, dynamodb: Any, demo_stores: Stores
) -> None:
    """The finding: a guest gives a number by voice, chooses SMS and moves the call back
    thirteen times, every 25 minutes. Before the limits that texted the number 14 times."""
    now = [MOMENT]
    app = create_app(build_skill(settings, demo_stores, clock=lambda: now[0]), verifier=None)
    notifier, publisher = follower(settings, dynamodb, demo_stores)
    notifier.poll_once()
    publisher.sent.clear()
    booking = Conversation(app.test_client(), user_id=GUEST)
    booking.say("CallbackIntent", channel="text", phoneNumber="2125550187")
    assert "text you at the number ending in 87" in booking.say("AMAZON.YesIntent").speech
    sent_at: list[tuple[datetime, Notification]] = []

    def deliver() -> None:
        notifier.poll_once()
        sent_at.extend((now[0], sent) for sent in publisher.sent)
        publisher.sent.clear()

    deliver()
    heard = []
    for move in range(13):
        now[0] = MOMENT + timedelta(minutes=25 * (move + 1))
        guest = Conversation(app.test_client(), user_id=GUEST)
        heard.append(guest.say("CallbackIntent", time=f"{16 + move % 4}:00").speech)
        deliver()

    moved = [speech for speech in heard if speech.startswith("Done.")]
    refused = [speech for speech in heard if speech.startswith("I can't move it again today.")]
    assert len(moved) == 3  # the day's limit
    assert len(refused) == 10
    texts = [(at, sent) for at, sent in sent_at if sent.audience == "customer"]
    # The booking's text, then the third move's: the first two came within the hour.
    assert [at - MOMENT for at, _ in texts] == [timedelta(0), timedelta(minutes=75)]
    assert {sent.phone for _, sent in texts} == {"2125550187"}
    assert texts[-1][1].text == "James from our service team will text you today at 6 pm."
    told = [at for at, sent in sent_at if sent.subject.startswith("Callback rescheduled")]
    assert [at - MOMENT for at in told] == [timedelta(minutes=25)]  # the team: once


def test_a_number_the_guest_did_not_confirm_gets_no_text(
    talk: Talk, settings: Settings, dynamodb: Any, demo_stores: Stores
) -> None:
    notifier, publisher = follower(settings, dynamodb, demo_stores)
    booking = talk(user_id=GUEST)
    booking.say("CallbackIntent", channel="text", phoneNumber="2125550187")
    booking.say("AMAZON.YesIntent")
    notifier.poll_once()
    publisher.sent.clear()

    # Any number said for the open call back, then another, neither confirmed.
    guest = talk(user_id=GUEST)
    guest.say("CallbackIntent", phoneNumber="2125550999")
    guest.say("CallbackIntent", channel="text", phoneNumber="2125550888")
    notifier.poll_once()

    assert [sent for sent in publisher.sent if sent.audience == "customer"] == []
    owner = owner_of(None, GUEST)
    [callback_id] = demo_stores.callbacks.owner_state(owner).callback_ids
    callback = demo_stores.callbacks.get(callback_id)
    assert callback is not None and callback.phone == "2125550187"
