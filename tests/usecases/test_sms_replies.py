"""A customer's text in reply to the satisfaction question, against the test table: the
notifier texts the question through the SMS API (tests/fake_sms_api.py) and keeps its
message id; the reply that names it, from the number asked, scores the callback once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
import pytest

from skill.adapters.delivery import AwsPublisher, LogPublisher, SmsPublisher
from skill.clock import fixed_clock
from skill.rules.satisfaction import AskedBy, satisfaction
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.codec import to_item
from skill.storage.outbox import OutboxEvent
from skill.usecases.notifier import deliver
from skill.usecases.sms_replies import (
    InboundText,
    NotInbound,
    ReplyOutcome,
    inbound_text,
    receive_reply,
)
from tests.conftest import MOMENT
from tests.fake_sms_api import FakeSmsApi
from tests.storage.test_callbacks import make_callback
from tests.stored import items, outbox

ORIGIN = "arn:aws:sms-voice:us-east-1:123456789012:phone-number/p-1"
RESOLVED = MOMENT + timedelta(minutes=20)
REPLIED = RESOLVED + timedelta(minutes=3)
ALEX = "+12125550142"  # the number the question goes to ("+1 212 555 0142" stored)
QUESTION = (
    "Thank you for talking to Maria. Did Maria sort it out? Reply with a number from one to five."
)


@dataclass
class Texting:
    sms: FakeSmsApi | None
    publisher: AwsPublisher


@contextmanager
def sms_texting() -> Iterator[Texting]:
    """The notifier's publisher, texting through the SMS API on the loopback address."""
    with FakeSmsApi() as sms:
        client = boto3.client(
            "pinpoint-sms-voice-v2",
            region_name="us-east-1",
            endpoint_url=sms.endpoint,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        yield Texting(sms, AwsPublisher(LogPublisher(), SmsPublisher(client, ORIGIN)))


@pytest.fixture
def texting() -> Iterator[Texting]:
    with sms_texting() as texting:
        yield texting


def resolved_with_question(stores: Stores, callback_id: str = "cb-1") -> list[dict[str, Any]]:
    """Maria resolves Alex's call back (by text, to a confirmed number): the stream
    records of its outbox events, the satisfaction question among them."""
    callback = make_callback(callback_id, customer_id="c-x", channel="sms")
    stores.callbacks.create(callback, [])
    event = OutboxEvent(
        "satisfaction", callback_id, RESOLVED, callback.agent_id, "sms", callback.due_at,
        sms=True, team=False,
    )  # fmt: skip
    stores.callbacks.complete(callback, RESOLVED, [event], survey=AskedBy.SMS)
    return [
        {"eventName": "INSERT", "dynamodb": {"NewImage": to_item(values)}}
        for values in outbox(stores)
        if values["callback_id"] == callback_id
    ]


def resolve_and_ask(stores: Stores, texting: Texting, callback_id: str = "cb-1") -> None:
    """... and the notifier texts the question."""
    records = resolved_with_question(stores, callback_id)
    deliver(records, stores, Renderer(), texting.publisher, fixed_clock(RESOLVED))


def reply(
    body: str | None, previous: str | None = "m-1", number: str = ALEX, **more: Any
) -> dict[str, Any]:
    """The JSON two-way SMS publishes for a text received (AWS's documented keys)."""
    return {
        "originationNumber": number,
        "destinationNumber": "+12065550100",
        "messageKeyword": "",
        "messageBody": body,
        "previousPublishedMessageId": previous,
        "inboundMessageId": "cae173d2-66b9-564c-8309-21f858e9fb84",
    } | more


def receive(stores: Stores, message: dict[str, Any], at: Any = REPLIED) -> ReplyOutcome:
    return receive_reply(stores, inbound_text(message), at)


def score_of(stores: Stores, callback_id: str = "cb-1") -> int | None:
    callback = stores.callbacks.get(callback_id)
    assert callback is not None
    return callback.csat_score


def test_the_question_keeps_its_message_id_and_no_phone_number(
    stores: Stores, texting: Texting
) -> None:
    resolve_and_ask(stores, texting)

    assert texting.sms is not None
    [text] = texting.sms.state.sent
    assert (text["DestinationPhoneNumber"], text["MessageBody"]) == (ALEX, QUESTION)
    [kept] = items(stores, "sms_reply")
    assert kept["PK"] == "SMSREPLY#m-1"
    assert kept["callback_id"] == "cb-1"
    assert kept["expires_at"] == int((RESOLVED + timedelta(days=7)).timestamp())
    assert not any("0142" in str(value) for value in kept.values())


def test_a_reply_from_the_number_asked_scores_the_callback(
    stores: Stores, texting: Texting, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    resolve_and_ask(stores, texting)

    assert receive(stores, reply("Vier!")) is ReplyOutcome.SCORED

    callback = stores.callbacks.get("cb-1")
    assert callback is not None
    assert (callback.csat_score, callback.csat_at, callback.csat_asked_by) == (4, REPLIED, "sms")
    # The team lead's figures count it (the console's dashboard).
    figures = satisfaction([callback], {"a-maria": "Maria Schneider"})
    assert (figures.responses, figures.asked, str(figures.average)) == (1, 1, "4.0")
    # No number and no message text in the log.
    assert "0142" not in caplog.text and "Vier" not in caplog.text


def test_a_second_reply_changes_nothing(stores: Stores, texting: Texting) -> None:
    resolve_and_ask(stores, texting)
    assert receive(stores, reply("5")) is ReplyOutcome.SCORED

    assert receive(stores, reply("1", inboundMessageId="second")) is ReplyOutcome.ALREADY
    assert score_of(stores) == 5


def test_a_reply_from_another_number_scores_nothing(stores: Stores, texting: Texting) -> None:
    resolve_and_ask(stores, texting)

    assert receive(stores, reply("1", number="+12125550999")) is ReplyOutcome.WRONG_NUMBER
    assert receive(stores, reply("1", number="not a number")) is ReplyOutcome.WRONG_NUMBER
    assert score_of(stores) is None
    # The customer's own answer still counts.
    assert receive(stores, reply("4")) is ReplyOutcome.SCORED


def test_a_reply_to_an_unknown_or_expired_message_scores_nothing(
    stores: Stores, texting: Texting
) -> None:
    resolve_and_ask(stores, texting)

    assert receive(stores, reply("5", previous="m-unknown")) is ReplyOutcome.UNKNOWN
    assert receive(stores, reply("5", previous=None)) is ReplyOutcome.UNKNOWN
    late = RESOLVED + timedelta(days=7, minutes=1)
    assert receive(stores, reply("5"), at=late) is ReplyOutcome.UNKNOWN
    assert score_of(stores) is None


def test_a_reply_that_is_no_score_stores_nothing(stores: Stores, texting: Texting) -> None:
    resolve_and_ask(stores, texting)

    for body in ("Who is this?", "7", "STOP", ""):
        assert receive(stores, reply(body)) is ReplyOutcome.NO_SCORE
    assert score_of(stores) is None
    assert receive(stores, reply("3 stars")) is ReplyOutcome.SCORED


def test_without_a_message_id_from_the_send_nothing_is_kept(stores: Stores) -> None:
    # The demo's publisher sends nothing, so nothing can be answered.
    texting = Texting(None, AwsPublisher(LogPublisher(), LogPublisher()))
    resolve_and_ask(stores, texting)

    assert items(stores, "sms_reply") == []
    assert receive(stores, reply("5")) is ReplyOutcome.UNKNOWN


def test_only_two_way_smss_json_is_a_received_text() -> None:
    text = inbound_text(reply("4"))
    assert text == InboundText(
        origination_number=ALEX,
        destination_number="+12065550100",
        keyword="",
        body="4",
        previous_message_id="m-1",
        inbound_message_id="cae173d2-66b9-564c-8309-21f858e9fb84",
    )
    for broken in ({}, {"messageBody": "4"}, reply(None), reply("4", originationNumber=42)):
        with pytest.raises(NotInbound):
            inbound_text(broken)
