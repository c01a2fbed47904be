"""Plain Python values to DynamoDB attribute values and back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT, TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    # Text inline, the rest by _attribute: most attributes are text, and an import
    # converts some twenty of them per record.
    return {
        key: {"S": value} if type(value) is str else _attribute(value)
        for key, value in values.items()
        if value is not None
    }


def _attribute(value: Any) -> Any:
    # Text, numbers and maps first: the general serializer's type tests, one after the
    # other, cost an import of 100,000 orders seconds for nothing.
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is Decimal and value.is_finite():
        # As the serializer writes it: its context refuses what DynamoDB would round.
        return {"N": str(DYNAMODB_CONTEXT.create_decimal(value))}
    if kind is dict:
        return {"M": {key: _attribute(inner) for key, inner in value.items()}}
    return _serializer.serialize(value)


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _value(value) for key, value in item.items()}


def _value(attribute: Any) -> Any:
    # As the general deserializer reads them, without its per-value name lookups: every
    # item of a turn's answers goes through here.
    if len(attribute) == 1:
        kind, inner = next(iter(attribute.items()))
        if kind == "S" or kind == "BOOL":
            return inner
        if kind == "N":
            return DYNAMODB_CONTEXT.create_decimal(inner)
        if kind == "M":
            return {key: _value(value) for key, value in inner.items()}
        if kind == "L":
            return [_value(value) for value in inner]
    return _deserializer.deserialize(attribute)


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def timestamp(moment: datetime) -> str:
    """One fixed format (UTC, whole seconds), so keys sort in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
