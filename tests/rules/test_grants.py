"""The grant rule: promises on an order, an agent's authority per order, the skill's cap.

Property-based: for random sequences of grants by random people on random orders, what
the rule allows never adds up to more than an order's total, an agent's authority on one
order, or the skill's cap for one customer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.records import Money
from skill.rules.grants import SKILL, Granted, Refusal, SkillCap, parse_amount, refusal

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TOTAL = Money(Decimal("119.95"), "USD")
MARIA = Money(Decimal("250"), "USD")
CAP = SkillCap(remedies=2, amount=Decimal("30"), days=90)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def test_marias_six_grants_on_order_1003_stop_at_its_total() -> None:
    """Three vouchers of 250 and three full refunds of 119.95, one after the other."""
    earlier: list[Granted] = []
    attempts = [usd("250")] * 3 + [usd("119.95")] * 3 + [usd("4.95")]
    for value in attempts:
        if refusal(value, "1003", TOTAL, earlier, "maria", MARIA, CAP, NOW) is None:
            earlier.append(Granted("1003", value, "maria", NOW))
    assert [g.value for g in earlier] == [usd("119.95")]


def test_an_agents_grants_on_one_order_add_up_to_their_authority() -> None:
    big = Money(Decimal("1000"), "USD")
    james = usd("100")
    earlier = [Granted("9", usd("60"), "james", NOW)]
    assert refusal(usd("40"), "9", big, earlier, "james", james, None, NOW) is None
    assert refusal(usd("40.01"), "9", big, earlier, "james", james, None, NOW) is (
        Refusal.OVER_AUTHORITY
    )
    # A colleague's grants do not use up James's authority, only the order's total.
    assert refusal(usd("90"), "9", big, earlier, "maria", MARIA, None, NOW) is None


def test_the_skill_grants_one_customer_two_remedies_or_30_in_90_days() -> None:
    total = usd("500")
    one = Granted("1", usd("10"), SKILL, NOW - timedelta(days=10))
    two = Granted("2", usd("10"), SKILL, NOW - timedelta(days=5))
    assert refusal(usd("10"), "3", total, [], SKILL, None, CAP, NOW, [one]) is None
    assert refusal(usd("10"), "3", total, [], SKILL, None, CAP, NOW, [one, two]) is (
        Refusal.OVER_CUSTOMER_CAP
    )
    assert refusal(usd("25"), "3", total, [], SKILL, None, CAP, NOW, [one]) is (
        Refusal.OVER_CUSTOMER_CAP
    )
    old = Granted("1", usd("10"), SKILL, NOW - timedelta(days=91))
    assert refusal(usd("10"), "3", total, [], SKILL, None, CAP, NOW, [old, two]) is None
    # An agent's grants are not the skill's to count.
    agent = Granted("1", usd("20"), "maria", NOW)
    assert refusal(usd("10"), "3", total, [], SKILL, None, CAP, NOW, [agent, two]) is None


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("12.50", "USD", Decimal("12.50")),
        ("12.5", "EUR", Decimal("12.50")),
        ("12", "JPY", Decimal("12")),
        ("1E-200", "USD", None),
        ("12.345", "USD", None),
        ("0.001", "USD", None),
        ("0", "USD", None),
        ("-5", "USD", None),
        ("1" * 41, "USD", None),
        ("NaN", "USD", None),
        ("Infinity", "USD", None),
        ("ten", "USD", None),
        ("", "USD", None),
        ("12.5", "JPY", None),
    ],
)
def test_typed_amounts(text: str, currency: str, expected: Decimal | None) -> None:
    assert parse_amount(text, currency) == expected


GRANTERS = st.sampled_from([SKILL, "maria", "james"])
AUTHORITY = {"maria": usd("250"), "james": usd("100")}
ORDERS = {"1001": usd("49.90"), "1003": usd("119.95"), "2001": usd("45.00")}


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            GRANTERS,
            st.sampled_from(sorted(ORDERS)),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2),
            st.integers(min_value=0, max_value=200),
        ),
        max_size=25,
    )
)
def test_whatever_the_sequence_the_sums_hold(
    attempts: list[tuple[str, str, Decimal, int]],
) -> None:
    allowed: list[Granted] = []
    # Grants happen one after the other: the oldest first.
    for who, number, amount, days_ago in sorted(attempts, key=lambda a: -a[3]):
        at = NOW - timedelta(days=days_ago)
        value = usd(str(amount))
        earlier = [g for g in allowed if g.order_number == number]
        if (
            refusal(
                value, number, ORDERS[number], earlier, who, AUTHORITY.get(who), CAP, at, allowed
            )
            is None
        ):
            allowed.append(Granted(number, value, who, at))
    for number, total in ORDERS.items():
        on_order = [g for g in allowed if g.order_number == number]
        assert sum(g.value.amount for g in on_order) <= total.amount
        for who, authority in AUTHORITY.items():
            assert sum(g.value.amount for g in on_order if g.granted_by == who) <= authority.amount
    # The skill's cap holds in every window that ends at a grant of the skill's.
    skill = sorted((g for g in allowed if g.granted_by == SKILL), key=lambda g: g.at)
    for last in skill:
        window = [g for g in skill if last.at - timedelta(days=CAP.days) < g.at <= last.at]
        assert len(window) <= CAP.remedies
        assert sum(g.value.amount for g in window) <= CAP.amount
