"""The data contract: what a shop's records must hold, and how they map onto the skill's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from skill.records import OrderStatus
from skill.rules.shop_records import (
    CustomerRecord,
    OrderLine,
    OrderRecord,
    RecordError,
    ShopStatus,
    customer_of,
    normalise_order_number,
    order_of,
    parse_items,
    parse_record,
    spoken_form,
)


def customer(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "customer",
        "id": "u-1",
        "name": "Robin",
        "locale": "en-GB",
        "postal_code": "sw1a 1aa",
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def order(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "order",
        "number": "#1001",
        "customer_id": "u-1",
        "status": "shipped",
        "items": [{"name": "tea pot", "quantity": 1}, {"name": "mug", "quantity": 2}],
        "total": 39.9,
        "currency": "GBP",
        "shipping_cost": "3.99",
        "ordered_at": "2026-11-20T09:30:00Z",
        "due": "2026-11-25",
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def test_a_customer_with_everything() -> None:
    record = parse_record(
        customer(
            phone="+44 20 7946 0958",
            email="robin@example.co.uk",
            updated_at="2026-11-22T10:00:00+01:00",
            loyalty_tier="gold",
        )
    )

    assert record == CustomerRecord(
        id="u-1",
        name="Robin",
        locale="en-GB",
        postal_code="SW1A 1AA",
        phone="+442079460958",
        email="robin@example.co.uk",
        updated_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
        extra={"loyalty_tier": "gold"},
    )
    assert customer_of(record).language == "en"
    assert customer_of(record).first_name == "Robin"


def test_an_order_with_everything_it_needs() -> None:
    record = parse_record(order())

    assert isinstance(record, OrderRecord)
    assert record.number == "1001"
    assert record.status is ShopStatus.SHIPPED
    assert record.items == (OrderLine("tea pot", 1), OrderLine("mug", 2))
    assert record.total == Decimal("39.9")
    assert record.shipping_cost == Decimal("3.99")
    assert record.due == date(2026, 11, 25)
    assert record.new_due is None and record.updated_at is None
    # Every field set, and nothing else, as its own constructor sets them.
    assert OrderRecord(**vars(record)) == record


def test_a_parsed_customer_has_its_fields_and_no_others() -> None:
    record = parse_record(customer())

    assert CustomerRecord(**vars(record)) == record
    assert record.phone is None and record.extra == {}


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"type": "refund"}, "type", "customer or order"),
        ({"type": None}, "type", "required"),
        ({"locale": "fr-FR"}, "locale", "en-US, en-GB, de-DE"),
        ({"name": ""}, "name", "required"),
        ({"id": None}, "id", "required"),
        ({"postal_code": "10115; DROP"}, "postal_code", "postal code"),
        ({"phone": "0176 1234"}, "phone", "E.164"),
        ({"email": "robin at home"}, "email", "e-mail"),
        ({"updated_at": "2026-11-22T10:00:00"}, "updated_at", "offset"),
        ({"updated_at": "yesterday"}, "updated_at", "ISO 8601"),
    ],
)
def test_a_bad_customer_names_the_field(fields: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_record(customer(**fields))

    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"number": "#"}, "number"),
        ({"number": "10 01"}, "number"),
        ({"customer_id": None}, "customer_id"),
        ({"items": []}, "items"),
        ({"items": None}, "items"),
        ({"items": [{"name": "mug", "quantity": 0}]}, "items[0].quantity"),
        ({"items": [{"name": "mug", "quantity": True}]}, "items[0].quantity"),
        ({"items": [{"name": "mug", "quantity": 10**20}]}, "items[0].quantity"),
        ({"items": [{"quantity": 1}]}, "items[0].name"),
        ({"items": ["mug"]}, "items[0]"),
        ({"total": "ten"}, "total"),
        ({"total": -1}, "total"),
        ({"total": float("nan")}, "total"),
        ({"total": True}, "total"),
        ({"total": "1e30"}, "total"),
        ({"total": "0.0001"}, "total"),
        ({"shipping_cost": None}, "shipping_cost"),
        ({"currency": "pounds"}, "currency"),
        ({"ordered_at": "20/11/2026"}, "ordered_at"),
        ({"due": None}, "due"),
        ({"due": "2026-13-01"}, "due"),
        ({"new_due": 20261201}, "new_due"),
        ({"status": "delivered"}, "delivered_at"),
        ({"tracking_url": "javascript:alert(1)"}, "tracking_url"),
    ],
)
def test_a_bad_order_names_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_record(order(**fields))

    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("printed", "keyed"),
    [
        ("1001", "1001"),
        ("#1001", "1001"),
        (" # 1001 ", "1001"),
        ("001001", "1001"),
        ("A-7731", "A-7731"),
        ("a-7731", "A-7731"),
        ("#SO/2026/17", "SO/2026/17"),
    ],
)
def test_order_numbers_as_the_skill_keys_them(printed: str, keyed: str) -> None:
    assert normalise_order_number(printed) == keyed


def test_only_digit_numbers_can_be_said_to_the_number_slot() -> None:
    assert spoken_form("1001") == "1001"
    assert spoken_form("A-7731") is None
    assert spoken_form("1234567890123") is None


def test_csv_items_and_text_values() -> None:
    assert parse_items("tea pot x 1; mug x2 ;") == [
        {"name": "tea pot", "quantity": 1},
        {"name": "mug", "quantity": 2},
    ]
    record = parse_record(
        order(number="1002", items="box x 3", total="12.50", new_due="", carrier="")
    )
    assert isinstance(record, OrderRecord)
    assert record.items == (OrderLine("box", 3),)
    assert record.new_due is None and record.carrier is None
    with pytest.raises(RecordError) as caught:
        parse_record(order(items="tea pot; mug x 2"))
    assert caught.value.field == "items[0]"


def test_a_revised_later_date_makes_the_order_delayed() -> None:
    record = parse_record(order(new_due="2026-11-28", carrier="Royal Mail"))
    assert isinstance(record, OrderRecord)

    seen = order_of(record, "SW1A 1AA")

    assert seen.status is OrderStatus.DELAYED
    assert seen.original_estimate == date(2026, 11, 25)
    assert seen.estimated_delivery == date(2026, 11, 28)
    assert seen.item_for("en") == "tea pot, 2 mug"
    assert seen.total.currency == "GBP" and seen.postal_code == "SW1A 1AA"


@pytest.mark.parametrize(
    ("status", "spoken"),
    [
        ("placed", OrderStatus.PROCESSING),
        ("processing", OrderStatus.PROCESSING),
        ("shipped", OrderStatus.SHIPPED),
        ("out_for_delivery", OrderStatus.SHIPPED),
        ("delivered", OrderStatus.DELIVERED),
        ("returned", OrderStatus.DELIVERED),
        ("cancelled", OrderStatus.CANCELLED),
    ],
)
def test_shop_statuses_map_onto_what_the_skill_speaks(status: str, spoken: OrderStatus) -> None:
    record = parse_record(order(status=status, delivered_at="2026-11-24"))
    assert isinstance(record, OrderRecord)

    assert order_of(record, "").status is spoken
