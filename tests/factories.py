"""Records for tests of rules and speech, dated around one fixed Monday."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from skill.records import Money, Order, OrderStatus

TODAY = date(2026, 11, 23)  # a Monday


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def make_order(
    number: str, status: OrderStatus, *, en: str = "item", de: str = "Artikel", **fields: Any
) -> Order:
    """An order of ``status``; items are named "<en> (<number>)" / "<de> (<number>)"."""
    values: dict[str, Any] = {
        "customer_id": "cust-1",
        "items": {"en": f"{en} ({number})", "de": f"{de} ({number})"},
        "placed_on": days(-14),
        "postal_code": "02134",
        "total": Money(Decimal("24.90"), "USD"),
    }
    values.update(fields)
    return Order(number=number, status=status, **values)


def expensive_delivery(stores: Any, today: date) -> Order:
    """Alex's espresso machine (149.00 USD), delivered two days ago: a complaint about it
    qualifies, and every remedy is above the skill's limit of 100, so an agent decides."""
    from skill.devtools.demo.data import ALEX

    order = Order(
        number="1005",
        status=OrderStatus.DELIVERED,
        items={"en": "espresso machine", "de": "Espressomaschine"},
        total=Money(Decimal("149.00"), "USD"),
        shipping=Money(Decimal("0.00"), "USD"),
        placed_on=today - timedelta(days=6),
        estimated_delivery=today - timedelta(days=2),
        delivered_on=today - timedelta(days=2),
        customer_id=ALEX.customer_id,
        postal_code=ALEX.postal_code,
    )
    stores.orders.put_order(order)
    return order
