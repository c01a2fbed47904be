"""A failure gets an honest apology: no error text in the speech, the request id in the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from skill.logs import JsonFormatter
from tests.alexa import Conversation

Talk = Callable[..., Conversation]


def throttle(**_: Any) -> None:
    raise ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down 555"}},
        "Query",
    )


@pytest.mark.parametrize(
    ("locale", "apology"),
    [
        ("en-US", "I'm sorry, something went wrong on my side"),
        ("de-DE", "Entschuldige, bei mir ist etwas schiefgegangen"),
    ],
)
def test_a_storage_failure_is_an_apology_not_an_error_text(
    talk: Talk, dynamodb: Any, locale: str, apology: str, caplog: pytest.LogCaptureFixture
) -> None:
    dynamodb.meta.events.register("before-call.dynamodb.Query", throttle)
    with caplog.at_level(logging.INFO):
        reply = talk(token="demo-alex", locale=locale).say("OrderStatusIntent")
    assert reply.speech.startswith(apology)
    assert reply.end
    for text in (reply.speech, json.dumps(reply.card)):
        assert "Throughput" not in text and "slow down" not in text
    assert "+1 800 555 0199" in reply.card["content"]
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1
    line = JsonFormatter().format(failures[0])
    assert json.loads(line)["request_id"].startswith("amzn1.echo-api.request.")
    assert "slow down" not in line and "demo-alex" not in line


def test_an_intent_no_handler_knows_is_a_misunderstanding(talk: Talk) -> None:
    conversation = talk()
    reply = conversation.say("SomeIntentFromAnotherModel")
    assert reply.speech.startswith("Sorry, I didn't get that.")
    assert conversation.attributes["misunderstandings"] == 1
    conversation.say("AnotherUnknownIntent")
    assert conversation.attributes["misunderstandings"] == 2


def test_a_request_type_no_handler_knows_gets_an_apology(talk: Talk) -> None:
    reply = talk().send(
        {
            "type": "Connections.Response",
            "requestId": "amzn1.echo-api.request.x",
            "timestamp": "2026-11-23T15:00:00Z",
            "locale": "en-US",
            "name": "Unknown",
        }
    )
    assert reply.speech.startswith("I'm sorry, something went wrong")
