"""A stored order read back as the contract's record: as a record wrote it, and as the
demo (the skill's own Order) wrote it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from skill.rules.shop_records import OrderLine, OrderRecord, ShopStatus
from skill.storage import Stores
from skill.storage.order_records import OrderRecordReader
from skill.storage.shop import ShopStore
from tests.conftest import MOMENT

RECORD = OrderRecord(
    number="A-7731",
    customer_id="c-kim",
    status=ShopStatus.OUT_FOR_DELIVERY,
    items=(OrderLine("tea pot", 1), OrderLine("mug", 2)),
    total=Decimal("39.00"),
    currency="EUR",
    shipping_cost=Decimal("4.50"),
    ordered_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    due=date(2026, 11, 24),
    new_due=date(2026, 11, 26),
    carrier="DHL",
    tracking_url="https://dhl.example/track/1",
    postal_code="10115",
    updated_at=datetime(2026, 11, 22, 8, 0, 0, 123000, tzinfo=UTC),
)


def test_an_order_written_from_a_record_reads_back_as_that_record(stores: Stores) -> None:
    ShopStore(stores.client, stores.table, workers=1).upsert([RECORD])
    assert OrderRecordReader(stores.client, stores.table).get("A-7731") == RECORD


def test_an_unknown_order_reads_as_none(stores: Stores) -> None:
    assert OrderRecordReader(stores.client, stores.table).get("404") is None


def test_the_demos_orders_read_as_records_of_what_the_skill_says(demo_stores: Stores) -> None:
    reader = OrderRecordReader(demo_stores.client, demo_stores.table)
    today = MOMENT.date()
    delayed = reader.get("1003")
    assert delayed is not None
    assert delayed.status is ShopStatus.SHIPPED
    assert (delayed.due, delayed.new_due) == (today - timedelta(days=1), today + timedelta(days=4))
    assert delayed.items == (OrderLine("running shoes", 1),)
    assert (delayed.total, delayed.currency, delayed.carrier) == (Decimal("119.95"), "USD", "DHL")
    delivered = reader.get("1001")
    assert delivered is not None
    assert delivered.status is ShopStatus.DELIVERED
    assert delivered.delivered_at == today - timedelta(days=3)
    assert delivered.updated_at is None
