"""Shopify's order and fulfillment payloads as the contract's records.

The fixtures are in the shape of Shopify's documented webhook payloads (REST resources):
one order, #1101, placed, shipped with a late estimate, delivered; cancelled instead;
and its shipment's fulfillment payloads.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from skill.rules.shop_records import OrderLine, RecordError, ShopStatus
from skill.rules.shopify_payloads import (
    STANDARD_DELIVERY_DAYS,
    apply_fulfillment,
    fulfillment_change,
    order_records,
    skill_locale,
)

FIXTURES = Path(__file__).with_name("fixtures") / "shopify"
BOSTON = timezone(timedelta(hours=-5))


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_a_new_order_is_processing_and_due_the_standard_days_after_it_was_placed() -> None:
    customer, order = order_records(payload("orders_create"))
    assert customer.id == "7390235456"
    assert customer.name == "Jordan"
    assert customer.locale == "en-US"
    assert customer.postal_code == "02139"
    assert customer.phone == "+16175550142"
    assert customer.email == "jordan.reyes@example.com"
    assert order.number == "1101"
    assert order.customer_id == "7390235456"
    assert order.status is ShopStatus.PROCESSING
    assert order.items == (OrderLine("Burr Coffee Grinder", 1), OrderLine("Stoneware Mug", 2))
    assert (order.total, order.currency, order.shipping_cost) == (
        Decimal("122.90"),
        "USD",
        Decimal("4.90"),
    )
    assert order.ordered_at == datetime(2026, 11, 20, 10, 15, tzinfo=BOSTON)
    assert order.due == date(2026, 11, 20) + timedelta(days=STANDARD_DELIVERY_DAYS)
    assert order.new_due is None
    assert order.postal_code == "02139"
    assert order.updated_at == datetime(2026, 11, 20, 10, 15, 2, tzinfo=BOSTON)


def test_a_shipped_order_with_a_later_carrier_estimate_is_late() -> None:
    _, order = order_records(payload("orders_updated"))
    assert order.status is ShopStatus.SHIPPED
    assert order.carrier == "UPS"
    assert order.tracking_url == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert order.due == date(2026, 11, 25)
    assert order.new_due == date(2026, 11, 27)


def test_an_earlier_carrier_estimate_becomes_the_due_day() -> None:
    data = payload("orders_updated")
    data["fulfillments"][0]["estimated_delivery_at"] = "2026-11-23T12:00:00-05:00"
    _, order = order_records(data)
    assert (order.due, order.new_due) == (date(2026, 11, 23), None)


def test_a_fulfilled_order_whose_shipment_arrived_is_delivered_then() -> None:
    _, order = order_records(payload("orders_fulfilled"))
    assert order.status is ShopStatus.DELIVERED
    assert order.delivered_at == datetime(2026, 11, 24, 14, 30, tzinfo=BOSTON)


def test_a_cancelled_order_is_cancelled_whatever_else_it_says() -> None:
    _, order = order_records(payload("orders_cancelled"))
    assert order.status is ShopStatus.CANCELLED
    assert order.updated_at == datetime(2026, 11, 20, 16, 2, tzinfo=BOSTON)


def test_an_unpaid_order_is_only_placed() -> None:
    data = payload("orders_create")
    data["financial_status"] = "pending"
    assert order_records(data)[1].status is ShopStatus.PLACED


def test_of_several_shipments_the_least_advanced_counts() -> None:
    data = payload("orders_fulfilled")
    second = copy.deepcopy(data["fulfillments"][0])
    second.update(id=2, name="#1101.2", shipment_status="out_for_delivery")
    data["fulfillments"].append(second)
    assert order_records(data)[1].status is ShopStatus.OUT_FOR_DELIVERY
    # Every shipment arrived, but not every item was sent: still on its way.
    data = payload("orders_fulfilled")
    data["fulfillment_status"] = "partial"
    assert order_records(data)[1].status is ShopStatus.SHIPPED


def test_a_cancelled_shipment_does_not_count() -> None:
    data = payload("orders_updated")
    data["fulfillments"][0]["status"] = "cancelled"
    _, order = order_records(data)
    assert order.status is ShopStatus.PROCESSING
    assert order.carrier is None


def test_a_delivered_order_with_a_refund_taking_items_back_is_returned() -> None:
    data = payload("orders_fulfilled")
    data["refunds"] = [{"id": 1, "refund_line_items": [{"quantity": 1, "restock_type": "return"}]}]
    assert order_records(data)[1].status is ShopStatus.RETURNED


def test_contact_details_the_contract_cannot_take_are_left_out_not_refused() -> None:
    data = payload("orders_create")
    data["customer"]["phone"] = "call me maybe"
    data["shipping_address"]["phone"] = None
    data["customer"]["email"] = None
    data["email"] = "not an address"
    customer, _ = order_records(data)
    assert customer.phone is None
    assert customer.email is None


def test_the_postal_code_falls_back_to_billing_and_the_customers_address() -> None:
    data = payload("orders_create")
    data["shipping_address"] = None
    data["billing_address"]["zip"] = "02140"
    assert order_records(data)[0].postal_code == "02140"
    data["billing_address"] = None
    assert order_records(data)[0].postal_code == "02139"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("customer"), "customer"),
        (lambda d: d.__setitem__("line_items", []), "line_items"),
        (lambda d: d["line_items"][1].__setitem__("quantity", "two"), "line_items[1].quantity"),
        (lambda d: d.pop("name"), "name"),
        (lambda d: d.__setitem__("created_at", "last tuesday"), "created_at"),
        (lambda d: d.__setitem__("currency", "dollars"), "currency"),
        (lambda d: d.__setitem__("total_price", "-3"), "total"),
        (lambda d: d["shipping_lines"][0].__setitem__("price", "free"), "shipping_lines[0].price"),
        (lambda d: d.pop("updated_at"), "updated_at"),
    ],
)
def test_a_broken_payload_names_the_field_at_fault(change: Any, field: str) -> None:
    data = payload("orders_create")
    change(data)
    with pytest.raises(RecordError) as error:
        order_records(data)
    assert error.value.field == field


def test_no_address_at_all_is_refused_with_the_shipping_zip_named() -> None:
    data = payload("orders_create")
    data["shipping_address"] = data["billing_address"] = None
    data["customer"]["default_address"] = None
    with pytest.raises(RecordError) as error:
        order_records(data)
    assert error.value.field == "shipping_address.zip"


def test_a_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(RecordError) as error:
        order_records(["#1101"])
    assert error.value.field == "order"
    with pytest.raises(RecordError):
        fulfillment_change("delivered")


@pytest.mark.parametrize(
    ("customer_locale", "country", "locale"),
    [
        ("en", "US", "en-US"),
        ("en", "GB", "en-GB"),
        ("en-GB", None, "en-GB"),
        ("de", "DE", "de-DE"),
        ("de-AT", "AT", "de-DE"),
        (None, "DE", "de-DE"),
        ("fr", "FR", "en-US"),
        (None, None, "en-US"),
    ],
)
def test_the_skills_locale_from_shopifys_and_the_country(
    customer_locale: str | None, country: str | None, locale: str
) -> None:
    assert skill_locale(customer_locale, country) == locale


def test_a_fulfillment_names_its_order_and_says_where_the_parcel_is() -> None:
    change = fulfillment_change(payload("fulfillments_create"))
    assert change is not None
    assert change.number == "1101"
    assert change.status is ShopStatus.SHIPPED
    assert change.carrier == "UPS"
    assert change.estimate == date(2026, 11, 27)
    delivered = fulfillment_change(payload("fulfillments_update"))
    assert delivered is not None
    assert delivered.status is ShopStatus.DELIVERED
    assert delivered.delivered_at == datetime(2026, 11, 24, 14, 30, tzinfo=BOSTON)


def test_a_cancelled_fulfillment_changes_nothing() -> None:
    data = payload("fulfillments_update")
    data["status"] = "cancelled"
    assert fulfillment_change(data) is None


def test_a_fulfillment_without_its_name_is_refused() -> None:
    data = payload("fulfillments_update")
    del data["name"]
    with pytest.raises(RecordError) as error:
        fulfillment_change(data)
    assert error.value.field == "name"


def test_applying_shipments_to_the_stored_order() -> None:
    _, placed = order_records(payload("orders_create"))
    shipped_change = fulfillment_change(payload("fulfillments_create"))
    delivered_change = fulfillment_change(payload("fulfillments_update"))
    assert shipped_change is not None and delivered_change is not None
    shipped = apply_fulfillment(placed, shipped_change)
    assert shipped.status is ShopStatus.SHIPPED
    assert (shipped.due, shipped.new_due) == (date(2026, 11, 25), date(2026, 11, 27))
    assert shipped.updated_at == shipped_change.updated_at
    delivered = apply_fulfillment(shipped, delivered_change)
    assert delivered.status is ShopStatus.DELIVERED
    assert delivered.delivered_at == delivered_change.delivered_at
    assert delivered.carrier == "UPS"
    assert delivered.items == placed.items


def test_a_shipment_does_not_revive_a_cancelled_order() -> None:
    _, cancelled = order_records(payload("orders_cancelled"))
    change = fulfillment_change(payload("fulfillments_update"))
    assert change is not None
    after = apply_fulfillment(cancelled, change)
    assert after.status is ShopStatus.CANCELLED
    assert after.delivered_at is None
    assert after.updated_at == change.updated_at
