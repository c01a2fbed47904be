"""Upserting a shop's records: what is stored, and that nothing older replaces newer."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from skill.config import Settings
from skill.records import OrderStatus
from skill.rules.shop_records import CustomerRecord, OrderRecord, parse_record
from skill.storage import Stores
from skill.storage import shop as shop_module
from skill.storage.client import admin_client
from skill.storage.codec import from_item, key
from skill.storage.orders import OrderStore
from skill.storage.shop import ShopStore, UpsertCounts
from skill.storage.webhook_receipts import WebhookReceiptStore


def customer(**fields: Any) -> CustomerRecord:
    values: dict[str, Any] = {
        "type": "customer",
        "id": "u-7",
        "name": "Robin",
        "locale": "en-GB",
        "postal_code": "SW1A 1AA",
        "phone": "+442079460958",
    }
    values.update(fields)
    record = parse_record(values)
    assert isinstance(record, CustomerRecord)
    return record


def order(**fields: Any) -> OrderRecord:
    values: dict[str, Any] = {
        "type": "order",
        "number": "A-7731",
        "customer_id": "u-7",
        "status": "shipped",
        "items": [{"name": "tea pot", "quantity": 1}],
        "total": "39.90",
        "currency": "GBP",
        "shipping_cost": "3.99",
        "ordered_at": "2026-11-20T09:30:00Z",
        "due": "2026-11-25",
        "carrier": "Royal Mail",
        "tracking_url": "https://track.example/A-7731",
        "updated_at": "2026-11-21T08:00:00Z",
        "gift_wrap": True,
    }
    values.update(fields)
    record = parse_record(values)
    assert isinstance(record, OrderRecord)
    return record


def stored(stores: Stores, pk: str, sk: str) -> dict[str, Any]:
    item = stores.client.get_item(TableName=stores.table, Key=key(pk, sk))["Item"]
    return from_item(item)


def test_records_become_what_the_skill_reads(stores: Stores) -> None:
    shop = ShopStore(stores.client, stores.table)

    counts = shop.upsert([customer(), order()])

    assert counts == UpsertCounts(written=2)
    account = stores.orders.account("u-7")
    assert account.customer is not None and account.customer.first_name == "Robin"
    (seen,) = account.orders
    assert seen.number == "A-7731" and seen.status is OrderStatus.SHIPPED
    # The order gives no postal code: its customer's stands in, for a guest's check.
    assert seen.postal_code == "SW1A 1AA"
    assert seen.estimated_delivery == date(2026, 11, 25)
    assert stores.orders.get("A-7731") == seen
    shop = json.loads(stored(stores, "ORDER#A-7731", "ORDER")["shop"])
    assert shop == {
        "status": "shipped",
        "items": [{"name": "tea pot", "quantity": 1}],
        "ordered_at": "2026-11-20T09:30:00+00:00",
        "due": "2026-11-25",
        "tracking_url": "https://track.example/A-7731",
        "extra": {"gift_wrap": True},
    }
    profile = stored(stores, "CUSTOMER#u-7", "PROFILE")
    assert json.loads(profile["shop"]) == {"locale": "en-GB"}
    assert "shop_updated_at" not in profile


def test_the_same_records_again_change_nothing(stores: Stores) -> None:
    shop = ShopStore(stores.client, stores.table)
    shop.upsert([customer(), order()])
    before = stored(stores, "ORDER#A-7731", "ORDER")

    again = shop.upsert([customer(), order(), order()])

    assert again == UpsertCounts(unchanged=3)
    assert stored(stores, "ORDER#A-7731", "ORDER") == before


def test_newer_replaces_older_and_older_is_skipped(stores: Stores) -> None:
    shop = ShopStore(stores.client, stores.table)
    shop.upsert([customer(), order()])

    newer = order(status="out_for_delivery", updated_at="2026-11-22T07:00:00Z")
    assert shop.upsert([newer]) == UpsertCounts(written=1)
    older = order(status="processing", updated_at="2026-11-21T09:00:00Z")
    assert shop.upsert([older]) == UpsertCounts(older_skipped=1)
    assert shop.upsert_one(older) == UpsertCounts(older_skipped=1)

    item = stored(stores, "ORDER#A-7731", "ORDER")
    assert json.loads(item["shop"])["status"] == "out_for_delivery"
    assert item["shop_updated_at"] == "2026-11-22T07:00:00.000000Z"


def test_of_two_records_in_one_file_the_newer_wins(stores: Stores) -> None:
    shop = ShopStore(stores.client, stores.table)
    newer = order(status="delivered", delivered_at="2026-11-24", updated_at="2026-11-24T18:00Z")
    older = order(status="shipped", updated_at="2026-11-22T07:00:00Z")

    assert shop.upsert([customer(), newer, older]) == UpsertCounts(written=2, older_skipped=1)

    assert stores.orders.get("A-7731").status is OrderStatus.DELIVERED  # type: ignore[union-attr]


def test_one_record_at_a_time(stores: Stores) -> None:
    shop = ShopStore(stores.client, stores.table)
    shop.upsert_one(customer())

    assert shop.upsert_one(order()) == UpsertCounts(written=1)
    assert shop.upsert_one(order()) == UpsertCounts(unchanged=1)
    # A stored profile gives the order its postal code.
    assert stores.orders.get("A-7731").postal_code == "SW1A 1AA"  # type: ignore[union-attr]


def test_many_records_go_in_batches(stores: Stores, settings: Settings) -> None:
    # The import's client: a turn's one-second read timeout is not for batches of 100.
    client = admin_client(settings, local=True, bulk=True)
    shop = ShopStore(client, stores.table, workers=2)
    # Two reads of up to 100 keys, five writes of up to 25 items.
    records = [customer()] + [order(number=str(2000 + n)) for n in range(104)]

    assert shop.upsert(records) == UpsertCounts(written=105)
    assert len(OrderStore(client, stores.table).account("u-7").orders) == 104
    assert shop.upsert(records) == UpsertCounts(unchanged=105)


def test_unprocessed_items_are_sent_again_after_growing_pauses(stores: Stores) -> None:
    """DynamoDB may leave part of a batch unwritten (throttled partitions): here the
    first two calls send only half their items and answer that the rest is unprocessed."""
    held: list[list[dict[str, Any]]] = []

    def hold_back(params: dict[str, Any], **_: Any) -> None:
        if len(held) < 2:
            requests = params["RequestItems"][stores.table]
            half = len(requests) // 2
            held.append(requests[half:])
            del requests[half:]

    def report(parsed: dict[str, Any], **_: Any) -> None:
        if held and held[-1]:
            parsed["UnprocessedItems"] = {stores.table: held[-1]}
            held[-1] = []

    events = stores.client.meta.events
    events.register("before-parameter-build.dynamodb.BatchWriteItem", hold_back)
    events.register("after-call.dynamodb.BatchWriteItem", report)
    pauses: list[float] = []
    shop = ShopStore(stores.client, stores.table, workers=1, sleep=pauses.append)
    records = [order(number=str(3000 + n)) for n in range(25)]

    try:
        assert shop.upsert(records) == UpsertCounts(written=25)
    finally:
        events.unregister("before-parameter-build.dynamodb.BatchWriteItem", hold_back)
        events.unregister("after-call.dynamodb.BatchWriteItem", report)

    assert pauses == [0.05, 0.1]
    assert all(stores.orders.get(str(3000 + n)) is not None for n in range(25))


def calls(client: Any) -> Counter[str]:
    """The DynamoDB operations ``client`` sends from now on, counted by name."""
    sent: Counter[str] = Counter()
    lock = threading.Lock()

    def count(model: Any, **_: Any) -> None:
        with lock:  # the workers send side by side
            sent[model.name] += 1

    client.meta.events.register("before-call.dynamodb", count)
    return sent


@pytest.mark.slow
def test_a_first_load_writes_without_reading(stores: Stores, settings: Settings) -> None:
    client = admin_client(settings, local=True, bulk=True)
    sent = calls(client)
    shop = ShopStore(client, stores.table, workers=2)
    records = [customer()] + [order(number=str(5000 + n)) for n in range(104)]

    assert shop.upsert(records, may_be_first_load=True) == UpsertCounts(written=105)

    # One scan finds nothing of the shop: five batch writes, no read of the records.
    assert sent == Counter(Scan=1, BatchWriteItem=5)
    assert len(OrderStore(client, stores.table).account("u-7").orders) == 104
    assert stores.orders.get("5000").postal_code == "SW1A 1AA"  # type: ignore[union-attr]
    sent.clear()
    assert shop.upsert(records, may_be_first_load=True) == UpsertCounts(unchanged=105)
    assert sent == Counter(Scan=1, BatchGetItem=2)


def test_a_webhook_into_an_empty_table_reads_without_a_scan(stores: Stores) -> None:
    """Two deliveries may race: each reads before it writes, as ever."""
    sent = calls(stores.client)
    shop = ShopStore(stores.client, stores.table)

    assert shop.upsert([customer(), order()]) == UpsertCounts(written=2)

    assert sent == Counter(BatchGetItem=1, BatchWriteItem=1)


def test_a_stored_newer_record_is_read_and_kept(stores: Stores) -> None:
    shop = ShopStore(stores.client, stores.table)
    newer = order(status="delivered", delivered_at="2026-11-24", updated_at="2026-11-24T18:00Z")
    assert shop.upsert_one(newer) == UpsertCounts(written=1)
    sent = calls(stores.client)
    older = order(status="shipped", updated_at="2026-11-22T07:00:00Z")

    counts = shop.upsert([customer(), older, order(number="A-7732")], may_be_first_load=True)

    assert counts == UpsertCounts(written=2, older_skipped=1)
    assert sent["BatchGetItem"] == 1
    assert stores.orders.get("A-7731").status is OrderStatus.DELIVERED  # type: ignore[union-attr]


def test_after_a_webhook_delivery_an_import_reads_first(stores: Stores) -> None:
    """A receipt says webhooks deliver changes: one may be newer than the file."""
    WebhookReceiptStore(stores.client, stores.table).record(
        "shopify", "d-1", datetime(2026, 11, 24, 18, tzinfo=UTC)
    )
    sent = calls(stores.client)

    shop = ShopStore(stores.client, stores.table)
    records = [customer(), order()]
    assert shop.upsert(records, may_be_first_load=True) == UpsertCounts(written=2)

    assert sent["Scan"] == 1 and sent["BatchGetItem"] == 1


def test_a_table_the_scan_cannot_cover_is_read_first(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan stops after about as many items as the import has records."""
    monkeypatch.setattr(shop_module, "SCAN_PAGE", 2)
    for n in range(5):
        stores.client.put_item(
            TableName=stores.table, Item={"PK": {"S": f"AGENT#{n}"}, "SK": {"S": "PROFILE"}}
        )
    sent = calls(stores.client)

    shop = ShopStore(stores.client, stores.table)
    records = [customer(), order()]
    assert shop.upsert(records, may_be_first_load=True) == UpsertCounts(written=2)

    assert sent["Scan"] == 1 and sent["BatchGetItem"] == 1


def test_credentials_that_may_not_scan_read_first(stores: Stores) -> None:
    """Credentials for the shop's items alone (as the webhooks' role) may not scan."""

    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException"}}, "Scan")

    stores.client.meta.events.register("before-call.dynamodb.Scan", refuse)
    sent = calls(stores.client)
    shop = ShopStore(stores.client, stores.table)

    try:
        records = [customer(), order()]
        assert shop.upsert(records, may_be_first_load=True) == UpsertCounts(written=2)
    finally:
        stores.client.meta.events.unregister("before-call.dynamodb.Scan", refuse)

    assert sent["BatchGetItem"] == 1 and sent["BatchWriteItem"] == 1
