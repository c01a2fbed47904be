"""AWS Lambda entry of the overdue sweep, run on a schedule (serverless.yml).

Settings, stores and the topic's client are made at init, as in the other entries.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import boto3

from skill.adapters.delivery import SnsPublisher
from skill.clock import system_clock
from skill.config import Settings
from skill.logs import configure_logging
from skill.storage import Stores
from skill.storage.client import client_config, dynamodb_client
from skill.usecases.overdue import sweep

settings = Settings.from_env()
configure_logging(settings.log_level)
stores = Stores(dynamodb_client(settings), settings.table_name)
publisher = SnsPublisher(
    boto3.client("sns", region_name=settings.region, config=client_config(settings)),
    settings.team_topic(),
)


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    result = sweep(stores, publisher, system_clock(), settings.service_time_zone)
    return asdict(result)
