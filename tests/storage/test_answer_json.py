"""A turn's client reads answers as plain JSON: what it gets is what botocore's own
parsing gives, binary values, missing items and refused writes included."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError

from skill.config import Settings
from skill.storage import Stores
from skill.storage.client import admin_client
from skill.storage.codec import from_item, key, to_item


def without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in answer.items() if name != "ResponseMetadata"}


def test_answers_are_what_botocore_parses(stores: Stores, settings: Settings) -> None:
    turn, plain, table = stores.client, admin_client(settings, local=True), stores.table
    order = {
        "PK": "CUSTOMER#json",
        "SK": "ORDER#1",
        "total": Decimal("19.90"),
        "lines": [1, 'tea "pot"', None, True],
        "items": {"shop": "Salt & <Pepper>", "count": 2},
        "tags": {"fragile", "gift"},
    }
    blob = {"PK": "CUSTOMER#json", "SK": "BLOB", "data": b"\x00\xff", "kinds": {b"a", b"b"}}
    for values in (order, blob):
        turn.put_item(TableName=table, Item=to_item(values))
    # What botocore's parser is left with, after the JSON reader had the answer.
    left: list[bytes] = []

    def seen(response_dict: dict[str, Any], **_: Any) -> None:
        left.append(response_dict["body"])

    turn.meta.events.register_last("before-parse.dynamodb.GetItem", seen)

    for call, arguments in (
        ("get_item", {"Key": key("CUSTOMER#json", "ORDER#1")}),
        ("get_item", {"Key": key("CUSTOMER#json", "missing")}),
        ("get_item", {"Key": key("CUSTOMER#json", "BLOB")}),
        (
            "query",
            {
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": "CUSTOMER#json"}},
                "Limit": 1,
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
    ):
        fast = getattr(turn, call)(TableName=table, **arguments)
        usual = getattr(plain, call)(TableName=table, **arguments)
        assert without_metadata(fast) == without_metadata(usual)
        assert fast["ResponseMetadata"]["HTTPStatusCode"] == 200

    # Read as JSON: the two answers without binary values, not the one holding one.
    assert left[0] == left[1] == b"{}"
    assert b'"B":' in left[2]

    found = turn.get_item(TableName=table, Key=key("CUSTOMER#json", "ORDER#1"))
    assert from_item(found["Item"]) == order
    found = turn.get_item(TableName=table, Key=key("CUSTOMER#json", "BLOB"))
    assert from_item(found["Item"]) == blob  # bytes, not base64 text


def test_a_refused_write_is_the_same_error(stores: Stores) -> None:
    item = to_item({"PK": "CUSTOMER#json", "SK": "ONCE"})
    stores.client.put_item(TableName=stores.table, Item=item)
    with pytest.raises(ClientError) as refused:
        stores.client.put_item(
            TableName=stores.table, Item=item, ConditionExpression="attribute_not_exists(PK)"
        )
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert isinstance(refused.value, stores.client.exceptions.ConditionalCheckFailedException)
