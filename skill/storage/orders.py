"""Orders and customer profiles.

Items::

    PK=ORDER#<number>       SK=ORDER    GSI1PK=CUSTOMER#<id>  GSI1SK=ORDER#<number>
    PK=CUSTOMER#<id>        SK=PROFILE  GSI1PK=CUSTOMER#<id>  GSI1SK=PROFILE

One query on GSI1 returns a customer's profile and all their orders, with what a
booking needs of their callbacks (the lock, the channel chosen last time, past contacts:
:mod:`.callbacks` indexes them under the customer) and what a complaint needs of their
complaints and promises (:mod:`.complaints` indexes them under the customer too); one
GetItem finds an order by number for an unlinked customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from skill.records import Contact, Customer, Money, Order, OrderStatus
from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import translated
from skill.storage.pages import index_partition

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from skill.rules.satisfaction import Survey


@dataclass(frozen=True)
class Account:
    """A customer and their orders, read in one query."""

    customer: Customer | None
    orders: list[Order]
    # The lock of the customer's open callback, if any (see skill.storage.callbacks):
    # an index copy, so it may lag a moment behind a booking or a close.
    open_callback_id: str | None = None
    # The channel of the last callback and past calls: index copies too.
    callback_channel: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    # Resolved callbacks whose customer is asked how it went at this visit
    # (skill.rules.satisfaction): their contacts carry the mark.
    surveys: list[Survey] = field(default_factory=list)
    # The customer's complaints and commitments, as item values: the query finds them
    # anyway, and skill.storage.complaints.history_from reads them when a turn needs
    # them (a complaint's), so a launch does not build them.
    complaint_items: list[dict[str, Any]] = field(default_factory=list)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _order_from(values: dict[str, Any]) -> Order:
    return Order(
        number=values["number"],
        customer_id=values["customer_id"],
        status=OrderStatus(values["status"]),
        items={str(k): str(v) for k, v in values.get("items", {}).items()},
        placed_on=date.fromisoformat(values["placed_on"]),
        postal_code=values.get("postal_code", ""),
        total=Money(Decimal(values.get("total_amount", 0)), values.get("currency", "USD")),
        estimated_delivery=_day(values.get("estimated_delivery")),
        original_estimate=_day(values.get("original_estimate")),
        delivered_on=_day(values.get("delivered_on")),
        carrier=values.get("carrier"),
        shipping=(
            Money(Decimal(values["shipping_amount"]), values.get("currency", "USD"))
            if "shipping_amount" in values
            else None
        ),
    )


def _customer_from(values: dict[str, Any]) -> Customer:
    return Customer(
        customer_id=values["customer_id"],
        first_name=values.get("first_name", ""),
        postal_code=values.get("postal_code", ""),
        language=values.get("language", "en"),
        phone=values.get("phone"),
        email=values.get("email"),
    )


class OrderStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def get(self, number: str) -> Order | None:
        answer = self._client.get_item(TableName=self._table, Key=key(f"ORDER#{number}", "ORDER"))
        item = answer.get("Item")
        return _order_from(from_item(item)) if item else None

    @translated()
    def account(self, customer_id: str) -> Account:
        """The customer's profile, orders and callbacks' state in one query (more only
        past 1 MB)."""
        customer: Customer | None = None
        orders: list[Order] = []
        open_callback_id: str | None = None
        channel: str | None = None
        contacts: list[Contact] = []
        surveys: list[Survey] = []
        complaint_items: list[dict[str, Any]] = []
        for raw in index_partition(self._client, self._table, f"CUSTOMER#{customer_id}"):
            values = from_item(raw)
            if values.get("kind") == "customer":
                customer = _customer_from(values)
            elif values.get("kind") == "order":
                orders.append(_order_from(values))
            elif values.get("kind") == "callback_lock":
                open_callback_id = values.get("callback_id")
            elif values.get("kind") == "callback_prefs":
                channel = values.get("channel")
            elif values.get("kind") == "callback_contact":
                at = datetime.fromisoformat(values["at"])
                contacts.append(Contact(values["agent_id"], at))
                if values.get("csat_due") and values.get("callback_id"):
                    # Imported here: a launch without a question pays nothing for it.
                    from skill.rules.satisfaction import Survey

                    name = str(values.get("agent_first_name", ""))
                    surveys.append(Survey(str(values["callback_id"]), name, at))
            elif values.get("kind") in ("complaint", "commitment"):
                complaint_items.append(values)
        return Account(
            customer, orders, open_callback_id, channel, contacts, surveys, complaint_items
        )

    @translated()
    def put_customer(self, customer: Customer) -> None:
        self._client.put_item(TableName=self._table, Item=to_item(customer_values(customer)))

    @translated()
    def put_order(self, order: Order) -> None:
        self._client.put_item(TableName=self._table, Item=to_item(order_values(order)))


def customer_values(customer: Customer) -> dict[str, Any]:
    """The profile item's attributes (skill.storage.shop adds the shop's own)."""
    pk = f"CUSTOMER#{customer.customer_id}"
    return {
        "PK": pk,
        "SK": "PROFILE",
        "GSI1PK": pk,
        "GSI1SK": "PROFILE",
        "kind": "customer",
        "customer_id": customer.customer_id,
        "first_name": customer.first_name,
        "postal_code": customer.postal_code,
        "language": customer.language,
        "phone": customer.phone,
        "email": customer.email,
    }


def order_values(order: Order) -> dict[str, Any]:
    """The order item's attributes (skill.storage.shop adds the shop's own)."""
    return {
        "PK": f"ORDER#{order.number}",
        "SK": "ORDER",
        "GSI1PK": f"CUSTOMER#{order.customer_id}",
        "GSI1SK": f"ORDER#{order.number}",
        "kind": "order",
        "number": order.number,
        "customer_id": order.customer_id,
        "status": order.status.value,
        "items": order.items,
        "placed_on": order.placed_on.isoformat(),
        "postal_code": order.postal_code,
        "total_amount": order.total.amount,
        "currency": order.total.currency,
        "estimated_delivery": _iso(order.estimated_delivery),
        "original_estimate": _iso(order.original_estimate),
        "delivered_on": _iso(order.delivered_on),
        "carrier": order.carrier,
        # Shipping is paid in the order's currency.
        "shipping_amount": order.shipping.amount if order.shipping else None,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
