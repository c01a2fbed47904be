"""Anonymous feedback: the words and the day, nothing that points to a person.

``PK=FEEDBACK#<day>, SK=<random id>``: no customer id, no Alexa user id, no session or
request id, and only the day, so an item cannot be matched to a logged turn by its time.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from skill.storage.codec import from_item, to_item
from skill.storage.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class FeedbackStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def add(self, text: str, language: str, day: date) -> None:
        values = {
            "PK": f"FEEDBACK#{day.isoformat()}",
            "SK": uuid.uuid4().hex,
            "kind": "feedback",
            "text": text,
            "language": language,
            "day": day.isoformat(),
        }
        self._client.put_item(TableName=self._table, Item=to_item(values))

    @translated()
    def on(self, day: date) -> list[str]:
        """The feedback given on ``day`` (for the team reading it)."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"FEEDBACK#{day.isoformat()}"}},
        )
        return [str(from_item(item)["text"]) for item in answer.get("Items", [])]
