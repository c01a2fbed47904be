"""Account-linking tokens mapped to customers (the demo's identity provider).

Tokens are secrets, so only their SHA-256 is stored: ``PK=TOKEN#<sha256>, SK=TOKEN``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from skill.storage.codec import key, to_item
from skill.storage.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def _token_key(token: str) -> str:
    return "TOKEN#" + hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def customer_for(self, token: str) -> str | None:
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(_token_key(token), "TOKEN"),
            ProjectionExpression="customer_id",
        )
        item = answer.get("Item")
        return item["customer_id"]["S"] if item else None

    @translated()
    def put(self, token: str, customer_id: str) -> None:
        values = {"PK": _token_key(token), "SK": "TOKEN", "customer_id": customer_id}
        self._client.put_item(TableName=self._table, Item=to_item(values))
