"""Which orders qualify for a problem's remedies: the demo's orders and the edges."""

from __future__ import annotations

from datetime import date

import pytest

from skill.config import Settings
from skill.devtools.demo.data import abroad_orders, demo_orders
from skill.policy import load_policy
from skill.records import Order, OrderStatus
from skill.records.complaints import ProblemType
from skill.rules.eligibility import (
    EligibilityRule,
    Ineligible,
    Requirement,
    ineligibility,
    is_late,
)
from tests.factories import TODAY, days, make_order

POLICY = load_policy(Settings().remedy_policy)
ORDERS = {o.number: o for o in [*demo_orders(TODAY), *abroad_orders(TODAY)]}


def why_not(problem: ProblemType, number: str, today: date = TODAY) -> Ineligible | None:
    return ineligibility(POLICY.problems[problem].eligible, ORDERS[number], today)


@pytest.mark.parametrize(
    ("problem", "number", "expected"),
    [
        # Late: only the delayed orders; shipped and due soon, or being packed, are not.
        (ProblemType.LATE, "1003", None),
        (ProblemType.LATE, "2001", None),
        (ProblemType.LATE, "1002", Ineligible.NOT_LATE),
        (ProblemType.LATE, "3002", Ineligible.NOT_LATE),
        (ProblemType.LATE, "1004", Ineligible.NOT_LATE),
        (ProblemType.LATE, "1001", Ineligible.NOT_LATE),
        # Damaged or wrong: once delivered.
        (ProblemType.DAMAGED, "1001", None),
        (ProblemType.DAMAGED, "3001", None),
        (ProblemType.DAMAGED, "1004", Ineligible.NOT_DELIVERED),
        (ProblemType.WRONG_ITEM, "1002", Ineligible.NOT_DELIVERED),
        # Missing: the latest estimate plus two days has passed.
        (ProblemType.MISSING, "1001", None),
        (ProblemType.MISSING, "1002", Ineligible.NOT_YET_DUE),
        (ProblemType.MISSING, "1003", Ineligible.NOT_YET_DUE),
    ],
)
def test_the_demo_orders(problem: ProblemType, number: str, expected: Ineligible | None) -> None:
    assert why_not(problem, number) == expected


def test_an_order_past_its_due_day_is_late_without_being_flagged() -> None:
    shipped = make_order("5", OrderStatus.SHIPPED, estimated_delivery=days(-1))
    assert is_late(shipped, TODAY)
    assert not is_late(shipped, days(-1))  # on the due day itself it is not late yet
    delivered = make_order("6", OrderStatus.DELIVERED, estimated_delivery=days(-9))
    assert not is_late(delivered, TODAY)


def test_damage_reported_long_after_delivery_does_not_qualify() -> None:
    rule = EligibilityRule(Requirement.DELIVERED, within_days=30)
    order = make_order("7", OrderStatus.DELIVERED, delivered_on=days(-30))
    assert ineligibility(rule, order, TODAY) is None
    assert ineligibility(rule, order, days(1)) is Ineligible.DELIVERED_LONG_AGO


def test_missing_counts_from_the_latest_estimate_plus_grace() -> None:
    rule = EligibilityRule(Requirement.OVERDUE, grace_days=2)
    order: Order = make_order("8", OrderStatus.SHIPPED, estimated_delivery=days(-2))
    assert ineligibility(rule, order, TODAY) is Ineligible.NOT_YET_DUE
    assert ineligibility(rule, order, days(1)) is None
    unknown = make_order("9", OrderStatus.PROCESSING)
    assert ineligibility(rule, unknown, TODAY) is Ineligible.NOT_YET_DUE


@pytest.mark.parametrize("when", list(Requirement))
def test_a_cancelled_order_qualifies_only_where_any_order_does(when: Requirement) -> None:
    cancelled = make_order("10", OrderStatus.CANCELLED, estimated_delivery=days(-9))
    expected = None if when is Requirement.ANY else Ineligible.CANCELLED
    assert ineligibility(EligibilityRule(when), cancelled, TODAY) is expected
