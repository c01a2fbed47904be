"""The import's client writes and reads batches as plain JSON, a voice turn's client
writes its transactions so: what they store and read back is what botocore's own path
stores and reads, binary values included, and a failed condition fails as before."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from skill.config import Settings
from skill.storage import Stores
from skill.storage.batch_json import send_batches_as_json
from skill.storage.client import admin_client
from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import ConditionFailed
from skill.storage.shop import ShopStore, UpsertCounts
from skill.storage.transaction import ABSENT, Put, Update, transact
from tests.storage.servers import transactional
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


@transactional
def test_transactions_store_what_botocore_would_and_fail_as_before(
    stores: Stores, settings: Settings
) -> None:
    plain = admin_client(settings, local=True)  # botocore's own walk of the model
    table = stores.table
    blob = {"PK": "BLOB#1", "SK": "ORDER", "data": b"\x00\xff", "kinds": {b"a", b"b"}}
    sent: list[bytes] = []

    def body(request: Any, **_: Any) -> None:
        sent.append(request.body)

    stores.client.meta.events.register("before-send.dynamodb.TransactWriteItems", body)

    def read(pk: str) -> dict[str, Any]:
        return from_item(stores.client.get_item(TableName=table, Key=key(pk, "ORDER"))["Item"])

    for client, prefix in ((stores.client, "FAST"), (plain, "PLAIN")):
        writes = [Put(values(n) | {"PK": f"{prefix}#{n}"}, condition=ABSENT) for n in range(3)]
        transact(client, table, writes, token=f"{prefix}-token")
    transact(stores.client, table, [Put(blob)])
    change = Update("FAST#0", "ORDER", "SET #s = :s", names={"#s": "status"}, values={":s": "late"})
    transact(stores.client, table, [change])

    for n in (1, 2):
        assert read(f"FAST#{n}") | {"PK": ""} == read(f"PLAIN#{n}") | {"PK": ""}
    assert read("FAST#0")["status"] == "late"
    assert read("BLOB#1") == blob
    # Sent as JSON, token and all; the one with a binary value went the usual way.
    assert b'"Item":{"PK":{"S":"FAST#0"}' in sent[0] and b'"FAST-token"' in sent[0]
    assert b'"data": {"B": "AP8="}' in sent[1]  # botocore's writing, base64

    fresh = Put({"PK": "NEW#1", "SK": "ORDER"}, condition=ABSENT)
    again = Put(values(1) | {"PK": "FAST#1"}, condition=ABSENT)
    with pytest.raises(ConditionFailed) as failed:
        transact(stores.client, table, [fresh, again])
    assert failed.value.failed_items == (1,)
    assert "Item" not in stores.client.get_item(TableName=table, Key=key("NEW#1", "ORDER"))
