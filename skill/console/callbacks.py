"""One callback's page, and the actions an agent takes on it.

The full phone number is shown, as a ``tel:`` link, only to the agent who holds the
request, and each such view is written to the audit trail; everyone else sees the
last two digits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Response, abort, g, redirect, request, url_for

from skill.console import console_blueprint, services
from skill.console.auth import login_required, page
from skill.records import Callback, CallbackStatus, Commitment, Order, RemedyKind
from skill.rules.callbacks import last_digits
from skill.rules.dates import local_today, zone
from skill.rules.remedies import status_on
from skill.storage.audit import AuditEntry
from skill.usecases.agent_actions import (
    Act,
    ActionConflict,
    ActionRefused,
    Outcome,
    claim,
    fulfil,
    grant,
    hand_over,
    record_outcome,
    reschedule,
)

# What the page says after an action; only these words, never text from the address.
DONE = {
    "claimed": "You have this callback now.",
    "reached": "Outcome recorded: reached.",
    "no_answer": "No answer recorded; a retry is scheduled.",
    "resolved": "Resolved: the callback is completed.",
    "rescheduled": "Rescheduled.",
    "handed_over": "Handed over.",
    "granted": "Promise made; the customer hears it when they ask.",
    "kept": "Promise marked as kept.",
}


@dataclass(frozen=True)
class Phone:
    shown: str  # the full number for the holder, else "ending in 42"
    dial: str | None  # for the tel: link; None when not the holder


def _phone(callback: Callback, holder: bool) -> Phone | None:
    if not callback.phone:
        return None
    if holder:
        dial = "".join(ch for ch in callback.phone if ch.isdigit() or ch == "+")
        return Phone(callback.phone, dial)
    return Phone(f"ending in {last_digits(callback.phone)}", None)


def _callback(callback_id: str) -> Callback:
    callback = services().stores.callbacks.get(callback_id)
    if callback is None:
        abort(404)
    return callback


def _act() -> Act:
    """The action of the submitted form; its id makes a second submission harmless."""
    action_id = request.form.get("action_id", "")
    try:
        uuid.UUID(action_id)
    except ValueError:
        abort(400, description="missing action id")
    console = services()
    return Act(console.stores, g.agent, console.clock(), action_id)


def detail(callback: Callback, status: int = 200, **message: Any) -> Response:
    console = services()
    stores = console.stores
    now = console.clock()
    today = local_today(now, console.settings.service_time_zone)
    holder = callback.status is CallbackStatus.CLAIMED and callback.claimed_by == g.agent.agent_id
    phone = _phone(callback, holder)
    if phone is not None and phone.dial is not None:
        # Least exposure: who saw a customer's number, and when, is on record.
        stores.audit.record(AuditEntry(now, g.agent.agent_id, "view_phone", callback.callback_id))
    orders: list[Order] = []
    complaints = []
    commitments: list[tuple[Commitment, str]] = []
    if not callback.customer_id:
        # An unlinked caller: the orders they proved theirs in the conversation.
        verified = callback.context.get("orders")
        numbers = [str(o.get("number")) for o in verified] if isinstance(verified, list) else []
        orders = [o for n in numbers if (o := stores.orders.get(n)) is not None]
    if callback.customer_id:
        orders = stores.orders.account(callback.customer_id).orders
        history = stores.complaints.history(callback.customer_id)
        complaints = list(reversed(history.complaints))
        commitments = [(c, status_on(c, today).value) for c in reversed(history.commitments)]
    team = stores.team.get()
    contacts = sorted(stores.callbacks.owner_state(callback.owner).contacts, key=lambda c: c.at)
    local = zone(console.settings.service_time_zone)
    return page(
        "callback",
        status=status,
        callback=callback,
        holder=holder,
        held_by=team.agent(callback.claimed_by) if callback.claimed_by else None,
        phone=phone,
        orders=orders,
        complaints=complaints,
        commitments=commitments,
        contacts=[(team.agent(c.agent_id), c.at) for c in reversed(contacts)],
        colleagues=[a for a in team.agents if a.agent_id != g.agent.agent_id],
        agents={a.agent_id: a for a in team.agents},
        remedies=[kind.value for kind in RemedyKind],
        action_id=str(uuid.uuid4()),
        due_local=callback.due_at.astimezone(local),
        service_zone=console.settings.service_time_zone,
        **{"done": "", "conflict": None, "refused": None, "able": [], **message},
    )


def _done(callback_id: str, message: str) -> Response:
    # Post/redirect/get: reloading the page afterwards sends nothing again.
    target = url_for("console.callback_page", callback_id=callback_id, done=message)
    return redirect(target, code=303)  # type: ignore[return-value]


def _refused(callback: Callback, error: ActionRefused) -> Response:
    return detail(callback, status=403, refused=error.reason, able=error.colleagues)


def _conflict(callback_id: str, error: ActionConflict) -> Response:
    fresh = _callback(callback_id)
    if error.holder is not None:
        return detail(fresh, status=409, conflict=f"{error.holder.name} has this callback now.")
    return detail(fresh, status=409, conflict="This callback was closed or changed meanwhile.")


@console_blueprint.get("/callbacks/<callback_id>")
@login_required
def callback_page(callback_id: str) -> Response:
    """Everything about one callback, and what can be done with it."""
    done = DONE.get(request.args.get("done", ""), "")
    return detail(_callback(callback_id), done=done)


@console_blueprint.post("/callbacks/<callback_id>/claim")
@login_required
def claim_post(callback_id: str) -> Response:
    """Take it: exactly one agent wins; the other learns who has it."""
    callback = _callback(callback_id)
    try:
        claim(_act(), callback)
    except ActionConflict as error:
        return _conflict(callback_id, error)
    return _done(callback_id, "claimed")


@console_blueprint.post("/callbacks/<callback_id>/outcome")
@login_required
def outcome_post(callback_id: str) -> Response:
    """Reached, no answer (a retry is scheduled) or resolved, with a note."""
    callback = _callback(callback_id)
    try:
        outcome = Outcome(request.form.get("outcome", ""))
    except ValueError:
        abort(400, description="unknown outcome")
    try:
        record_outcome(_act(), services().settings, callback, outcome, _note())
    except ActionRefused as error:
        return _refused(callback, error)
    except ActionConflict as error:
        return _conflict(callback_id, error)
    return _done(callback_id, outcome.value)


@console_blueprint.post("/callbacks/<callback_id>/reschedule")
@login_required
def reschedule_post(callback_id: str) -> Response:
    """A new time, entered in the service team's time zone."""
    callback = _callback(callback_id)
    console = services()
    try:
        local = datetime.fromisoformat(request.form.get("when", ""))
    except ValueError:
        abort(400, description="unreadable time")
    when = local.replace(tzinfo=zone(console.settings.service_time_zone))
    try:
        reschedule(_act(), callback, when, _note())
    except ActionRefused as error:
        return _refused(callback, error)
    except ActionConflict as error:
        return _conflict(callback_id, error)
    return _done(callback_id, "rescheduled")


