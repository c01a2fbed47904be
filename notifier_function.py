"""AWS Lambda entry of the notifier: new outbox items from the table's stream.

The event source mapping (serverless.yml) passes only outbox INSERTs and order changes;
an outbox item becomes a message to the team's topic and, for customers who chose it, an
SMS and an Alexa notification; an order's new status an Alexa notification. Everything at
module level runs in the init phase: settings, templates, the clients.
"""

from __future__ import annotations

import logging
from typing import Any

import boto3
from botocore.config import Config

from skill.adapters.delivery import AwsPublisher, SmsPublisher, SnsPublisher
from skill.adapters.parameters import secure_parameters
from skill.config import Settings
from skill.logs import configure_logging
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_client
from skill.usecases.alexa_notifications import alexa_notifier_for
from skill.usecases.callback_reminders import reminder_keeper_for
from skill.usecases.notifier import deliver

log = logging.getLogger("notifier")
settings = Settings.from_env()
configure_logging(settings.log_level)
if settings.alexa_client_id and settings.alexa_client_secret_parameter:
    # The skill's LWA secret is a SecureString parameter, read once at init.
    _secret = secure_parameters(
        boto3.client("ssm", region_name=settings.region),
        [settings.alexa_client_secret_parameter],
    ).get(settings.alexa_client_secret_parameter)
    settings = settings.with_changes(alexa_client_secret=_secret)
renderer = Renderer()
renderer.warm()
stores = Stores(dynamodb_client(settings), settings.table_name)
# A message is sent again when botocore retries a publish whose answer was late, so the
# notifier, which has 30 seconds and not a voice turn's few, waits longer for answers.
publishing = Config(
    retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=5
)
publisher = AwsPublisher(
    SnsPublisher(
        boto3.client("sns", region_name=settings.region, config=publishing),
        settings.team_topic(),
    ),
    SmsPublisher(
        boto3.client("pinpoint-sms-voice-v2", region_name=settings.region, config=publishing),
        settings.sms_origination,
    )
    if settings.sms_origination
    else None,
)
# Alexa notifications, when the skill's LWA credentials are configured.
alexa = alexa_notifier_for(settings, stores, renderer)
# Customers' reminders of their call backs, moved and deleted with the same credentials.
reminders = reminder_keeper_for(settings, stores, renderer)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Deliver the records in order; on a failure, report it and stop.

    A stream shard is ordered: Lambda retries from the first reported record
    (ReportBatchItemFailures). What went out before the failure, the team's message of
    the failed record included, is marked on its outbox item and not sent again.
    """
    delivered = 0
    for record in event.get("Records", []):
        try:
            delivered += deliver(
                [record], stores, renderer, publisher, alexa=alexa, reminders=reminders
            )
        except Exception as error:
            log.warning("notification not delivered", extra={"error_type": type(error).__name__})
            sequence = record.get("dynamodb", {}).get("SequenceNumber", "")
            return {"delivered": delivered, "batchItemFailures": [{"itemIdentifier": sequence}]}
    return {"delivered": delivered, "batchItemFailures": []}
