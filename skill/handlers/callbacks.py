"""A call back from a named human: asked for from anywhere, and booked.

"Talk to a person" is its own intent, so it wins over any open dialogue (an order
verification, a complaint being told): Alexa switches intents, and this handler does
not care what was asked before, except to pass the context on to the agent.

What is being collected lives in the session
(:class:`skill.handlers.callback_wish.CallbackWish`) through the turns that ask for a
number. Asked again while one is open, the customer
hears it, or changes it by saying a new time; telling, cancelling and changing a booked
call back otherwise is :mod:`skill.handlers.callback_status`.

A number said by voice is read back (:mod:`skill.handlers.callback_reach`) before
anything is booked for it or sent to it, also when it replaces the number of an open
call back. Over a daily limit (:mod:`skill.rules.limits`) the customer hears that nothing changed,
and what still stands.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.adapters import alexa_api
from skill.handlers.callback_reach import (
    INTENT,
    SLOTS,
    NumberReadBack,
    Reach,
    reach_for,
    said_phone,
    spoken_channel,
)
from skill.handlers.callback_views import call_time, view
from skill.handlers.callback_wish import CallbackWish
from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.turn import ServiceHandler, Turn, is_yes_or_no
from skill.records import Customer, Order
from skill.records.callbacks import Agent, Callback
from skill.records.complaints import Complaint
from skill.records.handovers import Handover
from skill.rules.callbacks import Requested, normalise_phone
from skill.storage.callbacks import OwnerState
from skill.storage.errors import StorageError
from skill.usecases.callback_booking import (
    Booking,
    CallbackRequest,
    callback_id_for,
    replay,
    request_callback,
)
from skill.usecases.callback_changes import planned_move, reschedule
from skill.usecases.callback_limits import LimitRefused
from skill.usecases.callbacks import (
    CallbackUnavailable,
    CallbackUncertain,
    OpenCallback,
    lookup,
    lookup_with,
    owner_of,
    status,
)
from skill.usecases.orders import identify

# Yes/no questions on the way to a booking.
QUESTIONS = frozenset({Awaiting.CALLBACK_OFFER, Awaiting.CALLBACK_NUMBER})


class CallbackTurn:
    """One turn about the customer's call back: whose it is, and the open one."""

    def __init__(self, handler_input: HandlerInput, turn: Turn) -> None:
        self.input = handler_input
        self.turn = turn
        self.services = turn.services
        self.stores = turn.services.stores
        self.customer_id = identify(turn.services.identity, turn.access_token)
        self.owner = owner_of(self.customer_id, turn.user_id)

    def existing(self) -> OpenCallback | Response | None:
        """The open callback, none, or (storage failing) the honest answer to give."""
        try:
            return status(self.stores, self.owner)
        except StorageError:
            return self.failed()

    def failed(self) -> Response:
        # Nothing was stored, so nothing is promised: the phone line instead.
        return self.turn.answer(
            "callback_failed", service_phone=self.services.settings.service_phone
        )

    def uncertain(self) -> Response:
        # The booking may be stored: never "not booked"; asked again, the skill finds it.
        return self.turn.answer(
            "callback_uncertain", service_phone=self.services.settings.service_phone
        )


