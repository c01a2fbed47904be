"""Anonymous feedback: no identification, nothing that points back to the person."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.commands import obey
from skill.handlers.dialogue import Awaiting
from skill.handlers.turn import ServiceHandler, Turn
from skill.rules.answers import command_in

FEEDBACK = "FeedbackIntent"


class FeedbackHandler(ServiceHandler):
    """Anonymous feedback: stored with no customer or Alexa user id, and the skill says so."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(FEEDBACK)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        words = (turn.slot("feedback") or "").strip()
        asked = turn.dialogue.awaiting is Awaiting.FEEDBACK
        command = command_in(words, turn.language) if asked else None
        if command is not None:
            # "Stop" or "talk to a person" at "what would you like to tell us?".
            return obey(handler_input, turn, command)
        if not words:
            if turn.dialogue.awaiting is Awaiting.FEEDBACK:
                return turn.answer("feedback_thanks", stored=False)
            return turn.elicit(FEEDBACK, Awaiting.FEEDBACK, "feedback_ask", {})
        self.services.stores.feedback.add(words, turn.language, turn.today)
        return turn.answer("feedback_thanks", stored=True)
