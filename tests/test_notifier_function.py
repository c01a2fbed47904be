"""The notifier's Lambda entry: stream records in, messages on the team's topic out.

It runs in its own process as Lambda would, its AWS clients pointed at moto (SNS, SQS
and DynamoDB in one server) through ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.config import Settings
from skill.storage import Stores
from skill.storage.codec import to_item
from tests.alexa import Conversation
from tests.fake_sms_api import FakeSmsApi
from tests.moto_in_process import on_the_embedded_server
from tests.stored import outbox
from tests.team_inbox import entry_environment, team_inbox

# On the embedded server: the notifier function reads the stream.
dynamodb_endpoint = on_the_embedded_server()

# The notifier entry in fresh interpreters.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
Talk = Callable[..., Conversation]


def run_handler(
    event: dict[str, Any], settings: Settings, topic: str, **extra: str
) -> dict[str, Any]:
    code = (
        "import json, sys, notifier_function\n"
        "print(json.dumps(notifier_function.handler(json.load(sys.stdin), None)))"
    )
    env = entry_environment(settings, topic) | extra
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_each_outbox_insert_becomes_one_message_on_the_team_topic(
    talk: Talk, settings: Settings, demo_stores: Stores
) -> None:
    inbox = team_inbox(str(settings.dynamodb_endpoint), name=f"team-{settings.table_name}")
    topic, sqs, queue = inbox.topic, inbox.sqs, inbox.queue
    talk(token="demo-alex").say("CallbackIntent")
    events = sorted(outbox(demo_stores), key=lambda e: e["event"])
    assert [e["event"] for e in events] == ["assigned", "requested"]
    records = [{"eventName": "INSERT", "dynamodb": {"NewImage": to_item(e)}} for e in events]
    # What the stream filter would drop, should it ever get through: no messages.
    records.append({"eventName": "MODIFY", "dynamodb": {"NewImage": to_item(events[0])}})
    records.append(
        {"eventName": "INSERT", "dynamodb": {"NewImage": to_item({"PK": "X", "kind": "order"})}}
    )

    answer = run_handler({"Records": records}, settings, topic)
    assert answer == {"delivered": 2, "batchItemFailures": []}

    bodies = [
        json.loads(m["Body"])
        for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)[
            "Messages"
        ]
    ]
    assert sorted(b["Subject"] for b in bodies) == [
        "Callback assigned: Alex",
        "Callback requested: Alex",
    ]
    assert all(b["Message"].startswith("Maria Schneider: callback") for b in bodies)
    assert all("0142" not in b["Message"] for b in bodies)  # no phone number to the team


def test_a_record_that_fails_is_reported_and_nothing_after_it_is_sent(
    talk: Talk, settings: Settings, demo_stores: Stores
) -> None:
    inbox = team_inbox(str(settings.dynamodb_endpoint), name=f"team-{settings.table_name}")
    topic, sqs, queue = inbox.topic, inbox.sqs, inbox.queue
    talk(token="demo-alex").say("CallbackIntent")
    [requested] = [e for e in outbox(demo_stores) if e["event"] == "requested"]
    broken = {key: value for key, value in requested.items() if key != "callback_id"}

    def record(image: dict[str, Any], sequence: str) -> dict[str, Any]:
        return {
            "eventName": "INSERT",
            "dynamodb": {"NewImage": to_item(image), "SequenceNumber": sequence},
        }

    records = [record(requested, "100"), record(broken, "200"), record(requested, "300")]

    answer = run_handler({"Records": records}, settings, topic)

    # Lambda retries from 200; 100 was delivered and is not sent again, 300 waits.
    assert answer == {"delivered": 1, "batchItemFailures": [{"itemIdentifier": "200"}]}
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    assert len(messages["Messages"]) == 1


def test_a_text_that_fails_is_retried_without_telling_the_team_again(
    talk: Talk, settings: Settings, demo_stores: Stores
) -> None:
    """The SMS spending limit is reached as Alex books a call back by text: the team
    hears of both events at once, Alex's text goes out on Lambda's retry, and the team's
    message about the assignment is not sent a second time."""
    # An inbox of its own: the server outlives the test, and so do other tests' messages.
    inbox = team_inbox(str(settings.dynamodb_endpoint), name=f"team-{settings.table_name}")
    talk(token="demo-alex").say("CallbackIntent", channel="text")
    events = {e["event"]: e for e in outbox(demo_stores)}
    records = [
        {
            "eventName": "INSERT",
            "dynamodb": {"NewImage": to_item(events[name]), "SequenceNumber": sequence},
        }
        for name, sequence in (("requested", "100"), ("assigned", "200"))
    ]

    with FakeSmsApi() as sms:
        sms.state.refusals = 1
        extra = {
            "SMS_ORIGINATION": "arn:aws:sms-voice:us-east-1:123456789012:phone-number/p-1",
            "AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2": sms.endpoint,
        }
        first = run_handler({"Records": records}, settings, inbox.topic, **extra)
        # Lambda retries the batch from the reported record on.
        retry = run_handler({"Records": records[1:]}, settings, inbox.topic, **extra)
        # Bisecting a batch hands both records over once more: nothing is sent again.
        again = run_handler({"Records": records}, settings, inbox.topic, **extra)

    assert first["batchItemFailures"] == [{"itemIdentifier": "200"}]
    assert retry == {"delivered": 1, "batchItemFailures": []}
    assert again == {"delivered": 0, "batchItemFailures": []}
    team = sorted(json.loads(m["Body"])["Subject"] for m in inbox.received())
    assert team == ["Callback assigned: Alex", "Callback requested: Alex"]
    assert inbox.received() == []
    assert len(sms.state.refused) == 1
    [text] = sms.state.sent
    assert text["DestinationPhoneNumber"] == "+12125550142"
    assert text["MessageBody"] == "Maria from our service team will text you today at 10:10 am."
    marks = {e["event"]: {k for k in e if k.startswith("delivered_")} for e in outbox(demo_stores)}
    assert marks == {
        "requested": {"delivered_team"},
        "assigned": {"delivered_team", "delivered_sms"},
    }
