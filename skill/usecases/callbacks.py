"""Use-cases of the callback: book one with a named person, tell it, change it, cancel it.

The handlers gather what the customer said; these functions apply the rules in
:mod:`skill.rules.callbacks` to what the stores hold and write the result. A callback is
only reported as booked after the transaction that stores it has succeeded.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from skill.records import (
    Agent,
    Callback,
    CallbackStatus,
    Complaint,
    Customer,
    Money,
    Order,
    OrderStatus,
)
from skill.rules.callbacks import (
    CONTINUITY_WINDOW,
    Priority,
    Requested,
    Schedule,
    ServiceHours,
    ahead_of,
    choose_agent,
    loads,
    median_minutes,
    priority_for,
    schedule,
    wait_estimate,
)
from skill.rules.dates import zone
from skill.storage.callbacks import CallbackAlreadyOpen, CallbackChanged, OwnerState
from skill.storage.errors import StorageError
from skill.storage.outbox import OutboxEvent
from skill.storage.users import user_key

if TYPE_CHECKING:
    from skill.config import Settings
    from skill.records import Handover
    from skill.storage import Stores
    from skill.storage.team import Team

log = logging.getLogger(__name__)

# Only open callbacks due within this horizon compete with an "as soon as possible" one.
ASAP_HORIZON = timedelta(hours=1)
# Alexa retries a request with the same id; the callback id follows from it.
_CALLBACK_IDS = uuid.UUID("6b1f3f4e-2d7a-4c55-9d0e-4d656e736368")


class CallbackUnavailable(Exception):
    """The callback could not be stored (or nobody could be assigned): say so."""


def owner_of(customer_id: str | None, user_id: str) -> str:
    """Whose callback it is: the shop's customer, or the Alexa user when unlinked."""
    if customer_id:
        return f"customer:{customer_id}"
    return "alexa:" + user_key(user_id).split("#", 1)[1]


@dataclass(frozen=True)
class CallbackRequest:
    """Everything the customer told us, and what we know about them."""

    request_id: str
    owner: str
    locale: str
    language: str
    time_zone: str
    channel: str
    requested: Requested
    phone: str | None = None
    email: str | None = None
    customer: Customer | None = None
    orders: list[Order] = field(default_factory=list)
    handover: Handover | None = None
    misunderstandings: int = 0
    # The complaint this call is about, with the customer's own words.
    complaint: Complaint | None = None


@dataclass(frozen=True)
class Booking:
    """A call back as the customer is told it: who calls, when, and whether it is new."""

    callback: Callback
    agent: Agent
    schedule: Schedule
    wait: timedelta
    continuity: bool
    new: bool  # False: the customer already had this one open


@dataclass(frozen=True)
class OpenCallback:
    """A call back still waiting or claimed, its agent, and the calls ahead of it."""

    callback: Callback
    agent: Agent | None
    ahead: int


def callback_id_for(request_id: str) -> str:
    """Alexa retries a request with the same id; the retry finds its own callback."""
    return str(uuid.uuid5(_CALLBACK_IDS, request_id))


def replay(existing: OpenCallback) -> Booking | None:
    """The booking as first confirmed, for a retried request; None if the agent left."""
    if existing.agent is None:
        return None
    callback = existing.callback
    when = Schedule(at=callback.due_at, asap=callback.asap, moved=False)
    continuity = bool(callback.context.get("continuity"))
    return Booking(
        callback,
        existing.agent,
        when,
        callback.due_at - callback.requested_at,
        continuity,
        new=False,
    )


def lookup(stores: Stores, owner: str) -> tuple[OwnerState, OpenCallback | None]:
    """What we know about this customer's callbacks, and the open one if any."""
    state = stores.callbacks.owner_state(owner)
    existing = _open(stores, state.open_callback_id) if state.open_callback_id else None
    return state, existing


def request_callback(
    stores: Stores,
    settings: Settings,
    request: CallbackRequest,
    now: datetime,
    state: OwnerState | None = None,
) -> Booking | OpenCallback:
    """Assign a named agent and store the callback, or return the one already open.

    Raises CallbackUnavailable when it cannot be stored; nothing is half-written because
    the lock, the callback and its events go in one transaction.
    """
    try:
        if state is None:
            state, existing = lookup(stores, request.owner)
            if existing is not None:
                return existing
        team = stores.team.get()
    except StorageError as error:
        raise CallbackUnavailable from error
    last = state.last_contact
    repeat = last is not None and now - last.at <= CONTINUITY_WINDOW
    handover = request.handover
    priority = priority_for(
        handover.reason if handover else "asked",
        asked_priority=handover.priority if handover else "normal",
        delayed_order=any(order.status is OrderStatus.DELAYED for order in request.orders),
        repeat_contact=repeat,
    )
    choice = choose_agent(
        team.agents, loads(team.queue), last, now, request.language, _need(handover)
    )
    if choice is None:
        raise CallbackUnavailable("no agents")
    agent, continuity = choice
    wait = _wait(team, priority, now, settings)
    when = schedule(
        now,
        request.requested,
        wait,
        ServiceHours.parse(settings.service_hours),
        zone(settings.service_time_zone),
        zone(request.time_zone),
    )
    callback = Callback(
        callback_id=callback_id_for(request.request_id),
        owner=request.owner,
        status=CallbackStatus.WAITING,
        requested_at=now,
        due_at=when.at,
        asap=when.asap,
        priority=priority.value,
        reason=handover.reason if handover else "asked",
        agent_id=agent.agent_id,
        agent_name=agent.name,
        channel=request.channel,
        locale=request.locale,
        time_zone=request.time_zone,
        phone=request.phone,
        email=request.email,
        customer_id=request.customer.customer_id if request.customer else None,
        first_name=request.customer.first_name if request.customer else None,
        context=_context(request, continuity),
    )
    events = [
        OutboxEvent(
            name,
            callback.callback_id,
            now,
            agent.agent_id,
            callback.channel,
            callback.due_at,
            event_id=f"{callback.callback_id}.{name}",
        )
        for name in ("requested", "assigned")
    ]
    try:
        stores.callbacks.create(callback, events)
    except CallbackAlreadyOpen as already:
        if already.callback_id != callback.callback_id:
            existing = _open(stores, already.callback_id) if already.callback_id else None
            if existing is None:
                raise CallbackUnavailable("lock without callback") from already
            return existing
        # Our own earlier attempt (a retry) got through: it is booked.
    except StorageError as error:
        log.warning("callback not stored", extra={"error_type": type(error).__name__})
        raise CallbackUnavailable from error
    return Booking(callback, agent, when, wait, continuity, new=True)


