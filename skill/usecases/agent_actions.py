"""What agents do to a callback, as use-cases over the stores (no Flask here).

Each action is one DynamoDB transaction: the change, its outbox event, the audit entry
and the guard of the form's action id. Every form has its own action id; a double click
sends the same one twice, the guard's condition fails the second time and nothing is
applied again, which the functions below report as done (:meth:`Act.repeated`). The same
id sent with another form is refused, never reported as done.

A grant is weighed against what is promised already (:mod:`skill.usecases.grants`): the
order's total, the agent's authority summed over their grants on the order.

A table that cannot be reached raises :class:`~skill.storage.errors.StorageUnavailable`
through them: the action was not carried out (or, after a timeout, perhaps was; the
same form sent again is then applied once), and the console says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from skill.records import (
    Agent,
    Callback,
    CallbackNote,
    CallbackStatus,
    Commitment,
    CommitmentStatus,
    Money,
    Order,
    Owner,
    ProblemType,
    RemedyKind,
)
from skill.rules.callbacks import ServiceHours, covers
from skill.rules.complaints import settled
from skill.rules.dates import zone
from skill.rules.grants import Promised, Refusal, minor_unit, weigh
from skill.storage.audit import AuditEntry, entry_put, guard_put
from skill.storage.callbacks import CallbackChanged
from skill.storage.errors import ConditionFailed
from skill.storage.outbox import OutboxEvent, outbox_put
from skill.storage.transaction import Write
from skill.usecases.grants import Grant, GrantRefused, value_of, within_limits

if TYPE_CHECKING:
    from skill.config import Settings
    from skill.rules.remedies import RemedyPolicy
    from skill.storage import Stores

# No answer: try again after this long (within service hours).
RETRY_AFTER = timedelta(minutes=30)
# A callback is rescheduled to at most this far ahead.
RESCHEDULE_AHEAD = timedelta(days=90)


class Outcome(StrEnum):
    REACHED = "reached"  # spoke to the customer; more to do
    NO_ANSWER = "no_answer"  # a retry is scheduled
    RESOLVED = "resolved"  # done: the callback is completed


class ActionRefused(Exception):
    """The agent may not do this (not theirs, above their authority); says why."""

    def __init__(self, reason: str, colleagues: list[Agent] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        # Above the limit: colleagues on duty who could do it instead.
        self.colleagues = colleagues or []


class InvalidInput(Exception):
    """What the agent entered cannot be used (a time out of range, no colleague chosen):
    ``message`` says what to enter instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionConflict(Exception):
    """Someone changed it first; ``holder`` has the callback now, if anyone."""

    def __init__(self, holder: Agent | None) -> None:
        super().__init__("changed meanwhile")
        self.holder = holder


@dataclass(frozen=True)
class Act:
    """Who does what, when, under which form action id."""

    stores: Stores
    agent: Agent
    now: datetime
    action_id: str

    def records(self, action: str, callback_id: str | None, detail: str = "") -> list[Write]:
        """The audit entry and the form's guard, to go in the action's transaction."""
        entry = AuditEntry(self.now, self.agent.agent_id, action, callback_id, detail)
        what = _what(action, callback_id)
        return [guard_put(self.action_id, self.now, what), entry_put(entry)]

    def event(self, name: str, callback: Callback, due_at: datetime | None = None) -> OutboxEvent:
        return OutboxEvent(
            name,
            callback.callback_id,
            self.now,
            callback.agent_id,
            callback.channel,
            due_at or callback.due_at,
            event_id=f"{self.action_id}.{name}",
        )

    def repeated(self, action: str, callback_id: str | None) -> bool:
        """This form was carried out before (a double click, a resent form).

        Its action id used before by another form (a page of an older kind, a forged
        form) is refused: that action was not this one, so it is not reported as done.
        """
        carried_out = self.stores.audit.carried_out(self.action_id)
        if carried_out is None:
            return False
        if carried_out and carried_out != _what(action, callback_id):
            raise ActionRefused("This form was used before for something else: reload the page.")
        return True


def _what(action: str, callback_id: str | None) -> str:
    # A claim is recorded as "claim" or "claim_named_other": one form either way.
    family = "claim" if action.startswith("claim") else action
    return f"{family} {callback_id or '-'}"


def _conflict(stores: Stores, callback_id: str) -> ActionConflict:
    current = stores.callbacks.get(callback_id)
    holder = current.claimed_by if current and current.status is CallbackStatus.CLAIMED else None
    return ActionConflict(stores.team.agent(holder) if holder else None)


def claim(act: Act, callback: Callback) -> None:
    """Take the callback; raise ActionConflict (with who has it) if someone was quicker.

    Taking a request named for a colleague is allowed; it is recorded, and the claimer
    becomes the customer's named contact (an "assigned" event tells them).
    """
    other = callback.agent_id != act.agent.agent_id
    mine = replace(callback, agent_id=act.agent.agent_id, agent_name=act.agent.name)
    events = [act.event("claimed", mine)]
    if other:
        events.append(act.event("assigned", mine))
    detail = f"named agent was {callback.agent_id}" if other else ""
    try:
        act.stores.queue.claim(
            callback.callback_id,
            act.agent,
            act.now,
            events,
            act.records("claim_named_other" if other else "claim", callback.callback_id, detail),
        )
    except CallbackChanged as error:
        conflict = _conflict(act.stores, callback.callback_id)
        if conflict.holder is not None and conflict.holder.agent_id == act.agent.agent_id:
            return  # our own earlier click won
        raise conflict from error


