"""Notifications in AWS: the team's topic, customers' SMS from the shop's number."""

from __future__ import annotations

import logging

import boto3
import pytest
from botocore.stub import Stubber

from skill.adapters.delivery import (
    AwsPublisher,
    LogPublisher,
    Notification,
    SmsNumberError,
    SmsPublisher,
    e164,
)

ORIGIN = "arn:aws:sms-voice:eu-west-1:123456789012:pool/pool-0123"
SMS = Notification("customer", "Menschmoment", "Maria will text you today", "+1 212 555 0142")
TEAM = Notification("team", "Callback assigned: Alex", "Maria Schneider: callback assigned")


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("+1 212 555 0142", "+12125550142"),
        ("+49 (0)30 1234-5678", "+493012345678"),
        ("0049 30 12345678", "+493012345678"),
    ],
)
def test_numbers_are_sent_in_e164(written: str, sent: str) -> None:
    assert e164(written) == sent


@pytest.mark.parametrize("written", ["030 1234567", "+12", "+1 212 555 0142 0142 0142 99"])
def test_numbers_without_country_code_or_of_wrong_length_are_refused(written: str) -> None:
    with pytest.raises(SmsNumberError):
        e164(written)


def sms_client() -> tuple[object, Stubber]:
    client = boto3.client(
        "pinpoint-sms-voice-v2",
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return client, Stubber(client)


def test_a_customer_sms_goes_from_the_shops_origination_identity() -> None:
    client, stub = sms_client()
    stub.add_response(
        "send_text_message",
        {"MessageId": "m-1"},
        {
            "DestinationPhoneNumber": "+12125550142",
            "OriginationIdentity": ORIGIN,
            "MessageBody": "Maria will text you today",
            "MessageType": "TRANSACTIONAL",
        },
    )
    with stub:
        # The id a reply to this text will name (skill.usecases.sms_replies).
        assert SmsPublisher(client, ORIGIN).publish(SMS) == "m-1"
    stub.assert_no_pending_responses()


def test_team_messages_go_to_the_topic_and_customer_ones_to_sms() -> None:
    team, texts = LogPublisher(), LogPublisher()
    publisher = AwsPublisher(team, texts)

    publisher.publish(TEAM)
    publisher.publish(SMS)

    assert team.sent == [TEAM]
    assert texts.sent == [SMS]


def test_without_an_sms_origination_customers_get_no_sms_and_the_team_still_hears(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="skill.adapters.delivery")
    team = LogPublisher()
    publisher = AwsPublisher(team, None)

    publisher.publish(SMS)
    publisher.publish(TEAM)

    assert team.sent == [TEAM]
    assert "customer SMS skipped" in caplog.text
