"""A call back from a named human: asked for from anywhere, told, changed and cancelled.

"Talk to a person" is its own intent, so it wins over any open dialogue (an order
verification, a complaint being told): Alexa switches intents, and this handler does
not care what was asked before, except to pass the context on to the agent.

What is being collected lives in the session (:class:`skill.handlers.dialogue.CallbackWish`)
through the turns that ask for a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.adapters import alexa_api
from skill.handlers.dialogue import Awaiting, CallbackWish, Dialogue
from skill.handlers.handover import offer_callback
from skill.handlers.turn import ServiceHandler, Turn
from skill.records import Agent, Callback, Complaint, Customer, Handover, Order
from skill.rules.callbacks import Requested, last_digits, normalise_phone
from skill.rules.dates import Day, relative_day, zone
from skill.storage import STORAGE_ERRORS
from skill.storage.callbacks import OwnerState
from skill.storage.orders import Account
from skill.usecases.callbacks import (
    Booking,
    CallbackRequest,
    CallbackUnavailable,
    OpenCallback,
    callback_id_for,
    cancel,
    lookup,
    open_callback,
    owner_of,
    replay,
    request_callback,
    reschedule,
    status,
    still_open,
)
from skill.usecases.orders import identify

INTENT = "CallbackIntent"
CHANNELS = ("phone", "sms", "email")
# Yes/no questions about a call back.
QUESTIONS = frozenset(
    {
        Awaiting.CALLBACK_OFFER,
        Awaiting.CALLBACK_NUMBER,
        Awaiting.CALLBACK_CANCEL,
        Awaiting.CALLBACK_CHANGE,
    }
)
SLOTS = ("time", "day", "channel", "phoneNumber")


@dataclass(frozen=True)
class CallTime:
    """When, as the customer hears it: minutes from now, or a day and a clock time."""

    in_minutes: int | None
    day: Day
    hour: int
    minute: int


@dataclass(frozen=True)
class CallView:
    """A booked call back as the templates speak it."""

    agent: str  # first name, as spoken
    agent_full: str
    direct_line: str
    agent_email: str
    channel: str
    digits: str
    time: CallTime
    continuity: bool = False


def call_time(turn: Turn, at: datetime, asap: bool, time_zone: str) -> CallTime:
    local = at.astimezone(zone(time_zone))
    minutes = max(0, round((at - turn.now).total_seconds() / 60))
    today = turn.now.astimezone(zone(time_zone)).date()
    return CallTime(
        in_minutes=minutes if asap and minutes <= 90 else None,
        day=relative_day(local.date(), today),
        hour=local.hour,
        minute=local.minute,
    )


def view(
    turn: Turn, callback: Callback, agent: Agent | None, *, continuity: bool = False
) -> CallView:
    """The callback as templates speak it; ``agent`` is None if they left the team since."""
    return CallView(
        agent=agent.first_name if agent else callback.agent_name.split(" ")[0],
        agent_full=agent.name if agent else callback.agent_name,
        direct_line=agent.direct_line if agent else "",
        agent_email=agent.email if agent else "",
        channel=callback.channel,
        digits=last_digits(callback.phone or ""),
        time=call_time(turn, callback.due_at, callback.asap, callback.time_zone),
        continuity=continuity,
    )


class CallbackFlow:
    """The steps of one callback turn, shared by the intent and the yes-answers."""

    def __init__(self, handler_input: HandlerInput, turn: Turn) -> None:
        self.input = handler_input
        self.turn = turn
        self.services = turn.services
        self.stores = turn.services.stores
        self.customer_id = identify(turn.services.identity, turn.access_token)
        self.owner = owner_of(self.customer_id, turn.user_id)
        # What is being collected survives the turns that ask for a number.
        self.wish: CallbackWish = turn.dialogue.callback_wish

    def collect_slots(self) -> None:
        self.wish.time = self.turn.slot("time") or self.wish.time
        self.wish.day = self.turn.slot("day") or self.wish.day
        self.wish.channel = self._channel_slot() or self.wish.channel

    def _channel_slot(self) -> str | None:
        spoken = self.turn.slot_id("channel")
        if spoken is None or spoken in CHANNELS:
            return spoken
        # Words Alexa did not resolve: the closest channel by what they say.
        lowered = spoken.lower()
        if "text" in lowered or "sms" in lowered or "nachricht" in lowered:
            return "sms"
        return "email" if "mail" in lowered else "phone"

    @property
    def requested(self) -> Requested:
        return Requested.from_slots(self.wish.day, self.wish.time)

    # The request ------------------------------------------------------------------

    def request(self) -> Response:
        """Book a callback, or tell the open one, or ask for what is missing."""
        try:
            state, existing = lookup(self.stores, self.owner)
            if existing is not None:
                again = (
                    replay(existing) if existing.callback.callback_id == self._own_id() else None
                )
                return self.confirm(again, False) if again else self.change_or_tell(existing)
            account = self.stores.orders.account(self.customer_id) if self.customer_id else None
        except STORAGE_ERRORS:
            return self.failed()
        customer = account.customer if account else None
        channel = self.wish.channel or state.channel or "phone"
        no_email = False
        email = None
        if channel == "email":
            email = customer.email if customer else None
            if not email:
                channel, no_email = "phone", True
        phone = self.wish.phone if self.wish.confirmed else None
        phone = phone or alexa_api.mobile_number(self.input)
        phone = phone or (customer.phone if customer else None)
        if channel != "email" and not phone:
            return self.ask_number(retry=False)
        orders = account.orders if account else []
        return self.book(state, channel, phone, email, customer, orders, no_email)

    def _complaint(self, handover: Handover | None) -> Complaint | None:
        """The complaint behind the offer, so the agent reads the customer's own words."""
        if handover is None or not handover.complaint_id:
            return None
        found = self.stores.complaints.get(handover.complaint_id)
        return found[0] if found else None

    def _own_id(self) -> str:
        return callback_id_for(self._request_id())

    def _request_id(self) -> str:
        return str(getattr(self.turn.request, "request_id", "") or self.turn.now.isoformat())

    def book(
        self,
        state: OwnerState,
        channel: str,
        phone: str | None,
        email: str | None,
        customer: Customer | None,
        orders: list[Order],
        no_email: bool,
    ) -> Response:
        turn = self.turn
        handover = turn.dialogue.handover
        request = CallbackRequest(
            request_id=self._request_id(),
            owner=self.owner,
            locale=turn.locale,
            language=turn.language,
            time_zone=alexa_api.time_zone(self.input)
            or self.services.settings.time_zone_for(turn.locale),
            channel=channel,
            requested=self.requested,
            phone=phone,
            email=email,
            customer=customer,
            orders=orders,
            handover=handover,
            misunderstandings=turn.dialogue.misunderstandings,
            complaint=self._complaint(handover),
        )
        try:
            result = request_callback(self.stores, self.services.settings, request, turn.now, state)
        except CallbackUnavailable:
            return self.failed()
        self._forget()
        if isinstance(result, OpenCallback):
            return self.change_or_tell(result)
        return self.confirm(result, no_email)

    def confirm(self, booking: Booking, no_email: bool) -> Response:
        turn = self.turn
        call = view(turn, booking.callback, booking.agent, continuity=booking.continuity)
        if booking.schedule.moved:
            turn.dialogue.wait_for(Awaiting.CALLBACK_CHANGE)
            turn.dialogue.callback_id = booking.callback.callback_id
        return turn.answer(
            "callback_confirmed",
            call=call,
            moved=booking.schedule.moved,
            asap=booking.schedule.asap,
            no_email=no_email,
        )

    def change_or_tell(self, existing: OpenCallback) -> Response:
        """Asked again: change time or channel if the customer said one, else tell it."""
        turn = self.turn
        callback = existing.callback
        wants_change = self.turn.slot("time") or self.turn.slot("day") or self._channel_slot()
        spoken_phone = normalise_phone(self.turn.slot("phoneNumber"))
        if wants_change or spoken_phone:
            self.collect_slots()
            channel = self.wish.channel
            if channel == "email":
                channel = None  # an e-mail address comes from the account; keep the channel
            try:
                changed, when = reschedule(
                    self.stores,
                    self.services.settings,
                    callback,
                    self.requested,
                    turn.now,
                    channel=channel,
                    phone=spoken_phone,
                )
            except CallbackUnavailable:
                return self.failed()
            self._forget()
            return turn.answer(
                "callback_rescheduled", call=view(turn, changed, existing.agent), moved=when.moved
            )
        turn.dialogue.wait_for(Awaiting.CALLBACK_CHANGE)
        turn.dialogue.callback_id = callback.callback_id
        return turn.answer("callback_existing", call=view(turn, callback, existing.agent))

    # The phone number ----------------------------------------------------------------

    def ask_number(self, *, retry: bool) -> Response:
        turn = self.turn
        self._remember()
        keep = {
            "time": self.wish.time,
            "day": self.wish.day,
            "channel": self.wish.channel,
            "phoneNumber": None,
        }
        response = turn.elicit(
            INTENT, Awaiting.PHONE_NUMBER, "callback_need_number", keep, retry=retry
        )
        if not retry:
            response.card = AskForPermissionsConsentCard(
                permissions=[alexa_api.MOBILE_NUMBER_PERMISSION]
            )
        return response

    def number_given(self, spoken: str | None) -> Response:
        number = normalise_phone(spoken)
        if number is None:
            return self.ask_number(retry=True)
        self.wish.phone = number
        self.wish.confirmed = False
        self._remember()
        self.turn.dialogue.wait_for(Awaiting.CALLBACK_NUMBER)
        return self.turn.answer("callback_confirm_number", digits=last_digits(number))

    def _remember(self) -> None:
        self.turn.dialogue.remember(self.wish)

    def _forget(self) -> None:
        self.turn.dialogue.forget_callback()

    def existing(self) -> OpenCallback | Response | None:
        """The open callback, none, or (storage failing) the honest answer to give."""
        try:
            return status(self.stores, self.owner)
        except STORAGE_ERRORS:
            return self.failed()

    def failed(self) -> Response:
        # Nothing was stored, so nothing is promised: the phone line instead.
        return self.turn.answer(
            "callback_failed", service_phone=self.services.settings.service_phone
        )