def _require_holder(act: Act, callback: Callback) -> None:
    if callback.status is not CallbackStatus.CLAIMED or callback.claimed_by != act.agent.agent_id:
        raise ActionRefused("Claim this callback first: only the agent who holds it can act.")


def _held_update(
    act: Act,
    callback: Callback,
    action: str,
    note: CallbackNote,
    events: list[OutboxEvent],
    **changes: object,
) -> None:
    try:
        act.stores.queue.update_held(
            callback,
            act.agent.agent_id,
            note,
            events,
            act.records(action, callback.callback_id, note.text),
            **changes,  # type: ignore[arg-type]
        )
    except CallbackChanged as error:
        if act.repeated(action, callback.callback_id):
            return
        raise _conflict(act.stores, callback.callback_id) from error


def retry_time(now: datetime, settings: Settings) -> datetime:
    """When to try again after no answer: a little later, within service hours."""
    hours = ServiceHours.parse(settings.service_hours)
    return hours.earliest(now + RETRY_AFTER, zone(settings.service_time_zone))


def record_outcome(
    act: Act, settings: Settings, callback: Callback, outcome: Outcome, text: str
) -> None:
    """Reached (a note), no answer (a retry is scheduled) or resolved (completed)."""
    _require_holder(act, callback)
    note = CallbackNote(act.now, act.agent.agent_id, outcome.value, text)
    if outcome is Outcome.REACHED:
        _held_update(act, callback, "outcome_reached", note, [act.event("reached", callback)])
        return
    if outcome is Outcome.NO_ANSWER:
        retry = retry_time(act.now, settings)
        _held_update(
            act,
            callback,
            "outcome_no_answer",
            note,
            [act.event("rescheduled", callback, retry)],
            due_at=retry,
            attempt=True,
        )
        return
    try:
        act.stores.callbacks.complete(
            callback,
            act.now,
            [act.event("completed", callback)],
            act.records("outcome_resolved", callback.callback_id, text),
        )
    except CallbackChanged as error:
        if act.repeated("outcome_resolved", callback.callback_id):
            return
        raise _conflict(act.stores, callback.callback_id) from error
    # The wait estimate learns from how long calls really take, from claim to done.
    started = callback.claimed_at or callback.requested_at
    act.stores.team.record_handling_time((act.now - started).total_seconds() / 60)


def reschedule(act: Act, callback: Callback, when: datetime, text: str) -> None:
    """A new time for the call, in the future and at most :data:`RESCHEDULE_AHEAD` ahead."""
    _require_holder(act, callback)
    if when <= act.now:
        raise InvalidInput("Choose a time in the future.")
    if when - act.now > RESCHEDULE_AHEAD:
        raise InvalidInput(f"Choose a time within the next {RESCHEDULE_AHEAD.days} days.")
    note = CallbackNote(act.now, act.agent.agent_id, "rescheduled", text)
    _held_update(
        act,
        callback,
        "reschedule",
        note,
        [act.event("rescheduled", callback, when)],
        due_at=when,
    )


def hand_over(act: Act, callback: Callback, colleague: Agent | None, text: str) -> None:
    """Give the callback to a colleague, who becomes the named contact."""
    _require_holder(act, callback)
    if colleague is None or colleague.agent_id == act.agent.agent_id:
        raise InvalidInput("Choose a colleague to hand over to.")
    note = CallbackNote(act.now, act.agent.agent_id, "handover", text)
    moved = replace(callback, agent_id=colleague.agent_id, agent_name=colleague.name)
    _held_update(
        act,
        callback,
        "handover",
        note,
        [act.event("assigned", moved)],
        hand_to=colleague,
    )


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
    _require_holder(act, callback)
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
        for colleague in _on_duty_colleagues(act)
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


def _on_duty_colleagues(act: Act) -> list[Agent]:
    team = act.stores.team.get().agents
    return [a for a in team if a.on_duty and a.agent_id != act.agent.agent_id]


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
        able = [a for a in _on_duty_colleagues(act) if covers(a.authority, value)]
        raise ActionRefused("This promise is above your authority.", able)
    what = f"{commitment.kind.value.replace('_', ' ')} for order {commitment.order_number}"
    if commitment.amount is not None:
        what += f" ({commitment.amount.amount} {commitment.amount.currency})"
    callback_id = callback.callback_id if callback else None
    extra = act.records("fulfil", callback_id, what)
    if callback is not None:
        event = act.event("fulfilled", callback)
    else:
        event = OutboxEvent(
            "promise_kept",
            "",
            act.now,
            act.agent.agent_id,
            "",
            act.now,
            event_id=f"{act.action_id}.promise_kept",
            detail=f"{what}: kept, marked by {act.agent.name}.",
        )
    extra.append(outbox_put(event))
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
