"""Anonymous feedback: stored without identifiers, and the customer is told so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.config import Settings
from skill.devtools.demo.data import ALEX_ALEXA
from skill.storage import Stores
from skill.storage.users import user_key
from tests.alexa import Conversation, Reply
from tests.conftest import MOMENT

Talk = Callable[..., Conversation]


def items(dynamodb: Any, settings: Settings, kind: str) -> list[dict[str, Any]]:
    scanned = dynamodb.scan(TableName=settings.table_name)["Items"]
    return [item for item in scanned if item.get("kind", {}).get("S") == kind]


def elicited(reply: Reply, slot: str) -> bool:
    return any(
        d.get("type") == "Dialog.ElicitSlot" and d.get("slotToElicit") == slot
        for d in reply.directives
    )


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-US", "Thank you. I've passed that on anonymously"),
        ("de-DE", "Danke. Ich habe das anonym weitergegeben"),
    ],
)
def test_anonymous_feedback_stores_no_identifiers(
    talk: Talk, locale: str, words: str, dynamodb: Any, settings: Settings, demo_stores: Stores
) -> None:
    user_id = "amzn1.ask.account.FEEDBACKGIVER"
    conversation = talk(token="demo-alex", locale=locale, user_id=user_id)
    asked = conversation.say("FeedbackIntent")
    assert elicited(asked, "feedback")
    assert not asked.end
    reply = conversation.say("FeedbackIntent", feedback="the app could be faster")
    assert reply.speech.startswith(words)
    assert reply.end

    (item,) = items(dynamodb, settings, "feedback")
    assert item["text"] == {"S": "the app could be faster"}
    stored = str(item)
    for identifier in ("c-alex", "demo-alex", "FEEDBACKGIVER", conversation.session_id):
        assert identifier not in stored
    assert set(item) == {"PK", "SK", "kind", "text", "language", "day"}
    # Besides the demo data, nothing else was written: no visit, profile or complaint.
    others = [
        item["PK"]["S"]
        for item in dynamodb.scan(TableName=settings.table_name)["Items"]
        if item.get("kind", {}).get("S") != "feedback"
    ]
    # The demo's Alex allowed Alexa notifications on one Echo (an opt-in, no visit).
    opt_in = user_key(ALEX_ALEXA.user_id)
    demo = ("ORDER#", "CUSTOMER#", "TOKEN#", "AGENT#", "OWNER#customer:c-alex", opt_in)
    assert all(pk.startswith(demo) for pk in others), others
    assert demo_stores.feedback.on(MOMENT.date()) == ["the app could be faster"]


def test_feedback_declined_stores_nothing(talk: Talk, dynamodb: Any, settings: Settings) -> None:
    conversation = talk()
    conversation.say("FeedbackIntent")
    reply = conversation.say("AMAZON.NoIntent")
    assert reply.speech == "No problem. Nothing was stored."
    assert items(dynamodb, settings, "feedback") == []
