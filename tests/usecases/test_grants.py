"""Grants through the use-cases against the embedded moto: the sums hold whoever grants.

The skill's grant (skill.usecases.complaints.grant) and an agent's
(skill.usecases.promises.grant) share one rule and one set of running totals.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.config import Settings
from skill.devtools.demo.data import JAMES, JONAS, MARIA
from skill.policy import load_policy
from skill.records import Money, Order, OrderStatus
from skill.records.callbacks import Agent, Callback, CallbackStatus
from skill.records.complaints import Commitment, ProblemType, RemedyKind
from skill.rules.grants import SKILL, Refusal, SkillCap
from skill.rules.remedies import Remedy
from skill.storage import Stores
from skill.storage.client import admin_client, dynamodb_client
from skill.storage.tables import MAIN_TABLE, create_tables
from skill.usecases import acts, promises
from skill.usecases.complaints import grant as skill_grant
from skill.usecases.grants import GrantRefused
from tests.conftest import MOMENT

CAP = SkillCap(remedies=2, amount=Decimal("150"), days=90)
AGENTS = {agent.agent_id: agent for agent in (MARIA, JAMES, JONAS)}
POLICY = load_policy(Settings().remedy_policy)
BEFORE_TRANSACTION = "before-send.dynamodb.TransactWriteItems"


def usd(amount: str | Decimal) -> Money:
    return Money(Decimal(amount), "USD")


def orders_for(stores: Stores, customer: str, *totals: str) -> list[Order]:
    """Fresh orders of a fresh customer, so examples sharing a table never meet."""
    orders = [
        Order(
            number=f"{customer}-{i}",
            customer_id=customer,
            status=OrderStatus.DELIVERED,
            items={"en": "a thing"},
            placed_on=MOMENT.date(),
            postal_code="10001",
            total=usd(total),
            shipping=usd("4.95"),
        )
        for i, total in enumerate(totals)
    ]
    for order in orders:
        stores.orders.put_order(order)
    return orders


def by_skill(
    stores: Stores, order: Order, kind: RemedyKind, amount: Decimal, now: datetime, **more: Any
) -> Any:
    value = {
        RemedyKind.REFUND: order.total,
        RemedyKind.REPLACEMENT: order.total,
        RemedyKind.SHIPPING_REFUND: order.shipping,
    }.get(kind, usd(amount))
    assert value is not None
    remedy = Remedy(kind, None if kind is RemedyKind.REPLACEMENT else value, value, now.date())
    return skill_grant(
        stores,
        complaint_id=more.pop("complaint_id", uuid.uuid4().hex),
        order=order,
        problem=ProblemType.DAMAGED,
        description="",
        remedy=remedy,
        now=now,
        locale="en-US",
        cap=more.pop("cap", CAP),
    )


def by_agent(
    stores: Stores,
    agent: Agent,
    order: Order,
    kind: RemedyKind,
    amount: Decimal | None,
    now: datetime,
) -> Commitment:
    """An agent who holds a call from the order's customer grants a remedy."""
    callback = Callback(
        callback_id=f"cb-{order.customer_id}",
        owner=f"customer:{order.customer_id}",
        status=CallbackStatus.CLAIMED,
        requested_at=now,
        due_at=now,
        asap=True,
        priority="normal",
        reason="asked",
        agent_id=agent.agent_id,
        agent_name=agent.name,
        channel="phone",
        locale="en-US",
        time_zone="America/New_York",
        customer_id=order.customer_id,
        claimed_by=agent.agent_id,
    )
    act = acts.Act(stores, agent, now, str(uuid.uuid4()))
    return promises.grant(act, POLICY, callback, order, kind, amount, now.date())


def worth(commitment: Commitment, orders: dict[str, Order]) -> Decimal:
    return (commitment.amount or orders[commitment.order_number].total).amount


# The skill's cap ---------------------------------------------------------------------


