"""Use-case of booking a callback: a named person calls the customer back.

The handler gathers what the customer said into a :class:`CallbackRequest`;
:func:`request_callback` applies the rules in :mod:`skill.rules.callbacks` to the team
and stores the callback, or returns the one the customer already has open. A callback
is only reported as booked after the transaction that stores it has succeeded; that
transaction also counts it against the daily limits (:mod:`skill.usecases.callback_limits`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from skill.records import Customer, Money, Order
from skill.records.callbacks import Agent, Callback, CallbackStatus
from skill.records.complaints import Complaint
from skill.rules.callbacks import (
    CONTINUITY_WINDOW,
    Priority,
    Requested,
    Schedule,
    ahead_of,
    choose_agent,
    loads,
    median_minutes,
    priority_for,
    schedule,
    wait_estimate,
)
from skill.rules.dates import local_today, zone
from skill.rules.eligibility import is_late
from skill.rules.limits import Act, tallies
from skill.storage.callbacks import CallbackAlreadyOpen, OwnerState
from skill.storage.errors import OutcomeUnknown, StorageError
from skill.storage.limits import LimitReached
from skill.storage.outbox import OutboxEvent
from skill.usecases.callback_limits import NoText, over_limit, textable
from skill.usecases.callbacks import (
    CallbackUnavailable,
    CallbackUncertain,
    OpenCallback,
    call_hours,
    in_queue,
    lookup,
)

if TYPE_CHECKING:
    from skill.config import Settings
    from skill.records.handovers import Handover
    from skill.storage import Stores
    from skill.storage.team import Team

log = logging.getLogger(__name__)

# Only open callbacks due within this horizon compete with an "as soon as possible" one.
ASAP_HORIZON = timedelta(hours=1)
# Alexa retries a request with the same id; the callback id follows from it.
_CALLBACK_IDS = uuid.UUID("6b1f3f4e-2d7a-4c55-9d0e-4d656e736368")


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
    # The Alexa user asking: the daily limits count per caller.
    caller: str
    phone: str | None = None
    # False for a number said by voice that the customer did not confirm.
    phone_confirmed: bool = True
    email: str | None = None
    customer: Customer | None = None
    orders: list[Order] = field(default_factory=list)
    handover: Handover | None = None
    misunderstandings: int = 0
    # The complaint this call is about, with the customer's own words.
    complaint: Complaint | None = None
    # Why they want the call, in their own words (an assistant passes them on).
    words: str | None = None


@dataclass(frozen=True)
class Booking:
    """A call back as the customer is told it: who calls, when, and whether it is new."""

    callback: Callback
    agent: Agent
    schedule: Schedule
    wait: timedelta
    continuity: bool
    new: bool  # False: the customer already had this one open
    no_text: str | None = None  # why no text tells of it although SMS was asked (NoText)


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


def request_callback(
    stores: Stores,
    settings: Settings,
    request: CallbackRequest,
    now: datetime,
    state: OwnerState | None = None,
) -> Booking | OpenCallback:
    """Assign a named agent and store the callback, or return the one already open.

    Raises CallbackUnavailable when it cannot be stored, LimitRefused when the caller or
    the number booked their day's call backs; nothing is half-written because the lock,
    the callback, its events and the counters go in one transaction.
    """
    try:
        if state is None:
            state, existing = lookup(stores, request.owner)
            if existing is not None:
                return existing
        team = stores.team.get()
    except StorageError as error:
        raise CallbackUnavailable from error
    stores.roster.remember(team.agents, now)
    last = state.last_contact
    priority = _priority(request, state, now)
    choice = choose_agent(
        team.agents, loads(team.queue), last, now, request.language, _need(request.handover)
    )
    if choice is None:
        raise CallbackUnavailable("no agents")
    agent, continuity = choice
    wait = _wait(team, priority, now, settings)
    hours = call_hours(settings, team.agents, request.locale, request.time_zone)
    when = schedule(now, request.requested, wait, hours, zone(request.time_zone))
    callback = _callback(request, agent, when, priority, continuity, now)
    callback, no_text = textable(callback, settings)
    booking = Booking(callback, agent, when, wait, continuity, new=True, no_text=no_text)
    return _store(stores, settings, booking, request.caller, now)


def _priority(request: CallbackRequest, state: OwnerState, now: datetime) -> Priority:
    """How soon the call is due: why the customer asked, a late order, a repeat contact."""
    last = state.last_contact
    repeat = last is not None and now - last.at <= CONTINUITY_WINDOW
    handover = request.handover
    return priority_for(
        handover.reason if handover else "asked",
        asked_priority=handover.priority if handover else "normal",
        # Past its day and not delivered counts as late, flagged or not.
        delayed_order=any(is_late(order, now.date()) for order in request.orders),
        repeat_contact=repeat,
    )


def _callback(
    request: CallbackRequest,
    agent: Agent,
    when: Schedule,
    priority: Priority,
    continuity: bool,
    now: datetime,
) -> Callback:
    """The callback to store, waiting for its agent, as the customer asked for it."""
    handover = request.handover
    customer = request.customer
    return Callback(
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
        customer_id=customer.customer_id if customer else None,
        first_name=customer.first_name if customer else None,
        context=_context(request, continuity),
        phone_confirmed=request.phone_confirmed,
    )


def _store(
    stores: Stores, settings: Settings, booking: Booking, caller: str, now: datetime
) -> Booking | OpenCallback:
    """Write the booking with its events and counters; without the text past the limit."""
    callback = booking.callback
    no_text = booking.no_text
    limits = settings.daily_limits
    day = local_today(now, settings.service_time_zone)
    booked = tallies(Act.BOOKING, limits, day, caller=caller, phone=callback.phone)
    texts = tallies(Act.TEXT, limits, day, caller=caller, phone=callback.phone)
    texting = callback.channel == "sms"
    while True:  # twice at most: the second time without the text
        callback = replace(callback, texted_at=now if texting else None)
        events = _events(callback, booking.agent, now, texting=texting)
        try:
            stores.callbacks.create(callback, events, [*booked, *(texts if texting else [])])
        except LimitReached as full:
            over_limit(stores, full, now, None, callback.phone)
            texting, no_text = False, NoText.LIMIT
            continue
        except CallbackAlreadyOpen as already:
            tried = replace(booking, callback=callback, no_text=no_text)
            return _already(stores, already, tried)
        except OutcomeUnknown as error:
            log.warning("callback may be stored", extra={"error_type": type(error).__name__})
            raise CallbackUncertain from error
        except StorageError as error:
            log.warning("callback not stored", extra={"error_type": type(error).__name__})
            raise CallbackUnavailable from error
        return replace(booking, callback=callback, no_text=no_text)


def _events(callback: Callback, agent: Agent, now: datetime, *, texting: bool) -> list[OutboxEvent]:
    """The callback requested and assigned: the assignment texts the customer if asked."""
    return [
        OutboxEvent(
            name,
            callback.callback_id,
            now,
            agent.agent_id,
            callback.channel,
            callback.due_at,
            event_id=f"{callback.callback_id}.{name}",
            sms=texting if name == "assigned" else False,
        )
        for name in ("requested", "assigned")
    ]


def _already(
    stores: Stores, already: CallbackAlreadyOpen, booking: Booking
) -> Booking | OpenCallback:
    """The lock was there: another callback is open, or our own retry got through."""
    if already.callback_id == booking.callback.callback_id:
        # Our own earlier attempt (a retry) got through: it is booked.
        return booking
    try:
        existing = in_queue(stores, already.callback_id) if already.callback_id else None
    except StorageError as error:
        raise CallbackUnavailable from error
    if existing is None:
        raise CallbackUnavailable("lock without callback") from already
    return existing


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
    if request.words:
        context["customer_words"] = request.words
    complaint = request.complaint
    if complaint is not None:
        context["complaint"] = {
            "complaint_id": complaint.complaint_id,
            "problem": complaint.problem.value,
            "order_number": complaint.order_number,
            "customer_words": complaint.description,
        }
    return context
