"""The actions an agent takes on one callback's page (the page itself:
:mod:`skill.console.callback_page`).

Every form on the page has its own action id. What an agent types is checked here
(amounts with :func:`skill.rules.grants.parse_amount`, times, choices, ids): anything
unusable, a refusal or a colleague who was first sends the agent back to the page (303),
which says so and has the form as it was typed (:mod:`skill.console.refusals`), so a
reload sends nothing again. Only a question to confirm (a grant, a promise kept) is a
page answered to the POST itself: it stores nothing, so reloading it stores nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from flask import Response, abort, flash, g, get_flashed_messages, redirect, request, url_for

from skill.console import console_blueprint, services
from skill.console.auth import login_required
from skill.console.callback_page import Confirmation, detail
from skill.console.overview import promises
from skill.console.refusals import kept_fields, send_back, taken
from skill.records import Money, Order
from skill.records.callbacks import Callback
from skill.records.complaints import Commitment, RemedyKind
from skill.rules.dates import local_today, zone
from skill.rules.grants import minor_unit, parse_amount
from skill.usecases.acts import Act, ActionConflict, ActionRefused, InvalidInput
from skill.usecases.callback_work import Outcome, claim, hand_over, record_outcome, reschedule
from skill.usecases.promises import fulfil, grant, grant_to_confirm, may_keep

Choice = TypeVar("Choice", bound=StrEnum)

# What the page says after an action; only these words, never text from the address.
DONE = {
    "claimed": "You have this callback now.",
    "reached": "Outcome recorded: reached.",
    "no_answer": "No answer recorded; a retry is scheduled.",
    "resolved": "Resolved: the callback is completed.",
    "rescheduled": "Rescheduled.",
    "handed_over": "Handed over.",
    "granted": "Promise made; the customer hears it when they ask",
    "kept": "Promise marked as kept.",
}


# The flashed category that names what was just promised.
PROMISED = "promised"

# Ids in addresses and forms are ours and short; anything longer is no id of ours (and
# longer than DynamoDB takes as a key).
LONGEST_ID = 100


def _callback(callback_id: str) -> Callback:
    callback = services().stores.callbacks.get(callback_id) if _an_id(callback_id) else None
    if callback is None:
        abort(404)
    return callback


def _an_id(text: str) -> bool:
    return 0 < len(text) <= LONGEST_ID


def _act() -> Act:
    """The action of the submitted form; its id makes a second submission harmless."""
    action_id = request.form.get("action_id", "")
    try:
        uuid.UUID(action_id)
    except ValueError:
        raise InvalidInput("This form is incomplete: reload the page and try again.") from None
    console = services()
    return Act(console.stores, g.agent, console.clock(), action_id)


def typed() -> dict[str, str]:
    """The submitted form as the agent typed it, to fill it in again (no tokens)."""
    return kept_fields(request.form)


def _done(callback_id: str, message: str) -> Response:
    # Post/redirect/get: reloading the page afterwards sends nothing again.
    target = url_for("console.callback_page", callback_id=callback_id, done=message)
    return redirect(target, code=303)  # type: ignore[return-value]


def _back(callback_id: str, **message: object) -> Response:
    """Post/redirect/get for what was not done: the page says why, with the form as typed."""
    target = url_for("console.callback_page", callback_id=callback_id)
    return send_back(f"callback:{callback_id}", target, **message)


def _refused(callback: Callback, error: ActionRefused, form: str = "") -> Response:
    able = [a.agent_id for a in error.colleagues]
    return _back(callback.callback_id, refused=error.reason, able=able, form=form, typed=typed())


def _invalid(callback: Callback, error: InvalidInput, form: str) -> Response:
    return _back(callback.callback_id, invalid=error.message, form=form, typed=typed())


def _conflict(callback_id: str, error: ActionConflict) -> Response:
    if error.holder is not None:
        return _back(callback_id, conflict=f"{error.holder.name} has this callback now.")
    return _back(callback_id, conflict="This callback was closed or changed meanwhile.")


def _carry_out(callback: Callback, form: str, action: Callable[[], str | Response]) -> Response:
    """Do what the ``form`` asks: ``action`` returns the key of :data:`DONE` to show, or
    the page asking the agent to confirm it first.

    A mistake in the form, a refusal or a colleague who was first get the page again,
    saying so, with the form as typed.
    """
    try:
        done = action()
    except InvalidInput as error:
        return _invalid(callback, error, form)
    except ActionRefused as error:
        return _refused(callback, error, form)
    except ActionConflict as error:
        return _conflict(callback.callback_id, error)
    if isinstance(done, Response):
        return done
    return _done(callback.callback_id, done)


def _choice(kinds: type[Choice], field: str, message: str) -> Choice:
    try:
        return kinds(request.form.get(field, ""))
    except ValueError:
        raise InvalidInput(message) from None


def _amount(order: Order) -> Decimal | None:
    """The typed amount in the order's currency, or None if left empty."""
    raw = request.form.get("amount", "").strip()
    if not raw:
        return None
    amount = parse_amount(raw, order.total.currency)
    if amount is None:
        places = minor_unit(order.total.currency)
        example = "12" if places == 0 else "12." + "50".ljust(places, "0")
        decimals = "without decimals" if places == 0 else f"with at most {places} decimals"
        raise InvalidInput(
            f"Enter the amount in {order.total.currency} as a number like {example}: "
            f"more than zero, {decimals}."
        )
    return amount


