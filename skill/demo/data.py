"""Demo customers and orders, dated relative to the day the demo starts.

==============  =========================================================
token           customer
==============  =========================================================
``demo-alex``   Alex, ZIP 10115: orders 1001 delivered 3 days ago,
                1002 shipped (arrives in 2 days), 1003 delayed (was due
                yesterday, now in 4 days), 1004 processing; no complaints
                yet, so a complaint about 1001 or 1003 gets a remedy
``demo-sam``    Sam, ZIP 94110: no orders
(none)          unlinked: verify with order number and ZIP, e.g. 1003 + 10115
==============  =========================================================
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from skill.records import Customer, Money, Order, OrderStatus
from skill.storage import Stores

ALEX = Customer(customer_id="c-alex", first_name="Alex", postal_code="10115", language="en")
SAM = Customer(customer_id="c-sam", first_name="Sam", postal_code="94110", language="en")
TOKENS = {"demo-alex": ALEX.customer_id, "demo-sam": SAM.customer_id}


def demo_orders(today: date) -> list[Order]:
    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    return [
        Order(
            number="1001",
            status=OrderStatus.DELIVERED,
            items={"en": "coffee grinder", "de": "Kaffeemühle"},
            total=Money(Decimal("49.90"), "USD"),
            shipping=Money(Decimal("5.95"), "USD"),
            placed_on=day(-9),
            estimated_delivery=day(-3),
            delivered_on=day(-3),
            carrier="UPS",
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
        Order(
            number="1002",
            status=OrderStatus.SHIPPED,
            items={"en": "rain jacket", "de": "Regenjacke"},
            total=Money(Decimal("89.00"), "USD"),
            shipping=Money(Decimal("0.00"), "USD"),
            placed_on=day(-2),
            estimated_delivery=day(2),
            carrier="UPS",
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
        Order(
            number="1003",
            status=OrderStatus.DELAYED,
            items={"en": "running shoes", "de": "Laufschuhe"},
            total=Money(Decimal("119.95"), "USD"),
            shipping=Money(Decimal("4.95"), "USD"),
            placed_on=day(-8),
            original_estimate=day(-1),
            estimated_delivery=day(4),
            carrier="DHL",
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
        Order(
            number="1004",
            status=OrderStatus.PROCESSING,
            items={"en": "salt & pepper mills", "de": "Salz- & Pfeffermühlen"},
            total=Money(Decimal("34.50"), "USD"),
            shipping=Money(Decimal("5.95"), "USD"),
            placed_on=day(0),
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
    ]


def seed(stores: Stores, today: date) -> None:
    """Write the demo records; safe to run again (items are overwritten)."""
    for customer in (ALEX, SAM):
        stores.orders.put_customer(customer)
    for token, customer_id in TOKENS.items():
        stores.tokens.put(token, customer_id)
    for order in demo_orders(today):
        stores.orders.put_order(order)
