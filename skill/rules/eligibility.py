"""Whether an order's state makes a remedy possible for a problem, as the policy says.

A complaint earns money only where the shop means it: "late" for an order that really
is late, "damaged" or "wrong item" once it has arrived (and not long ago), "missing" once
its due day and a grace period have passed::

    policy's rule for the problem, order, today ──> ineligibility() ──> None: go on
                                                                    └──> why not

The answer for an ineligible complaint tells the customer where the order really is and
offers a person; nothing is granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from skill.records import Order, OrderStatus


class Requirement(StrEnum):
    """What an order must be for a problem's remedies (``when:`` in the policy)."""

    ANY = "any"
    LATE = "late"  # flagged delayed, or past its due day and not delivered
    DELIVERED = "delivered"
    OVERDUE = "overdue"  # the latest estimate plus the grace days has passed


class Ineligible(StrEnum):
    """Why the policy grants nothing for this order now."""

    NOT_LATE = "not_late"
    NOT_DELIVERED = "not_delivered"
    DELIVERED_LONG_AGO = "delivered_long_ago"
    NOT_YET_DUE = "not_yet_due"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class EligibilityRule:
    when: Requirement = Requirement.ANY
    # DELIVERED: only within this many days after delivery (None: any time).
    within_days: int | None = None
    # OVERDUE: days after the due day before an order counts as missing.
    grace_days: int = 0


# The rule of a problem whose policy says nothing about orders: every order qualifies.
EVERY_ORDER = EligibilityRule()


def due_day(order: Order) -> date | None:
    """The day the shop promised: the first estimate of a delayed order, else the estimate."""
    return order.original_estimate or order.estimated_delivery


def is_late(order: Order, today: date) -> bool:
    """Flagged delayed, or past its due day without being delivered."""
    if order.status is OrderStatus.DELAYED:
        return True
    if order.status in (OrderStatus.DELIVERED, OrderStatus.CANCELLED):
        return False
    due = due_day(order)
    return due is not None and due < today


def ineligibility(rule: EligibilityRule, order: Order, today: date) -> Ineligible | None:
    """None when ``order`` qualifies for the problem's remedies today, else why not."""
    if rule.when is Requirement.ANY:
        return None
    if order.status is OrderStatus.CANCELLED:
        return Ineligible.CANCELLED
    if rule.when is Requirement.LATE:
        return None if is_late(order, today) else Ineligible.NOT_LATE
    if rule.when is Requirement.DELIVERED:
        if order.status is not OrderStatus.DELIVERED:
            return Ineligible.NOT_DELIVERED
        delivered = order.delivered_on
        if (
            rule.within_days is not None
            and delivered is not None
            and today > delivered + timedelta(days=rule.within_days)
        ):
            return Ineligible.DELIVERED_LONG_AGO
        return None
    # OVERDUE: measured from the latest estimate; a delayed order with a new estimate is
    # late, not missing.
    due = order.estimated_delivery or order.delivered_on
    if due is None or today <= due + timedelta(days=rule.grace_days):
        return Ineligible.NOT_YET_DUE
    return None
