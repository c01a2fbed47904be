"""Webhooks that keep the order table current: a shop's change is heard at the next turn.

Two routes, served by the web service and by the webhooks Lambda alike (both hand a
:class:`Delivery` to :class:`Webhooks` and send back its :class:`Answer`):

    POST /webhooks/shopify   Shopify's order and fulfillment topics, signed with the
                             app's secret (X-Shopify-Hmac-Sha256)
    POST /webhooks/orders    the data contract's own records, a JSON object or JSON
                             Lines, signed X-Menschmoment-Signature: sha256=<hex>

Every delivery goes the same way::

    secret set? ── no ──> 404 (the route does not exist here)
    signed?     ── no ──> 401
    topic known? ─ no ──> 200, ignored (Shopify stops sending what nobody answers)
    seen before? ─ yes ─> 200, nothing written (a receipt per delivery id)
    records     ── bad ─> 400 naming the field (and line) at fault, nothing written
    upsert      ── fails> 503, so the sender tries again
    receipt, then 200 with what was written

The upsert never lets an older ``updated_at`` overwrite a newer one, so deliveries that
arrive out of order leave the newest state.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from skill.rules.shop_records import RecordError, parse_record
from skill.rules.shopify_payloads import apply_fulfillment, fulfillment_change, order_records
from skill.rules.webhook_signatures import orders_signed, shopify_signed
from skill.storage.errors import StorageError

if TYPE_CHECKING:
    from skill.clock import Clock
    from skill.config import Settings
    from skill.storage import Stores
    from skill.storage.order_records import OrderRecordReader
    from skill.storage.shop import ShopRecord, ShopStore, UpsertCounts
    from skill.storage.webhook_receipts import WebhookReceiptStore

log = logging.getLogger(__name__)

ORDER_TOPICS = frozenset(
    {"orders/create", "orders/updated", "orders/fulfilled", "orders/cancelled"}
)
FULFILLMENT_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})
# A delivery bigger than this is no order (Shopify's largest orders are a few hundred
# kilobytes); the web service and the Lambda both refuse it with 413.
MAX_DELIVERY_BYTES = 1024 * 1024
# Records of one delivery to /webhooks/orders; more belong in `python -m skill import`.
MAX_RECORDS = 500
# Errors reported per delivery: enough to fix a feed, not a copy of a broken one.
MAX_ERRORS = 20


@dataclass(frozen=True)
class Delivery:
    """One webhook request: its headers (any case) and its body as received."""

    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def delivery_id(self, header: str) -> str:
        """The sender's id of the delivery, else the body's hash: a copy is the same."""
        given = (self.header(header) or "").strip()
        return given or "sha256:" + hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


NOT_HERE = Answer(404, {"error": "not found"})
UNSIGNED = Answer(401, {"error": "signature missing or wrong"})
UNAVAILABLE = Answer(503, {"error": "the order table is not available; send it again later"})


class Webhooks:
    """The two webhooks over the shop's store; a route whose secret is None is off."""

    def __init__(
        self,
        *,
        shop: ShopStore,
        orders: OrderRecordReader,
        receipts: WebhookReceiptStore,
        clock: Clock,
        shopify_secret: str | None,
        orders_secret: str | None,
    ) -> None:
        self._shop = shop
        self._orders = orders
        self._receipts = receipts
        self._clock = clock
        self._shopify_secret = shopify_secret
        self._orders_secret = orders_secret

    def shopify(self, delivery: Delivery) -> Answer:
        """``POST /webhooks/shopify``."""
        if not self._shopify_secret:
            return NOT_HERE
        if not shopify_signed(
            self._shopify_secret, delivery.body, delivery.header("X-Shopify-Hmac-Sha256")
        ):
            return _refused(UNSIGNED, "shopify", "bad signature")
        topic = (delivery.header("X-Shopify-Topic") or "").strip()
        if topic not in ORDER_TOPICS | FULFILLMENT_TOPICS:
            # The topic is Shopify's word, never the shop's data.
            log.info("webhook ignored", extra={"reason": f"shopify topic {topic[:60]!r}"})
            return Answer(200, {"status": "ignored", "reason": "topic not handled"})
        return self._once(
            "shopify",
            delivery.delivery_id("X-Shopify-Webhook-Id"),
            lambda: self._shopify_records(topic, delivery.body),
        )

    def orders(self, delivery: Delivery) -> Answer:
        """``POST /webhooks/orders``."""
        if not self._orders_secret:
            return NOT_HERE
        if not orders_signed(
            self._orders_secret, delivery.body, delivery.header("X-Menschmoment-Signature")
        ):
            return _refused(UNSIGNED, "orders", "bad signature")
        return self._once(
            "orders",
            delivery.delivery_id("X-Menschmoment-Delivery"),
            lambda: _contract_records(delivery.body),
        )

    # --- the steps ------------------------------------------------------------------

    def _once(
        self, source: str, delivery_id: str, read: Callable[[], list[ShopRecord] | Answer]
    ) -> Answer:
        """Store what ``read()`` gives, unless this delivery was stored before."""
        try:
            if self._receipts.seen(source, delivery_id):
                return Answer(200, {"status": "duplicate"})
            records = read()
            if isinstance(records, Answer):
                return records
            counts = self._shop.upsert(records) if records else None
            self._receipts.record(source, delivery_id, self._clock())
        except StorageError as error:
            log.warning(
                "webhook not stored", extra={"reason": source, "error_type": type(error).__name__}
            )
            return UNAVAILABLE
        if counts is None:
            return Answer(200, {"status": "ignored", "reason": "nothing to change"})
        log.info("webhook stored", extra={"reason": source, "status": 200})
        return Answer(200, {"status": "stored", **_counted(counts)})

    def _shopify_records(self, topic: str, body: bytes) -> list[ShopRecord] | Answer:
        payload = _json(body)
        if isinstance(payload, Answer):
            return payload
        try:
            if topic in ORDER_TOPICS:
                return list(order_records(payload))
            change = fulfillment_change(payload)
        except RecordError as error:
            return _bad("shopify", [_problem(error)])
        if change is None:
            return []
        stored = self._orders.get(change.number)
        if stored is None:
            # The order's own webhook brings the shipment with it when it comes.
            return []
        return [apply_fulfillment(stored, change)]


