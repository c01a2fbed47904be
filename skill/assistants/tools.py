"""What each MCP tool does for one customer: the voice skill's use-cases, other words.

Every tool calls the use-cases the voice handlers call (the same relevance order, remedy
policy, caps, one-open-callback lock and daily limits), returns the facts as a result
model (the tool's ``outputSchema``) and a short text rendered from the voice templates.
A customer-facing refusal is :class:`Refusal`, whose message an assistant can say.

The voice skill keeps a complaint's offer in the session; an assistant chooses in a
request of its own, so the offer is stored for a day
(:meth:`skill.storage.complaints.ComplaintStore.offer`) and re-checked against the
policy when a remedy is chosen.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal, cast

from pydantic import BaseModel, Field

from skill.handlers.callback_views import CallView, view
from skill.records import Order
from skill.records.callbacks import Callback
from skill.records.complaints import Complaint, ComplaintStatus, ProblemType, RemedyKind
from skill.records.handovers import Handover
from skill.rules.callbacks import Requested, last_digits
from skill.rules.complaints import describe_commitment
from skill.rules.dates import local_today
from skill.rules.orders import (
    OrderView,
    describe,
    heard_as,
    normalise_order_number,
    rank_orders,
)
from skill.rules.remedies import Remedy, decide
from skill.storage.errors import StorageError
from skill.usecases.callback_booking import Booking, CallbackRequest, request_callback
from skill.usecases.callback_changes import cancel
from skill.usecases.callback_limits import LimitRefused
from skill.usecases.callbacks import (
    CallbackUnavailable,
    CallbackUncertain,
    OpenCallback,
    lookup,
    owner_of,
    status,
)
from skill.usecases.complaints import assess, grant, hand_over, history_for
from skill.usecases.grants import GrantRefused
from skill.usecases.privacy import erase, summary

if TYPE_CHECKING:
    from skill.clock import Clock
    from skill.config import Settings
    from skill.records.callbacks import Agent
    from skill.records.complaints import Commitment
    from skill.rules.remedies import RemedyPolicy
    from skill.speech import Renderer
    from skill.storage import Stores

log = logging.getLogger(__name__)

# Assistants speak English unless told otherwise; the words are the voice skill's.
LOCALE = "en-US"
LANGUAGE = "en"
# How long a complaint's offer waits for the customer's choice.
OFFER_LIFETIME = timedelta(days=1)


class Refusal(Exception):
    """Nothing (more) was done; ``message`` is what the assistant tells the customer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- results: each is a tool's outputSchema ----------------------------------------------


class OrderFacts(BaseModel):
    number: str = Field(description="the shop's order number")
    item: str = Field(description="what was ordered, as the shop names it")
    status: Literal["processing", "shipped", "delayed", "delivered", "cancelled"]
    delayed: bool = Field(description="late: past its expected day and not delivered")
    expected_delivery: date | None = Field(
        default=None, description="expected delivery day; None when delivered or unknown"
    )
    originally_expected: date | None = Field(
        default=None, description="for a delayed order: the day first promised"
    )
    delivered_on: date | None = None
    carrier: str | None = None


class OrdersResult(BaseModel):
    orders: list[OrderFacts] = Field(description="most relevant first: delayed orders lead")
    text: str = Field(description="the same answer as a short sentence to say")


class RemedyOption(BaseModel):
    remedy: Literal["refund", "replacement", "shipping_refund", "voucher"]
    amount: str | None = Field(default=None, description="money the customer gets; None: the item")
    currency: str | None = None
    due: date = Field(description="the day it will be done by")


class ComplaintResult(BaseModel):
    complaint_id: str = Field(description="pass to choose_remedy")
    order_number: str
    problem: str
    outcome: Literal["choose_remedy", "with_team"] = Field(
        description="choose_remedy: offer the remedies; with_team: people take it over"
    )
    remedies: list[RemedyOption] = Field(description="what the shop's policy allows now")
    reason: str | None = Field(
        default=None,
        description="why no remedy: not_late, not_delivered, delivered_long_ago, "
        "not_yet_due, cancelled, policy, no_order, over_limit, repeated",
    )
    text: str


class PromiseFacts(BaseModel):
    complaint_id: str
    order_number: str
    item: str | None = None
    remedy: Literal["refund", "replacement", "shipping_refund", "voucher"]
    amount: str | None = None
    currency: str | None = None
    due: date
    state: Literal["promised", "fulfilled", "overdue", "cancelled"]
    by: Literal["skill", "team"] = Field(description="who promised it")


