"""Complaints: which order one is most likely about, how one is settled by a promise, and
how a promise is spoken of."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from skill.records import Money, Order, OrderStatus
from skill.records.complaints import (
    Commitment,
    CommitmentStatus,
    Complaint,
    ComplaintStatus,
    Owner,
    ProblemType,
    RemedyKind,
)
from skill.rules.dates import Day, relative_day
from skill.rules.grants import SKILL
from skill.rules.remedies import status_on

# Problems that concern one order; the others (service, other) may be about none.
ORDER_PROBLEMS = frozenset(
    {
        ProblemType.DAMAGED,
        ProblemType.WRONG_ITEM,
        ProblemType.MISSING,
        ProblemType.LATE,
        ProblemType.BILLING,
    }
)


def about_an_order(problem: ProblemType) -> bool:
    return problem in ORDER_PROBLEMS


def _late(order: Order, today: date) -> bool:
    if order.status is OrderStatus.DELAYED:
        return True
    return (
        order.status in (OrderStatus.SHIPPED, OrderStatus.PROCESSING)
        and order.estimated_delivery is not None
        and order.estimated_delivery < today
    )


def likely_order(orders: Iterable[Order], problem: ProblemType, today: date) -> Order | None:
    """The order to propose first, or None when nothing fits the problem.

    Late: the order that is overdue the longest. Damaged, wrong or missing items: the most
    recent delivery (a "missing" parcel is often one marked delivered). Billing: the most
    recently placed order. Service and other problems: none, they need not be about one.
    """
    candidates = list(orders)
    if problem is ProblemType.LATE:
        late = [order for order in candidates if _late(order, today)]
        return min(late, key=lambda o: (_due(o, today), o.number), default=None)
    if problem in (ProblemType.DAMAGED, ProblemType.WRONG_ITEM, ProblemType.MISSING):
        delivered = [o for o in candidates if o.status is OrderStatus.DELIVERED]
        if delivered:
            return max(delivered, key=lambda o: (o.delivered_on or o.placed_on, o.number))
        if problem is ProblemType.MISSING:
            return likely_order(candidates, ProblemType.LATE, today)
        return None
    if problem is ProblemType.BILLING:
        placed = [o for o in candidates if o.status is not OrderStatus.CANCELLED] or candidates
        return max(placed, key=lambda o: (o.placed_on, o.number), default=None)
    return None


def settled(
    *,
    complaint_id: str,
    order: Order,
    problem: ProblemType,
    description: str,
    kind: RemedyKind,
    amount: Money | None,
    due: date,
    owner: Owner,
    granted_by: str,
    now: datetime,
    locale: str,
) -> tuple[Complaint, Commitment]:
    """A complaint resolved by a promise, and the promise, as the skill (a remedy the
    customer chose) and the console (one an agent granted) both store them: the
    commitment takes the complaint's id, so a retry of either finds what it stored.
    ``granted_by`` is the agent's id, or ``"skill"``."""
    complaint = Complaint(
        complaint_id=complaint_id,
        customer_id=order.customer_id,
        order_number=order.number,
        problem=problem,
        description=description,
        status=ComplaintStatus.RESOLVED,
        created_at=now,
        locale=locale,
    )
    commitment = Commitment(
        commitment_id=complaint_id,
        complaint_id=complaint_id,
        customer_id=order.customer_id,
        order_number=order.number,
        kind=kind,
        amount=amount,
        due=due,
        owner=owner,
        status=CommitmentStatus.PROMISED,
        created_at=now,
        granted_by=granted_by,
    )
    return complaint, commitment


def _due(order: Order, today: date) -> date:
    return order.original_estimate or order.estimated_delivery or today


@dataclass(frozen=True)
class CommitmentView:
    """What a template needs to speak about one promise."""

    order_number: str
    item: str | None
    kind: RemedyKind
    amount: Money | None
    due: Day
    owner: Owner
    status: CommitmentStatus


def describe_commitment(
    commitment: Commitment, orders: Iterable[Order], today: date, language: str
) -> CommitmentView:
    order = next((o for o in orders if o.number == commitment.order_number), None)
    return CommitmentView(
        order_number=commitment.order_number,
        item=order.item_for(language) if order else None,
        kind=commitment.kind,
        amount=commitment.amount,
        due=relative_day(commitment.due, today),
        owner=commitment.owner,
        status=status_on(commitment, today),
    )


def the_customers_own(
    complaints: Iterable[Complaint], commitments: Iterable[Commitment]
) -> list[Complaint]:
    """The complaints the customer made, without those an agent's grant stored only to
    carry a promise (a remedy granted on the phone, beyond the complaint the call was
    about): stored in the same instant as its promise, which an agent granted. The
    skill's own grants also come with their complaint at once, but that complaint is the
    customer's."""
    by_agent = {
        (c.complaint_id, c.created_at) for c in commitments if c.granted_by not in ("", SKILL)
    }
    return [c for c in complaints if (c.complaint_id, c.created_at) not in by_agent]