def test_the_skill_grants_one_customer_two_remedies_in_90_days_then_offers_a_person(
    stores: Stores,
) -> None:
    first, second, third = orders_for(stores, "c-cap", "49.90", "34.50", "89.00")
    by_skill(stores, first, RemedyKind.SHIPPING_REFUND, Decimal(0), MOMENT)
    by_skill(stores, second, RemedyKind.VOUCHER, Decimal(10), MOMENT + timedelta(days=30))

    with pytest.raises(GrantRefused) as refused:
        by_skill(stores, third, RemedyKind.VOUCHER, Decimal(10), MOMENT + timedelta(days=60))

    assert refused.value.refusal is Refusal.OVER_CUSTOMER_CAP
    assert len(stores.complaints.history("c-cap").commitments) == 2  # nothing stored
    assert stores.grants.totals(third.number, SKILL, None).on_order is None
    # 90 days after the first, it no longer counts.
    later = by_skill(stores, third, RemedyKind.VOUCHER, Decimal(10), MOMENT + timedelta(days=91))
    assert later.new and later.commitment.granted_by == SKILL


def test_erasing_the_customer_erases_the_skills_grants_to_them(stores: Stores) -> None:
    from skill.usecases.privacy import erase

    [order] = orders_for(stores, "c-gone", "49.90")
    by_skill(stores, order, RemedyKind.VOUCHER, Decimal(10), MOMENT)
    assert stores.grants.totals(order.number, SKILL, "c-gone").skill.version == 1

    erase(stores, "c-gone", None, MOMENT)

    totals = stores.grants.totals(order.number, SKILL, "c-gone")
    assert totals.skill.version == 0
    assert totals.on_order == Decimal(10)  # still promised on the order, without a name


def test_the_skills_cap_counts_amounts_too(stores: Stores) -> None:
    first, second = orders_for(stores, "c-much", "119.95", "49.90")
    by_skill(stores, first, RemedyKind.REFUND, Decimal(0), MOMENT)
    with pytest.raises(GrantRefused) as refused:  # 119.95 + 49.90 > 150
        by_skill(stores, second, RemedyKind.REFUND, Decimal(0), MOMENT)
    assert refused.value.refusal is Refusal.OVER_CUSTOMER_CAP
    assert refused.value.promised.on_order == 0


def test_a_retried_grant_returns_what_it_stored_even_with_the_cap_used_up(
    stores: Stores,
) -> None:
    first, second = orders_for(stores, "c-retry", "49.90", "34.50")
    by_skill(stores, first, RemedyKind.VOUCHER, Decimal(10), MOMENT)
    stored = by_skill(stores, second, RemedyKind.VOUCHER, Decimal(10), MOMENT, complaint_id="k-2")
    again = by_skill(stores, second, RemedyKind.VOUCHER, Decimal(10), MOMENT, complaint_id="k-2")
    assert stored.new and not again.new
    assert again.commitment == stored.commitment
    assert len(stores.complaints.history("c-retry").commitments) == 2


def test_the_skill_grants_nothing_on_an_order_an_agent_refunded_in_full(
    stores: Stores,
) -> None:
    [order] = orders_for(stores, "c-agent-first", "119.95")
    by_agent(stores, MARIA, order, RemedyKind.REFUND, None, MOMENT)
    with pytest.raises(GrantRefused) as refused:
        by_skill(stores, order, RemedyKind.SHIPPING_REFUND, Decimal(0), MOMENT, cap=None)
    assert refused.value.refusal is Refusal.OVER_ORDER_TOTAL
    assert refused.value.promised.on_order == Decimal("119.95")


