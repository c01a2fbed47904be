"""The records of complaints: what went wrong, and the remedies promised for it.

Apart from the orders' records in :mod:`skill.records`, so that a turn without a
complaint (a launch, above all) does not build them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from skill.records import Money


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
