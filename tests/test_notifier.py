"""Callback events reach the team and, when they chose SMS, the customer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from skill.adapters.delivery import LogPublisher, Notification, SnsPublisher
from skill.config import Settings
from skill.devtools.demo.stream import StreamFollower
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_streams_client
from tests.alexa import Conversation
from tests.team_inbox import team_inbox

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
