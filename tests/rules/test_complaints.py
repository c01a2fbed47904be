"""Which order a complaint is most likely about, and a complaint settled by a promise."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

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
from skill.rules.complaints import likely_order, settled, the_customers_own
from tests.factories import TODAY, days, make_order

DELIVERED_OLD = make_order("1", OrderStatus.DELIVERED, delivered_on=days(-10))
DELIVERED_NEW = make_order("2", OrderStatus.DELIVERED, delivered_on=days(-1))
DELAYED = make_order(
    "3", OrderStatus.DELAYED, original_estimate=days(-2), estimated_delivery=days(3)
)
OVERDUE_SHIPPED = make_order("4", OrderStatus.SHIPPED, estimated_delivery=days(-4))
ON_TIME = make_order("5", OrderStatus.SHIPPED, estimated_delivery=days(2))
NEWEST = make_order("6", OrderStatus.PROCESSING, placed_on=days(0))
CANCELLED = make_order("7", OrderStatus.CANCELLED, placed_on=days(1))
ALL = [DELIVERED_OLD, DELIVERED_NEW, DELAYED, OVERDUE_SHIPPED, ON_TIME, NEWEST, CANCELLED]


@pytest.mark.parametrize(
    ("problem", "orders", "expected"),
    [
        # Late: the one overdue the longest, whether marked delayed or not.
        (ProblemType.LATE, ALL, "4"),
        (ProblemType.LATE, [DELAYED, ON_TIME], "3"),
        (ProblemType.LATE, [ON_TIME, DELIVERED_NEW], None),
        # Damaged or wrong: the most recent delivery.
        (ProblemType.DAMAGED, ALL, "2"),
        (ProblemType.WRONG_ITEM, [DELIVERED_OLD, ON_TIME], "1"),
        (ProblemType.DAMAGED, [ON_TIME, NEWEST], None),
        # Missing: a recent delivery, else what is overdue.
        (ProblemType.MISSING, ALL, "2"),
        (ProblemType.MISSING, [ON_TIME, DELAYED], "3"),
        # Billing: the most recently placed order that was not cancelled.
        (ProblemType.BILLING, ALL, "6"),
        (ProblemType.BILLING, [CANCELLED], "7"),
        # Service and other need not be about an order.
        (ProblemType.SERVICE, ALL, None),
        (ProblemType.OTHER, ALL, None),
        (ProblemType.LATE, [], None),
    ],
)
def test_likely_order(problem: ProblemType, orders: list[Order], expected: str | None) -> None:
    found = likely_order(orders, problem, TODAY)
    assert (found.number if found else None) == expected


def test_a_settled_complaint_and_its_promise_share_one_id() -> None:
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    complaint, commitment = settled(
        complaint_id="c-1",
        order=DELAYED,
        problem=ProblemType.LATE,
        description="",
        kind=RemedyKind.VOUCHER,
        amount=Money(Decimal("10"), "USD"),
        due=days(0),
        owner=Owner.SERVICE_TEAM,
        granted_by="a-maria",
        now=now,
        locale="de-DE",
    )
    assert commitment.granted_by == "a-maria"
    assert (complaint.complaint_id, commitment.commitment_id, commitment.complaint_id) == (
        "c-1",
        "c-1",
        "c-1",
    )
    assert complaint.status is ComplaintStatus.RESOLVED
    assert commitment.status is CommitmentStatus.PROMISED
    assert (complaint.customer_id, complaint.order_number) == (DELAYED.customer_id, "3")
    assert (commitment.customer_id, commitment.order_number) == (DELAYED.customer_id, "3")
    assert complaint.created_at == commitment.created_at == now
    assert complaint.locale == "de-DE"
    assert commitment.owner is Owner.SERVICE_TEAM


def test_a_complaint_stored_only_to_carry_an_agents_grant_is_not_the_customers() -> None:
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    def grant(complaint_id: str, granted_by: str) -> tuple[Complaint, Commitment]:
        return settled(
            complaint_id=complaint_id,
            order=DELAYED,
            problem=ProblemType.OTHER,
            description="",
            kind=RemedyKind.VOUCHER,
            amount=Money(Decimal("10"), "USD"),
            due=days(0),
            owner=Owner.SERVICE_TEAM,
            granted_by=granted_by,
            now=now,
            locale="en-US",
        )

    by_phone, its_promise = grant("c-phone", "a-maria")
    by_skill, skill_promise = grant("c-skill", "skill")
    # The customer's complaint from an earlier call, granted by an agent today.
    earlier, later_promise = grant("c-earlier", "a-maria")
    earlier = replace(earlier, created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))

    own = the_customers_own(
        [by_phone, by_skill, earlier], [its_promise, skill_promise, later_promise]
    )
    assert [c.complaint_id for c in own] == ["c-skill", "c-earlier"]
