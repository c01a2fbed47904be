"""The running totals of promises: conditions that hold the grant rule's sums."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from skill.records import Money
from skill.records.optins import AlexaOptIn
from skill.rules.grants import SKILL, Granted
from skill.storage import Stores
from skill.storage.errors import ConditionFailed, translated
from skill.storage.grants import (
    ReadAlong,
    SkillGrants,
    granter_total_update,
    order_total_update,
    skill_grants_put,
)
from skill.storage.optins import standing_from, standing_keys
from skill.storage.transaction import Put, Update
from tests.conftest import MOMENT


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def write(stores: Stores, change: Update | Put) -> None:
    with translated():
        if isinstance(change, Update):
            stores.client.update_item(**change.arguments(stores.table))
        else:
            stores.client.put_item(**change.arguments(stores.table))


def test_an_orders_total_grows_up_to_its_limit_and_no_further(stores: Stores) -> None:
    limit = Decimal("119.95")
    # Promises made before the totals existed count from the first write on: the seed.
    write(stores, order_total_update("1003", usd("4.95"), limit, seed=Decimal("100")))
    assert stores.grants.totals("1003", SKILL, None).on_order == Decimal("104.95")

    with pytest.raises(ConditionFailed):
        write(stores, order_total_update("1003", usd("15.01"), limit, seed=Decimal(0)))
    # Once the total exists, a seed no longer counts.
    write(stores, order_total_update("1003", usd("15.00"), limit, seed=Decimal("50")))
    assert stores.grants.totals("1003", SKILL, None).on_order == limit
    with pytest.raises(ConditionFailed):
        write(stores, order_total_update("1003", usd("0.01"), limit, seed=Decimal(0)))
    # The caller checks the seed; a grant that cannot fit is never sent.
    with pytest.raises(ValueError, match="order's total"):
        order_total_update("1004", usd("10"), Decimal("34.50"), seed=Decimal("30"))


def test_each_agents_sum_on_an_order_is_kept_apart(stores: Stores) -> None:
    authority = Decimal("250")
    write(stores, granter_total_update("1003", "a-maria", usd("119.95"), authority))
    write(stores, granter_total_update("1003", "a-james", usd("60"), Decimal("100")))
    with pytest.raises(ConditionFailed):
        write(stores, granter_total_update("1003", "a-maria", usd("130.06"), authority))
    write(stores, granter_total_update("1003", "a-maria", usd("130.05"), authority))

    totals = stores.grants.totals("1003", "a-maria", None)
    assert (totals.on_order, totals.by_granter) == (None, Decimal("250.00"))
    assert stores.grants.by_agent("1003") == {"a-maria": Decimal("250.00"), "a-james": Decimal(60)}
    assert stores.grants.by_agent("1001") == {}


def test_the_skills_grants_to_a_customer_are_replaced_only_at_the_version_read(
    stores: Stores,
) -> None:
    assert stores.grants.totals("1003", SKILL, "c-alex").skill == SkillGrants()
    first = Granted("1003", usd("4.95"), SKILL, MOMENT)
    expires = MOMENT + timedelta(days=90)
    write(stores, skill_grants_put("c-alex", [first], 0, expires))
    with pytest.raises(ConditionFailed):  # someone else wrote the first list meanwhile
        write(stores, skill_grants_put("c-alex", [first], 0, expires))

    second = Granted("1001", usd("10"), SKILL, MOMENT + timedelta(hours=1))
    write(stores, skill_grants_put("c-alex", [first, second], 1, expires))
    with pytest.raises(ConditionFailed):
        write(stores, skill_grants_put("c-alex", [first], 1, expires))

    assert stores.grants.totals("1003", SKILL, "c-alex").skill == SkillGrants((first, second), 2)


@pytest.mark.parametrize("refused", [False, True])
def test_the_totals_read_brings_an_alexa_users_standing_as_its_own_query_reads_it(
    stores: Stores, refused: bool
) -> None:
    user = "amzn1.ask.account.ALONG"
    opt_in = AlexaOptIn(user, "en-US", "https://api.amazonalexa.com", frozenset({"n"}), "c-x")
    stores.optins.remember(opt_in, MOMENT)
    if refused:
        stores.optins.refuse(user, MOMENT)
    along = ReadAlong(standing_keys(user))

    stores.grants.totals("1003", SKILL, None, along)

    assert along.found is not None
    assert standing_from(along.found, user) == stores.optins.standing(user) == (opt_in, refused)
    nobody = ReadAlong(standing_keys("amzn1.ask.account.NOBODY"))
    stores.grants.totals("1003", SKILL, None, nobody)
    assert standing_from(nobody.found or {}, "amzn1.ask.account.NOBODY") == (None, False)
