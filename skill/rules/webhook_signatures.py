"""Signatures of webhook deliveries: who may change the order table from outside.

Two schemes, both an HMAC-SHA256 of the raw body with a shared secret:

    X-Shopify-Hmac-Sha256: <base64 of the digest>        (Shopify, SHOPIFY_WEBHOOK_SECRET)
    X-Menschmoment-Signature: sha256=<hex of the digest> (any shop, ORDERS_WEBHOOK_SECRET)

The digest is computed over the bytes as received, before any JSON parsing, and compared
in constant time, so neither a re-encoded body nor the time of a comparison gives
anything away.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

SHOPIFY_HEADER = "X-Shopify-Hmac-Sha256"
ORDERS_HEADER = "X-Menschmoment-Signature"
ORDERS_PREFIX = "sha256="


def _digest(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()


def shopify_signature(secret: str, body: bytes) -> str:
    """The header value Shopify sends for ``body``."""
    return base64.b64encode(_digest(secret, body)).decode("ascii")


def orders_signature(secret: str, body: bytes) -> str:
    """The header value a shop sends to ``POST /webhooks/orders`` for ``body``."""
    return ORDERS_PREFIX + _digest(secret, body).hex()


def shopify_signed(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is Shopify's signature of ``body`` with ``secret``."""
    if not secret or not header:
        return False
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(given, _digest(secret, body))


def orders_signed(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is ``sha256=<hex>`` of ``body`` with ``secret``."""
    if not secret or not header:
        return False
    value = header.strip()
    if not value.lower().startswith(ORDERS_PREFIX):
        return False
    try:
        given = bytes.fromhex(value[len(ORDERS_PREFIX) :])
    except ValueError:
        return False
    return hmac.compare_digest(given, _digest(secret, body))
