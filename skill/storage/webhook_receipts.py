"""Receipts of webhook deliveries: a delivery sent again changes nothing.

Items::

    PK=WEBHOOK#<source>#<delivery id>   SK=RECEIPT   expires_at (TTL, a week later)

Shopify sends each delivery with an id (``X-Shopify-Webhook-Id``) and sends it again,
with the same id, when it did not get a 200 in time. The receipt is written after the
delivery's records were stored, on condition that it does not exist yet: a delivery
that failed half-way leaves no receipt and is stored when it comes again, and two copies
that race both write the same records (the upsert is idempotent), one receipt.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skill.storage.codec import key
from skill.storage.errors import translated
from skill.storage.marks import put_mark

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Shopify retries a delivery for up to two days; a week covers that and a shop's own.
RECEIPT_RETENTION = timedelta(days=7)
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _pk(source: str, delivery: str) -> str:
    # An id is the sender's text: anything unusual goes into the key only as a hash.
    if not _PLAIN_ID.fullmatch(delivery):
        delivery = "sha256:" + hashlib.sha256(delivery.encode("utf-8")).hexdigest()
    return f"WEBHOOK#{source}#{delivery}"


class WebhookReceiptStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def seen(self, source: str, delivery: str) -> bool:
        """Whether the delivery was stored before."""
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(_pk(source, delivery), "RECEIPT"),
            ConsistentRead=True,
            ProjectionExpression="PK",
        )
        return "Item" in answer

    @translated()
    def record(self, source: str, delivery: str, now: datetime) -> bool:
        """Write the receipt; False if another copy of the delivery wrote it first."""
        values = {"PK": _pk(source, delivery), "SK": "RECEIPT", "kind": "webhook_receipt"}
        return put_mark(self._client, self._table, values, now, RECEIPT_RETENTION)
