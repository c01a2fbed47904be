"""Customers' control over their data: "what do you know about me", "delete my data"."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.turn import ServiceHandler, Turn, is_yes_or_no
from skill.storage.errors import StorageError
from skill.usecases.orders import identify
from skill.usecases.privacy import erase, summary


class MyDataHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("MyDataIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        customer_id = identify(self.services.identity, turn.access_token)
        try:
            known = summary(self.services.stores, customer_id, turn.user_id)
        except StorageError:
            return turn.answer("error", service_phone=self.services.settings.service_phone)
        return turn.answer("my_data", known=known)


class DeleteMyDataHandler(ServiceHandler):
    """Asks first: erasing cannot be undone."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("DeleteMyDataIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        turn.dialogue.wait_for(Awaiting.ERASE_DATA)
        return turn.answer("erase_confirm", linked=bool(turn.access_token))


class EraseAnswerHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        answered = Dialogue.of(handler_input).awaiting
        return answered is Awaiting.ERASE_DATA and is_yes_or_no(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        if is_intent_name("AMAZON.NoIntent")(handler_input):
            return turn.answer("erase_kept")
        customer_id = identify(self.services.identity, turn.access_token)
        try:
            erased = erase(self.services.stores, customer_id, turn.user_id, turn.now)
        except StorageError:
            # Partly erased at most; saying so, and asking again, finishes the job.
            return turn.answer("erase_failed", service_phone=self.services.settings.service_phone)
        # Nothing of this conversation should outlive it either.
        turn.dialogue.clear()
        return turn.answer("erased", erased=erased)
