"""The import's client writes and reads batches as plain JSON: what it stores and reads
back is what botocore's own path stores and reads, binary values included."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from skill.config import Settings
from skill.storage import Stores
from skill.storage.batch_json import send_batches_as_json
from skill.storage.client import admin_client
from skill.storage.codec import from_item, key, to_item
from skill.storage.shop import ShopStore, UpsertCounts
from tests.storage.test_shop import order


def values(n: int) -> dict[str, Any]:
    return {
        "PK": f"ORDER#{n}",
        "SK": "ORDER",
        "status": "shipped",
        "total_amount": Decimal("19.90"),
        "items": {"shop": 'tea pot "deluxe"', "count": 2},
        "gift": True,
        "tags": {"fragile", "gift"},
        "lines": [1, "x", None],
    }


def by_key(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((from_item(item) for item in items), key=lambda found: str(found["PK"]))


def test_batches_store_and_read_what_botocore_would(stores: Stores, settings: Settings) -> None:
    bulk = admin_client(settings, local=True, bulk=True)
    send_batches_as_json(bulk)
    table = stores.table
    written = [values(n) for n in range(30)]
    blob = {"PK": "BLOB#1", "SK": "BLOB", "data": b"\x00\xff", "kinds": {b"a", b"b"}}

    for part in (written[:25], [*written[25:], blob]):
        answer = bulk.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": to_item(v)}} for v in part]}
        )
        assert answer["UnprocessedItems"] == {}

    keys = [key(v["PK"], v["SK"]) for v in written]
    plain = stores.client.batch_get_item(RequestItems={table: {"Keys": keys}})
    fast = bulk.batch_get_item(RequestItems={table: {"Keys": keys}})
    assert by_key(fast["Responses"][table]) == by_key(plain["Responses"][table])
    assert by_key(fast["Responses"][table]) == sorted(written, key=lambda v: str(v["PK"]))
    assert fast["UnprocessedKeys"] == {}
    # An answer holding a binary value is read the usual way: bytes, not base64 text.
    with_blob = bulk.batch_get_item(RequestItems={table: {"Keys": [key("BLOB#1", "BLOB")]}})
    assert from_item(with_blob["Responses"][table][0]) == blob


def test_unprocessed_items_are_sent_again_by_the_import_client(
    stores: Stores, settings: Settings
) -> None:
    """As tests/storage/test_shop.py checks for a turn's client, with the import's."""
    bulk = admin_client(settings, local=True, bulk=True)
    send_batches_as_json(bulk)
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

    bulk.meta.events.register("before-parameter-build.dynamodb.BatchWriteItem", hold_back)
    bulk.meta.events.register("after-call.dynamodb.BatchWriteItem", report)
    pauses: list[float] = []
    shop = ShopStore(bulk, stores.table, workers=1, sleep=pauses.append)
    records = [order(number=str(4000 + n)) for n in range(25)]

    assert shop.upsert(records) == UpsertCounts(written=25)

    assert pauses == [0.05, 0.1]
    assert all(stores.orders.get(str(4000 + n)) is not None for n in range(25))
    assert shop.upsert(records) == UpsertCounts(unchanged=25)
