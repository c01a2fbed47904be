"""Across the team: every promise not yet kept (overdue first), and the audit trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import Response

from skill.console import console_blueprint, services
from skill.console.auth import admin_required, login_required, page
from skill.records import Commitment, CommitmentStatus
from skill.rules.dates import local_today
from skill.rules.remedies import overdue


@dataclass(frozen=True)
class PromiseRow:
    commitment: Commitment
    first_name: str
    overdue: bool


@console_blueprint.get("/promises")
@login_required
def promises_page() -> Response:
    """Open and overdue commitments, so a promised credit is never forgotten."""
    console = services()
    today = local_today(console.clock(), console.settings.service_time_zone)
    promised = [
        c
        for c in console.stores.complaints.open_promises()
        if c.status is CommitmentStatus.PROMISED
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
    return page("promises", rows=rows, late=len(late), action_id=str(uuid.uuid4()))


@console_blueprint.get("/audit")
@admin_required
def audit_page() -> Response:
    """Who saw which phone number and did what, newest first (admins only)."""
    console = services()
    today = local_today(console.clock(), "UTC")
    team = console.stores.callbacks.team()
    entries = console.stores.audit.recent(today)
    return page("audit", entries=entries, names={a.agent_id: a.name for a in team.agents})
