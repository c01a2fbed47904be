"""Webhook signatures: Shopify's base64 HMAC and our ``sha256=<hex>`` HMAC of the raw body."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from skill.rules.webhook_signatures import (
    orders_signature,
    orders_signed,
    shopify_signature,
    shopify_signed,
)

BODY = b'{"id":820982911946154508,"name":"#1001"}'


def test_shopify_signature_is_the_base64_hmac_sha256_of_the_raw_body() -> None:
    expected = base64.b64encode(hmac.new(b"hush", BODY, hashlib.sha256).digest()).decode()
    assert shopify_signature("hush", BODY) == expected
    assert shopify_signed("hush", BODY, expected)


def test_orders_signature_is_sha256_and_the_hex_hmac() -> None:
    expected = "sha256=" + hmac.new(b"hush", BODY, hashlib.sha256).hexdigest()
    assert orders_signature("hush", BODY) == expected
    assert orders_signed("hush", BODY, expected)
    assert orders_signed("hush", BODY, expected.upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "not base64!",
        shopify_signature("other", BODY),
        shopify_signature("hush", BODY + b" "),
    ],
)
def test_a_wrong_or_missing_shopify_signature_is_refused(header: str | None) -> None:
    assert not shopify_signed("hush", BODY, header)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        hmac.new(b"hush", BODY, hashlib.sha256).hexdigest(),  # without the prefix
        "sha256=zz",
        orders_signature("other", BODY),
        orders_signature("hush", BODY + b"\n"),
    ],
)
def test_a_wrong_or_missing_orders_signature_is_refused(header: str | None) -> None:
    assert not orders_signed("hush", BODY, header)


def test_an_empty_secret_signs_nothing() -> None:
    assert not shopify_signed("", BODY, shopify_signature("", BODY))
    assert not orders_signed("", BODY, orders_signature("", BODY))
