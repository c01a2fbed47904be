"""Every page of a query: DynamoDB answers at most 1 MB at a time, and a partition of
the index (a customer's account, the team) can outgrow it. :func:`index_partition` is
the one query of a partition of the index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from skill.storage.tables import GSI1, GSI1PK, GSI1SK

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


def index_partition(
    client: DynamoDBClient, table: str, partition: str, prefix: str | None = None
) -> Iterator[dict[str, Any]]:
    """The raw items of one partition of the index (a customer's account, the team), in
    its order, on every page; with ``prefix``, those whose sort key starts with it."""
    condition = "#pk = :pk"
    names = {"#pk": GSI1PK}
    values: dict[str, Any] = {":pk": {"S": partition}}
    if prefix is not None:
        condition += " AND begins_with(#sk, :prefix)"
        names["#sk"] = GSI1SK
        values[":prefix"] = {"S": prefix}
    return queried(
        client,
        TableName=table,
        IndexName=GSI1,
        KeyConditionExpression=condition,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )
