"""The order webhooks on the web service: signed Shopify topics and the contract's records
change the table, and the skill says so at the next turn, no restart.

The Shopify payloads are the fixtures of tests/rules/fixtures/shopify (order #1101 of
customer 7390235456, in the shape of Shopify's documented webhook payloads).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from skill.clock import Clock
from skill.config import Settings
from skill.records import OrderStatus
from skill.rules.shop_records import OrderLine, OrderRecord
from skill.rules.webhook_signatures import orders_signature, shopify_signature
from skill.storage import Stores
from skill.storage.codec import from_item, key
from skill.storage.order_records import OrderRecordReader
from skill.usecases.webhooks import MAX_DELIVERY_BYTES, webhooks_for
from skill.web import create_app
from tests.alexa import Conversation
from tests.rules.test_shopify_payloads import payload

SHOPIFY_SECRET = "shpss_test_0f3c9a"
ORDERS_SECRET = "orders-test-7d21"
WRITES = {"PutItem", "BatchWriteItem", "UpdateItem", "DeleteItem", "TransactWriteItems"}


@pytest.fixture
def hooks_app(skill: Any, settings: Settings, demo_stores: Stores, clock: Clock) -> Flask:
    secrets = settings.with_changes(
        shopify_webhook_secret=SHOPIFY_SECRET, orders_webhook_secret=ORDERS_SECRET
    )
    app = create_app(skill, verifier=None, webhooks=webhooks_for(secrets, demo_stores, clock))
    app.testing = True
    return app


@pytest.fixture
def web(hooks_app: Flask) -> FlaskClient:
    return hooks_app.test_client()


def shopify(
    web: FlaskClient,
    topic: str,
    body: bytes | dict[str, Any],
    *,
    webhook_id: str | None = None,
    secret: str = SHOPIFY_SECRET,
    signature: str | None = None,
) -> TestResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    if signature is None:
        signature = shopify_signature(secret, raw)
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": "kaffeehaus.myshopify.com",
        "X-Shopify-API-Version": "2025-10",
        "X-Shopify-Webhook-Id": webhook_id or f"{topic}-{len(raw)}-{hash(raw)}",
        "X-Shopify-Hmac-Sha256": signature,
    }
    return web.post("/webhooks/shopify", data=raw, headers=headers, content_type="application/json")


def orders(
    web: FlaskClient, body: bytes, *, secret: str = ORDERS_SECRET, signature: str | None = None
) -> TestResponse:
    headers = {"X-Menschmoment-Signature": signature or orders_signature(secret, body)}
    return web.post("/webhooks/orders", data=body, headers=headers, content_type="application/json")


def shop_record(stores: Stores, number: str) -> OrderRecord:
    """The order as stored, in the contract's terms."""
    record = OrderRecordReader(stores.client, stores.table).get(number)
    assert record is not None
    return record


def stored(stores: Stores, pk: str, sk: str) -> dict[str, Any] | None:
    item = stores.client.get_item(TableName=stores.table, Key=key(pk, sk)).get("Item")
    return from_item(item) if item else None


def test_a_new_shopify_order_stores_its_customer_and_the_order(
    web: FlaskClient, demo_stores: Stores
) -> None:
    answer = shopify(web, "orders/create", payload("orders_create"))
    assert answer.status_code == 200
    assert answer.json == {"status": "stored", "written": 2, "unchanged": 0, "older_skipped": 0}
    order = demo_stores.orders.get("1101")
    assert order is not None
    assert order.status is OrderStatus.PROCESSING
    assert order.customer_id == "7390235456"
    assert order.postal_code == "02139"
    account = demo_stores.orders.account("7390235456")
    assert account.customer is not None and account.customer.first_name == "Jordan"


@pytest.mark.parametrize(
    ("topic", "fixture", "status", "shop_status"),
    [
        ("orders/updated", "orders_updated", OrderStatus.DELAYED, "shipped"),
        ("orders/fulfilled", "orders_fulfilled", OrderStatus.DELIVERED, "delivered"),
        ("orders/cancelled", "orders_cancelled", OrderStatus.CANCELLED, "cancelled"),
    ],
)
def test_each_order_topic_changes_the_stored_order(
    web: FlaskClient,
    demo_stores: Stores,
    topic: str,
    fixture: str,
    status: OrderStatus,
    shop_status: str,
) -> None:
    assert shopify(web, "orders/create", payload("orders_create")).status_code == 200
    answer = shopify(web, topic, payload(fixture))
    assert answer.status_code == 200
    assert answer.json is not None and answer.json["written"] == 1  # the order; customer same
    order = demo_stores.orders.get("1101")
    assert order is not None and order.status is status
    assert shop_record(demo_stores, "1101").status.value == shop_status


@pytest.mark.parametrize(
    ("fixture", "status", "shop_status"),
    [
        ("fulfillments_create", OrderStatus.DELAYED, "shipped"),
        ("fulfillments_update", OrderStatus.DELIVERED, "delivered"),
    ],
)
def test_each_fulfillment_topic_changes_the_stored_order(
    web: FlaskClient, demo_stores: Stores, fixture: str, status: OrderStatus, shop_status: str
) -> None:
    shopify(web, "orders/create", payload("orders_create"))
    topic = "fulfillments/" + fixture.split("_")[1]
    answer = shopify(web, topic, payload(fixture))
    assert answer.status_code == 200
    assert answer.json == {"status": "stored", "written": 1, "unchanged": 0, "older_skipped": 0}
    order = demo_stores.orders.get("1101")
    assert order is not None and order.status is status
    assert order.carrier == "UPS"
    record = shop_record(demo_stores, "1101")
    assert record.status.value == shop_status
    assert record.tracking_url == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    # What the shipment does not say is kept from the order.
    assert record.items == (OrderLine("Burr Coffee Grinder", 1), OrderLine("Stoneware Mug", 2))
    assert record.total == Decimal("122.90")


def test_a_fulfillment_of_an_order_not_stored_yet_is_answered_and_stores_nothing(
    web: FlaskClient, demo_stores: Stores
) -> None:
    answer = shopify(web, "fulfillments/update", payload("fulfillments_update"))
    assert answer.status_code == 200
    assert answer.json == {"status": "ignored", "reason": "nothing to change"}
    assert demo_stores.orders.get("1101") is None


@pytest.mark.parametrize("signature", ["", "bm90IHRoZSBzaWduYXR1cmU=", None])
def test_a_bad_or_missing_signature_is_401_and_stores_nothing(
    web: FlaskClient, demo_stores: Stores, signature: str | None
) -> None:
    if signature is None:
        answer = shopify(web, "orders/create", payload("orders_create"), secret="another secret")
    else:
        answer = shopify(web, "orders/create", payload("orders_create"), signature=signature)
    assert answer.status_code == 401
    assert demo_stores.orders.get("1101") is None


def test_a_body_changed_after_signing_is_401(web: FlaskClient, demo_stores: Stores) -> None:
    raw = json.dumps(payload("orders_create")).encode()
    tampered = raw.replace(b'"122.90"', b'"0.01"')
    answer = shopify(
        web, "orders/create", tampered, signature=shopify_signature(SHOPIFY_SECRET, raw)
    )
    assert answer.status_code == 401
    assert demo_stores.orders.get("1101") is None


def test_a_body_that_is_not_json_is_400(web: FlaskClient) -> None:
    answer = shopify(web, "orders/create", b"{not json")
    assert answer.status_code == 400
    assert answer.json == {"error": "malformed", "problems": [{"error": "body is not JSON"}]}


def test_a_payload_missing_a_field_is_400_naming_it(web: FlaskClient, demo_stores: Stores) -> None:
    data = payload("orders_create")
    del data["line_items"]
    answer = shopify(web, "orders/create", data)
    assert answer.status_code == 400
    assert answer.json is not None
    assert answer.json["problems"] == [{"field": "line_items", "error": "must be a non-empty list"}]
    assert demo_stores.orders.get("1101") is None


def test_a_replayed_delivery_is_answered_and_writes_nothing(
    web: FlaskClient, demo_stores: Stores, round_trips: list[str]
) -> None:
    first = shopify(web, "orders/create", payload("orders_create"), webhook_id="b54557e4-1")
    assert first.json is not None and first.json["status"] == "stored"
    round_trips.clear()
    again = shopify(web, "orders/create", payload("orders_create"), webhook_id="b54557e4-1")
    assert again.status_code == 200
    assert again.json == {"status": "duplicate"}
    assert WRITES.isdisjoint(round_trips), round_trips
    # Even a changed body under the same id is that delivery again.
    cancelled = shopify(
        web, "orders/cancelled", payload("orders_cancelled"), webhook_id="b54557e4-1"
    )
    assert cancelled.json == {"status": "duplicate"}
    order = demo_stores.orders.get("1101")
    assert order is not None and order.status is OrderStatus.PROCESSING


def test_an_older_update_arriving_late_is_ignored(web: FlaskClient, demo_stores: Stores) -> None:
    shopify(web, "orders/fulfilled", payload("orders_fulfilled"))
    late = shopify(web, "orders/updated", payload("orders_updated"))
    assert late.status_code == 200
    assert late.json == {"status": "stored", "written": 0, "unchanged": 1, "older_skipped": 1}
    order = demo_stores.orders.get("1101")
    assert order is not None and order.status is OrderStatus.DELIVERED
    # A shipment's older word is ignored too.
    older = shopify(web, "fulfillments/create", payload("fulfillments_create"))
    assert older.json is not None and older.json["older_skipped"] == 1
    order = demo_stores.orders.get("1101")
    assert order is not None and order.status is OrderStatus.DELIVERED


def test_an_unknown_topic_is_answered_ignored_and_logged_without_its_data(
    web: FlaskClient, demo_stores: Stores, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    customer = payload("orders_create")["customer"]
    answer = shopify(web, "customers/update", customer)
    assert answer.status_code == 200
    assert answer.json == {"status": "ignored", "reason": "topic not handled"}
    assert stored(demo_stores, "CUSTOMER#7390235456", "PROFILE") is None
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "webhook ignored" in logged
    assert "Jordan" not in logged and "jordan.reyes" not in logged and "7390235456" not in logged


def test_a_body_over_the_limit_is_413(web: FlaskClient) -> None:
    answer = shopify(web, "orders/create", b" " * (MAX_DELIVERY_BYTES + 1))
    assert answer.status_code == 413


def test_a_route_whose_secret_is_unset_does_not_exist(
    skill: Any, settings: Settings, demo_stores: Stores, clock: Clock
) -> None:
    only_orders = settings.with_changes(orders_webhook_secret=ORDERS_SECRET)
    app = create_app(skill, verifier=None, webhooks=webhooks_for(only_orders, demo_stores, clock))
    web = app.test_client()
    unsigned = web.post(
        "/webhooks/shopify", data=b"{}", headers={"X-Shopify-Topic": "orders/create"}
    )
    assert unsigned.status_code == 404
    # Signed with an empty secret: still nothing.
    assert shopify(web, "orders/create", payload("orders_create"), secret="").status_code == 404
    assert demo_stores.orders.get("1101") is None
    # Without webhooks at all the routes are not there either.
    bare = create_app(skill, verifier=None).test_client()
    assert bare.post("/webhooks/orders", data=b"{}").status_code == 404


# --- the contract's own records -------------------------------------------------------

CUSTOMER = {
    "type": "customer",
    "id": "c-kim",
    "name": "Kim",
    "locale": "en-US",
    "postal_code": "60614",
    "updated_at": "2026-11-22T09:00:00Z",
}
ORDER = {
    "type": "order",
    "number": "A-7731",
    "customer_id": "c-kim",
    "status": "shipped",
    "items": [{"name": "tea pot", "quantity": 1}],
    "total": "39.00",
    "currency": "USD",
    "shipping_cost": "4.00",
    "ordered_at": "2026-11-20",
    "due": "2026-11-25",
    "carrier": "FedEx",
    "updated_at": "2026-11-22T09:00:00Z",
}


def lines(*records: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps(record) for record in records).encode() + b"\n"


def test_contract_records_as_json_lines_are_stored(web: FlaskClient, demo_stores: Stores) -> None:
    answer = orders(web, lines(CUSTOMER, ORDER))
    assert answer.status_code == 200
    assert answer.json == {"status": "stored", "written": 2, "unchanged": 0, "older_skipped": 0}
    order = demo_stores.orders.get("A-7731")
    assert order is not None and order.status is OrderStatus.SHIPPED
    assert order.postal_code == "60614"


def test_one_contract_record_as_a_json_object_is_stored(
    web: FlaskClient, demo_stores: Stores
) -> None:
    shopify_free = json.dumps({**ORDER, "customer_id": "c-alex"}, indent=2).encode()
    assert orders(web, shopify_free).status_code == 200
    order = demo_stores.orders.get("A-7731")
    assert order is not None and order.customer_id == "c-alex"


def test_contract_records_with_a_bad_signature_are_401(
    web: FlaskClient, demo_stores: Stores
) -> None:
    body = lines(CUSTOMER, ORDER)
    assert orders(web, body, secret="guess").status_code == 401
    assert orders(web, body, signature="sha256=" + "0" * 64).status_code == 401
    assert web.post("/webhooks/orders", data=body).status_code == 401
    assert demo_stores.orders.get("A-7731") is None


def test_a_bad_record_is_400_with_its_line_and_field_and_nothing_is_stored(
    web: FlaskClient, demo_stores: Stores
) -> None:
    broken = {**ORDER, "number": "A-7732", "status": "lost"}
    answer = orders(web, lines(CUSTOMER, ORDER, broken) + b"not json\n")
    assert answer.status_code == 400
    assert answer.json is not None
    assert answer.json["problems"] == [
        {
            "line": 3,
            "field": "status",
            "error": "must be one of placed, processing, shipped, out_for_delivery, "
            "delivered, cancelled, returned",
        },
        {"line": 4, "error": "not a JSON object"},
    ]
    assert demo_stores.orders.get("A-7731") is None


def test_a_contract_delivery_sent_twice_is_stored_once(
    web: FlaskClient, round_trips: list[str]
) -> None:
    body = lines(CUSTOMER, ORDER)
    assert orders(web, body).json is not None
    round_trips.clear()
    assert orders(web, body).json == {"status": "duplicate"}
    assert WRITES.isdisjoint(round_trips), round_trips


# --- what the customer hears at the next turn --------------------------------------------

Talk = Callable[..., Conversation]


def test_a_shipment_delivered_is_heard_at_the_next_turn(
    web: FlaskClient, talk: Talk, demo_stores: Stores
) -> None:
    before = talk(token="demo-alex").say("OrderStatusIntent", orderNumber="1002")
    assert "on its way" in before.speech
    delivered = payload("fulfillments_update")
    delivered.update(name="#1002.1", order_id=5940139499999)
    assert shopify(web, "fulfillments/update", delivered).status_code == 200
    after = talk(token="demo-alex").say("OrderStatusIntent", orderNumber="1002")
    assert "delivered" in after.speech
    assert "rain jacket" in after.speech


def test_an_order_cancelled_or_late_by_a_record_is_heard_at_the_next_turn(
    web: FlaskClient, talk: Talk
) -> None:
    alex = talk(token="demo-alex")
    assert "being packed" in alex.say("OrderStatusIntent", orderNumber="1004").speech
    cancelled = {
        **ORDER,
        "number": "1004",
        "customer_id": "c-alex",
        "status": "cancelled",
        "items": [{"name": "salt & pepper mills", "quantity": 1}],
        "ordered_at": "2026-11-23",
        "due": "2026-11-27",
    }
    late = {**cancelled, "number": "1005", "status": "shipped", "due": "2026-11-22",
            "new_due": "2026-11-26"}  # fmt: skip
    assert orders(web, lines(cancelled, late)).status_code == 200
    # The next turn of the same session hears the new state.
    assert "cancelled" in alex.say("OrderStatusIntent", orderNumber="1004").speech
    assert "late" in alex.say("OrderStatusIntent", orderNumber="1005").speech