def _local_time(field: str, time_zone: str) -> datetime:
    """A time typed in the team's time zone, as the callback's page shows it."""
    try:
        local = datetime.fromisoformat(request.form.get(field, "").strip())
        return local.replace(tzinfo=zone(time_zone))
    except (ValueError, OverflowError):
        raise InvalidInput(
            "Enter the new time as a date and a time, e.g. 2026-11-24 10:00."
        ) from None


@console_blueprint.get("/callbacks/<callback_id>")
@login_required
def callback_page(callback_id: str) -> Response:
    """Everything about one callback, and what can be done with it."""
    key = request.args.get("done", "")
    done = DONE.get(key, "")
    if key == "granted":
        # What was promised, said back; our own words, kept in the session, not the address.
        promised = get_flashed_messages(category_filter=[PROMISED])
        done += f": {promised[-1]}." if promised else "."
    callback = _callback(callback_id)
    message = taken(f"callback:{callback_id}")
    return detail(callback, done=done, **message)


@console_blueprint.post("/callbacks/<callback_id>/claim")
@login_required
def claim_post(callback_id: str) -> Response:
    """Take it: exactly one agent wins; the other learns who has it."""
    callback = _callback(callback_id)

    def act() -> str:
        claim(_act(), callback)
        return "claimed"

    return _carry_out(callback, "claim", act)


@console_blueprint.post("/callbacks/<callback_id>/outcome")
@login_required
def outcome_post(callback_id: str) -> Response:
    """Reached, no answer (a retry is scheduled) or resolved, with a note."""
    callback = _callback(callback_id)

    def act() -> str:
        outcome = _choice(Outcome, "outcome", "Choose what happened on the call.")
        record_outcome(_act(), services().settings, callback, outcome, _note())
        return outcome.value

    return _carry_out(callback, "outcome", act)


@console_blueprint.post("/callbacks/<callback_id>/reschedule")
@login_required
def reschedule_post(callback_id: str) -> Response:
    """A new time, entered in the time zone of the callback's team."""
    callback = _callback(callback_id)

    def act() -> str:
        team_zone = services().settings.service_zone_for(callback.locale)
        reschedule(_act(), callback, _local_time("when", team_zone), _note())
        return "rescheduled"

    return _carry_out(callback, "reschedule", act)


@console_blueprint.post("/callbacks/<callback_id>/handover")
@login_required
def handover_post(callback_id: str) -> Response:
    """To a colleague, with a note; the colleague becomes the named contact."""
    callback = _callback(callback_id)

    def act() -> str:
        colleague = services().stores.team.get().agent(request.form.get("to", ""))
        hand_over(_act(), callback, colleague, _note())
        return "handed_over"

    return _carry_out(callback, "handover", act)


