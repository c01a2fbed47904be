"""Use-cases around complaints: deciding, granting a remedy, handing over, looking back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from skill.records import Order
from skill.records.complaints import Complaint, ComplaintStatus, Owner, ProblemType
from skill.rules.complaints import settled
from skill.rules.grants import SKILL, SkillCap
from skill.rules.remedies import Decision, Remedy, RemedyPolicy, decide
from skill.storage.complaints import History, Recorded
from skill.storage.grants import ReadAlong
from skill.usecases.grants import Grant, within_limits

if TYPE_CHECKING:
    from collections.abc import Sequence

    from skill.storage import Stores
    from skill.storage.transaction import Write


def complaint_id_for(session_id: str, order_number: str | None, problem: ProblemType) -> str:
    """The same conversation about the same order and problem is the same complaint.

    Derived, not random: a retried request or a repeated "yes" arrives with the same
    session, so it finds the complaint already stored instead of creating a second one.
    """
    seed = f"{session_id}|{order_number or '-'}|{problem.value}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Assessment:
    complaint_id: str
    decision: Decision


def assess(
    stores: Stores,
    policy: RemedyPolicy,
    *,
    session_id: str,
    problem: ProblemType,
    order: Order | None,
    today: date,
    history: History | None = None,
) -> Assessment:
    """What the policy allows for this complaint, counting earlier ones about the order
    (in ``history``, the customer's, if the turn has it already; else read)."""
    complaint_id = complaint_id_for(session_id, order.number if order else None, problem)
    earlier = 0
    if order is not None:
        if history is None:
            history = stores.complaints.history(order.customer_id)
        earlier = sum(
            1
            for complaint in history.complaints
            if complaint.order_number == order.number and complaint.complaint_id != complaint_id
        )
    return Assessment(complaint_id, decide(policy, problem, order, earlier, today))


def hand_over(
    stores: Stores,
    *,
    complaint_id: str,
    customer_id: str | None,
    order: Order | None,
    problem: ProblemType,
    description: str,
    now: datetime,
    locale: str,
) -> Recorded:
    """Store the complaint for the team, so the agent has the customer's own words."""
    complaint = Complaint(
        complaint_id=complaint_id,
        customer_id=order.customer_id if order else (customer_id or ""),
        order_number=order.number if order else None,
        problem=problem,
        description=description,
        status=ComplaintStatus.WITH_TEAM,
        created_at=now,
        locale=locale,
    )
    return stores.complaints.record(complaint)


def grant(
    stores: Stores,
    *,
    complaint_id: str,
    order: Order,
    problem: ProblemType,
    description: str,
    remedy: Remedy,
    now: datetime,
    locale: str,
    cap: SkillCap | None = None,
    along: ReadAlong | None = None,
    history: History | None = None,
) -> Recorded:
    """Store the complaint and the promise in one transaction; a retry stores nothing new.

    The remedy is weighed first against what the order carries already (agents'
    promises too) and, with ``cap`` (the policy's ``skill_cap``), against what the skill
    granted this customer lately. If it does not fit, nothing is stored and
    :class:`skill.usecases.grants.GrantRefused` is raised: its ``refusal`` is
    ``OVER_CUSTOMER_CAP`` or ``OVER_ORDER_TOTAL``, and a person should take over.
    A retry of a grant already stored returns it (``new`` false), whatever the sums say.
    ``along``: items the turn needs besides, brought by the read of the totals.
    ``history``: the customer's complaints and promises, if the turn has them already.
    """
    complaint, commitment = settled(
        complaint_id=complaint_id,
        order=order,
        problem=problem,
        description=description,
        kind=remedy.kind,
        amount=remedy.amount,
        due=remedy.due,
        owner=Owner.SKILL,
        granted_by=SKILL,
        now=now,
        locale=locale,
    )

    def write(totals: Sequence[Write], attempt: int) -> Recorded:
        return stores.complaints.record(complaint, commitment, extra=totals, attempt=attempt)

    def already() -> Recorded | None:
        stored = stores.complaints.get(complaint_id)
        return Recorded(stored[0], stored[1], new=False) if stored is not None else None

    weighed = Grant(order, remedy.value, SKILL, now, cap=cap, along=along, history=history)
    return within_limits(stores, weighed, write, already)


def history_for(stores: Stores, customer_id: str, orders: list[str] | None = None) -> History:
    """The customer's complaints and promises; only those about ``orders`` if given."""
    history = stores.complaints.history(customer_id)
    if orders is None:
        return history
    return History(
        complaints=[c for c in history.complaints if c.order_number in orders],
        commitments=[c for c in history.commitments if c.order_number in orders],
    )
