"""A booked call back: told ("when will I get my call?"), cancelled and changed.

Cancelling and changing ask first; the yes or no comes back to
:class:`BookedCallbackAnswerHandler`, which acts only if the callback asked about is
still the open one. A change asks for the new time with the callback intent, so the
booking (:mod:`skill.handlers.callbacks`) reschedules it.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.callback_reach import INTENT, SLOTS
from skill.handlers.callback_views import view
from skill.handlers.callbacks import CallbackFlow, CallbackTurn
from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.handover import offer_callback
from skill.handlers.turn import ServiceHandler, Turn, is_yes_or_no
from skill.records.handovers import Handover
from skill.usecases.callback_changes import cancel
from skill.usecases.callbacks import CallbackUnavailable, status

# Yes/no questions about the open callback.
QUESTIONS = frozenset({Awaiting.CALLBACK_CANCEL, Awaiting.CALLBACK_CHANGE, Awaiting.CALLBACK_MOVE})


class CallbackStatusHandler(ServiceHandler):
    """ "When will I get my call?", "who is calling me?" """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("CallbackStatusIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        flow = CallbackTurn(handler_input, turn)
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
        flow = CallbackTurn(handler_input, turn)
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


class BookedCallbackAnswerHandler(ServiceHandler):
    """Yes or no to "shall I cancel it?" or "do you want to change it?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        answered = Dialogue.of(handler_input).awaiting
        return answered in QUESTIONS and is_yes_or_no(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        yes = bool(is_intent_name("AMAZON.YesIntent")(handler_input))
        flow = CallbackTurn(handler_input, turn)
        question = turn.dialogue.awaiting
        existing = status(self.services.stores, flow.owner)
        wanted = turn.dialogue.take_callback_id()
        if existing is None or existing.callback.callback_id != wanted or not yes:
            turn.dialogue.forget_callback()
            return turn.answer("callback_kept", end_session=True)
        if question is Awaiting.CALLBACK_MOVE:
            return CallbackFlow(handler_input, turn).agreed_move(existing)
        if question is Awaiting.CALLBACK_CANCEL:
            try:
                cancelled = cancel(
                    self.services.stores,
                    self.services.settings,
                    existing.callback,
                    turn.now,
                    caller=turn.user_id,
                )
            except CallbackUnavailable:
                return flow.failed()
            return turn.answer("callback_cancelled", cancelled=cancelled, nothing_booked=False)
        keep: dict[str, str | None] = dict.fromkeys(SLOTS)
        turn.dialogue.callback_id = existing.callback.callback_id
        return turn.elicit(INTENT, Awaiting.TIME, "callback_ask_time", keep)
