"""The embedded DynamoDB answers as DynamoDB would, also where it is quicker than moto."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from skill.config import Settings
from skill.storage.client import dynamodb_streams_client
from tests.moto_in_process import on_the_embedded_server

# On the embedded server: these are the server's tests.
dynamodb_endpoint = on_the_embedded_server()


def key(pk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": "item"}}


def stream_records(settings: Settings, client: Any) -> list[dict[str, Any]]:
    streams = dynamodb_streams_client(settings, local=True)
    arn = client.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records += streams.get_records(ShardIterator=iterator)["Records"]
    return records


def test_a_cancelled_transaction_leaves_every_item_and_the_stream_as_they_were(
    dynamodb: Any, settings: Settings
) -> None:
    table = settings.table_name
    dynamodb.put_item(TableName=table, Item={**key("kept"), "n": {"N": "1"}})
    dynamodb.put_item(TableName=table, Item={**key("deleted"), "n": {"N": "1"}})
    before = stream_records(settings, dynamodb)

    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": key("kept"),
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {"Delete": {"TableName": table, "Key": key("deleted")}},
                {"Put": {"TableName": table, "Item": {**key("new"), "n": {"N": "3"}}}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": key("missing"),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )

    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = dynamodb.scan(TableName=table)["Items"]
    assert sorted((item["PK"]["S"], item["n"]["N"]) for item in items) == [
        ("deleted", "1"),
        ("kept", "1"),
    ]
    assert stream_records(settings, dynamodb) == before


def test_a_transaction_that_passes_writes_all_its_items(dynamodb: Any, settings: Settings) -> None:
    table = settings.table_name
    dynamodb.put_item(TableName=table, Item={**key("kept"), "n": {"N": "1"}})
    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": key("kept"),
                    "UpdateExpression": "SET n = :two",
                    "ExpressionAttributeValues": {":two": {"N": "2"}},
                }
            },
            {"Put": {"TableName": table, "Item": {**key("new"), "n": {"N": "3"}}}},
        ]
    )
    items = dynamodb.scan(TableName=table)["Items"]
    assert sorted((item["PK"]["S"], item["n"]["N"]) for item in items) == [
        ("kept", "2"),
        ("new", "3"),
    ]
    assert [record["eventName"] for record in stream_records(settings, dynamodb)] == [
        "INSERT",
        "MODIFY",
        "INSERT",
    ]


def test_every_kind_of_attribute_comes_back_as_it_was_stored(
    dynamodb: Any, settings: Settings
) -> None:
    item = {
        **key("all"),
        "text": {"S": "Salt & <Pepper> ü"},
        "number": {"N": "-12.50"},
        "flag": {"BOOL": False},
        "nothing": {"NULL": True},
        "texts": {"SS": ["a", "b"]},
        "numbers": {"NS": ["1", "2.5"]},
        "bytes": {"B": b"\x00\xff"},
        "map": {"M": {"inner": {"L": [{"S": "x"}, {"N": "1"}, {"B": b"\x01"}]}}},
        "list": {"L": [{"M": {"deep": {"BOOL": True}}}, {"NULL": True}]},
    }
    dynamodb.put_item(TableName=settings.table_name, Item=item)

    stored = dynamodb.get_item(TableName=settings.table_name, Key=key("all"))["Item"]

    assert {name: value for name, value in stored.items() if name not in ("texts", "numbers")} == {
        name: value for name, value in item.items() if name not in ("texts", "numbers")
    }
    assert sorted(stored["texts"]["SS"]) == ["a", "b"]
    assert sorted(stored["numbers"]["NS"]) == ["1", "2.5"]


def test_an_item_over_the_size_limit_is_refused_and_one_under_it_stored(
    dynamodb: Any, settings: Settings
) -> None:
    # 40 attributes of 10 KB each: the sum, not any one attribute, passes the limit.
    parts = {f"part{number:02}": {"S": "x" * 10_000} for number in range(40)}
    small = {**key("small"), **dict(list(parts.items())[:30])}
    dynamodb.put_item(TableName=settings.table_name, Item=small)
    with pytest.raises(ClientError, match="Item size has exceeded the maximum allowed size"):
        dynamodb.put_item(
            TableName=settings.table_name, Item={**key("big"), **parts, "a": {"S": "x" * 5_000}}
        )

    assert "Item" not in dynamodb.get_item(TableName=settings.table_name, Key=key("big"))
    stored = dynamodb.get_item(TableName=settings.table_name, Key=key("small"))["Item"]
    assert stored == small
