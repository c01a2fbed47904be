"""Stores against a real DynamoDB-compatible server: what is written is what is read."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from skill.config import Settings
from skill.records import Customer, Money, Order, OrderStatus
from skill.storage import Stores
from tests.conftest import MOMENT


def test_order_round_trip_and_account_query(stores: Stores) -> None:
    customer = Customer("c-1", "Robin", "SW1A 1AA", "en")
    order = Order(
        number="77",
        customer_id="c-1",
        status=OrderStatus.DELAYED,
        items={"en": "Salt & <Pepper>", "de": "Salz"},
        placed_on=date(2026, 11, 1),
        postal_code="SW1A 1AA",
        total=Money(Decimal("12.99"), "GBP"),
        estimated_delivery=date(2026, 11, 30),
        original_estimate=date(2026, 11, 20),
        carrier="Royal Mail",
    )
    stores.orders.put_customer(customer)
    stores.orders.put_order(order)
    assert stores.orders.get("77") == order
    assert stores.orders.get("78") is None
    account = stores.orders.account("c-1")
    assert account.customer == customer
    assert account.orders == [order]
    assert stores.orders.account("c-unknown").orders == []


def test_tokens_are_stored_hashed(stores: Stores, dynamodb: Any, settings: Settings) -> None:
    stores.tokens.put("secret-token", "c-1")
    assert stores.tokens.customer_for("secret-token") == "c-1"
    assert stores.tokens.customer_for("other") is None
    raw = str(dynamodb.scan(TableName=settings.table_name)["Items"])
    assert "secret-token" not in raw


def test_visits_and_failures_are_keyed_by_a_hash_of_the_user_id(
    stores: Stores, dynamodb: Any, settings: Settings
) -> None:
    user = "amzn1.ask.account.PRIVATE"
    assert stores.users.record_visit(user, MOMENT) is None
    later = MOMENT + timedelta(days=1)
    assert stores.users.record_visit(user, later) == MOMENT
    assert stores.users.verification_failures(user) == []
    stores.users.save_verification_failures(user, [MOMENT])
    assert stores.users.verification_failures(user) == [MOMENT]
    items = dynamodb.scan(TableName=settings.table_name)["Items"]
    assert "PRIVATE" not in str(items)
    assert items[0]["visits"] == {"N": "2"}


def test_demo_data_seeds_and_reads_back(demo_stores: Stores) -> None:
    customer_id = demo_stores.tokens.customer_for("demo-alex")
    assert customer_id == "c-alex"
    account = demo_stores.orders.account(customer_id)
    assert account.customer is not None and account.customer.first_name == "Alex"
    assert sorted(order.number for order in account.orders) == ["1001", "1002", "1003", "1004"]
    assert demo_stores.orders.account("c-sam").orders == []
