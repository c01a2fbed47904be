"""Use-cases of the callback: book one with a named person, tell it, change it, cancel it.

The handlers gather what the customer said; these functions apply the rules in
:mod:`skill.rules.callbacks` to what the stores hold and write the result. A callback is
only reported as booked after the transaction that stores it has succeeded.

Bookings, moves and texts count against the daily limits of :mod:`skill.rules.limits`
in the same transaction: a booking or move over its limit raises :class:`LimitRefused`
with nothing stored, a text over its limit is left out. Either is written to the audit
trail, with no more of the number than its last two digits.
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
    last_digits,
    loads,
    median_minutes,
    priority_for,
    schedule,
    wait_estimate,
)
from skill.rules.dates import local_today, zone
from skill.rules.limits import (
    NOTICE_INTERVAL,
    Act,
    Subject,
    Tally,
    may_text,
    notice_due,
    tallies,
    text_due,
)
from skill.storage.callbacks import CallbackAlreadyOpen, CallbackChanged, OwnerState
from skill.storage.errors import StorageError
from skill.storage.limits import LimitReached
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
# Who the audit trail names for what the skill refused on its own.
AUDITOR = "skill"


class CallbackUnavailable(Exception):
    """The callback could not be stored (or nobody could be assigned): say so."""


class LimitRefused(Exception):
    """A daily limit is reached: nothing was stored, and the customer hears why."""

    def __init__(self, act: Act, subject: Subject) -> None:
        super().__init__(f"{act.value} limit per {subject.value}")
        self.act = act
        self.subject = subject


class NoText:
    """Why a customer who chose SMS gets no text about a booking or a move."""

    UNCONFIRMED = "unconfirmed"  # a number nobody confirmed: a call instead
    LIMIT = "limit"  # the number (or caller) had the day's texts
    RECENT = "recent"  # a change was told within the hour


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


@dataclass(frozen=True)
class Move:
    """A call back moved: as it is now, when, and why no text tells of it (NoText)."""

    callback: Callback
    schedule: Schedule
    no_text: str | None = None


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
        phone_confirmed=request.phone_confirmed,
    )
    callback, no_text = _textable(callback, settings)
    limits = settings.daily_limits
    day = local_today(now, settings.service_time_zone)
    booking = tallies(Act.BOOKING, limits, day, caller=request.caller, phone=callback.phone)
    texts = tallies(Act.TEXT, limits, day, caller=request.caller, phone=callback.phone)
    texting = callback.channel == "sms"
    while True:  # twice at most: the second time without the text
        callback = replace(callback, texted_at=now if texting else None)
        events = [
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
        try:
            stores.callbacks.create(callback, events, [*booking, *(texts if texting else [])])
        except LimitReached as full:
            _over(stores, full, now, None, callback.phone)
            texting, no_text = False, NoText.LIMIT
            continue
        except CallbackAlreadyOpen as already:
            return _already(stores, already, callback, agent, when, wait, continuity, no_text)
        except StorageError as error:
            log.warning("callback not stored", extra={"error_type": type(error).__name__})
            raise CallbackUnavailable from error
        return Booking(callback, agent, when, wait, continuity, new=True, no_text=no_text)


def _already(
    stores: Stores,
    already: CallbackAlreadyOpen,
    callback: Callback,
    agent: Agent,
    when: Schedule,
    wait: timedelta,
    continuity: bool,
    no_text: str | None,
) -> Booking | OpenCallback:
    """The lock was there: another callback is open, or our own retry got through."""
    if already.callback_id == callback.callback_id:
        # Our own earlier attempt (a retry) got through: it is booked.
        return Booking(callback, agent, when, wait, continuity, new=True, no_text=no_text)
    try:
        existing = _open(stores, already.callback_id) if already.callback_id else None
    except StorageError as error:
        raise CallbackUnavailable from error
    if existing is None:
        raise CallbackUnavailable("lock without callback") from already
    return existing


def _textable(callback: Callback, settings: Settings) -> tuple[Callback, str | None]:
    """The callback by phone instead of SMS if its number may not be texted."""
    if callback.channel != "sms" or may_text(
        callback, unconfirmed_allowed=settings.text_unconfirmed
    ):
        return callback, None
    return replace(callback, channel="phone"), NoText.UNCONFIRMED


def _over(
    stores: Stores, full: LimitReached, now: datetime, callback_id: str | None, phone: str | None
) -> None:
    """A write found a counter full: LimitRefused for a booking or move, nothing stored.

    Only the day's texts used up: the caller makes the write again without the text.
    Either way the audit trail records it.
    """
    refused = [tally for tally in full.reached if tally.act is not Act.TEXT]
    reached = refused[0] if refused else full.reached[0]
    _audit(stores, now, reached, callback_id, phone, refused=bool(refused))
    if refused:
        raise LimitRefused(reached.act, reached.subject) from full


def _audit(
    stores: Stores,
    now: datetime,
    tally: Tally,
    callback_id: str | None,
    phone: str | None,
    *,
    refused: bool,
) -> None:
    """The refusal in the audit trail: what, which limit, the number's last two digits."""
    what = f"{tally.act.value} refused" if refused else "text left out"
    detail = f"{what}: {tally.limit} a day per {tally.subject.value}"
    if phone:
        detail += f", number ending in {last_digits(phone)}"
    log.info("daily limit reached", extra={"reason": f"{tally.act.value}_{tally.subject.value}"})
    # Loaded by the first refusal: a launch's cold start needs no audit code.
    from skill.storage.audit import AuditEntry

    try:
        stores.audit.record(AuditEntry(now, AUDITOR, "limit_reached", callback_id, detail))
    except StorageError as error:
        # The customer is told either way; a lost audit line must not turn into a failure.
        log.warning("limit not audited", extra={"error_type": type(error).__name__})


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


