"""The plain records that stores return and rules reason about. No I/O here."""

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
    amount: Decimal
    currency: str  # ISO 4217, e.g. "USD"


@dataclass(frozen=True)
class Customer:
    customer_id: str
    first_name: str
    postal_code: str = ""
    language: str = "en"
    # Contact details the shop holds; used for call backs when Alexa has none.
    phone: str | None = None
    email: str | None = None


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


@dataclass(frozen=True)
class Agent:
    """A person in the service team who calls customers back."""

    agent_id: str
    name: str  # as spoken and shown: "Maria Schneider"
    first_name: str
    direct_line: str
    email: str
    languages: tuple[str, ...] = ("en",)
    # The largest remedy this person may grant alone.
    authority: Money = Money(Decimal("100"), "USD")
    on_duty: bool = True
    role: str = "agent"  # or "admin"


@dataclass(frozen=True)
class Contact:
    """A finished conversation between an agent and a customer."""

    agent_id: str
    at: datetime


@dataclass(frozen=True)
class QueuedCallback:
    """An open callback as the queue sees it."""

    callback_id: str
    priority: str
    due_at: datetime
    agent_id: str


class CallbackStatus(StrEnum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_CALLBACK_STATES = frozenset({CallbackStatus.WAITING, CallbackStatus.CLAIMED})


@dataclass(frozen=True)
class Callback:
    """A customer's request to be called (or texted, or mailed) by a named person."""

    callback_id: str
    owner: str  # "customer:<id>" when linked, else "alexa:<hash of the Alexa user>"
    status: CallbackStatus
    requested_at: datetime
    due_at: datetime
    asap: bool
    priority: str
    reason: str
    agent_id: str
    agent_name: str
    channel: str  # "phone", "sms" or "email"
    locale: str
    time_zone: str
    phone: str | None = None
    email: str | None = None
    customer_id: str | None = None
    first_name: str | None = None
    # Everything the agent needs so the customer never repeats themselves.
    context: dict[str, object] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CALLBACK_STATES

    def queued(self) -> QueuedCallback:
        return QueuedCallback(self.callback_id, self.priority, self.due_at, self.agent_id)
