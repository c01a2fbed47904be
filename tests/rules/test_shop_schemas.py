"""The JSON Schemas in schemas/ and the parser agree on what a record may be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from skill.rules.shop_records import RecordError, parse_record

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

CUSTOMER = {
    "type": "customer",
    "id": "u-1",
    "name": "Robin",
    "locale": "en-GB",
    "postal_code": "SW1A 1AA",
    "phone": "+44 20 7946 0958",
    "email": "robin@example.co.uk",
    "updated_at": "2026-11-22T10:00:00Z",
    "loyalty_tier": "gold",
}
ORDER = {
    "type": "order",
    "number": "#A-7731",
    "customer_id": "u-1",
    "status": "delivered",
    "items": [{"name": "tea pot", "quantity": 2}],
    "total": 39.9,
    "currency": "GBP",
    "shipping_cost": "3.99",
    "ordered_at": "2026-11-20T09:30:00+01:00",
    "due": "2026-11-25",
    "new_due": None,
    "delivered_at": "2026-11-24",
    "tracking_url": "https://track.example/A-7731",
}


def validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize(("kind", "record"), [("customer", CUSTOMER), ("order", ORDER)])
def test_a_good_record_passes_both(kind: str, record: dict[str, Any]) -> None:
    assert list(validator(kind).iter_errors(record)) == []
    parse_record(record)


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        ("customer", {**CUSTOMER, "locale": "fr-FR"}),
        ("customer", {**CUSTOMER, "email": "robin"}),
        ("customer", {k: v for k, v in CUSTOMER.items() if k != "postal_code"}),
        ("order", {**ORDER, "status": "lost"}),
        ("order", {**ORDER, "items": []}),
        ("order", {**ORDER, "items": [{"name": "mug", "quantity": 0}]}),
        ("order", {**ORDER, "total": -1}),
        ("order", {**ORDER, "total": "1.2345"}),
        ("order", {**ORDER, "total": "1000000000"}),
        ("order", {**ORDER, "items": [{"name": "mug", "quantity": 100001}]}),
        ("order", {**ORDER, "currency": "gbp"}),
        ("order", {**ORDER, "due": "25/11/2026"}),
        ("order", {**ORDER, "delivered_at": None}),
        ("order", {**ORDER, "tracking_url": "ftp://track.example"}),
        ("order", {k: v for k, v in ORDER.items() if k != "shipping_cost"}),
    ],
)
def test_a_bad_record_fails_both(kind: str, record: dict[str, Any]) -> None:
    assert list(validator(kind).iter_errors(record)) != []
    with pytest.raises(RecordError):
        parse_record(record)
