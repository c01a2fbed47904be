"""Shopify's webhook payloads as the data contract's records (skill.rules.shop_records).

Two payload shapes arrive (Shopify's REST resources, as its webhooks send them):

    orders/create, orders/updated,        the whole order: name, customer,
    orders/fulfilled, orders/cancelled    shipping_address, line_items, shipping_lines,
                                          fulfillments[], cancelled_at, updated_at ...
    fulfillments/create,                  one shipment of an order: its name ("#1001.1"),
    fulfillments/update                   shipment_status, tracking_company, tracking_url

An order payload gives a customer record and an order record (:func:`order_records`).
A fulfillment payload gives a :class:`FulfillmentChange`, which
:func:`apply_fulfillment` lays over the order as stored. Both raise
:class:`~skill.rules.shop_records.RecordError` naming the field at fault, Shopify's
(``line_items[0].quantity``) where the payload breaks its own shape, the contract's
where the value breaks the contract. Pure: no I/O here.

What Shopify does not say, decided here:

- Its order has no delivery promise. Until a carrier's estimate arrives
  (``estimated_delivery_at``), an order is due :data:`STANDARD_DELIVERY_DAYS` after it
  was placed; a later estimate becomes the contract's ``new_due`` (the order is late),
  an earlier one its ``due``.
- Of several shipments the order is as far as the least advanced one: delivered when
  every item was shipped and every shipment has arrived.
- Its locale ("en", "de", "en-CA") and the shipping country choose the skill's locale.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from skill.rules.shop_records import (
    CustomerRecord,
    OrderRecord,
    RecordError,
    ShopStatus,
    normalise_order_number,
    parse_moment,
    parse_record,
)

# The delivery promise of an order the carrier has not estimated yet.
STANDARD_DELIVERY_DAYS = 5

# Shopify's shipment_status of a fulfillment, in the contract's words. Everything else it
# sends (label_printed, label_purchased, confirmed, in_transit, attempted_delivery,
# ready_for_pickup, failure, none at all) means the parcel has left and not arrived.
SHIPMENT_STATUS = {
    "out_for_delivery": ShopStatus.OUT_FOR_DELIVERY,
    "delivered": ShopStatus.DELIVERED,
}
# How far an order is, to find the least advanced of its shipments.
_PROGRESS = {ShopStatus.SHIPPED: 0, ShopStatus.OUT_FOR_DELIVERY: 1, ShopStatus.DELIVERED: 2}
# Fulfillments that carry nothing to the customer.
_VOID_FULFILLMENTS = frozenset({"cancelled", "error", "failure"})
# Financial states of an order the shop has accepted and is preparing.
_ACCEPTED = frozenset({"paid", "partially_paid", "authorized", "partially_refunded"})
_E164 = re.compile(r"\+[1-9]\d{6,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_FULFILLMENT_SUFFIX = re.compile(r"\.\d+$")


@dataclass(frozen=True)
class FulfillmentChange:
    """What one fulfillment payload says about its order."""

    number: str
    status: ShopStatus
    updated_at: datetime
    carrier: str | None = None
    tracking_url: str | None = None
    estimate: date | None = None
    delivered_at: datetime | None = None


def order_records(payload: object) -> tuple[CustomerRecord, OrderRecord]:
    """The customer and the order of an ``orders/*`` payload."""
    order = _object(payload, "order")
    customer = _object(order.get("customer"), "customer")
    shipping = _optional_object(order.get("shipping_address"), "shipping_address")
    billing = _optional_object(order.get("billing_address"), "billing_address")
    default = _optional_object(customer.get("default_address"), "customer.default_address")
    customer_id = _id(customer.get("id"), "customer.id")
    addresses = (shipping, billing, default)
    postal_code = _address_field("zip", addresses)
    if postal_code is None:
        raise RecordError("shipping_address.zip", "is required")
    country = _address_field("country_code", addresses)
    customer_data: dict[str, object] = {
        "type": "customer",
        "id": customer_id,
        "name": _name(customer, shipping),
        "locale": skill_locale(_text_or_none(order.get("customer_locale")), country),
        "postal_code": postal_code,
        "phone": _usable(_E164, customer.get("phone"), (shipping or {}).get("phone")),
        "email": _usable(_EMAIL, customer.get("email"), order.get("email")),
        "updated_at": _text_or_none(customer.get("updated_at")),
    }
    fulfillments = _fulfillments(order.get("fulfillments"))
    ordered_at = _moment(order.get("created_at"), "created_at")
    estimate = _estimate(order, fulfillments)
    due = ordered_at.date() + timedelta(days=STANDARD_DELIVERY_DAYS)
    new_due: date | None = None
    if estimate is not None:
        due, new_due = (due, estimate) if estimate > due else (estimate, None)
    status, delivered_at = _status(order, fulfillments)
    latest = fulfillments[-1] if fulfillments else {}
    order_data: dict[str, object] = {
        "type": "order",
        "number": _text(order.get("name"), "name"),
        "customer_id": customer_id,
        "status": status.value,
        "items": _items(order.get("line_items")),
        "total": _text(order.get("total_price"), "total_price"),
        "currency": _text(order.get("currency"), "currency"),
        "shipping_cost": _shipping_cost(order.get("shipping_lines")),
        "ordered_at": ordered_at.isoformat(),
        "due": due.isoformat(),
        "new_due": new_due.isoformat() if new_due else None,
        "delivered_at": delivered_at.isoformat() if delivered_at else None,
        "carrier": _text_or_none(latest.get("tracking_company")),
        "tracking_url": _tracking_url(latest),
        "postal_code": postal_code,
        "updated_at": _text(order.get("updated_at"), "updated_at"),
    }
    customer_record = parse_record(customer_data)
    order_record = parse_record(order_data)
    if not isinstance(customer_record, CustomerRecord) or not isinstance(order_record, OrderRecord):
        raise RecordError("type", "is not a customer and an order")  # the data above says so
    return customer_record, order_record


def fulfillment_change(payload: object) -> FulfillmentChange | None:
    """What a ``fulfillments/*`` payload changes; None for a cancelled or failed one."""
    fulfillment = _object(payload, "fulfillment")
    if _text_or_none(fulfillment.get("status")) in _VOID_FULFILLMENTS:
        return None
    # A fulfillment is named after its order: "#1001.1" is the first shipment of #1001.
    name = _text(fulfillment.get("name"), "name")
    number = normalise_order_number(_FULFILLMENT_SUFFIX.sub("", name))
    status = _shipment_status(fulfillment)
    updated_at = _moment(fulfillment.get("updated_at"), "updated_at")
    delivered_at: datetime | None = None
    if status is ShopStatus.DELIVERED:
        given = fulfillment.get("delivered_at")
        delivered_at = _moment(given, "delivered_at") if given else updated_at
    estimated = fulfillment.get("estimated_delivery_at")
    return FulfillmentChange(
        number=number,
        status=status,
        updated_at=updated_at,
        carrier=_text_or_none(fulfillment.get("tracking_company")),
        tracking_url=_tracking_url(fulfillment),
        estimate=_moment(estimated, "estimated_delivery_at").date() if estimated else None,
        delivered_at=delivered_at,
    )


def apply_fulfillment(order: OrderRecord, change: FulfillmentChange) -> OrderRecord:
    """The order as the shipment leaves it. A cancelled or returned order stays so."""
    if order.status in (ShopStatus.CANCELLED, ShopStatus.RETURNED):
        return dataclasses.replace(order, updated_at=change.updated_at)
    due, new_due = order.due, order.new_due
    if change.estimate is not None:
        new_due = change.estimate if change.estimate > order.due else None
    return dataclasses.replace(
        order,
        status=change.status,
        carrier=change.carrier or order.carrier,
        tracking_url=change.tracking_url or order.tracking_url,
        due=due,
        new_due=new_due,
        delivered_at=change.delivered_at if change.delivered_at else order.delivered_at,
        updated_at=change.updated_at,
    )


def skill_locale(customer_locale: str | None, country: str | None) -> str:
    """The skill's locale for Shopify's ``customer_locale`` and the shipping country."""
    language = (customer_locale or "").split("-")[0].lower()
    country = (country or "").upper()
    if not language:
        language = "de" if country in ("DE", "AT", "CH", "LI") else "en"
    if language == "de":
        return "de-DE"
    if country in ("GB", "IE", "IM", "JE", "GG") or (customer_locale or "").upper() == "EN-GB":
        return "en-GB"
    return "en-US"


# --- the order's state -------------------------------------------------------------------


def _status(
    order: Mapping[str, object], fulfillments: Sequence[Mapping[str, object]]
) -> tuple[ShopStatus, datetime | None]:
    if order.get("cancelled_at"):
        return ShopStatus.CANCELLED, None
    if not fulfillments:
        accepted = _text_or_none(order.get("financial_status")) in _ACCEPTED
        return (ShopStatus.PROCESSING if accepted else ShopStatus.PLACED), None
    states = [_shipment_status(f) for f in fulfillments]
    least = min(states, key=_PROGRESS.__getitem__)
    everything_sent = _text_or_none(order.get("fulfillment_status")) == "fulfilled"
    if least is ShopStatus.DELIVERED and not everything_sent:
        least = ShopStatus.SHIPPED
    if least is not ShopStatus.DELIVERED:
        return least, None
    arrivals = [
        _moment(f.get("delivered_at") or f.get("updated_at"), f"fulfillments[{i}].updated_at")
        for i, f in enumerate(fulfillments)
    ]
    if _returned(order.get("refunds")):
        return ShopStatus.RETURNED, max(arrivals)
    return ShopStatus.DELIVERED, max(arrivals)


def _shipment_status(fulfillment: Mapping[str, object]) -> ShopStatus:
    shipment = _text_or_none(fulfillment.get("shipment_status"))
    return SHIPMENT_STATUS.get(shipment or "", ShopStatus.SHIPPED)


def _returned(refunds: object) -> bool:
    """Whether a refund took items back as a return."""
    if not isinstance(refunds, list):
        return False
    for refund in refunds:
        lines = refund.get("refund_line_items") if isinstance(refund, Mapping) else None
        if isinstance(lines, list) and any(
            isinstance(line, Mapping) and line.get("restock_type") == "return" for line in lines
        ):
            return True
    return False


def _fulfillments(value: object) -> list[Mapping[str, object]]:
    """The order's shipments that went out, the latest last."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError("fulfillments", "must be a list")
    shipped = []
    for position, fulfillment in enumerate(value):
        item = _object(fulfillment, f"fulfillments[{position}]")
        if _text_or_none(item.get("status")) not in _VOID_FULFILLMENTS:
            shipped.append(item)
    return sorted(shipped, key=lambda f: str(f.get("updated_at") or ""))


def _estimate(
    order: Mapping[str, object], fulfillments: Sequence[Mapping[str, object]]
) -> date | None:
    """The carrier's latest word on the arrival day: the latest of the open shipments."""
    days = [
        _moment(f["estimated_delivery_at"], "fulfillments.estimated_delivery_at").date()
        for f in fulfillments
        if f.get("estimated_delivery_at")
    ]
    if not days and order.get("estimated_delivery_at"):
        days = [_moment(order["estimated_delivery_at"], "estimated_delivery_at").date()]
    return max(days) if days else None


# --- fields ----------------------------------------------------------------------------


def _items(value: object) -> list[dict[str, object]]:
    if not isinstance(value, list) or not value:
        raise RecordError("line_items", "must be a non-empty list")
    items = []
    for position, line in enumerate(value):
        item = _object(line, f"line_items[{position}]")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise RecordError(f"line_items[{position}].quantity", "must be a whole number")
        if quantity < 1:
            continue  # removed from the order by an edit
        title = item.get("title") or item.get("name")
        items.append({"name": _text(title, f"line_items[{position}].title"), "quantity": quantity})
    if not items:
        raise RecordError("line_items", "holds no item with a quantity")
    return items


def _shipping_cost(value: object) -> str:
    if value is None:
        return "0"
    if not isinstance(value, list):
        raise RecordError("shipping_lines", "must be a list")
    total = Decimal(0)
    for position, line in enumerate(value):
        price = _object(line, f"shipping_lines[{position}]").get("price")
        try:
            total += Decimal(str(price))
        except InvalidOperation:
            raise RecordError(f"shipping_lines[{position}].price", "must be a number") from None
    return str(total)


def _tracking_url(fulfillment: Mapping[str, object]) -> str | None:
    url = _text_or_none(fulfillment.get("tracking_url"))
    urls = fulfillment.get("tracking_urls")
    if url is None and isinstance(urls, list) and urls:
        url = _text_or_none(urls[0])
    return url


def _name(customer: Mapping[str, object], shipping: Mapping[str, object] | None) -> str:
    """The first name the skill greets by; the last name only where there is none."""
    for source in (customer, shipping or {}):
        for key in ("first_name", "last_name"):
            value = _text_or_none(source.get(key))
            if value:
                return value
    raise RecordError("customer.first_name", "is required")


def _usable(pattern: re.Pattern[str], *values: object) -> str | None:
    """The first contact detail in a form the contract takes; a malformed one is left out
    rather than refusing the order it came with."""
    for value in values:
        text = _text_or_none(value)
        if text and pattern.fullmatch(re.sub(r"[\s()-]", "", text) if pattern is _E164 else text):
            return text
    return None


def _address_field(key: str, addresses: Sequence[Mapping[str, object] | None]) -> str | None:
    """The field of the first address that has it: shipping, billing, the customer's."""
    for address in addresses:
        value = _text_or_none((address or {}).get(key))
        if value:
            return value
    return None


def _object(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RecordError(where, "must be an object")
    return value


def _optional_object(value: object, where: str) -> Mapping[str, object] | None:
    return None if value is None else _object(value, where)


def _id(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise RecordError(where, "is required")
    return str(value).strip()


def _text(value: object, where: str) -> str:
    text = _text_or_none(value)
    if text is None:
        raise RecordError(where, "is required")
    return text


def _text_or_none(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def _moment(value: object, where: str) -> datetime:
    return parse_moment(where, _text(value, where))
