"""Write-once marks that expire: the claim that something happens once.

A mark is an item written on condition that it does not exist yet, with a TTL: of two
writers (a retried sweep, a webhook delivered twice) exactly one gets True.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skill.storage.codec import to_item
from skill.storage.errors import ConditionFailed, translated
from skill.storage.tables import TTL_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def put_mark(
    client: DynamoDBClient,
    table: str,
    values: dict[str, Any],
    now: datetime,
    retention: timedelta,
) -> bool:
    """Write ``values`` (PK, SK, kind …) kept for ``retention``; False if already there."""
    item = {**values, TTL_ATTRIBUTE: int((now + retention).timestamp())}
    try:
        with translated():
            client.put_item(
                TableName=table,
                Item=to_item(item),
                ConditionExpression="attribute_not_exists(PK)",
            )
    except ConditionFailed:
        return False
    return True