def test_two_skill_grants_at_once_to_one_customer_keep_the_cap(stores: Stores) -> None:
    """One remedy left in the window, two conversations use it at the same moment."""
    first, second, third = orders_for(stores, "c-twice", "49.90", "34.50", "89.00")
    by_skill(stores, first, RemedyKind.VOUCHER, Decimal(10), MOMENT)
    both_read = threading.Barrier(2, timeout=10)
    waiting = [2]

    def hold(**_: Any) -> None:
        if waiting[0] > 0:
            waiting[0] -= 1
            both_read.wait()

    outcomes: list[str] = []

    def grant_on(order: Order) -> None:
        try:
            by_skill(stores, order, RemedyKind.VOUCHER, Decimal(10), MOMENT)
            outcomes.append("granted")
        except GrantRefused as refused:
            outcomes.append(refused.refusal.value)

    stores.client.meta.events.register(BEFORE_TRANSACTION, hold)
    threads = [threading.Thread(target=grant_on, args=(order,)) for order in (second, third)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stores.client.meta.events.unregister(BEFORE_TRANSACTION, hold)

    assert sorted(outcomes) == ["granted", "over_customer_cap"]
    assert len(stores.complaints.history("c-twice").commitments) == 2


# Whatever the sequence --------------------------------------------------------------


@contextmanager
def fresh_table(settings: Settings) -> Iterator[Stores]:
    """A table of its own for one example: moto copies the whole table for each item of
    a transaction (to roll back), so a table keeping every example's items made each
    grant slower, seconds per transaction after a few examples."""
    mine = settings.with_changes(table_name=f"{settings.table_name}-{uuid.uuid4().hex[:6]}")
    create_tables(admin_client(mine, local=True), {MAIN_TABLE: mine.table_name})
    client = dynamodb_client(mine, local=True)
    try:
        yield Stores(client, mine.table_name)
    finally:
        client.delete_table(TableName=mine.table_name)


KINDS = st.sampled_from(list(RemedyKind))
GRANTERS = st.sampled_from([SKILL, *AGENTS])


# A sweep: 25 random sequences, each on a fresh table (the examples above run in test-fast).
@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            GRANTERS,
            st.integers(min_value=0, max_value=2),
            KINDS,
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("130"), places=2),
            st.integers(min_value=0, max_value=200),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_whatever_the_sequence_stored_promises_keep_every_limit(
    settings: Settings, attempts: list[tuple[str, int, RemedyKind, Decimal, int]]
) -> None:
    with fresh_table(settings) as stores:
        grant_in_turn(stores, attempts)


def grant_in_turn(
    stores: Stores, attempts: list[tuple[str, int, RemedyKind, Decimal, int]]
) -> None:
    """Each attempt, oldest first; then the stored promises are checked against every limit."""
    customer = "c-seq"
    orders = orders_for(stores, customer, "49.90", "119.95", "34.50")
    grants: dict[str, Callable[[Order, RemedyKind, Decimal, datetime], object]] = {
        SKILL: lambda order, kind, amount, now: by_skill(stores, order, kind, amount, now),
        **{
            agent_id: (
                lambda order, kind, amount, now, agent=agent: by_agent(
                    stores,
                    agent,
                    order,
                    kind,
                    amount if kind in (RemedyKind.REFUND, RemedyKind.VOUCHER) else None,
                    now,
                )
            )
            for agent_id, agent in AGENTS.items()
        },
    }
    for who, index, kind, amount, days in sorted(attempts, key=lambda a: a[4]):
        with suppress(GrantRefused, acts.ActionRefused):
            grants[who](orders[index], kind, amount, MOMENT + timedelta(days=days))

    by_number = {order.number: order for order in orders}
    promised = stores.complaints.history(customer).commitments
    for order in orders:
        on_order = [c for c in promised if c.order_number == order.number]
        total = sum((worth(c, by_number) for c in on_order), Decimal(0))
        assert total <= order.total.amount
        kept = stores.grants.totals(order.number, SKILL, None).on_order
        assert (kept or Decimal(0)) == total  # the running total is the promises' sum
        for agent_id, agent in AGENTS.items():
            mine = [c for c in on_order if c.granted_by == agent_id]
            assert sum((worth(c, by_number) for c in mine), Decimal(0)) <= agent.authority.amount
    skill = sorted((c for c in promised if c.granted_by == SKILL), key=lambda c: c.created_at)
    for last in skill:
        window = [
            c
            for c in skill
            if last.created_at - timedelta(days=CAP.days) < c.created_at <= last.created_at
        ]
        assert len(window) <= CAP.remedies
        assert sum((worth(c, by_number) for c in window), Decimal(0)) <= CAP.amount
