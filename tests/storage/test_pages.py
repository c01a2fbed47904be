"""Every page of a query, on both servers."""

from __future__ import annotations

from skill.storage import Stores
from skill.storage.pages import queried


def test_every_item_comes_on_as_many_pages_as_the_table_answers(stores: Stores) -> None:
    for number in range(5):
        stores.client.put_item(
            TableName=stores.table,
            Item={"PK": {"S": "PAGES"}, "SK": {"S": f"ITEM#{number}"}, "n": {"N": str(number)}},
        )
    stores.client.put_item(
        TableName=stores.table, Item={"PK": {"S": "OTHER"}, "SK": {"S": "ITEM#9"}}
    )
    asked: list[str] = []
    stores.client.meta.events.register(
        "before-send.dynamodb.Query", lambda **_: asked.append("Query")
    )

    found = queried(
        stores.client,
        TableName=stores.table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "PAGES"}},
        Limit=2,  # pages of two, as 1 MB pages would come
    )

    assert [item["SK"]["S"] for item in found] == [f"ITEM#{n}" for n in range(5)]
    assert len(asked) == 3  # 2 + 2 + 1; the last page has no LastEvaluatedKey


def test_nothing_found_is_one_request(stores: Stores) -> None:
    found = queried(
        stores.client,
        TableName=stores.table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "NOBODY"}},
    )
    assert list(found) == []
