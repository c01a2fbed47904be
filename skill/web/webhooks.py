"""``POST /webhooks/shopify`` and ``POST /webhooks/orders``: a shop's changes to its orders.

Thin: the raw body (the signature is over its bytes) and the headers go to
:class:`skill.usecases.webhooks.Webhooks`, whose answer goes back as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from skill.usecases.webhooks import MAX_DELIVERY_BYTES, Answer, Delivery, Webhooks

webhooks_blueprint = Blueprint("webhooks", __name__)


@webhooks_blueprint.post("/webhooks/shopify")
def shopify() -> Any:
    """Shopify's order and fulfillment topics."""
    return _serve(Webhooks.shopify)


@webhooks_blueprint.post("/webhooks/orders")
def orders() -> Any:
    """The data contract's records, from any shop system."""
    return _serve(Webhooks.orders)


def _serve(route: Callable[[Webhooks, Delivery], Answer]) -> Any:
    # Orders are bigger than Alexa's requests, for which the app's limit is made.
    request.max_content_length = MAX_DELIVERY_BYTES
    try:
        body = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return jsonify(error="request body too large"), 413
    if request.content_length is None and len(body) >= MAX_DELIVERY_BYTES:
        return jsonify(error="request body too large"), 413
    answer = route(
        current_app.extensions["menschmoment.webhooks"],
        Delivery(dict(request.headers.items()), body),
    )
    return jsonify(answer.body), answer.status
