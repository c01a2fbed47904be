"""The plain records that stores return and rules reason about. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class OrderStatus(StrEnum):
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELAYED = "delayed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217, e.g. "USD"


@dataclass(frozen=True)
class Customer:
    customer_id: str
    first_name: str
    postal_code: str = ""
    language: str = "en"


@dataclass(frozen=True)
class Order:
    number: str
    customer_id: str
    status: OrderStatus
    # Short item descriptions by language ("en", "de"), as a shop would show them.
    items: dict[str, str]
    placed_on: date
    postal_code: str
    total: Money
    estimated_delivery: date | None = None
    # For a delayed order: the date we first promised.
    original_estimate: date | None = None
    delivered_on: date | None = None
    carrier: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def item_for(self, language: str) -> str:
        if language in self.items:
            return self.items[language]
        return next(iter(self.items.values()), "")