@console_blueprint.post("/callbacks/<callback_id>/grant")
@login_required
def grant_post(callback_id: str) -> Response:
    """A remedy within the agent's authority becomes a commitment the customer hears."""
    callback = _callback(callback_id)
    console = services()

    def act() -> str | Response:
        action = _act()
        number = request.form.get("order", "").strip()
        order = console.stores.orders.get(number) if _an_id(number) else None
        if order is None:
            raise InvalidInput("Choose one of the customer's orders.")
        kind = _choice(RemedyKind, "remedy", "Choose a remedy.")
        amount = _amount(order)
        if request.form.get("confirmed") != "yes":
            value = grant_to_confirm(action, callback, order, kind, amount)
            return detail(
                callback,
                form="grant",
                typed=typed(),
                confirm=_grant_question(callback, order, kind, value),
            )
        today = local_today(action.now, console.settings.service_time_zone)
        made = grant(action, console.policy, callback, order, kind, amount, today)
        flash(_promise_words(made, callback.first_name), PROMISED)
        return "granted"

    return _carry_out(callback, "grant", act)


@console_blueprint.post("/commitments/<complaint_id>/fulfil")
@login_required
def fulfil_post(complaint_id: str) -> Response:
    """The promise has really happened (refund paid, item sent): marked from its
    customer's callback page, or from the promises page."""
    console = services()
    stored = console.stores.complaints.get(complaint_id) if _an_id(complaint_id) else None
    if stored is None or stored[1] is None:
        abort(404)
    commitment = stored[1]
    callback_id = request.form.get("callback_id", "").strip()
    callback = console.stores.callbacks.get(callback_id) if _an_id(callback_id) else None
    confirmed = request.form.get("confirmed") == "yes"
    if callback is not None:

        def act() -> str | Response:
            action = _act()
            if not confirmed:
                may_keep(action, commitment, callback)
                return detail(callback, confirm=_keep_question(commitment, callback.first_name))
            fulfil(action, commitment, callback)
            return "kept"

        return _carry_out(callback, "fulfil", act)
    if callback_id:
        return _promises_back(invalid="That callback does not exist: reload the page.")
    try:
        action = _act()
        if not confirmed:
            may_keep(action, commitment, None)
            customer = console.stores.orders.account(commitment.customer_id).customer
            name = customer.first_name if customer else None
            return promises(confirm=_keep_question(commitment, name))
        fulfil(action, commitment, None)
    except InvalidInput as error:
        return _promises_back(invalid=error.message)
    except ActionRefused as error:
        able = [a.agent_id for a in error.colleagues]
        return _promises_back(refused=error.reason, able=able)
    return redirect(url_for("console.promises_page"), code=303)  # type: ignore[return-value]


def _promises_back(**message: object) -> Response:
    return send_back("promises", url_for("console.promises_page"), **message)


def _note() -> str:
    return request.form.get("note", "").strip()[:2000]


def _what(kind: str, value: Money | None, order_number: str) -> str:
    worth = f" {value.amount} {value.currency}" if value is not None else ""
    return f"{kind.replace('_', ' ')}{worth} on order {order_number}"


def _promise_words(made: Commitment, first_name: str | None) -> str:
    return _what(made.kind.value, made.amount, made.order_number) + (
        f" for {first_name}" if first_name else ""
    )


def _grant_question(
    callback: Callback, order: Order, kind: RemedyKind, value: Money
) -> Confirmation:
    """ "Refund 119.95 USD on order 1003 for Alex?", and the promises the order carries."""
    whom = f" for {callback.first_name}" if callback.first_name else ""
    what = _what(kind.value, value, order.number)
    question = what[:1].upper() + what[1:] + whom + "?"
    fields = {
        "order": order.number,
        "remedy": kind.value,
        "amount": request.form.get("amount", "").strip()[:40],
    }
    return Confirmation("grant", question, fields, order.number)


def _keep_question(commitment: Commitment, first_name: str | None) -> Confirmation:
    """ "Mark kept: voucher 10.00 USD on order 1003 for Alex?" """
    whom = f" for {first_name}" if first_name else ""
    what = _what(commitment.kind.value, commitment.amount, commitment.order_number)
    fields = {"callback_id": request.form.get("callback_id", "").strip()[:LONGEST_ID]}
    return Confirmation(
        "fulfil", f"Mark kept: {what}{whom}?", fields, commitment.order_number, commitment
    )
