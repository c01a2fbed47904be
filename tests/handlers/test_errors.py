"""A failure gets an honest apology: no error text in the speech, the request id in the log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from skill.logs import LIBRARIES, JsonFormatter, configure_logging
from tests.alexa import Conversation, intent_request

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


@pytest.fixture
def production_log() -> Iterator[io.StringIO]:
    """The lines as configure_logging() writes them in production, in a buffer."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in LIBRARIES}
    out = io.StringIO()
    configure_logging("INFO", out)
    yield out
    root.handlers, root.level = handlers, level
    for name, library_level in levels.items():
        logging.getLogger(name).setLevel(library_level)


def test_every_line_of_a_turn_carries_its_own_request_id(
    talk: Talk, dynamodb: Any, production_log: io.StringIO
) -> None:
    def throttle_and_say_so(**_: Any) -> None:
        # A line from code that knows nothing of the turn, as a library's would be.
        logging.getLogger("tests.storage").warning("throttled")
        throttle()

    dynamodb.meta.events.register("before-call.dynamodb.Query", throttle_and_say_so)
    requests = [intent_request("OrderStatusIntent", "en-US") for _ in range(2)]
    for request in requests:
        assert talk(token="demo-alex").send(request).speech.startswith("I'm sorry")
    logging.getLogger("tests.storage").warning("between turns")

    lines = [json.loads(line) for line in production_log.getvalue().splitlines()]
    ids = [request["requestId"] for request in requests]
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert [line["request_id"] for line in errors] == ids
    for message in ("turn", "throttled"):
        logged = [line for line in lines if line["message"] == message]
        assert [line["request_id"] for line in logged] == ids
        # Only a process's first turn is its cold start.
        assert isinstance(logged[0]["cold_start"], bool) and logged[1]["cold_start"] is False
    # The keys end with the turn: the next line is nobody's.
    assert lines[-1]["message"] == "between turns"
    assert "request_id" not in lines[-1] and "cold_start" not in lines[-1]
