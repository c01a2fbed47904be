"""The webhooks' Lambda entry: a function URL's event in, the function URL's answer out.

It runs in its own process as Lambda would, its AWS clients pointed at moto (SSM and
DynamoDB in one server) through ``AWS_ENDPOINT_URL``; the secret is an SSM SecureString
parameter whose name is all the function's environment holds.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from skill.config import Settings
from skill.records import OrderStatus
from skill.rules.webhook_signatures import shopify_signature
from skill.storage import Stores
from tests.moto_in_process import on_the_embedded_server
from tests.rules.test_shopify_payloads import FIXTURES
from tests.team_inbox import entry_environment

# On the embedded server: the stream.
dynamodb_endpoint = on_the_embedded_server()

# The entry in a fresh interpreter.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SECRET = "shpss_lambda_5e8b"
SHOPIFY_PARAMETER = "/menschmoment/test/shopify-webhook-secret"


def function_url_event(path: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """What a Lambda function URL hands the function (payload format 2.0): headers in
    lower case, a JSON body base64-encoded."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "host": "abcdefghij.lambda-url.eu-west-1.on.aws",
            "user-agent": "Shopify-Captain-Hook",
            **{name.lower(): value for name, value in headers.items()},
        },
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abcdefghij",
            "domainName": "abcdefghij.lambda-url.eu-west-1.on.aws",
            "http": {
                "method": "POST",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Shopify-Captain-Hook",
            },
            "requestId": "6c0f4b1e-0c8a-4d2b-9d35-1f1e2b3c4d5e",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/Nov/2026:15:00:00 +0000",
            "timeEpoch": 1795446000000,
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def run_handler(events: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    code = (
        "import json, sys, webhooks_function\n"
        "events = json.load(sys.stdin)\n"
        "print(json.dumps([webhooks_function.handler(e, None) for e in events]))"
    )
    env = entry_environment(settings, topic="")
    env.pop("NOTIFY_TOPIC_ARN")
    env["SHOPIFY_WEBHOOK_SECRET_PARAMETER"] = SHOPIFY_PARAMETER
    # No such parameter: the route is off.
    env["ORDERS_WEBHOOK_SECRET_PARAMETER"] = "/menschmoment/test/orders-webhook-secret"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    answers: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return answers


def test_the_entry_reads_its_secret_from_ssm_and_answers_function_url_events(
    settings: Settings, stores: Stores
) -> None:
    ssm = boto3.client(
        "ssm",
        endpoint_url=settings.dynamodb_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    ssm.put_parameter(Name=SHOPIFY_PARAMETER, Value=SECRET, Type="SecureString", Overwrite=True)
    body = (FIXTURES / "orders_create.json").read_bytes()
    signed = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Webhook-Id": "0b1f9c5e-2f51-4b7e-a4d4-6d2a4f1c9e10",
        "X-Shopify-Hmac-Sha256": shopify_signature(SECRET, body),
    }
    unsigned = {**signed, "X-Shopify-Hmac-Sha256": shopify_signature("a guess", body)}
    plain_text = function_url_event("/webhooks/shopify", body, signed)
    plain_text.update(body=body.decode(), isBase64Encoded=False)

    answers = run_handler(
        [
            function_url_event("/webhooks/shopify", body, unsigned),
            function_url_event("/webhooks/shopify", body, signed),
            plain_text,  # the same delivery again, its body as text
            function_url_event("/webhooks/orders", b"{}", {}),
            function_url_event("/elsewhere", b"{}", {}),
        ],
        settings,
    )

    assert [a["statusCode"] for a in answers] == [401, 200, 200, 404, 404]
    assert all(a["headers"] == {"content-type": "application/json"} for a in answers)
    assert json.loads(answers[1]["body"]) == {
        "status": "stored",
        "written": 2,
        "unchanged": 0,
        "older_skipped": 0,
    }
    assert json.loads(answers[2]["body"]) == {"status": "duplicate"}
    order = stores.orders.get("1101")
    assert order is not None and order.status is OrderStatus.PROCESSING