class RemedyResult(BaseModel):
    promise: PromiseFacts
    new: bool = Field(description="False: a retry, or the complaint was settled before")
    retry: bool = Field(
        default=False,
        description="True: this idempotency key's own earlier request granted it",
    )
    text: str


class PromisesResult(BaseModel):
    promises: list[PromiseFacts] = Field(description="newest first")
    complaints_with_team: list[str] = Field(
        description="order numbers of complaints our service team is handling"
    )
    text: str


Channel = Literal["phone", "sms", "email"]


class CallbackFacts(BaseModel):
    callback_id: str
    agent: str = Field(description="the named person who will call")
    due_at: datetime = Field(description="when, in the customer's time zone")
    as_soon_as_possible: bool
    channel: Channel
    phone_ending: str | None = Field(default=None, description="last digits of the number called")
    customers_ahead: int | None = None


class CallbackResult(BaseModel):
    callback: CallbackFacts | None = Field(description="the open call back; None: none")
    new: bool = Field(default=False, description="booked by this request")
    cancelled: bool = False
    text: str


class DataResult(BaseModel):
    first_name: str | None
    complaints: int
    open_promises: int
    callbacks: int
    open_callback: bool
    preferred_channel: str | None
    text: str


class ErasedResult(BaseModel):
    complaints_deleted: int
    promises_kept: int = Field(description="open promises kept, without the customer's name")
    callbacks: int
    text: str


# --- the tools' work --------------------------------------------------------------------


@dataclass(frozen=True)
class Now:
    """The moment of one tool call, for the views that speak of times."""

    now: datetime


