"""What the table holds, read as no store reads it: a full scan, for tests only."""

from __future__ import annotations

from typing import Any

from skill.storage import Stores
from skill.storage.codec import from_item


def items(stores: Stores, kind: str) -> list[dict[str, Any]]:
    """Every item of one ``kind``, decoded."""
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": stores.table,
        "FilterExpression": "kind = :kind",
        "ExpressionAttributeValues": {":kind": {"S": kind}},
        "ConsistentRead": True,
    }
    while True:
        page = stores.client.scan(**kwargs)
        found.extend(from_item(raw) for raw in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def outbox(stores: Stores) -> list[dict[str, Any]]:
    """The outbox events: what the notifier would be told."""
    return items(stores, "outbox")