def _need(handover: Handover | None) -> Money | None:
    """What the agent must be allowed to grant, from the complaint behind the call."""
    if handover is None or not handover.amount or not handover.currency:
        return None
    try:
        return Money(Decimal(handover.amount), handover.currency)
    except InvalidOperation:
        return None


def _wait(team: Team, priority: Priority, now: datetime, settings: Settings) -> timedelta:
    ahead = ahead_of(team.queue, priority, now + ASAP_HORIZON)
    median = median_minutes(team.handled_minutes, settings.default_handling_minutes)
    return wait_estimate(ahead, len(team.on_duty), median)


def _context(request: CallbackRequest, continuity: bool) -> dict[str, object]:
    """What the agent sees before calling, so the customer never repeats themselves."""
    handover = request.handover
    context: dict[str, object] = {
        "language": request.language,
        "misunderstandings": request.misunderstandings,
        "continuity": continuity,
        "orders": [
            {"number": order.number, "status": order.status.value, "item": order.item_for("en")}
            for order in request.orders
        ],
    }
    if handover is not None:
        context["handover"] = {k: v for k, v in asdict(handover).items() if v is not None}
    complaint = request.complaint
    if complaint is not None:
        context["complaint"] = {
            "complaint_id": complaint.complaint_id,
            "problem": complaint.problem.value,
            "order_number": complaint.order_number,
            "customer_words": complaint.description,
        }
    return context


def status(stores: Stores, owner: str) -> OpenCallback | None:
    """The open callback, its agent and how many will be called first."""
    return lookup(stores, owner)[1]


def open_callback(stores: Stores, owner: str) -> Callback | None:
    """Just the open callback, without the queue: enough for a greeting."""
    return still_open(stores, stores.callbacks.owner_state(owner).open_callback_id)


def still_open(stores: Stores, callback_id: str | None) -> Callback | None:
    """The callback, if it is open: a lock read from the index may be a moment old."""
    if not callback_id:
        return None
    callback = stores.callbacks.get(callback_id)
    return callback if callback is not None and callback.is_open else None


def _open(stores: Stores, callback_id: str) -> OpenCallback | None:
    callback = stores.callbacks.get(callback_id)
    if callback is None or not callback.is_open:
        return None
    team = stores.team.get()
    others = [item for item in team.queue if item.callback_id != callback.callback_id]
    ahead = ahead_of(others, Priority(callback.priority), callback.due_at)
    return OpenCallback(callback, team.agent(callback.agent_id), ahead)


def cancel(stores: Stores, callback: Callback, now: datetime) -> bool:
    """Cancel; False if it had already been closed by someone else."""
    event = OutboxEvent(
        "cancelled", callback.callback_id, now, callback.agent_id, callback.channel, now
    )
    try:
        stores.callbacks.cancel(callback, now, [event])
    except CallbackChanged:
        return False
    except StorageError as error:
        raise CallbackUnavailable from error
    return True


def reschedule(
    stores: Stores,
    settings: Settings,
    callback: Callback,
    requested: Requested,
    now: datetime,
    *,
    channel: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> tuple[Callback, Schedule]:
    """Move an open callback to a new time and/or channel; it keeps its agent."""
    wait = timedelta(minutes=5) if requested.asap else timedelta(0)
    when = schedule(
        now,
        requested,
        wait,
        ServiceHours.parse(settings.service_hours),
        zone(settings.service_time_zone),
        zone(callback.time_zone),
    )
    if requested.asap and channel is not None:
        when = Schedule(at=callback.due_at, asap=callback.asap, moved=False)
    changed = replace(
        callback,
        due_at=when.at,
        asap=when.asap,
        channel=channel or callback.channel,
        phone=phone or callback.phone,
        email=email or callback.email,
    )
    event = OutboxEvent(
        "rescheduled", callback.callback_id, now, callback.agent_id, changed.channel, when.at
    )
    try:
        stores.callbacks.reschedule(changed, [event])
    except CallbackChanged as error:
        raise CallbackUnavailable("closed meanwhile") from error
    except StorageError as error:
        raise CallbackUnavailable from error
    return changed, when
