"""AWS Lambda entry of the order webhooks, behind a Lambda function URL.

``POST /webhooks/shopify`` and ``POST /webhooks/orders`` as the web service serves them
(skill.usecases.webhooks), without Flask: the function URL's event (payload format 2.0:
headers lower-cased, the body base64-encoded when Lambda says so) becomes a delivery and
the answer a function URL response. The secrets are SSM SecureString parameters whose
names the stack sets; they are read once, at init.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import boto3

from skill.adapters.parameters import secure_parameters
from skill.clock import system_clock
from skill.config import Settings
from skill.logs import configure_logging
from skill.storage import Stores
from skill.storage.client import client_config, dynamodb_client
from skill.usecases.webhooks import MAX_DELIVERY_BYTES, Answer, Delivery, Webhooks, webhooks_for

settings = Settings.from_env()
configure_logging(settings.log_level)
_names = (settings.shopify_webhook_secret_parameter, settings.orders_webhook_secret_parameter)
if any(_names):
    _secrets = secure_parameters(
        boto3.client("ssm", region_name=settings.region, config=client_config(settings)),
        [name for name in _names if name],
    )
    settings = settings.with_changes(
        shopify_webhook_secret=_secrets.get(settings.shopify_webhook_secret_parameter or ""),
        orders_webhook_secret=_secrets.get(settings.orders_webhook_secret_parameter or ""),
    )
webhooks = webhooks_for(
    settings, Stores(dynamodb_client(settings), settings.table_name), system_clock
)
ROUTES = {"/webhooks/shopify": Webhooks.shopify, "/webhooks/orders": Webhooks.orders}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    route = ROUTES.get(event.get("rawPath", ""))
    method = event.get("requestContext", {}).get("http", {}).get("method", "")
    if route is None:
        return _response(Answer(404, {"error": "not found"}))
    if method != "POST":
        return _response(Answer(405, {"error": "POST only"}))
    body = event.get("body") or ""
    try:
        raw = (
            base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode()
        )
    except (binascii.Error, ValueError):
        return _response(Answer(400, {"error": "body is not base64"}))
    if len(raw) > MAX_DELIVERY_BYTES:
        return _response(Answer(413, {"error": "request body too large"}))
    return _response(route(webhooks, Delivery(event.get("headers") or {}, raw)))


def _response(answer: Answer) -> dict[str, Any]:
    return {
        "statusCode": answer.status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(answer.body),
    }
