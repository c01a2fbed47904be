"""What one callback's page shows: the callback, the customer's orders, complaints and
promises, who had contact with them, and the team to hand over to.

The full phone number is shown, as a ``tel:`` link, only to the agent who holds the
request, and each such view is written to the audit trail; everyone else sees the
last two digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask import Response, g

from skill.console import services
from skill.console.auth import page
from skill.console.story import language_of, story
from skill.records import Order
from skill.records.callbacks import Agent, Callback, CallbackStatus
from skill.records.complaints import Commitment, Complaint, RemedyKind
from skill.rules.callbacks import last_digits
from skill.rules.complaints import the_customers_own
from skill.rules.dates import local_today
from skill.rules.remedies import status_on
from skill.storage.audit import AuditEntry

if TYPE_CHECKING:
    from skill.storage import Stores
    from skill.storage.team import Team


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


def shown_phone(stores: Stores, callback: Callback, holder: bool, now: datetime) -> Phone | None:
    """The number as this agent may see it; the holder's view of it is audited."""
    phone = _phone(callback, holder)
    if phone is not None and phone.dial is not None:
        # Least exposure: who saw a customer's number, and when, is on record.
        stores.audit.record(AuditEntry(now, g.agent.agent_id, "view_phone", callback.callback_id))
    return phone


@dataclass(frozen=True)
class CustomerRecords:
    """The customer's orders, and their complaints and promises newest first, each
    promise with its status today."""

    orders: list[Order] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    commitments: list[tuple[Commitment, str]] = field(default_factory=list)


def customer_records(stores: Stores, callback: Callback, today: date) -> CustomerRecords:
    """A linked customer's account and history; for an unlinked caller, only the orders
    they proved theirs in the conversation."""
    if not callback.customer_id:
        verified = callback.context.get("orders")
        numbers = [str(o.get("number")) for o in verified] if isinstance(verified, list) else []
        return CustomerRecords(
            orders=[o for n in numbers if (o := stores.orders.get(n)) is not None]
        )
    history = stores.complaints.history(callback.customer_id)
    # A grant made on the phone is listed as the promise it is, not as a complaint.
    own = the_customers_own(history.complaints, history.commitments)
    return CustomerRecords(
        orders=stores.orders.account(callback.customer_id).orders,
        complaints=list(reversed(own)),
        commitments=[(c, status_on(c, today).value) for c in reversed(history.commitments)],
    )


def contacts(stores: Stores, team: Team, callback: Callback) -> list[tuple[Agent | None, datetime]]:
    """Who of the team had contact with this customer, and when, newest first."""
    made = sorted(stores.callbacks.owner_state(callback.owner).contacts, key=lambda c: c.at)
    return [(team.agent(c.agent_id), c.at) for c in reversed(made)]


@dataclass(frozen=True)
class Confirmation:
    """A grant or a promise kept, checked and waiting for the agent's "yes": the
    question that names it, and the form fields that say it again with ``confirmed``."""

    form: str  # "grant" or "fulfil"
    question: str
    fields: dict[str, str]
    order_number: str
    commitment: Commitment | None = None  # the promise to mark kept


# What the page shows when no action was tried, or what came of one.
NO_MESSAGE: dict[str, Any] = {
    "confirm": None,
    "done": "",
    "conflict": None,
    "refused": None,
    "able": [],
    "invalid": None,
    "form": "",
    "typed": {},
}


def detail(callback: Callback, status: int = 200, **message: Any) -> Response:
    """The callback's page, with ``message``: what came of an action (see NO_MESSAGE)."""
    console = services()
    stores = console.stores
    now = console.clock()
    holder = callback.status is CallbackStatus.CLAIMED and callback.claimed_by == g.agent.agent_id
    phone = shown_phone(stores, callback, holder, now)
    records = customer_records(
        stores, callback, local_today(now, console.settings.service_time_zone)
    )
    team = stores.team.get()
    team_zone = console.settings.service_zone_for(callback.locale)
    return page(
        "callback",
        status=status,
        callback=callback,
        holder=holder,
        held_by=team.agent(callback.claimed_by) if callback.claimed_by else None,
        phone=phone,
        orders=records.orders,
        complaints=records.complaints,
        commitments=records.commitments,
        contacts=contacts(stores, team, callback),
        colleagues=[a for a in team.agents if a.agent_id != g.agent.agent_id],
        agents={a.agent_id: a for a in team.agents},
        remedies=[kind.value for kind in RemedyKind],
        service_zone=team_zone,
        # What the customer was told, in their own zone, beside the team's.
        customer_zone=callback.time_zone,
        story=story(callback),
        # The shop's item names in the customer's language, where it gave them.
        language=language_of(callback),
        **{**NO_MESSAGE, **message},
    )
