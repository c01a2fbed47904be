"""One more promise of money, weighed against what is promised already, and stored with
the running totals that keep the sums, for the skill and for agents alike.

::

    read the running totals ──> weigh() (skill.rules.grants) ──> GrantRefused (why, sums)
      (skill.storage.grants)         │
                                     └──> the promise's transaction + the totals' updates
                                          under conditions (``write``)
                                            ├── stored
                                            ├── already stored (a retry, a resent form)
                                            └── a total moved meanwhile (someone else
                                                granted): read and weigh again

The rule decides first, so the customer or agent hears why; the transaction's conditions
make sure that two grants at once cannot pass together what each passes alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from skill.records import Money, Order
from skill.records.complaints import Commitment, CommitmentStatus, Owner, RemedyKind
from skill.rules.grants import SKILL, Granted, Promised, Refusal, SkillCap, weigh, within_cap_window
from skill.storage.errors import ConditionFailed, StorageUnavailable
from skill.storage.grants import (
    ReadAlong,
    Totals,
    granter_total_update,
    order_total_update,
    skill_grants_put,
)

if TYPE_CHECKING:
    from skill.storage import Stores
    from skill.storage.complaints import History
    from skill.storage.transaction import Write

Stored = TypeVar("Stored")
# Someone else granting on the same order (or to the same customer) in between: weigh
# again this often before giving up with "try again".
ATTEMPTS = 3


@dataclass(frozen=True)
class Grant:
    """Who promises what on which order, and what limits them."""

    order: Order
    value: Money  # what it costs the shop (a replacement: the order's total)
    granted_by: str  # an agent's id, or SKILL
    now: datetime
    authority: Money | None = None  # an agent's
    cap: SkillCap | None = None  # the skill's, per customer
    along: ReadAlong | None = None  # items the turn needs besides, read with the totals
    # The customer's complaints and promises, if the turn has them already (the
    # account's query brings them): the first weighing needs no query of its own.
    history: History | None = None


class GrantRefused(Exception):
    """The grant would pass a limit: ``refusal`` says which, ``promised`` the sums."""

    def __init__(self, refusal: Refusal, grant: Grant, promised: Promised) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.grant = grant
        self.promised = promised


def value_of(commitment: Commitment, order_total: Money | None) -> Money | None:
    """What a stored promise costs the shop: its amount, or for a replacement the order's
    total (None if that order is unknown)."""
    if commitment.amount is not None:
        return commitment.amount
    return order_total if commitment.kind is RemedyKind.REPLACEMENT else None


def within_limits(
    stores: Stores,
    grant: Grant,
    write: Callable[[Sequence[Write], int], Stored],
    already: Callable[[], Stored | None],
) -> Stored:
    """``write(totals' updates, attempt)`` if the grant fits, else :class:`GrantRefused`.

    ``write`` stores the promise with the given updates in one transaction, raising
    :class:`ConditionFailed` if any condition fails. ``already`` returns what an earlier
    attempt stored (a retried request, a resent form), or None; it is asked before a
    refusal and after a failed condition, so a repeat is answered as the first was. A
    failed condition that no total explains (nothing moved) is raised as it is.
    """
    seen: tuple[Promised, int] | None = None
    failed: ConditionFailed | None = None
    for attempt in range(ATTEMPTS):
        totals = _totals(stores, grant)
        # Weighed again after a failed condition, someone else granted meanwhile: read.
        promised = _promised(stores, grant, totals, grant.history if attempt == 0 else None)
        why = _weigh(grant, promised)
        if why is not None:
            done = already()
            if done is not None:
                return done
            raise GrantRefused(why, grant, promised)
        if failed is not None and seen == (promised, totals.skill.version):
            # Nothing moved since the last attempt, yet a condition failed: not a total's.
            raise failed
        seen = (promised, totals.skill.version)
        try:
            return write(_updates(grant, totals, promised), attempt)
        except ConditionFailed as error:
            done = already()
            if done is not None:
                return done
            failed = error
    raise StorageUnavailable("promises on this order kept changing") from failed


def refusal_now(stores: Stores, grant: Grant) -> GrantRefused | None:
    """What :func:`within_limits` would answer now, without writing anything: for the
    agent to confirm a grant that fits, or see why not before confirming."""
    promised = _promised(stores, grant, _totals(stores, grant), grant.history)
    why = _weigh(grant, promised)
    return None if why is None else GrantRefused(why, grant, promised)


def _weigh(grant: Grant, promised: Promised) -> Refusal | None:
    return weigh(
        grant.value,
        grant.order.total,
        promised,
        grant.granted_by,
        grant.authority,
        grant.cap,
        grant.now,
    )


def _totals(stores: Stores, grant: Grant) -> Totals:
    customer = grant.order.customer_id if grant.cap is not None else None
    return stores.grants.totals(grant.order.number, grant.granted_by, customer, grant.along)


def _promised(stores: Stores, grant: Grant, totals: Totals, history: History | None) -> Promised:
    """The sums to weigh against; where no running total exists yet, what the stored
    promises add up to (those made before the totals were kept), from ``history`` if
    given."""
    on_order = totals.on_order
    skill = totals.skill.grants
    if on_order is None or (grant.cap is not None and totals.skill.version == 0):
        earlier = _earlier(stores, grant, history)
        if on_order is None:
            mine = grant.order.number
            on_order = sum((g.value.amount for g in earlier if g.order_number == mine), Decimal(0))
        if grant.cap is not None and totals.skill.version == 0:
            skill = tuple(g for g in earlier if g.granted_by == SKILL)
    return Promised(
        on_order=on_order,
        by_granter=totals.by_granter or Decimal(0),
        skill_recent=tuple(within_cap_window(skill, grant.cap, grant.now)) if grant.cap else (),
    )


def _earlier(stores: Stores, grant: Grant, history: History | None) -> list[Granted]:
    """The customer's promises still counted, as the rule sees them, from their history."""
    if history is None:
        history = stores.complaints.history(grant.order.customer_id)
    commitments = [c for c in history.commitments if c.status is not CommitmentStatus.CANCELLED]
    totals: dict[str, Money | None] = {grant.order.number: grant.order.total}
    earlier: list[Granted] = []
    for commitment in commitments:
        if commitment.amount is None and commitment.order_number not in totals:
            order = stores.orders.get(commitment.order_number)
            totals[commitment.order_number] = order.total if order else None
        value = value_of(commitment, totals.get(commitment.order_number))
        if value is None:
            continue
        by = commitment.granted_by or (SKILL if commitment.owner is Owner.SKILL else "")
        earlier.append(Granted(commitment.order_number, value, by, commitment.created_at))
    return earlier


def _updates(grant: Grant, totals: Totals, promised: Promised) -> list[Write]:
    number = grant.order.number
    seed = promised.on_order if totals.on_order is None else Decimal(0)
    updates: list[Write] = [order_total_update(number, grant.value, grant.order.total.amount, seed)]
    if grant.granted_by != SKILL and grant.authority is not None:
        updates.append(
            granter_total_update(number, grant.granted_by, grant.value, grant.authority.amount)
        )
    if grant.granted_by == SKILL and grant.cap is not None:
        recent = [*promised.skill_recent, Granted(number, grant.value, SKILL, grant.now)]
        expires = grant.now + timedelta(days=grant.cap.days)
        updates.append(
            skill_grants_put(grant.order.customer_id, recent, totals.skill.version, expires)
        )
    return updates