def _contract_records(body: bytes) -> list[ShopRecord] | Answer:
    """The records of a JSON object or of JSON Lines; any fault refuses them all, so a
    sender fixes and sends again rather than hunting for what was kept."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _bad("orders", [{"error": "body is not UTF-8"}])
    lines: list[tuple[int, object]] = []
    try:
        lines = [(1, json.loads(text))]
    except ValueError:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lines.append((number, json.loads(line)))
            except ValueError:
                lines.append((number, None))
    if not lines:
        return _bad("orders", [{"error": "body holds no record"}])
    if len(lines) > MAX_RECORDS:
        return _bad("orders", [{"error": f"more than {MAX_RECORDS} records in one delivery"}])
    records: list[ShopRecord] = []
    problems: list[dict[str, Any]] = []
    for number, data in lines:
        if not isinstance(data, dict):
            problems.append({"line": number, "error": "not a JSON object"})
            continue
        try:
            records.append(parse_record(data))
        except RecordError as error:
            problems.append({"line": number, **_problem(error)})
    if problems:
        return _bad("orders", problems)
    return records


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _bad("shopify", [{"error": "body is not JSON"}])


def _problem(error: RecordError) -> dict[str, Any]:
    return {"field": error.field, "error": error.message}


def _bad(source: str, problems: list[dict[str, Any]]) -> Answer:
    # Field names and line numbers only: the values may be a customer's.
    log.warning(
        "webhook refused", extra={"reason": f"{source}: {len(problems)} bad", "status": 400}
    )
    return Answer(400, {"error": "malformed", "problems": problems[:MAX_ERRORS]})


def _refused(answer: Answer, source: str, reason: str) -> Answer:
    log.warning("webhook refused", extra={"reason": f"{source}: {reason}", "status": answer.status})
    return answer


def _counted(counts: UpsertCounts) -> dict[str, int]:
    return {
        "written": counts.written,
        "unchanged": counts.unchanged,
        "older_skipped": counts.older_skipped,
    }


def webhooks_for(settings: Settings, stores: Stores, clock: Clock) -> Webhooks:
    """The webhooks over ``stores``' table, with the secrets ``settings`` hold."""
    from skill.storage.order_records import OrderRecordReader
    from skill.storage.shop import ShopStore
    from skill.storage.webhook_receipts import WebhookReceiptStore

    return Webhooks(
        shop=ShopStore(stores.client, stores.table, workers=1),
        orders=OrderRecordReader(stores.client, stores.table),
        receipts=WebhookReceiptStore(stores.client, stores.table),
        clock=clock,
        shopify_secret=settings.shopify_webhook_secret,
        orders_secret=settings.orders_webhook_secret,
    )
