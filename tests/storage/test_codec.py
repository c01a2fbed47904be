"""Items read back are what boto3's own deserializer makes of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer

from skill.storage.codec import from_item, to_item

VALUES: dict[str, Any] = {
    "text": "Salt & <Pepper>",
    "empty": "",
    "price": Decimal("19.90"),
    "count": 3,
    "huge": Decimal("12345678901234567890123456789.123456789"),
    "gift": True,
    "late": False,
    "nothing": None,
    "tags": {"fragile", "gift"},
    "sizes": {Decimal(1), Decimal("2.5")},
    "blob": b"\x00\xff",
    "blobs": {b"a", b"b"},
    "lines": [1, "x", None, [True, {"deep": Decimal("0.1")}]],
    "address": {"street": "Main St 1", "floor": 2, "notes": {"ring": False}, "none": None},
    "no_lines": [],
    "no_fields": {},
}


def test_every_kind_reads_back_as_boto3_reads_it() -> None:
    stored = {"PK": {"S": "X"}, **to_item(VALUES), "nothing": {"NULL": True}}
    general = TypeDeserializer()
    expected = {key: general.deserialize(value) for key, value in stored.items()}
    read = from_item(stored)
    assert read == expected
    assert type(read["price"]) is Decimal and type(read["blob"]) is Binary
    assert read["nothing"] is None and read["gift"] is True


@pytest.mark.parametrize("attribute", [{}, {"X": "1"}])
def test_a_malformed_attribute_is_refused_as_by_boto3(attribute: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        TypeDeserializer().deserialize(attribute)
    with pytest.raises(TypeError):
        from_item({"bad": attribute})
