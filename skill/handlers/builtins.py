"""Launch, help, stop, fallback and the other built-in intents."""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.handlers.callbacks import QUESTIONS as CALLBACK_QUESTIONS
from skill.handlers.callbacks import open_callback_view
from skill.handlers.handover import offer_callback
from skill.handlers.interceptors import MISUNDERSTOOD
from skill.handlers.turn import ServiceHandler, Turn
from skill.records import Handover
from skill.rules.orders import describe, worth_mentioning
from skill.usecases.orders import identify

log = logging.getLogger(__name__)

# States in which the customer was asked for a slot; help and fallback resume them.
DIALOGUE_SLOTS = (
    "orderNumber",
    "postalCode",
    "problemType",
    "description",
    "feedback",
    "phoneNumber",
    "time",
)
# Yes/no questions that stay open through help, fallback and repeat.
OPEN_QUESTIONS = (
    "more_orders",
    "anything_else",
    "complaint_order",
    "remedy_choice",
    *CALLBACK_QUESTIONS,
    "erase_data",
)
# After this many misunderstandings in a row, a human is offered.
OFFER_HUMAN_AFTER = 2


class LaunchHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        stores = self.services.stores
        previous = stores.users.record_visit(turn.user_id, turn.now)
        customer_id = identify(self.services.identity, turn.access_token)
        name = None
        highlights = []
        account = None
        if customer_id is not None:
            account = stores.orders.account(customer_id)
            name = account.customer.first_name if account.customer else None
            highlights = [
                describe(order, turn.today, turn.language)
                for order in worth_mentioning(account.orders, turn.today)
            ]
        turn.session["launched"] = True
        return turn.answer(
            "launch",
            callback=open_callback_view(turn, account),
            returning=previous is not None,
            name=name,
            highlights=highlights,
            linked=customer_id is not None,
        )


def resume_or_answer(turn: Turn, template: str, **data: Any) -> Response:
    """Answer with ``template``; if a slot was being asked for, keep asking for it."""
    pending = turn.pending
    if turn.awaiting in DIALOGUE_SLOTS and pending.get("intent"):
        slots = {str(k): (str(v) if v else None) for k, v in pending.get("slots", {}).items()}
        return turn.elicit(str(pending["intent"]), turn.awaiting, template, slots, **data)
    if turn.awaiting in OPEN_QUESTIONS:
        # Keep the question open: a "yes" after help still means yes.
        turn.session["awaiting"] = turn.awaiting
    return turn.answer(template, **data)


class HelpHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.HelpIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        return resume_or_answer(
            turn, "help", awaiting=turn.awaiting, linked=bool(turn.access_token)
        )


class FallbackHandler(ServiceHandler):
    """Counts consecutive misunderstandings; a later feature offers a human after two.

    Registered last, it also takes any intent no other handler claimed (an intent from a
    newer interaction model, say), which to the customer is the same misunderstanding.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("IntentRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        count = int(turn.session.get("misunderstandings", 0)) + 1
        turn.session["misunderstandings"] = count
        handler_input.attributes_manager.request_attributes[MISUNDERSTOOD] = True
        if count >= OFFER_HUMAN_AFTER:
            return offer_callback(
                turn,
                "fallback",
                Handover(reason="misunderstood"),
                awaiting=turn.awaiting,
                misunderstandings=count,
                offer=True,
            )
        return resume_or_answer(
            turn, "fallback", awaiting=turn.awaiting, misunderstandings=count, offer=False
        )


class StopHandler(ServiceHandler):
    """Stop and Cancel always end the session, whatever was going on."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("AMAZON.StopIntent")(handler_input)
            or is_intent_name("AMAZON.CancelIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return Turn(handler_input, self.services).answer("goodbye", end_session=True)


class NoHandler(ServiceHandler):
    """ "No" to "anything else?" or "want to hear the rest?" ends politely."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.NoIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        if turn.awaiting in DIALOGUE_SLOTS:
            return resume_or_answer(
                turn, "fallback", awaiting=turn.awaiting, misunderstandings=1, offer=False
            )
        return turn.answer("goodbye", end_session=True)


class YesHandler(ServiceHandler):
    """A "yes" that no specific handler claimed: "anything else?" -> "what can I do?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.YesIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        if turn.awaiting in DIALOGUE_SLOTS:
            return resume_or_answer(
                turn, "fallback", awaiting=turn.awaiting, misunderstandings=1, offer=False
            )
        return turn.answer("anything_else")


class NavigateHomeHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.NavigateHomeIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return Turn(handler_input, self.services).answer("anything_else")


class RepeatHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.RepeatIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        last = turn.session.get("last_response")
        if not isinstance(last, dict) or not last.get("speech"):
            return resume_or_answer(
                turn, "help", awaiting=turn.awaiting, linked=bool(turn.access_token)
            )
        # Repeating restores the question that was open, so "yes" still works after it.
        for key in ("awaiting", "pending"):
            value = handler_input.attributes_manager.request_attributes.get(key)
            if value:
                turn.session[key] = value
        builder = handler_input.response_builder
        builder.speak(str(last["speech"]))
        if last.get("reprompt"):
            builder.ask(str(last["reprompt"]))
        else:
            builder.set_should_end_session(True)
        return builder.response


class SessionEndedHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = getattr(request, "error", None)
        log.info(
            "session ended",
            extra={
                "reason": str(getattr(request, "reason", "")),
                "error_type": str(getattr(error, "object_type", "") or getattr(error, "type", "")),
            },
        )
        return handler_input.response_builder.response