class Assistant:
    """The use-cases for the customer a bearer token names."""

    def __init__(
        self,
        stores: Stores,
        settings: Settings,
        renderer: Renderer,
        clock: Clock,
        policy: RemedyPolicy,
    ) -> None:
        self.stores = stores
        self.settings = settings
        self.renderer = renderer
        self.clock = clock
        self.policy = policy

    def _say(self, template: str, /, **data: object) -> str:
        data.setdefault("variant", 0)
        return self.renderer.render(LOCALE, template, **data).text

    def refusal(self, reason: str, /, **data: object) -> Refusal:
        """Nothing was done, for ``reason``: the words of ``assistant_refusal``."""
        data.setdefault("service_phone", self.settings.service_phone)
        return Refusal(self._say("assistant_refusal", reason=reason, **data))

    def _today(self, now: datetime) -> date:
        return local_today(now, self.settings.time_zone_for(LOCALE))

    # Orders ------------------------------------------------------------------------

    def list_orders(self, customer_id: str) -> OrdersResult:
        now = self.clock()
        today = self._today(now)
        ranked = rank_orders(self.stores.orders.account(customer_id).orders, today)
        return self._orders(ranked, today, missing=None)

    def order_status(self, customer_id: str, order_number: str) -> OrdersResult:
        number = normalise_order_number(str(order_number))
        if number is None:
            raise self.refusal("not_an_order_number")
        now = self.clock()
        today = self._today(now)
        ranked = rank_orders(self.stores.orders.account(customer_id).orders, today)
        wanted = [order for order in ranked if heard_as(order.number, number)]
        if not wanted:
            raise Refusal(self._say_orders([], missing=number))
        return self._orders(wanted, today, missing=None)

    def _orders(self, ranked: list[Order], today: date, missing: str | None) -> OrdersResult:
        facts = [_order_facts(order, today) for order in ranked]
        if not ranked:
            return OrdersResult(orders=[], text=self._say("no_orders", name=None))
        views = [describe(order, today, LANGUAGE) for order in ranked]
        return OrdersResult(orders=facts, text=self._say_orders(views, missing=missing))

    def _say_orders(self, views: list[OrderView], missing: str | None) -> str:
        """The voice answer, all of it at once and without its follow-up question."""
        return self._say(
            "order_status",
            views=views,
            remaining=0,
            missing=missing,
            missing_item=None,
            offer=None,
            follow_up=False,
        )

    # Complaints --------------------------------------------------------------------

    def file_complaint(
        self, customer_id: str, order_number: str, problem: str, description: str
    ) -> ComplaintResult:
        now = self.clock()
        today = self._today(now)
        kind = ProblemType(problem)
        order = self._own_order(customer_id, order_number)
        # One complaint per customer, order, problem and day: filing again is the same one.
        conversation = f"assistant:{customer_id}:{today.isoformat()}"
        assessment = assess(
            self.stores,
            self.policy,
            session_id=conversation,
            problem=kind,
            order=order,
            today=today,
        )
        decision = assessment.decision
        complaint_id = assessment.complaint_id
        words = description.strip()
        if decision.ineligible is not None or decision.escalation is not None:
            hand_over(
                self.stores,
                complaint_id=complaint_id,
                customer_id=customer_id,
                order=order,
                problem=kind,
                description=words,
                now=now,
                locale=LOCALE,
            )
            reason = (
                decision.ineligible.value
                if decision.ineligible is not None
                else decision.escalation.cause.value  # type: ignore[union-attr]
            )
            view_ = describe(order, today, LANGUAGE)
            if decision.ineligible is not None:
                text = self._say(
                    "complaint_not_eligible", problem=kind.value, reason=reason, order=view_
                )
            else:
                text = self._say(
                    "complaint_escalated", cause=reason, problem=kind.value, order=view_
                )
            return ComplaintResult(
                complaint_id=complaint_id,
                order_number=order.number,
                problem=kind.value,
                outcome="with_team",
                remedies=[],
                reason=reason,
                text=text,
            )
        complaint = Complaint(
            complaint_id=complaint_id,
            customer_id=customer_id,
            order_number=order.number,
            problem=kind,
            description=words,
            status=ComplaintStatus.WITH_TEAM,
            created_at=now,
            locale=LOCALE,
        )
        self.stores.complaints.offer(complaint, now + OFFER_LIFETIME)
        text = self._say(
            "complaint_remedies",
            problem=kind.value,
            item=order.item_for(LANGUAGE),
            remedies=list(decision.remedies),
            again=False,
        )
        return ComplaintResult(
            complaint_id=complaint_id,
            order_number=order.number,
            problem=kind.value,
            outcome="choose_remedy",
            remedies=[_option(remedy) for remedy in decision.remedies],
            text=text,
        )

    def choose_remedy(
        self, customer_id: str, complaint_id: str, remedy: str, idempotency_key: str
    ) -> RemedyResult:
        now = self.clock()
        today = self._today(now)
        offer = self.stores.complaints.offered(complaint_id.strip())
        if offer is None or offer.complaint.customer_id != customer_id:
            raise self.refusal("complaint_not_found")
        complaint = offer.complaint
        order = self._own_order(customer_id, complaint.order_number or "")
        stored = self.stores.complaints.get(complaint.complaint_id)
        if stored is not None and stored[1] is not None:
            # Granted before: the same promise, never a second one.
            granted = self._granted(stored[1], [order], today, new=False)
            return granted.model_copy(update={"retry": offer.chosen_with == idempotency_key})
        if stored is not None:
            raise self.refusal("with_team")
        kind = RemedyKind(remedy)
        # What may be granted is decided again now, from the stored order.
        decision = decide(self.policy, complaint.problem, order, 0, today)
        chosen = decision.remedy(kind)
        if chosen is None:
            offered = [r.kind.value for r in decision.remedies]
            raise self.refusal("remedy_not_offered", offered=offered)
        try:
            recorded = grant(
                self.stores,
                complaint_id=complaint.complaint_id,
                order=order,
                problem=complaint.problem,
                description=complaint.description,
                remedy=chosen,
                now=now,
                locale=LOCALE,
                cap=self.policy.skill_cap,
            )
        except GrantRefused as refused:
            log.info("grant refused: %s", refused.refusal.value)
            hand_over(
                self.stores,
                complaint_id=complaint.complaint_id,
                customer_id=customer_id,
                order=order,
                problem=complaint.problem,
                description=complaint.description,
                now=now,
                locale=LOCALE,
            )
            raise self.refusal("over_limit") from refused
        if recorded.commitment is None:
            raise self.refusal("with_team")
        if recorded.new:
            self.stores.complaints.chosen(complaint.complaint_id, idempotency_key)
        return self._granted(recorded.commitment, [order], today, new=recorded.new)

    def _granted(
        self, commitment: Commitment, orders: list[Order], today: date, *, new: bool
    ) -> RemedyResult:
        view_ = describe_commitment(commitment, orders, today, LANGUAGE)
        return RemedyResult(
            promise=_promise_facts(commitment, orders, today),
            new=new,
            text=self._say("complaint_granted", commitment=view_),
        )

    def list_promises(self, customer_id: str) -> PromisesResult:
        now = self.clock()
        today = self._today(now)
        orders = self.stores.orders.account(customer_id).orders
        history = history_for(self.stores, customer_id)
        newest = list(reversed(history.commitments))
        with_team = [
            c for c in reversed(history.complaints) if c.status is ComplaintStatus.WITH_TEAM
        ]
        by_number = {order.number: order for order in orders}
        text = self._say(
            "commitments",
            promises=[describe_commitment(c, orders, today, LANGUAGE) for c in newest[:2]],
            with_team=[
                describe(by_number[c.order_number], today, LANGUAGE)
                if c.order_number in by_number
                else None
                for c in with_team[: max(0, 2 - min(len(newest), 2))]
            ],
            more=max(0, len(newest) - 2),
            call=None,
        )
        return PromisesResult(
            promises=[_promise_facts(c, orders, today) for c in newest],
            complaints_with_team=[c.order_number for c in with_team if c.order_number],
            text=text,
        )

    def _own_order(self, customer_id: str, order_number: str) -> Order:
        number = normalise_order_number(str(order_number))
        if number is None:
            raise self.refusal("not_an_order_number")
        orders = self.stores.orders.account(customer_id).orders
        order = next((o for o in orders if o.number == number), None)
        if order is None:
            raise self.refusal("unknown_order", number=number)
        return order

    # Callbacks ---------------------------------------------------------------------

    def request_callback(
        self,
        customer_id: str,
        reason: str,
        preferred_time: str | None,
        channel: str | None,
    ) -> CallbackResult:
        now = self.clock()
        owner = owner_of(customer_id, "")
        requested = _requested(preferred_time)
        if requested is None:
            raise self.refusal("unreadable_time")
        try:
            state, existing = lookup(self.stores, owner)
            if existing is not None:
                return self._callback_told(existing, now, "callback_existing")
            account = self.stores.orders.account(customer_id)
        except StorageError as error:
            raise self._callback_failed() from error
        customer = account.customer
        chosen = channel or state.channel or "phone"
        email = customer.email if customer else None
        if chosen == "email" and not email:
            chosen = "phone"
        phone = customer.phone if customer else None
        if chosen != "email" and not phone:
            raise self.refusal("no_phone")
        request = CallbackRequest(
            request_id=f"assistant-{uuid.uuid4()}",
            owner=owner,
            locale=LOCALE,
            language=LANGUAGE,
            time_zone=self.settings.time_zone_for(LOCALE),
            channel=chosen,
            requested=requested,
            caller=f"assistant:{customer_id}",
            phone=phone,
            email=email,
            customer=customer,
            orders=account.orders,
            handover=Handover(reason="asked"),
            words=reason.strip()[:500] or None,
        )
        try:
            result = request_callback(self.stores, self.settings, request, now, state)
        except CallbackUncertain as error:
            raise self._callback_failed("callback_uncertain") from error
        except CallbackUnavailable as error:
            raise self._callback_failed() from error
        except LimitRefused as refused:
            raise self.refusal("callback_limit") from refused
        if isinstance(result, OpenCallback):
            return self._callback_told(result, now, "callback_existing")
        return self._booked(result, now)

    def _booked(self, booking: Booking, now: datetime) -> CallbackResult:
        call = view(Now(now), booking.callback, booking.agent, continuity=booking.continuity)
        text = self._say(
            "callback_confirmed",
            call=call,
            moved=booking.schedule.moved,
            asap=booking.schedule.asap,
            no_email=False,
            no_text=booking.no_text,
        )
        return CallbackResult(
            callback=_callback_facts(booking.callback, booking.agent, None),
            new=True,
            text=text,
        )

    def callback_status(self, customer_id: str) -> CallbackResult:
        now = self.clock()
        try:
            found = status(self.stores, owner_of(customer_id, ""))
        except StorageError as error:
            raise self._callback_failed() from error
        if found is None:
            return CallbackResult(callback=None, text=self._say("callback_none"))
        return self._callback_told(found, now, "callback_status")

    def _callback_told(self, found: OpenCallback, now: datetime, template: str) -> CallbackResult:
        call: CallView = view(Now(now), found.callback, found.agent)
        text = self._say(template, call=call, ahead=found.ahead)
        return CallbackResult(
            callback=_callback_facts(found.callback, found.agent, found.ahead), text=text
        )

    def cancel_callback(self, customer_id: str) -> CallbackResult:
        now = self.clock()
        try:
            found = status(self.stores, owner_of(customer_id, ""))
            if found is None:
                return CallbackResult(
                    callback=None, text=self._say("callback_cancelled", nothing_booked=True)
                )
            done = cancel(
                self.stores,
                self.settings,
                found.callback,
                now,
                caller=f"assistant:{customer_id}",
            )
        except (StorageError, CallbackUnavailable) as error:
            raise self._callback_failed() from error
        text = self._say("callback_cancelled", nothing_booked=False, cancelled=done)
        return CallbackResult(callback=None, cancelled=done, text=text)

    def _callback_failed(self, template: str = "callback_failed") -> Refusal:
        return Refusal(self._say(template, service_phone=self.settings.service_phone))

    # Privacy -----------------------------------------------------------------------

    def what_do_you_know(self, customer_id: str) -> DataResult:
        known = summary(self.stores, customer_id, f"assistant:{customer_id}")
        return DataResult(
            first_name=known.first_name,
            complaints=known.complaints,
            open_promises=known.open_promises,
            callbacks=known.callbacks,
            open_callback=known.open_callback,
            preferred_channel=known.channel,
            text=self._say("my_data", known=known),
        )

    def delete_my_data(self, customer_id: str, confirm: bool) -> ErasedResult:
        if not confirm:
            raise self.refusal("not_confirmed")
        erased = erase(self.stores, customer_id, None, self.clock())
        return ErasedResult(
            complaints_deleted=erased.complaints_deleted,
            promises_kept=erased.promises_kept,
            callbacks=erased.callbacks,
            text=self._say("erased", erased=erased),
        )