@console_blueprint.post("/callbacks/<callback_id>/handover")
@login_required
def handover_post(callback_id: str) -> Response:
    """To a colleague, with a note; the colleague becomes the named contact."""
    callback = _callback(callback_id)
    colleague = services().stores.team.get().agent(request.form.get("to", ""))
    try:
        hand_over(_act(), callback, colleague, _note())
    except ActionRefused as error:
        return _refused(callback, error)
    except ActionConflict as error:
        return _conflict(callback_id, error)
    return _done(callback_id, "handed_over")


@console_blueprint.post("/callbacks/<callback_id>/grant")
@login_required
def grant_post(callback_id: str) -> Response:
    """A remedy within the agent's authority becomes a commitment the customer hears."""
    callback = _callback(callback_id)
    console = services()
    try:
        kind = RemedyKind(request.form.get("remedy", ""))
        raw_amount = request.form.get("amount", "").strip()
        amount = Decimal(raw_amount) if raw_amount else None
    except (ValueError, InvalidOperation):
        abort(400, description="unknown remedy or amount")
    if amount is not None and not amount.is_finite():
        abort(400, description="unknown remedy or amount")
    order = console.stores.orders.get(request.form.get("order", ""))
    if order is None:
        abort(400, description="unknown order")
    today = local_today(console.clock(), console.settings.service_time_zone)
    try:
        grant(_act(), console.policy, callback, order, kind, amount, today)
    except ActionRefused as error:
        return _refused(callback, error)
    return _done(callback_id, "granted")


@console_blueprint.post("/commitments/<complaint_id>/fulfil")
@login_required
def fulfil_post(complaint_id: str) -> Response:
    """The promise has really happened (refund paid, item sent)."""
    console = services()
    stored = console.stores.complaints.get(complaint_id)
    if stored is None or stored[1] is None:
        abort(404)
    callback_id = request.form.get("callback_id", "")
    callback = console.stores.callbacks.get(callback_id) if callback_id else None
    try:
        fulfil(_act(), stored[1], callback)
    except ActionRefused as error:
        if callback is not None:
            return _refused(callback, error)
        abort(403, description=error.reason)
    if callback is not None:
        return _done(callback.callback_id, "kept")
    return redirect(url_for("console.promises_page"), code=303)  # type: ignore[return-value]


def _note() -> str:
    return request.form.get("note", "").strip()[:2000]
