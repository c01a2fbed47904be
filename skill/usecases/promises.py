"""Promises an agent makes to a customer on a callback and marks kept: grant and keep.

A grant is weighed against what is promised already (:mod:`skill.usecases.grants`): the
order's total, the agent's authority summed over their grants on the order. Use-cases
over the stores (no Flask here); what they share, and how a resent form is harmless, is
in :mod:`skill.usecases.acts`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from skill.records import Money, Order
from skill.records.callbacks import Callback
from skill.records.complaints import Commitment, CommitmentStatus, Owner, ProblemType, RemedyKind
from skill.rules.callbacks import covers
from skill.rules.complaints import settled
from skill.rules.grants import Promised, Refusal, minor_unit, weigh
from skill.storage.errors import ConditionFailed
from skill.storage.outbox import OutboxEvent, outbox_put
from skill.storage.transaction import Write
from skill.usecases.acts import Act, ActionRefused, InvalidInput, on_duty_colleagues, require_holder
from skill.usecases.grants import Grant, GrantRefused, refusal_now, value_of, within_limits

if TYPE_CHECKING:
    from skill.rules.remedies import RemedyPolicy


def about_the_caller(callback: Callback, order: Order) -> bool:
    """The order belongs to the linked customer, or an unlinked caller verified it."""
    if callback.customer_id:
        return order.customer_id == callback.customer_id
    verified = callback.context.get("orders")
    numbers = {str(o.get("number")) for o in verified} if isinstance(verified, list) else set()
    return order.number in numbers


def remedy_value(kind: RemedyKind, order: Order, amount: Decimal | None) -> Money:
    """What a remedy is worth to the shop (a replacement: the order's total).

    ``amount`` is the agent's, already checked (:func:`skill.rules.grants.parse_amount`):
    a refund's (none: the order's total) or a voucher's; the other remedies take none.
    """
    if kind is RemedyKind.REPLACEMENT and amount is None:
        return order.total
    if kind is RemedyKind.SHIPPING_REFUND and amount is None:
        if order.shipping is None or order.shipping.amount <= 0:
            raise InvalidInput(f"Order {order.number} has no shipping cost to refund.")
        return order.shipping
    if kind in (RemedyKind.REPLACEMENT, RemedyKind.SHIPPING_REFUND):
        what = "the order's total" if kind is RemedyKind.REPLACEMENT else "its shipping cost"
        raise InvalidInput(
            f"A {kind.value.replace('_', ' ')} is worth {what}: leave the amount empty."
        )
    if amount is not None:
        return Money(amount, order.total.currency)
    if kind is RemedyKind.REFUND:
        return order.total
    raise InvalidInput("Enter the voucher's amount.")


def grant_to_confirm(
    act: Act, callback: Callback, order: Order, kind: RemedyKind, amount: Decimal | None
) -> Money:
    """What :func:`grant` would promise, checked as it checks it but not promised: the
    value for the agent to confirm, or the same InvalidInput or ActionRefused."""
    require_holder(act, callback)
    if not about_the_caller(callback, order):
        raise ActionRefused("That order is not this customer's.")
    value = remedy_value(kind, order, amount)
    weighed = Grant(order, value, act.agent.agent_id, act.now, authority=act.agent.authority)
    refused = refusal_now(act.stores, weighed)
    if refused is not None:
        raise _over_a_limit(act, refused)
    return value


def may_keep(act: Act, commitment: Commitment, callback: Callback | None) -> None:
    """ActionRefused (naming who may) if :func:`fulfil` would refuse the agent: checked
    before the agent confirms it."""
    if callback is not None and not concerns(callback, commitment):
        raise ActionRefused("That promise was made to another customer than this callback's.")
    _may_keep(act, commitment)


def grant(
    act: Act,
    policy: RemedyPolicy,
    callback: Callback,
    order: Order,
    kind: RemedyKind,
    amount: Decimal | None,
    today: date,
) -> Commitment:
    """Promise a remedy within the agent's authority: a commitment the customer hears.

    The promise is weighed against the order's total (every promise on it counts) and
    the agent's authority (their promises on it count). Over either, ActionRefused says
    what the order carries already and names colleagues on duty who could grant it.
    """
    require_holder(act, callback)
    if not about_the_caller(callback, order):
        raise ActionRefused("That order is not this customer's.")
    value = remedy_value(kind, order, amount)
    context_complaint = callback.context.get("complaint")
    complaint_id, existing = _complaint_for(act, callback, order, context_complaint)
    problem = ProblemType.OTHER
    words = ""
    if isinstance(context_complaint, dict):
        problem = ProblemType(str(context_complaint.get("problem", "other")))
        words = str(context_complaint.get("customer_words") or "")
    complaint, commitment = settled(
        complaint_id=complaint_id,
        order=order,
        problem=problem,
        description=words,
        kind=kind,
        amount=None if kind is RemedyKind.REPLACEMENT else value,
        due=today + timedelta(days=policy.due_in_days.get(kind, 0)),
        owner=Owner.SERVICE_TEAM,
        granted_by=act.agent.agent_id,
        now=act.now,
        locale=callback.locale,
    )
    detail = f"{kind.value} {value.amount} {value.currency} for order {order.number}"

    def write(totals: Sequence[Write], _attempt: int) -> Commitment:
        extra = [
            *totals,
            *act.records("grant", callback.callback_id, detail),
            outbox_put(act.event("granted", callback)),
        ]
        act.stores.promises.promise(complaint, commitment, existing_complaint=existing, extra=extra)
        return commitment

    def already() -> Commitment | None:
        if act.repeated("grant", callback.callback_id):
            return commitment  # a resent form: it was promised then
        stored = act.stores.complaints.get(complaint_id) if existing else None
        if stored is not None and stored[1] is not None:
            # Another tab promised something for this complaint first.
            raise ActionRefused("This promise was already made.")
        return None

    weighed = Grant(order, value, act.agent.agent_id, act.now, authority=act.agent.authority)
    try:
        return within_limits(act.stores, weighed, write, already)
    except GrantRefused as refused:
        raise _over_a_limit(act, refused) from refused
    except ConditionFailed as error:
        raise ActionRefused("This changed meanwhile: look at the page again.") from error


def _over_a_limit(act: Act, refused: GrantRefused) -> ActionRefused:
    """Why the grant does not fit, with what the order carries, and who could grant it."""
    grant, promised = refused.grant, refused.promised
    order, value = grant.order, grant.value
    total, carried = order.total.amount, promised.on_order
    if refused.refusal is Refusal.OVER_ORDER_TOTAL:
        if carried >= total:
            reason = (
                f"Order {order.number} already carries promises of "
                f"{_money(carried, value.currency)}, its total."
            )
        elif carried > 0:
            reason = (
                f"Order {order.number} already carries promises of "
                f"{_money(carried, value.currency)}: another "
                f"{_money(value.amount, value.currency)} would be more than its total of "
                f"{_money(total, value.currency)}."
            )
        else:
            reason = (
                f"{_money(value.amount, value.currency)} is more than order {order.number}'s "
                f"total of {_money(total, value.currency)}."
            )
        return ActionRefused(reason)  # nobody may: no colleague to name
    if refused.refusal is Refusal.NOT_AN_AMOUNT:
        return ActionRefused("Enter an amount for this remedy.")
    authority = act.agent.authority
    if promised.by_granter > 0:
        reason = (
            f"You have promised {_money(promised.by_granter, value.currency)} on order "
            f"{order.number} already: another {_money(value.amount, value.currency)} would be "
            f"above your authority of {_money(authority.amount, authority.currency)}."
        )
    else:
        reason = (
            f"{_money(value.amount, value.currency)} is above your authority of "
            f"{_money(authority.amount, authority.currency)}: hand it over."
        )
    sums = act.stores.grants.by_agent(order.number)
    able = [
        colleague
        for colleague in on_duty_colleagues(act)
        if weigh(
            value,
            order.total,
            Promised(carried, sums.get(colleague.agent_id, Decimal(0))),
            colleague.agent_id,
            colleague.authority,
            None,
            act.now,
        )
        is None
    ]
    return ActionRefused(reason, able)


def _money(amount: Decimal, currency: str) -> str:
    step = Decimal(1).scaleb(-minor_unit(currency))
    return f"{amount.quantize(step)} {currency}"


def _complaint_for(
    act: Act, callback: Callback, order: Order, context_complaint: object
) -> tuple[str, bool]:
    """The customer's complaint behind this call if it has no promise yet, else a new one.

    A new id follows from the form's action id, so a resent form names the same one.
    """
    if isinstance(context_complaint, dict) and context_complaint.get("order_number") in (
        order.number,
        None,
    ):
        complaint_id = str(context_complaint.get("complaint_id") or "")
        stored = act.stores.complaints.get(complaint_id) if complaint_id else None
        if stored is not None and stored[1] is None:
            return complaint_id, True
    seed = f"{callback.callback_id}|{act.action_id}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32], False


def concerns(callback: Callback, commitment: Commitment) -> bool:
    """The promise was made to the customer this callback is for."""
    if callback.customer_id:
        return commitment.customer_id == callback.customer_id
    verified = callback.context.get("orders")
    numbers = {str(o.get("number")) for o in verified} if isinstance(verified, list) else set()
    return commitment.order_number in numbers


def fulfil(act: Act, commitment: Commitment, callback: Callback | None) -> None:
    """Mark a promise kept: from its customer's callback or the promises page, by someone
    whose authority covers its value (admins too)."""
    if callback is not None and not concerns(callback, commitment):
        raise ActionRefused("That promise was made to another customer than this callback's.")
    _may_keep(act, commitment)
    what = f"{commitment.kind.value.replace('_', ' ')} for order {commitment.order_number}"
    if commitment.amount is not None:
        what += f" ({commitment.amount.amount} {commitment.amount.currency})"
    callback_id = callback.callback_id if callback else None
    extra = act.records("fulfil", callback_id, what)
    extra.append(outbox_put(_kept_event(act, callback, what, commitment.customer_id)))
    try:
        act.stores.promises.set_commitment_status(
            commitment.complaint_id,
            CommitmentStatus.FULFILLED,
            expected=CommitmentStatus.PROMISED,
            extra=extra,
        )
    except ConditionFailed as error:
        if act.repeated("fulfil", callback_id):
            return
        raise ActionRefused("This promise is no longer open.") from error


def _may_keep(act: Act, commitment: Commitment) -> None:
    """The agent's authority covers the promise's value; without a value, admins only.

    Else ActionRefused, naming colleagues on duty whose authority covers it.
    """
    order_total = None
    if commitment.amount is None:
        # A replacement is worth the order's total, as when it was granted.
        order = act.stores.orders.get(commitment.order_number)
        order_total = order.total if order is not None else None
    value = value_of(commitment, order_total)
    if value is None:
        if act.agent.role != "admin":
            raise ActionRefused(
                f"Order {commitment.order_number} is no longer on file, so only an admin may "
                "mark this promise kept."
            )
    elif not covers(act.agent.authority, value):
        able = [a for a in on_duty_colleagues(act) if covers(a.authority, value)]
        raise ActionRefused("This promise is above your authority.", able)


def _kept_event(
    act: Act, callback: Callback | None, what: str, customer_id: str | None
) -> OutboxEvent:
    """On the callback's record if it was kept from one, else a note for the team (and
    the customer's Alexa, through their id)."""
    if callback is not None:
        return act.event("fulfilled", callback)
    return OutboxEvent(
        "promise_kept",
        "",
        act.now,
        act.agent.agent_id,
        "",
        act.now,
        event_id=f"{act.action_id}.promise_kept",
        detail=f"{what}: kept, marked by {act.agent.name}.",
        customer_id=customer_id or "",
        agent_first_name=act.agent.name.split(" ")[0],
    )
