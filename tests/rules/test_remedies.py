"""The remedy policy applied to complaints, and promises that are overdue. No AWS here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from skill.config import Settings
from skill.policy import load_policy
from skill.records import Money, Order, OrderStatus
from skill.records.complaints import Commitment, CommitmentStatus, Owner, ProblemType, RemedyKind
from skill.rules.callbacks import Priority
from skill.rules.remedies import (
    Decision,
    EscalationCause,
    ProblemRule,
    RemedyPolicy,
    RemedyRule,
    decide,
    overdue,
    status_on,
)
from tests.factories import TODAY, days, make_order

POLICY = load_policy(Settings().remedy_policy)
USD = "USD"


def usd(amount: str) -> Money:
    return Money(Decimal(amount), USD)


def order(
    total: str = "49.90",
    shipping: str | None = "5.95",
    number: str = "1001",
    problem: ProblemType = ProblemType.DAMAGED,
) -> Order:
    """An order that qualifies for ``problem``: delayed when late, else delivered days ago."""
    money = {"total": usd(total), "shipping": usd(shipping) if shipping is not None else None}
    if problem is ProblemType.LATE:
        return make_order(
            number,
            OrderStatus.DELAYED,
            original_estimate=days(-1),
            estimated_delivery=days(3),
            **money,
        )
    return make_order(
        number, OrderStatus.DELIVERED, estimated_delivery=days(-5), delivered_on=days(-5), **money
    )


def offered(decision: Decision) -> list[tuple[RemedyKind, Money | None]]:
    return [(remedy.kind, remedy.amount) for remedy in decision.remedies]


def test_late_gets_the_shipping_cost_back_or_a_voucher() -> None:
    decision = decide(
        POLICY, ProblemType.LATE, order(shipping="4.95", problem=ProblemType.LATE), 0, TODAY
    )
    assert decision.escalation is None
    assert offered(decision) == [
        (RemedyKind.SHIPPING_REFUND, usd("4.95")),
        (RemedyKind.VOUCHER, usd("10.00")),
    ]
    assert [remedy.due for remedy in decision.remedies] == [days(3), days(0)]


@pytest.mark.parametrize("shipping", [None, "0.00"])
def test_late_without_paid_shipping_offers_only_the_voucher(shipping: str | None) -> None:
    decision = decide(
        POLICY, ProblemType.LATE, order(shipping=shipping, problem=ProblemType.LATE), 0, TODAY
    )
    assert offered(decision) == [(RemedyKind.VOUCHER, usd("10.00"))]


def test_voucher_is_in_the_orders_currency() -> None:
    euro = replace(
        order(problem=ProblemType.LATE), total=Money(Decimal("20"), "EUR"), shipping=None
    )
    decision = decide(POLICY, ProblemType.LATE, euro, 0, TODAY)
    assert offered(decision) == [(RemedyKind.VOUCHER, Money(Decimal("10.00"), "EUR"))]


@pytest.mark.parametrize(
    "problem", [ProblemType.DAMAGED, ProblemType.WRONG_ITEM, ProblemType.MISSING]
)
def test_damaged_wrong_or_missing_under_the_limit_lets_the_customer_choose(
    problem: ProblemType,
) -> None:
    decision = decide(POLICY, problem, order(total="99.99", problem=problem), 0, TODAY)
    assert offered(decision) == [
        (RemedyKind.REPLACEMENT, None),
        (RemedyKind.REFUND, usd("99.99")),
    ]
    replacement, refund = decision.remedies
    assert replacement.value == usd("99.99")  # what the replacement costs the shop
    assert (replacement.due, refund.due) == (days(1), days(3))


@pytest.mark.parametrize("total", ["100.00", "100.01", "500.00"])
@pytest.mark.parametrize(
    "problem", [ProblemType.DAMAGED, ProblemType.WRONG_ITEM, ProblemType.MISSING]
)
def test_at_and_above_the_limit(problem: ProblemType, total: str) -> None:
    decision = decide(POLICY, problem, order(total=total, problem=problem), 0, TODAY)
    if Decimal(total) <= POLICY.skill_limit:
        assert decision.escalation is None
        return
    assert decision.remedies == ()
    assert decision.escalation is not None
    assert decision.escalation.cause is EscalationCause.OVER_LIMIT
    assert decision.escalation.priority is Priority.HIGH
    assert decision.escalation.amount == usd(total)


@pytest.mark.parametrize("problem", list(ProblemType))
def test_a_repeated_complaint_about_the_order_goes_to_an_agent(problem: ProblemType) -> None:
    decision = decide(POLICY, problem, order(problem=problem), 1, TODAY)
    assert decision.remedies == ()
    assert decision.escalation is not None
    assert decision.escalation.cause is EscalationCause.REPEATED
    assert decision.escalation.priority is Priority.HIGH
    # The agent must be able to grant the most valuable remedy (or the order's total).
    expected = "10.00" if problem is ProblemType.LATE else "49.90"
    assert decision.escalation.amount == usd(expected)


@pytest.mark.parametrize(
    ("problem", "priority"),
    [
        (ProblemType.BILLING, Priority.HIGH),
        (ProblemType.SERVICE, Priority.NORMAL),
        (ProblemType.OTHER, Priority.NORMAL),
    ],
)
def test_problems_without_remedies_go_to_people(problem: ProblemType, priority: Priority) -> None:
    for subject in (order(), None):
        decision = decide(POLICY, problem, subject, 0, TODAY)
        assert decision.remedies == ()
        assert decision.escalation is not None
        assert decision.escalation.cause is EscalationCause.POLICY
        assert decision.escalation.priority is priority
        assert decision.escalation.amount is None


def test_remedies_need_an_order() -> None:
    decision = decide(POLICY, ProblemType.DAMAGED, None, 0, TODAY)
    assert decision.escalation is not None
    assert decision.escalation.cause is EscalationCause.NO_ORDER


def test_a_policy_with_a_higher_history_allowance_and_per_remedy_limit() -> None:
    policy = RemedyPolicy(
        skill_limit=Decimal("20"),
        complaints_per_order=2,
        due_in_days={RemedyKind.REFUND: 5, RemedyKind.VOUCHER: 1},
        problems={
            problem: ProblemRule(
                (RemedyRule(RemedyKind.REFUND), RemedyRule(RemedyKind.VOUCHER, Decimal("15")))
            )
            for problem in ProblemType
        },
    )
    # The refund (49.90) is over the limit, the voucher (15) is not: only the voucher.
    decision = decide(policy, ProblemType.DAMAGED, order(), 1, TODAY)
    assert offered(decision) == [(RemedyKind.VOUCHER, usd("15"))]
    assert decision.remedies[0].due == days(1)
    assert decide(policy, ProblemType.DAMAGED, order(), 2, TODAY).escalation is not None


def commitment(due_in: int, status: CommitmentStatus, name: str = "a") -> Commitment:
    return Commitment(
        commitment_id=name,
        complaint_id=name,
        customer_id="cust-1",
        order_number="1001",
        kind=RemedyKind.REFUND,
        amount=usd("12.99"),
        due=days(due_in),
        owner=Owner.SKILL,
        status=status,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("due_in", "stored", "now"),
    [
        (-1, CommitmentStatus.PROMISED, CommitmentStatus.OVERDUE),
        (0, CommitmentStatus.PROMISED, CommitmentStatus.PROMISED),  # due today is not late yet
        (1, CommitmentStatus.PROMISED, CommitmentStatus.PROMISED),
        (-5, CommitmentStatus.FULFILLED, CommitmentStatus.FULFILLED),
        (-5, CommitmentStatus.CANCELLED, CommitmentStatus.CANCELLED),
        (3, CommitmentStatus.OVERDUE, CommitmentStatus.OVERDUE),
    ],
)
def test_status_on_a_day(due_in: int, stored: CommitmentStatus, now: CommitmentStatus) -> None:
    assert status_on(commitment(due_in, stored), TODAY) is now


def test_overdue_finds_unkept_promises_longest_overdue_first() -> None:
    promises = [
        commitment(-1, CommitmentStatus.PROMISED, "yesterday"),
        commitment(-9, CommitmentStatus.PROMISED, "last-week"),
        commitment(0, CommitmentStatus.PROMISED, "today"),
        commitment(-9, CommitmentStatus.FULFILLED, "kept"),
        commitment(-3, CommitmentStatus.CANCELLED, "cancelled"),
        commitment(2, CommitmentStatus.OVERDUE, "marked"),
    ]
    assert [c.commitment_id for c in overdue(promises, TODAY)] == [
        "last-week",
        "yesterday",
        "marked",
    ]
    assert overdue([], TODAY) == []
