"""Every page of a query: DynamoDB answers at most 1 MB at a time, and a partition of
the index (a customer's account, the team) can outgrow it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def queried(client: DynamoDBClient, **request: Any) -> Iterator[dict[str, Any]]:
    """The raw items ``client.query(**request)`` finds, on every page, in the index's
    order; the next page is asked for only when this one has been used up."""
    while True:
        page = client.query(**request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request = {**request, "ExclusiveStartKey": page["LastEvaluatedKey"]}