class CallbackFlow(CallbackTurn):
    """The steps to a booking, shared by the intent and the yes-answers."""

    def __init__(self, handler_input: HandlerInput, turn: Turn) -> None:
        super().__init__(handler_input, turn)
        # What is being collected survives the turns that ask for a number.
        self.wish: CallbackWish = turn.dialogue.callback_wish
        self.number = NumberReadBack(turn, self.wish)

    def collect_slots(self) -> None:
        turn = self.turn
        when = (turn.slot("time"), turn.slot("day"), turn.slot("delay"))
        if any(when):
            # A time said now replaces the whole of the one said before.
            self.wish.time, self.wish.day, self.wish.delay = when
        self.wish.channel = spoken_channel(turn.slot_id("channel")) or self.wish.channel

    @property
    def requested(self) -> Requested:
        return Requested.from_slots(self.wish.day, self.wish.time, self.wish.delay)

    # The request ------------------------------------------------------------------

    def request(self) -> Response:
        """Book a callback, or tell the open one, or ask for what is missing."""
        try:
            # A linked customer's account brings their callbacks' state along.
            account = self.stores.orders.account(self.customer_id) if self.customer_id else None
            if account is not None:
                state, existing = lookup_with(self.stores, account)
            else:
                state, existing = lookup(self.stores, self.owner)
            if existing is not None:
                again = (
                    replay(existing) if existing.callback.callback_id == self._own_id() else None
                )
                return self.confirm(again, False) if again else self.change_or_tell(existing)
        except StorageError:
            return self.failed()
        customer = account.customer if account else None
        reach = reach_for(self.input, self.wish, state.channel, customer)
        if reach.channel != "email" and not reach.phone:
            return self.number.ask(retry=False)
        orders = account.orders if account else []
        return self.book(state, reach, customer, orders)

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
        self, state: OwnerState, reach: Reach, customer: Customer | None, orders: list[Order]
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
            channel=reach.channel,
            requested=self.requested,
            caller=turn.user_id,
            phone=reach.phone,
            email=reach.email,
            customer=customer,
            orders=orders,
            handover=handover,
            misunderstandings=turn.dialogue.misunderstandings,
            complaint=self._complaint(handover),
        )
        try:
            result = request_callback(self.stores, self.services.settings, request, turn.now, state)
        except CallbackUncertain:
            return self.uncertain()
        except CallbackUnavailable:
            return self.failed()
        except LimitRefused as refused:
            return self.refused(refused, None)
        self._forget()
        if isinstance(result, OpenCallback):
            return self.change_or_tell(result)
        return self.confirm(result, reach.no_email)

    def confirm(self, booking: Booking, no_email: bool) -> Response:
        turn = self.turn
        data: dict[str, Any] = {
            "moved": booking.schedule.moved,
            "asap": booking.schedule.asap,
            "no_email": no_email,
            "no_text": booking.no_text,
        }
        if booking.schedule.moved:
            # "If another time suits you better, just tell me when": the time is asked for.
            return self.ask_change(
                booking.callback,
                "callback_confirmed",
                booking.agent,
                continuity=booking.continuity,
                **data,
            )
        call = view(turn, booking.callback, booking.agent, continuity=booking.continuity)
        if not self._offers_reminder(booking.callback):
            if no_email or booking.no_text:
                # The answer already explains a channel: one more question would pass
                # the 45 words an answer may take.
                return turn.answer("callback_confirmed", call=call, **data)
            # Imported here: only a booking without a reminder may offer news of the call.
            from skill.handlers.notification_offer import CALL, answer_offering_news

            subject = f"{CALL}{booking.callback.callback_id}"
            return answer_offering_news(turn, subject, "callback_confirmed", call=call, **data)
        # Offered once, right after the booking; the answer goes to skill.handlers.reminders.
        turn.dialogue.callback_id = booking.callback.callback_id
        turn.dialogue.wait_for(Awaiting.REMINDER_OFFER)
        confirmed = turn.render("callback_confirmed", call=call, **data)
        return turn.answer_after(confirmed, "reminder", said="offer", agent=call.agent)

    def _offers_reminder(self, callback: Callback) -> bool:
        """A call on the phone, later than five minutes from now, on a device that can
        set a reminder, for a customer who has not said no to reminders (Alexa tells,
        so the booking reads nothing more)."""
        # Imported here: only a booking turn runs the reminder's code.
        from skill.handlers.reminders import reminders_permission
        from skill.usecases.callback_reminders import offers_reminder

        system = self.input.request_envelope.context.system
        if system is None or not system.api_endpoint or not system.api_access_token:
            return False
        if reminders_permission(self.input) == "DENIED":
            return False
        return offers_reminder(callback, self.turn.now)

    def change_or_tell(self, existing: OpenCallback) -> Response:
        """Asked again: change time, channel or number if the customer said one, else tell it.

        A new number is read back first; the yes comes back here and applies it.
        """
        callback = existing.callback
        spoken_phone = _new(normalise_phone(self.turn.slot("phoneNumber")), callback)
        if spoken_phone and not self.number.confirmed(spoken_phone):
            self.collect_slots()
            return self.number.given(spoken_phone)
        # The turn that confirmed a new number: what was said with it, and the number.
        confirmed = self.wish.phone if self.number.confirmed(self.wish.phone) else None
        confirmed = _new(confirmed, callback)
        if spoken_phone or confirmed or self._wants_change(with_number=bool(confirmed)):
            return self._change(existing, spoken_phone or confirmed)
        return self._tell(existing)

    def _wants_change(self, *, with_number: bool) -> bool:
        """A time, day or channel said now, or (a number just confirmed) said with it."""
        turn = self.turn
        if turn.slot("time") or turn.slot("day") or turn.slot("delay"):
            return True
        if spoken_channel(turn.slot_id("channel")):
            return True
        return with_number and bool(self.wish.time or self.wish.day or self.wish.channel)

    def _change(
        self, existing: OpenCallback, phone: str | None, *, agreed: bool = False
    ) -> Response:
        """Move the open call back to what was said, and tell the customer.

        A time when the team is off is not moved to the next opening unasked: the
        customer hears both and chooses (``agreed`` is their yes to the opening).
        """
        turn = self.turn
        self.collect_slots()
        channel = self.wish.channel
        if channel == "email":
            channel = None  # an e-mail address comes from the account; keep the channel
        if not agreed:
            try:
                planned = planned_move(
                    self.stores,
                    self.services.settings,
                    existing.callback,
                    self.requested,
                    turn.now,
                    keeps_time=bool(channel or phone),
                    agents=existing.agents or None,
                )
            except CallbackUnavailable:
                return self.failed()
            if planned.moved:
                return self._closed_then(existing, planned.at, phone)
        try:
            move = reschedule(
                self.stores,
                self.services.settings,
                existing.callback,
                self.requested,
                turn.now,
                caller=turn.user_id,
                channel=channel,
                phone=phone,
                agents=existing.agents or None,
            )
        except CallbackUnavailable:
            return self.failed()
        except LimitRefused as refused:
            return self.refused(refused, existing)
        self._forget()
        return turn.answer(
            "callback_rescheduled",
            call=view(turn, move.callback, existing.agent),
            moved=move.schedule.moved,
            no_text=move.no_text,
        )

    def _tell(self, existing: OpenCallback) -> Response:
        """The open call back as it stands; a new time may follow."""
        return self.ask_change(existing.callback, "callback_existing", existing.agent)

    def ask_change(
        self,
        callback: Callback,
        template: str,
        agent: Agent | None,
        question: Awaiting = Awaiting.CALLBACK_CHANGE,
        *,
        continuity: bool = False,
        **data: Any,
    ) -> Response:
        """Speak ``template``, which asks whether another time would suit better: yes, no,
        a time ("tomorrow at ten") or a number each answer it."""
        turn = self.turn
        turn.dialogue.callback_id = callback.callback_id
        return turn.elicit(
            INTENT,
            Awaiting.TIME,
            template,
            dict.fromkeys(SLOTS),
            question=question,
            call=view(turn, callback, agent, continuity=continuity),
            **data,
        )

    def _closed_then(
        self, existing: OpenCallback, opening: datetime, phone: str | None
    ) -> Response:
        """ "We're closed then. Shall I move it to tomorrow at 8, or keep it?" """
        turn = self.turn
        callback = existing.callback
        if opening == callback.due_at and not phone:
            # The next opening is when the call is due anyway: nothing to choose.
            self._forget()
            call = view(turn, callback, existing.agent)
            return turn.answer("callback_closed_then", call=call, opening=None)
        if phone:
            self.wish.phone, self.wish.confirmed = phone, True
        turn.dialogue.remember(self.wish)
        return self.ask_change(
            callback,
            "callback_closed_then",
            existing.agent,
            question=Awaiting.CALLBACK_MOVE,
            opening=call_time(turn, opening, False, callback.time_zone),
        )

    def agreed_move(self, existing: OpenCallback) -> Response:
        """Yes to "shall I move it to when we're open?": the move asked for, applied."""
        phone = self.wish.phone if self.number.confirmed(self.wish.phone) else None
        return self._change(existing, _new(phone, existing.callback), agreed=True)

    def refused(self, refused: LimitRefused, existing: OpenCallback | None) -> Response:
        """Over a daily limit: nothing was stored; the call back as it stands, if any."""
        self._forget()
        turn = self.turn
        return turn.answer(
            "callback_limit",
            act=refused.act.value,
            subject=refused.subject.value,
            call=view(turn, existing.callback, existing.agent) if existing else None,
            service_phone=self.services.settings.service_phone,
        )

    def _forget(self) -> None:
        self.turn.dialogue.forget_callback()


