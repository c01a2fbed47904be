"""The plain records that stores return and rules reason about. No I/O here.

Here the records every turn may need: customers, orders, money. The records of
callbacks (:mod:`skill.records.callbacks`), complaints (:mod:`skill.records.complaints`),
Alexa opt-ins (:mod:`skill.records.optins`) and hand-overs to a human
(:mod:`skill.records.handovers`) live in modules of their own, imported by the turns
that use them: a dataclass compiles its methods when its module is imported, which a
launch would otherwise pay for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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
    """An amount in one currency; Decimal, so cents never drift."""

    amount: Decimal
    currency: str  # ISO 4217, e.g. "USD"


@dataclass(frozen=True)
class Customer:
    """A shop customer: the first name the skill greets by, and how the shop reaches them."""

    customer_id: str
    first_name: str
    postal_code: str = ""
    language: str = "en"
    # Contact details the shop holds; used for call backs when Alexa has none.
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Order:
    """One order as the shop reports it: what, where to, and when it arrives."""

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
    # What the customer paid for delivery; None when the shop does not know.
    shipping: Money | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def item_for(self, language: str) -> str:
        if language in self.items:
            return self.items[language]
        return next(iter(self.items.values()), "")


@dataclass(frozen=True)
class Contact:
    """A finished conversation between an agent and a customer."""

    agent_id: str
    at: datetime