_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?$", re.IGNORECASE)


def _requested(preferred: str | None) -> Requested | None:
    """``preferred_time``: empty or "asap", a duration ("PT2H"), or a local date and
    time ("2026-12-01T10:00"), as the voice skill's slots would carry them; None when
    it is none of these."""
    said = (preferred or "").strip()
    if not said or said.lower() in ("asap", "now", "as soon as possible"):
        return Requested()
    if _DURATION.match(said):
        return Requested.from_slots(None, None, said.upper())
    day, _, clock = said.partition("T")
    try:
        date.fromisoformat(day)
        requested = Requested.from_slots(day, clock[:5] or None)
    except ValueError:
        requested = Requested()
    return None if requested.asap else requested


def _order_facts(order: Order, today: date) -> OrderFacts:
    from skill.rules.orders import as_of

    now = as_of(order, today)
    return OrderFacts(
        number=now.number,
        item=now.item_for(LANGUAGE),
        status=now.status.value,
        delayed=now.status.value == "delayed",
        expected_delivery=now.estimated_delivery if now.status.value != "delivered" else None,
        originally_expected=now.original_estimate if now.status.value == "delayed" else None,
        delivered_on=now.delivered_on if now.status.value == "delivered" else None,
        carrier=now.carrier if now.status.value in ("shipped", "delayed") else None,
    )


