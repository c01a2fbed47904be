"""What we remember per Alexa user: the last visit and recent failed verifications.

Alexa user ids are stable identifiers of a person, so the key is their SHA-256:
``PK=ALEXAUSER#<sha256>, SK=PROFILE``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from skill.storage.codec import key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def user_key(user_id: str) -> str:
    return "ALEXAUSER#" + hashlib.sha256(user_id.encode("utf-8")).hexdigest()


class AlexaUserStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def record_visit(self, user_id: str, now: datetime) -> datetime | None:
        """Store this visit and return the previous one, in one round trip."""
        answer = self._client.update_item(
            TableName=self._table,
            Key=key(user_key(user_id), "PROFILE"),
            UpdateExpression="SET last_visit = :now ADD visits :one",
            ExpressionAttributeValues={":now": {"S": now.isoformat()}, ":one": {"N": "1"}},
            ReturnValues="ALL_OLD",
        )
        previous = answer.get("Attributes", {}).get("last_visit")
        return datetime.fromisoformat(previous["S"]) if previous else None

    def verification_failures(self, user_id: str) -> list[datetime]:
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(user_key(user_id), "PROFILE"),
            ProjectionExpression="verification_failures",
            ConsistentRead=True,
        )
        stored = answer.get("Item", {}).get("verification_failures", {}).get("L", [])
        return [datetime.fromisoformat(value["S"]) for value in stored]

    def save_verification_failures(self, user_id: str, failures: list[datetime]) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=key(user_key(user_id), "PROFILE"),
            UpdateExpression="SET verification_failures = :failures",
            ExpressionAttributeValues={
                ":failures": {"L": [{"S": moment.isoformat()} for moment in failures]}
            },
        )
