"""The Lambda entry of customers' texts: SNS events as two-way SMS's topic delivers them,
in a fresh interpreter as Lambda would run it, against the embedded DynamoDB server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.config import Settings
from skill.storage import Stores
from tests.moto_in_process import on_the_embedded_server
from tests.usecases.test_sms_replies import Texting, reply, resolve_and_ask, sms_texting

# On the embedded server: the entry runs in its own process.
dynamodb_endpoint = on_the_embedded_server()

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TOPIC = "arn:aws:sns:us-east-1:123456789012:menschmoment-inbound-texts-test"


@pytest.fixture
def texting() -> Iterator[Texting]:
    with sms_texting() as texting:
        yield texting


def sns_event(*messages: Any) -> dict[str, Any]:
    """What SNS hands a subscribed function: each message as a string in Records[].Sns."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{TOPIC}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": f"95df01b4-ee98-5cb9-9903-4c221d41eb5{number}",
                    "TopicArn": TOPIC,
                    "Subject": None,
                    "Message": message if isinstance(message, str) else json.dumps(message),
                    "Timestamp": "2026-11-23T15:23:00.000Z",
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/cert.pem",
                    "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
                    "MessageAttributes": {},
                },
            }
            for number, message in enumerate(messages)
        ]
    }


def run_handler(event: dict[str, Any], settings: Settings) -> tuple[dict[str, Any], str]:
    code = (
        "import json, sys, sms_reply_function\n"
        "print(json.dumps(sms_reply_function.handler(json.load(sys.stdin), None)))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": str(settings.dynamodb_endpoint),
        "TABLE_NAME": settings.table_name,
        "LOG_LEVEL": "INFO",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, input=json.dumps(event), capture_output=True, text=True, timeout=60,
        check=True, env=env,
    )  # fmt: skip
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer, result.stderr + result.stdout


def test_a_reply_scores_its_callback_and_nothing_else_does(
    stores: Stores, settings: Settings, texting: Texting
) -> None:
    resolve_and_ask(stores, texting)
    event = sns_event(
        "not json",
        {"Type": "something else"},
        reply("Fünf!", number="+12125550999"),  # a forged sender
        reply("ok", previous="m-1"),
        reply("Fünf!"),
        reply("2"),  # a second answer
    )

    answer, logged = run_handler(event, settings)

    assert answer == {
        "outcomes": ["not_inbound", "not_inbound", "wrong_number", "no_score", "scored", "already"]
    }
    callback = stores.callbacks.get("cb-1")
    assert callback is not None and callback.csat_score == 5
    # Logged without the customer's number or words.
    assert '"status": "scored"' in logged
    assert "0142" not in logged and "0999" not in logged and "Fünf" not in logged


def test_a_storage_failure_fails_the_invocation_so_lambda_delivers_it_again(
    stores: Stores, settings: Settings, texting: Texting
) -> None:
    resolve_and_ask(stores, texting)
    gone = settings.with_changes(table_name="no-such-table")

    with pytest.raises(subprocess.CalledProcessError) as failed:
        run_handler(sns_event(reply("4")), gone)

    assert "0142" not in failed.value.stderr
    callback = stores.callbacks.get("cb-1")
    assert callback is not None and callback.csat_score is None
    # Delivered again, once the table answers: scored once.
    assert run_handler(sns_event(reply("4")), settings)[0] == {"outcomes": ["scored"]}