class RequestCallbackHandler(ServiceHandler):
    """ "Talk to a person", "call me back tomorrow at ten", "text me instead", a number."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if is_intent_name(INTENT)(handler_input):
            return True
        # A number said on its own to "would you like another way to reach you?".
        return bool(said_phone(Turn(handler_input, self.services)))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        if turn.dialogue.awaiting is Awaiting.REMEDY_CHOICE:
            # "Can you call me back?" to the remedies: none of them; our team calls.
            declined = _decline_remedies(turn)
            if isinstance(declined, Response):
                return declined
        flow = CallbackFlow(handler_input, turn)
        spoken_phone = said_phone(turn)
        # Asked for a number, or another number said to "ending in 42, right?".
        if spoken_phone and turn.dialogue.awaiting in (
            Awaiting.PHONE_NUMBER,
            Awaiting.CALLBACK_NUMBER,
        ):
            flow.collect_slots()
            return flow.number.given(spoken_phone)
        flow.collect_slots()
        if spoken_phone and not flow.wish.phone:
            number = normalise_phone(spoken_phone)
            if number:
                # "Call me on 555…" in one go: read it back before relying on it.
                return flow.number.given(spoken_phone)
        return flow.request()


def _decline_remedies(turn: Turn) -> Response | None:
    """The complaint whose remedies were on offer goes to our team; the handover tells
    the agent who calls. A response only if it could not be stored."""
    # Imported only now: a call back asked for outside a complaint never loads its code.
    from skill.handlers.remedy_offer import RemedyOffer

    handover = RemedyOffer.begin(turn, turn.services).declined()
    if isinstance(handover, Handover):
        turn.dialogue.handover = handover
        return None
    return handover


class CallbackAnswerHandler(ServiceHandler):
    """Yes or no to "shall someone call you?" or "shall we call the number ending in 42?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        answered = Dialogue.of(handler_input).awaiting
        return answered in QUESTIONS and is_yes_or_no(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        yes = bool(is_intent_name("AMAZON.YesIntent")(handler_input))
        flow = CallbackFlow(handler_input, turn)
        question = turn.dialogue.awaiting
        if question is Awaiting.CALLBACK_OFFER:
            return flow.request() if yes else turn.answer("callback_declined")
        # The number read back: "yes" books with it, "no" asks for another.
        if not yes:
            flow.wish.phone = None
            return flow.number.ask(retry=False)
        flow.wish.confirmed = True
        turn.dialogue.remember(flow.wish)
        return flow.request()


def _new(phone: str | None, callback: Callback) -> str | None:
    """``phone``, unless it is the number the call back already has."""
    return None if phone == callback.phone else phone
