"""AWS Lambda entry of the notifier: new outbox items from the table's stream.

The event source mapping (serverless.yml) passes only outbox INSERTs; each becomes a
message to the team's topic and, for customers who chose it, an SMS. Everything at
module level runs in the init phase: settings, templates, the clients.
"""

from __future__ import annotations

from typing import Any

import boto3

from skill.config import Settings
from skill.delivery import AwsPublisher, SmsPublisher
from skill.logs import configure_logging
from skill.notifier import SnsPublisher, deliver
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import client_config, dynamodb_client

settings = Settings.from_env()
configure_logging(settings.log_level)
renderer = Renderer()
renderer.warm()
stores = Stores.on(dynamodb_client(settings), settings.table_name)
publisher = AwsPublisher(
    SnsPublisher(
        boto3.client("sns", region_name=settings.region, config=client_config(settings)),
        settings.team_topic(),
    ),
    SmsPublisher(
        boto3.client(
            "pinpoint-sms-voice-v2", region_name=settings.region, config=client_config(settings)
        ),
        settings.sms_origination,
    )
    if settings.sms_origination
    else None,
)


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    # A failure raises: Lambda retries the batch, bisecting it to isolate a bad record.
    return {"delivered": deliver(event.get("Records", []), stores, renderer, publisher)}