class RequestCallbackHandler(ServiceHandler):
    """ "Talk to a person", "call me back tomorrow at ten", "text me instead", a number."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(INTENT)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        flow = CallbackFlow(handler_input, turn)
        spoken_phone = turn.slot("phoneNumber")
        if spoken_phone and turn.dialogue.awaiting is Awaiting.PHONE_NUMBER:
            flow.collect_slots()
            return flow.number_given(spoken_phone)
        flow.collect_slots()
        if spoken_phone and not flow.wish.phone:
            number = normalise_phone(spoken_phone)
            if number:
                # "Call me on 555…" in one go: read it back before relying on it.
                return flow.number_given(spoken_phone)
        return flow.request()


class CallbackAnswerHandler(ServiceHandler):
    """Yes or no to a question about a callback."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        answered = Dialogue.of(handler_input).awaiting
        return answered in QUESTIONS and bool(
            is_intent_name("AMAZON.YesIntent")(handler_input)
            or is_intent_name("AMAZON.NoIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        yes = bool(is_intent_name("AMAZON.YesIntent")(handler_input))
        flow = CallbackFlow(handler_input, turn)
        question = turn.dialogue.awaiting
        if question is Awaiting.CALLBACK_OFFER:
            return flow.request() if yes else turn.answer("callback_declined")
        if question is Awaiting.CALLBACK_NUMBER:
            if not yes:
                flow.wish.phone = None
                return flow.ask_number(retry=False)
            flow.wish.confirmed = True
            turn.dialogue.remember(flow.wish)
            return flow.request()
        existing = status(self.services.stores, flow.owner)
        wanted = turn.dialogue.take_callback_id()
        if existing is None or existing.callback.callback_id != wanted or not yes:
            return turn.answer("callback_kept", end_session=True)
        if question is Awaiting.CALLBACK_CANCEL:
            try:
                cancelled = cancel(self.services.stores, existing.callback, turn.now)
            except CallbackUnavailable:
                return flow.failed()
            return turn.answer("callback_cancelled", cancelled=cancelled, nothing_booked=False)
        keep: dict[str, str | None] = dict.fromkeys(SLOTS)
        turn.dialogue.callback_id = existing.callback.callback_id
        return turn.elicit(INTENT, Awaiting.TIME, "callback_ask_time", keep)


class CallbackStatusHandler(ServiceHandler):
    """ "When will I get my call?", "who is calling me?" """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("CallbackStatusIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        flow = CallbackFlow(handler_input, turn)
        existing = flow.existing()
        if isinstance(existing, Response):
            return existing
        if existing is None:
            return offer_callback(turn, "callback_none", Handover(reason="asked"))
        return turn.answer(
            "callback_status",
            call=view(turn, existing.callback, existing.agent),
            ahead=existing.ahead,
        )


class CancelCallbackHandler(ServiceHandler):
    """ "Cancel my callback", "ruf mich doch nicht an": asks before cancelling."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("CancelCallbackIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        flow = CallbackFlow(handler_input, turn)
        existing = flow.existing()
        if isinstance(existing, Response):
            return existing
        if existing is None:
            return turn.answer("callback_cancelled", cancelled=False, nothing_booked=True)
        turn.dialogue.wait_for(Awaiting.CALLBACK_CANCEL)
        turn.dialogue.callback_id = existing.callback.callback_id
        return turn.answer(
            "callback_cancel_confirm", call=view(turn, existing.callback, existing.agent)
        )


def open_callback_view(turn: Turn, account: Account | None) -> CallView | None:
    """For the launch greeting: the open callback of the linked customer whose
    ``account`` was read (its query brings the lock along), or of the Alexa user."""
    stores = turn.services.stores
    try:
        if account is not None:
            callback = still_open(stores, account.open_callback_id)
        else:
            callback = open_callback(stores, owner_of(None, turn.user_id))
    except STORAGE_ERRORS:
        return None  # a greeting never fails over this
    return view(turn, callback, None) if callback else None
