"""The records of callbacks: the service team, and a customer's request to be called.

Apart from the orders' records in :mod:`skill.records`, so that a turn that books no
callback (a launch, above all) does not build them: each dataclass compiles its methods
when its module is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from skill.records import Money


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
    authority: Money = Money(Decimal("100"), "USD")  # noqa: RUF009 (Money is frozen)
    on_duty: bool = True
    role: str = "agent"  # or "admin"
    # Their own working hours (SERVICE_HOURS' form) and IANA time zone; None: the
    # team's (skill.rules.hours).
    hours: str | None = None
    time_zone: str | None = None


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