def cancel(
    stores: Stores, settings: Settings, callback: Callback, now: datetime, *, caller: str
) -> bool:
    """Cancel; False if it had already been closed by someone else.

    Never refused: only the text telling of it counts against the day's texts, and is
    left out when they are used up.
    """
    texting = callback.channel == "sms" and may_text(
        callback, unconfirmed_allowed=settings.text_unconfirmed
    )
    day = local_today(now, settings.service_time_zone)
    texts = tallies(Act.TEXT, settings.daily_limits, day, caller=caller, phone=callback.phone)
    while True:  # twice at most: the second time without the text
        event = OutboxEvent(
            "cancelled",
            callback.callback_id,
            now,
            callback.agent_id,
            callback.channel,
            now,
            sms=texting,
        )
        try:
            stores.callbacks.cancel(callback, now, [event], texts if texting else [])
        except LimitReached as full:
            _over(stores, full, now, callback.callback_id, callback.phone)
            texting = False
            continue
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
    caller: str,
    channel: str | None = None,
    phone: str | None = None,
    phone_confirmed: bool = True,
    email: str | None = None,
) -> Move:
    """Move an open callback to a new time and/or channel or number; it keeps its agent.

    Raises LimitRefused when the caller or the number moved call backs as often as a day
    allows (nothing is stored), CallbackUnavailable when it cannot be stored or was
    closed meanwhile. The team and the customer hear of a move at most once an hour.
    """
    wait = timedelta(minutes=5) if requested.asap else timedelta(0)
    when = schedule(
        now,
        requested,
        wait,
        ServiceHours.parse(settings.service_hours),
        zone(settings.service_time_zone),
        zone(callback.time_zone),
    )
    if requested.asap and (channel is not None or phone is not None):
        # Only the channel or the number changes: the time stays.
        when = Schedule(at=callback.due_at, asap=callback.asap, moved=False)
    day = local_today(now, settings.service_time_zone)
    limits = settings.daily_limits
    text_allowed = True
    base = callback
    for _attempt in range(3):
        changed = replace(
            base,
            due_at=when.at,
            asap=when.asap,
            channel=channel or base.channel,
            phone=phone or base.phone,
            phone_confirmed=phone_confirmed if phone else base.phone_confirmed,
            email=email or base.email,
        )
        changed, no_text = _textable(changed, settings)
        # Told at most once an hour: the team of a move, the customer by text.
        noticed = notice_due(base, now)
        texting = text_allowed and changed.channel == "sms" and text_due(base, now)
        # What this move sets, on condition that no other device set it within the hour.
        told = [name for name, yes in (("noticed_at", noticed), ("texted_at", texting)) if yes]
        quiet = dict.fromkeys(told, now - NOTICE_INTERVAL)
        changed = replace(
            changed,
            noticed_at=now if noticed else base.noticed_at,
            texted_at=now if texting else base.texted_at,
        )
        events = []
        if noticed or texting:
            events.append(
                OutboxEvent(
                    "rescheduled",
                    callback.callback_id,
                    now,
                    callback.agent_id,
                    changed.channel,
                    when.at,
                    sms=texting,
                    team=noticed,
                )
            )
        counted = tallies(Act.RESCHEDULE, limits, day, caller=caller, phone=changed.phone)
        if texting:
            counted += tallies(Act.TEXT, limits, day, caller=caller, phone=changed.phone)
        try:
            stores.callbacks.reschedule(changed, events, counted, quiet=quiet)
        except LimitReached as full:
            _over(stores, full, now, callback.callback_id, changed.phone)
            text_allowed = False
            continue
        except CallbackChanged as error:
            # Closed, or moved and told by another device meanwhile: look again.
            base = _reread(stores, callback.callback_id, error)
            continue
        except StorageError as error:
            raise CallbackUnavailable from error
        if no_text is None and changed.channel == "sms" and not texting:
            no_text = NoText.LIMIT if not text_allowed else NoText.RECENT
        return Move(changed, when, no_text)
    raise CallbackUnavailable("changed meanwhile, again and again")


def _reread(stores: Stores, callback_id: str, error: CallbackChanged) -> Callback:
    """The callback again after a write found it changed; CallbackUnavailable if closed."""
    try:
        fresh = stores.callbacks.get(callback_id)
    except StorageError as failure:
        raise CallbackUnavailable from failure
    if fresh is None or not fresh.is_open:
        raise CallbackUnavailable("closed meanwhile") from error
    return fresh