def _option(remedy: Remedy) -> RemedyOption:
    return RemedyOption(
        remedy=remedy.kind.value,
        amount=str(remedy.amount.amount) if remedy.amount else None,
        currency=remedy.amount.currency if remedy.amount else None,
        due=remedy.due,
    )


def _promise_facts(commitment: Commitment, orders: list[Order], today: date) -> PromiseFacts:
    view_ = describe_commitment(commitment, orders, today, LANGUAGE)
    return PromiseFacts(
        complaint_id=commitment.complaint_id,
        order_number=commitment.order_number,
        item=view_.item,
        remedy=commitment.kind.value,
        amount=str(commitment.amount.amount) if commitment.amount else None,
        currency=commitment.amount.currency if commitment.amount else None,
        due=commitment.due,
        state=view_.status.value,
        by="skill" if commitment.owner.value == "skill" else "team",
    )


def _callback_facts(callback: Callback, agent: Agent | None, ahead: int | None) -> CallbackFacts:
    from skill.rules.dates import zone

    return CallbackFacts(
        callback_id=callback.callback_id,
        agent=agent.name if agent else callback.agent_name,
        due_at=callback.due_at.astimezone(zone(callback.time_zone)),
        as_soon_as_possible=callback.asap,
        channel=cast("Channel", callback.channel),
        phone_ending=last_digits(callback.phone) if callback.phone else None,
        customers_ahead=ahead,
    )
