"""Whether one more promise of money may be made: the same rule for the skill and agents.

A grant is weighed against what was already promised, not alone::

    the new grant, earlier promises, order, who grants ──> refusal() ──> None: allowed
                                                                    └──> why not

- the promises on one order never add up to more than its total (a replacement is worth
  the total, shipping refunds count too);
- an agent's grants on one order add up to at most their authority;
- the skill grants one customer at most so many remedies, worth at most so much, in a
  rolling window (the policy's ``skill_cap``).

Storage enforces the same sums inside the transaction that stores the promise (running
totals under a condition), so two grants at once cannot pass together; this function
decides first, so the customer or agent hears why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from skill.records import Money

# ISO 4217 minor units where they are not two.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3}
# No single grant is worth more than this in any currency: a typo, not a remedy.
LARGEST_GRANT = Decimal("1000000")


class Refusal(StrEnum):
    NOT_AN_AMOUNT = "not_an_amount"
    OVER_ORDER_TOTAL = "over_order_total"
    OVER_AUTHORITY = "over_authority"
    OVER_CUSTOMER_CAP = "over_customer_cap"


@dataclass(frozen=True)
class SkillCap:
    """What the skill may grant one customer by itself within ``days``."""

    remedies: int
    amount: Decimal
    days: int


@dataclass(frozen=True)
class Granted:
    """One promise already made, as far as the sums are concerned."""

    order_number: str
    value: Money  # what it costs the shop (a replacement: the order's total)
    granted_by: str  # an agent's id, or SKILL
    at: datetime


SKILL = "skill"


def minor_unit(currency: str) -> int:
    return _MINOR_UNITS.get(currency.upper(), 2)


def parse_amount(text: str, currency: str) -> Decimal | None:
    """An agent's typed amount, quantized to the currency's minor unit; None if unusable.

    "1E-200", "12.345" in dollars, a 41-digit number, "0" and negatives are all None:
    they are mistakes to point out, never promises.
    """
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value <= 0 or value > LARGEST_GRANT:
        return None
    step = Decimal(1).scaleb(-minor_unit(currency))
    quantized = value.quantize(step, rounding=ROUND_HALF_UP)
    return quantized if quantized == value and quantized > 0 else None


def _total(grants: Iterable[Granted], currency: str) -> Decimal:
    return sum((g.value.amount for g in grants if g.value.currency == currency), Decimal(0))


@dataclass(frozen=True)
class Promised:
    """What is promised already, summed, as far as one new grant is concerned.

    Storage keeps these sums as running totals (``on_order``, ``by_granter``) and the
    skill's recent grants as a list, so the rule weighs exactly what the transaction's
    conditions will check.
    """

    on_order: Decimal  # by anyone, on this order
    by_granter: Decimal  # by whoever grants now, on this order
    skill_recent: tuple[Granted, ...] = ()  # the skill's grants to this customer, any order


def refusal(
    value: Money,
    order_number: str,
    order_total: Money,
    earlier: Iterable[Granted],
    granted_by: str,
    authority: Money | None,
    cap: SkillCap | None,
    now: datetime,
    earlier_to_customer: Iterable[Granted] = (),
) -> Refusal | None:
    """None if ``value`` may be promised on this order by ``granted_by``, else why not.

    ``earlier`` are the promises on this order; ``earlier_to_customer`` the customer's
    promises on any order (only the skill's count against its cap).
    """
    on_order = [g for g in earlier if g.order_number == order_number]
    promised = Promised(
        on_order=_total(on_order, value.currency),
        by_granter=_total((g for g in on_order if g.granted_by == granted_by), value.currency),
        skill_recent=tuple(earlier_to_customer),
    )
    return weigh(value, order_total, promised, granted_by, authority, cap, now)


def weigh(
    value: Money,
    order_total: Money,
    promised: Promised,
    granted_by: str,
    authority: Money | None,
    cap: SkillCap | None,
    now: datetime,
) -> Refusal | None:
    """:func:`refusal` over sums already made: None if ``value`` may be promised."""
    if value.amount <= 0 or value.currency != order_total.currency:
        return Refusal.NOT_AN_AMOUNT
    if promised.on_order + value.amount > order_total.amount:
        return Refusal.OVER_ORDER_TOTAL
    if granted_by != SKILL:
        if authority is None or authority.currency != value.currency:
            return Refusal.OVER_AUTHORITY
        if promised.by_granter + value.amount > authority.amount:
            return Refusal.OVER_AUTHORITY
        return None
    if cap is not None:
        recent = within_cap_window(promised.skill_recent, cap, now)
        if len(recent) + 1 > cap.remedies:
            return Refusal.OVER_CUSTOMER_CAP
        if _total(recent, value.currency) + value.amount > cap.amount:
            return Refusal.OVER_CUSTOMER_CAP
    return None


def within_cap_window(grants: Iterable[Granted], cap: SkillCap, now: datetime) -> list[Granted]:
    """The skill's grants that still count against its cap at ``now``, oldest first."""
    since = now - timedelta(days=cap.days)
    recent = [g for g in grants if g.granted_by == SKILL and g.at > since]
    return sorted(recent, key=lambda g: g.at)
