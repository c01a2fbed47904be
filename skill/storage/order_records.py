"""A stored order read back as the data contract's record, for changes to one part of it.

A shipment's webhook (``fulfillments/update``) says where the parcel is, not what was
ordered: the rest comes from the order item as stored. Items written from a record
(:mod:`skill.storage.shop`) carry the shop's own (``shop``: its status, item lines, due
dates as given …; ``shop_updated_at``) and give the record back as it was; an item
written without them (the demo's, :meth:`OrderStore.put_order`) is read from what
the skill speaks of, the way the skill reads it.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from skill.records import OrderStatus
from skill.rules.shop_records import OrderLine, OrderRecord, ShopStatus
from skill.storage.codec import from_item, key
from skill.storage.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# The skill's status of an item written without the shop's own.
_SHOP_STATUS = {
    OrderStatus.PROCESSING: ShopStatus.PROCESSING,
    OrderStatus.SHIPPED: ShopStatus.SHIPPED,
    OrderStatus.DELAYED: ShopStatus.SHIPPED,
    OrderStatus.DELIVERED: ShopStatus.DELIVERED,
    OrderStatus.CANCELLED: ShopStatus.CANCELLED,
}


class OrderRecordReader:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def get(self, number: str) -> OrderRecord | None:
        answer = self._client.get_item(
            TableName=self._table, Key=key(f"ORDER#{number}", "ORDER"), ConsistentRead=True
        )
        item = answer.get("Item")
        return record_from(from_item(item)) if item else None


def record_from(values: dict[str, Any]) -> OrderRecord:
    """The record an order item holds."""
    if "shop" in values:
        return _from_shop(values, json.loads(values["shop"]))
    return _from_skill(values)


def _from_shop(values: dict[str, Any], shop: dict[str, Any]) -> OrderRecord:
    return OrderRecord(
        number=values["number"],
        customer_id=values["customer_id"],
        status=ShopStatus(shop["status"]),
        items=tuple(OrderLine(str(line["name"]), int(line["quantity"])) for line in shop["items"]),
        total=Decimal(values["total_amount"]),
        currency=values["currency"],
        shipping_cost=Decimal(values.get("shipping_amount", 0)),
        ordered_at=_day_or_moment(shop["ordered_at"]),
        due=date.fromisoformat(shop["due"]),
        new_due=_day(shop.get("new_due")),
        delivered_at=_day_or_moment(shop["delivered_at"]) if shop.get("delivered_at") else None,
        carrier=values.get("carrier"),
        tracking_url=shop.get("tracking_url"),
        postal_code=values.get("postal_code") or None,
        updated_at=_moment(values.get("shop_updated_at")),
        extra=shop.get("extra", {}),
    )


def _from_skill(values: dict[str, Any]) -> OrderRecord:
    status = OrderStatus(values["status"])
    placed = date.fromisoformat(values["placed_on"])
    estimate = _day(values.get("estimated_delivery"))
    original = _day(values.get("original_estimate"))
    items = values.get("items", {})
    name = items.get("en") or next(iter(items.values()), "") or values["number"]
    delivered = _day(values.get("delivered_on"))
    return OrderRecord(
        number=values["number"],
        customer_id=values["customer_id"],
        status=_SHOP_STATUS[status],
        items=(OrderLine(str(name), 1),),
        total=Decimal(values.get("total_amount", 0)),
        currency=values.get("currency", "USD"),
        shipping_cost=Decimal(values.get("shipping_amount", 0)),
        ordered_at=placed,
        # A delayed order was due on its first estimate and now comes on the new one.
        due=original or estimate or placed,
        new_due=estimate if original else None,
        delivered_at=delivered,
        carrier=values.get("carrier"),
        postal_code=values.get("postal_code") or None,
    )


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _day_or_moment(value: str) -> date | datetime:
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
