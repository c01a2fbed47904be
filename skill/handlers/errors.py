"""The last line of defence: an honest apology, never an error text in the speech."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.handlers.turn import Services, Turn
from skill.logs import end_turn
from skill.storage import deadline

log = logging.getLogger(__name__)


class ApologyHandler(AbstractExceptionHandler):  # type: ignore[misc]
    def __init__(self, services: Services) -> None:
        self.services = services

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        # The response interceptors, which end the storage deadline and the log keys,
        # did not run.
        deadline.end_turn()
        request = handler_input.request_envelope.request
        try:
            # The request id lets us find the turn (named here too, for a failure before
            # the log keys began); the exception's text may hold customer data (slot
            # values in a ValueError, say), so only its type is logged here.
            log.error(
                "turn failed: %s",
                type(exception).__name__,
                extra={"request_id": getattr(request, "request_id", None)},
                exc_info=self.services.settings.log_level == "DEBUG",
            )
            turn = Turn(handler_input, self.services)
            turn.dialogue.stop_waiting()
            return turn.answer(
                "error", end_session=True, service_phone=self.services.settings.service_phone
            )
        finally:
            end_turn()
