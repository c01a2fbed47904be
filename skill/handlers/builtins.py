"""Launch, help, stop, fallback and the other built-in intents."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.handlers.dialogue import ELICITED, Awaiting
from skill.handlers.handover import OFFER_HUMAN_AFTER, offer_callback
from skill.handlers.turn import ServiceHandler, Turn
from skill.rules.orders import describe, worth_mentioning
from skill.usecases.orders import identify

if TYPE_CHECKING:
    from skill.handlers.callback_views import CallView
    from skill.storage.orders import Account

log = logging.getLogger(__name__)

# Yes/no questions that stay open through help, fallback and repeat (slots being asked
# for, :data:`ELICITED`, are asked for again).
OPEN_QUESTIONS = frozenset(
    {
        Awaiting.MORE_ORDERS,
        Awaiting.ANYTHING_ELSE,
        Awaiting.COMPLAINT_ORDER,
        Awaiting.REMEDY_CHOICE,
        Awaiting.CALLBACK_OFFER,
        Awaiting.CALLBACK_NUMBER,
        Awaiting.CALLBACK_CANCEL,
        Awaiting.CALLBACK_CHANGE,
        Awaiting.CALLBACK_MOVE,
        Awaiting.ERASE_DATA,
    }
)


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
        survey = None
        if customer_id is not None:
            account = stores.orders.account(customer_id)
            name = account.customer.first_name if account.customer else None
            highlights = [
                describe(order, turn.today, turn.language)
                for order in worth_mentioning(account.orders, turn.today)
            ]
            survey = satisfaction_question(turn, customer_id, account)
        turn.dialogue.launch()
        return turn.answer(
            "launch",
            callback=greeting_callback(turn, account),
            returning=previous is not None,
            name=name,
            highlights=highlights,
            linked=customer_id is not None,
            survey=survey,
        )


def satisfaction_question(turn: Turn, customer_id: str, account: Account) -> str | None:
    """The first name of the agent whose resolved callback the greeting asks about, once
    (:mod:`skill.rules.satisfaction`); None: nothing to ask.

    The account's query brings the resolved callbacks not asked about yet: without one
    the launch neither writes nor imports anything for it.
    """
    if not account.surveys:
        return None
    from skill.usecases.satisfaction import survey_for_visit

    survey = survey_for_visit(turn.services.stores, customer_id, account, turn.now)
    if survey is None:
        return None
    turn.dialogue.ask_survey(survey.callback_id, survey.agent_first_name)
    return survey.agent_first_name


def greeting_callback(turn: Turn, account: Account | None) -> CallView | None:
    """The open call back the greeting mentions, if any.

    A linked customer's lock came with the account's query: without one there is
    nothing to read, and a launch does not even import the callbacks' code (a cold
    start's cost).
    """
    if account is not None and not account.open_callback_id:
        return None
    from skill.handlers.callback_views import open_callback_view

    return open_callback_view(turn, account)


def resume_or_answer(turn: Turn, template: str, **data: Any) -> Response:
    """Answer with ``template``; if a slot was being asked for, keep asking for it."""
    awaiting, pending = turn.dialogue.awaiting, turn.dialogue.pending
    if awaiting is None:
        return turn.answer(template, **data)
    if awaiting in ELICITED and pending is not None:
        return turn.elicit(pending.intent, awaiting, template, pending.slots, **data)
    if awaiting in OPEN_QUESTIONS:
        # Keep the question open: a "yes" after help still means yes.
        turn.dialogue.wait_for(awaiting)
    return turn.answer(template, **data)


class HelpHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.HelpIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        return resume_or_answer(
            turn, "help", awaiting=turn.dialogue.awaiting, linked=bool(turn.access_token)
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
        count = turn.dialogue.misunderstood()
        if count >= OFFER_HUMAN_AFTER:
            # Imported here: a launch hands nothing over, and skips the record's dataclass.
            from skill.records.handovers import Handover

            return offer_callback(
                turn,
                "fallback",
                Handover(reason="misunderstood"),
                awaiting=turn.dialogue.awaiting,
                misunderstandings=count,
                offer=True,
            )
        return resume_or_answer(
            turn, "fallback", awaiting=turn.dialogue.awaiting, misunderstandings=count, offer=False
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


class ThanksHandler(ServiceHandler):
    """ "Thanks", "cheers", "danke": a warm goodbye; people say it to close."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ThanksIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return Turn(handler_input, self.services).answer("thanks", end_session=True)


class NoHandler(ServiceHandler):
    """ "No" to "anything else?" or "want to hear the rest?" ends politely."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.NoIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        if turn.dialogue.awaiting in ELICITED:
            return resume_or_answer(
                turn, "fallback", awaiting=turn.dialogue.awaiting, misunderstandings=1, offer=False
            )
        return turn.answer("goodbye", end_session=True)


class YesHandler(ServiceHandler):
    """A "yes" that no specific handler claimed: "anything else?" -> "what can I do?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.YesIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        if turn.dialogue.awaiting in ELICITED:
            return resume_or_answer(
                turn, "fallback", awaiting=turn.dialogue.awaiting, misunderstandings=1, offer=False
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
        last = turn.dialogue.last_response
        if last is None:
            return resume_or_answer(
                turn, "help", awaiting=turn.dialogue.awaiting, linked=bool(turn.access_token)
            )
        # Repeating restores the question that was open, so "yes" still works after it.
        turn.dialogue.wait_again()
        builder = handler_input.response_builder
        builder.speak(last.speech)
        if last.reprompt:
            builder.ask(last.reprompt)
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
