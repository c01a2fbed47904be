"""Across the team: every promise not yet kept (overdue first), and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, g, redirect, request, url_for

from skill.console import console_blueprint, services
from skill.console.auth import admin_required, login_required, page
from skill.console.refusals import send_back, taken
from skill.records.complaints import Commitment, CommitmentStatus
from skill.rules.dates import local_today
from skill.rules.remedies import overdue
from skill.storage.audit import AuditEntry
from skill.usecases.privacy import erase


@dataclass(frozen=True)
class PromiseRow:
    commitment: Commitment
    first_name: str
    overdue: bool


@console_blueprint.get("/promises")
@login_required
def promises_page() -> Response:
    """Open and overdue commitments, so a promised credit is never forgotten."""
    return promises(**taken("promises"))


def promises(status: int = 200, **message: Any) -> Response:
    """The promises page; ``message``: a refusal or a mistake of the form just sent."""
    console = services()
    today = local_today(console.clock(), console.settings.service_time_zone)
    promised = [
        c for c in console.stores.promises.open_promises() if c.status is CommitmentStatus.PROMISED
    ]
    late = overdue(promised, today)
    late_ids = {c.commitment_id for c in late}
    names: dict[str, str] = {}
    for commitment in promised:
        if commitment.customer_id not in names:
            customer = console.stores.orders.account(commitment.customer_id).customer
            names[commitment.customer_id] = customer.first_name if customer else "?"
    ordered = late + [c for c in promised if c.commitment_id not in late_ids]
    rows = [PromiseRow(c, names[c.customer_id], c.commitment_id in late_ids) for c in ordered]
    return page(
        "promises",
        status=status,
        rows=rows,
        late=len(late),
        granters={a.agent_id: a.name for a in console.stores.team.get().agents},
        **{"refused": None, "able": [], "invalid": None, "confirm": None, **message},
    )


@console_blueprint.get("/audit")
@admin_required
def audit_page() -> Response:
    """Who saw which phone number and did what, newest first (admins only)."""
    return audit(**taken("audit"))


def audit(status: int = 200, **message: Any) -> Response:
    """The audit page; ``message``: what came of the erase form just sent."""
    console = services()
    today = local_today(console.clock(), "UTC")
    team = console.stores.team.get()
    entries = console.stores.audit.recent(today)
    return page(
        "audit",
        status=status,
        entries=entries,
        names={a.agent_id: a.name for a in team.agents},
        customers=_customers(entries),
        erased=request.args.get("erased"),
        **{"invalid": None, "typed_id": "", "erase_question": None, "erase_id": "", **message},
    )


def _customers(entries: list[AuditEntry]) -> dict[str, str]:
    """Each callback's customer by first name, as the trail names them; a callback gone
    (erased, or removed after its time) is not in it."""
    callbacks = services().stores.callbacks
    named: dict[str, str] = {}
    for callback_id in {e.callback_id for e in entries if e.callback_id}:
        callback = callbacks.get(callback_id)
        if callback is not None:
            named[callback_id] = callback.first_name or "a guest"
    return named


@console_blueprint.post("/customers/erase")
@admin_required
def erase_customer() -> Response:
    """A customer's request to be forgotten, made by letter or phone: the admin erases
    what the skill keeps about them (complaints, callbacks; open promises stay without
    the name), and the audit trail says who did."""
    console = services()
    typed_id = (request.form.get("customer_id") or "").strip()[:100]
    # An order number finds its customer too: what a letter usually quotes.
    order = console.stores.orders.get(typed_id) if typed_id else None
    customer_id = order.customer_id if order is not None else typed_id
    account = console.stores.orders.account(customer_id) if customer_id else None
    if account is None or account.customer is None:
        return send_back(
            "audit",
            url_for("console.audit_page"),
            invalid=f"There is no customer with the id or order {typed_id!r}: nothing was erased.",
            typed_id=typed_id,
        )
    if request.form.get("confirmed") != "yes":
        history = console.stores.complaints.history(customer_id)
        return audit(
            erase_question=(
                f"Erase what the skill keeps about {account.customer.first_name} (customer "
                f"{customer_id}): {len(history.complaints)} complaints, their callbacks and "
                "contacts? Open promises stay, without the name."
            ),
            erase_id=customer_id,
            typed_id=typed_id,
        )
    admin = g.agent  # admin_required put them there
    now = console.clock()
    erased = erase(console.stores, customer_id, None, now)
    console.stores.audit.record(
        AuditEntry(
            now,
            admin.agent_id,
            "erase_customer",
            detail=f"{customer_id}: {erased.complaints_deleted} complaints deleted, "
            f"{erased.promises_kept} open promises kept without name, "
            f"{erased.callbacks} callbacks stripped",
        )
    )
    return redirect(url_for("console.audit_page", erased=customer_id), code=303)  # type: ignore[return-value]
