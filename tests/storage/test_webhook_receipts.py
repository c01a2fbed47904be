"""Webhook receipts: one per delivery, written once, kept a week."""

from __future__ import annotations

from typing import Any

from skill.storage import Stores
from skill.storage.webhook_receipts import WebhookReceiptStore
from tests.conftest import MOMENT


def test_a_delivery_is_seen_only_after_its_receipt_and_recorded_once(stores: Stores) -> None:
    receipts = WebhookReceiptStore(stores.client, stores.table)
    assert not receipts.seen("shopify", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    assert receipts.record("shopify", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", MOMENT)
    assert receipts.seen("shopify", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    assert not receipts.record("shopify", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", MOMENT)
    # The same id from another source is another delivery.
    assert not receipts.seen("orders", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")


def test_an_unusual_id_is_kept_as_a_hash_and_receipts_expire(
    stores: Stores, dynamodb: Any, settings: Any
) -> None:
    odd = "id with spaces and ü " + "x" * 300
    receipts = WebhookReceiptStore(stores.client, stores.table)
    assert receipts.record("orders", odd, MOMENT)
    assert receipts.seen("orders", odd)
    [item] = dynamodb.scan(TableName=settings.table_name)["Items"]
    assert item["PK"]["S"].startswith("WEBHOOK#orders#sha256:")
    assert len(item["PK"]["S"]) < 100
    assert int(item["expires_at"]["N"]) >= MOMENT.timestamp() + 7 * 86400
