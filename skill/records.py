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
    # Their own working hours (SERVICE_HOURS' form) and IANA time zone; None: the
    # team's (skill.rules.hours).
    hours: str | None = None
    time_zone: str | None = None


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
class CallbackNote:
    """What an agent wrote down about a callback (an outcome, a hand-over)."""

    at: datetime
    agent_id: str
    kind: str  # "reached", "no_answer", "resolved", "handover", "rescheduled", "granted"
    text: str


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
    # Set by the console: who holds the request now, since when, what happened.
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    attempts: int = 0
    notes: tuple[CallbackNote, ...] = ()
    # False only for a number said by voice that the customer has not confirmed.
    phone_confirmed: bool = True
    # When the team was last told of a move, and the customer last texted about it: each
    # at most once an hour (skill.rules.limits).
    noticed_at: datetime | None = None
    texted_at: datetime | None = None
    # Customer satisfaction, asked once after the callback was resolved
    # (skill.rules.satisfaction): when and how it was asked, the score 1-5 and when.
    csat_asked_at: datetime | None = None
    csat_asked_by: str | None = None  # "voice" or "sms"
    csat_score: int | None = None
    csat_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CALLBACK_STATES

    def queued(self) -> QueuedCallback:
        return QueuedCallback(self.callback_id, self.priority, self.due_at, self.agent_id)


class ProblemType(StrEnum):
    """What went wrong, as the ``ProblemType`` slot's ids name it."""

    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    MISSING = "missing"
    LATE = "late"
    BILLING = "billing"
    SERVICE = "service"
    OTHER = "other"


class RemedyKind(StrEnum):
    REFUND = "refund"  # the order's total back on the customer's card
    REPLACEMENT = "replacement"  # the same item again, free
    SHIPPING_REFUND = "shipping_refund"  # the shipping cost back
    VOUCHER = "voucher"  # a voucher for the next order


class ComplaintStatus(StrEnum):
    RESOLVED = "resolved"  # the skill granted a remedy
    WITH_TEAM = "with_team"  # handed to people: escalated, declined or not for the skill


@dataclass(frozen=True)
class Complaint:
    """What went wrong, in the customer's words, and where the complaint stands."""

    complaint_id: str
    customer_id: str
    order_number: str | None
    problem: ProblemType
    # The customer's own words for the agent; empty when they gave none.
    description: str
    status: ComplaintStatus
    created_at: datetime
    locale: str = "en-US"


class CommitmentStatus(StrEnum):
    PROMISED = "promised"
    FULFILLED = "fulfilled"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class Owner(StrEnum):
    SKILL = "skill"  # granted automatically; the shop's systems carry it out
    SERVICE_TEAM = "service_team"


@dataclass(frozen=True)
class Commitment:
    """A promise made to a customer, kept until it has really happened."""

    commitment_id: str
    complaint_id: str
    customer_id: str
    order_number: str
    kind: RemedyKind
    amount: Money | None  # None for a replacement: the item, not money
    due: date
    owner: Owner
    status: CommitmentStatus
    created_at: datetime
    # Who promised it: an agent's id, or "skill". Empty on promises stored before this
    # was recorded.
    granted_by: str = ""


@dataclass(frozen=True)
class Handover:
    """Why a human is needed and what they must know; small and free of personal data."""

    # "asked", "complaint_escalated", "remedy_declined", "not_eligible", "unknown_order",
    # "problem_other", "misunderstood", "verification_locked", "delayed_order"
    reason: str
    priority: str = "normal"  # "high" or "normal"
    order_number: str | None = None
    complaint_id: str | None = None
    # What the agent must be allowed to grant, as a decimal string, if anything.
    amount: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class AlexaOptIn:
    """An Alexa user who lets the skill notify (or remind) them, and how to reach them.

    ``api_endpoint`` is the region's API host Alexa named in their last request;
    ``permissions`` the scopes they granted (Alexa's names).
    """

    user_id: str
    locale: str
    api_endpoint: str
    permissions: frozenset[str]
    customer_id: str | None = None
