"""Typed transaction writes: the shape DynamoDB expects, all written or none."""

from __future__ import annotations

from decimal import Decimal

import pytest

from skill.storage import Stores
from skill.storage.errors import ConditionFailed
from skill.storage.transaction import Delete, Put, Update, transact
from tests.storage.servers import transactional


def test_each_write_is_dynamodbs_item_with_plain_values_encoded() -> None:
    put = Put({"PK": "A", "SK": "B", "n": 3, "gone": None}, condition="attribute_not_exists(PK)")
    assert put.arguments("t") == {
        "TableName": "t",
        "Item": {"PK": {"S": "A"}, "SK": {"S": "B"}, "n": {"N": "3"}},
        "ConditionExpression": "attribute_not_exists(PK)",
    }
    update = Update("A", "B", "SET #n = :n", names={"#n": "n"}, values={":n": Decimal("1.5")})
    assert update.arguments("t") == {
        "TableName": "t",
        "Key": {"PK": {"S": "A"}, "SK": {"S": "B"}},
        "UpdateExpression": "SET #n = :n",
        "ExpressionAttributeNames": {"#n": "n"},
        "ExpressionAttributeValues": {":n": {"N": "1.5"}},
    }
    assert Delete("A", "B").arguments("t") == {
        "TableName": "t",
        "Key": {"PK": {"S": "A"}, "SK": {"S": "B"}},
    }


@transactional
def test_all_or_nothing_and_the_failed_write_is_named(stores: Stores) -> None:
    first = Put({"PK": "X#1", "SK": "X", "kind": "x"}, condition="attribute_not_exists(PK)")
    transact(stores.client, stores.table, [first])

    second = Put({"PK": "X#2", "SK": "X", "kind": "x"})
    with pytest.raises(ConditionFailed) as refused:
        transact(stores.client, stores.table, [second, first])

    assert refused.value.failed_items == (1,)
    answer = stores.client.get_item(
        TableName=stores.table, Key={"PK": {"S": "X#2"}, "SK": {"S": "X"}}
    )
    assert "Item" not in answer
