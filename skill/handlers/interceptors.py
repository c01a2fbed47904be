"""Work done around every turn: the log keys and safe logging, one-turn state, the
storage deadline, and the last answer."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.dialogue import Dialogue, LastResponse
from skill.logs import begin_turn, end_turn
from skill.storage import deadline

log = logging.getLogger("skill.turns")


def _intent_name(handler_input: HandlerInput) -> str | None:
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    return getattr(intent, "name", None)


class LogRequest(AbstractRequestInterceptor):  # type: ignore[misc]
    """Request type, intent and locale: enough to follow a turn, no personal data.

    First of all, it begins the turn's log keys (:mod:`skill.logs`), so every line the
    turn logs carries its request id; :class:`EndLogKeys` or the apology ends them.
    """

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        request_id = getattr(request, "request_id", None)
        begin_turn(str(request_id) if request_id else None)
        log.info(
            "turn",
            extra={
                "request_type": getattr(request, "object_type", None),
                "intent": _intent_name(handler_input),
                "locale": getattr(request, "locale", None),
            },
        )


class EndLogKeys(AbstractResponseInterceptor):  # type: ignore[misc]
    """The thread's next lines (another turn, the console) are not this turn's.

    A turn that raised skips response interceptors; the apology handler ends it then.
    """

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        end_turn()


class BeginStorageDeadline(AbstractRequestInterceptor):  # type: ignore[misc]
    """The turn's DynamoDB calls share one time budget (:mod:`skill.storage.deadline`)."""

    def __init__(self, budget: float) -> None:
        self.budget = budget

    def process(self, handler_input: HandlerInput) -> None:
        deadline.begin_turn(self.budget)


class EndStorageDeadline(AbstractResponseInterceptor):  # type: ignore[misc]
    """The thread may serve the console next: its calls have no Alexa deadline.

    A turn that raised skips response interceptors; the apology handler ends it then.
    """

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        deadline.end_turn()


class OneTurnState(AbstractRequestInterceptor):  # type: ignore[misc]
    """A question is open for the turn that answers it; handlers ask anew to keep it."""

    def process(self, handler_input: HandlerInput) -> None:
        if handler_input.request_envelope.session is None:
            return
        Dialogue.of(handler_input).begin_turn()


class CountMisunderstandings(AbstractResponseInterceptor):  # type: ignore[misc]
    """Misunderstandings are counted only while consecutive: anything understood resets."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if handler_input.request_envelope.session is None:
            return
        dialogue = Dialogue.of(handler_input)
        if _intent_name(handler_input) and not dialogue.misunderstood_now:
            dialogue.understood()


class RememberLastResponse(AbstractResponseInterceptor):  # type: ignore[misc]
    """Keep the last speech in the session so "repeat" can say it again."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None or handler_input.request_envelope.session is None:
            return
        if is_intent_name("AMAZON.RepeatIntent")(handler_input):
            return
        if response.should_end_session or response.output_speech is None:
            return
        reprompt = response.reprompt.output_speech.ssml if response.reprompt else None
        Dialogue.of(handler_input).last_response = LastResponse(
            speech=_inner(response.output_speech.ssml),
            reprompt=_inner(reprompt) if reprompt else None,
        )


def _inner(ssml: str) -> str:
    return ssml.removeprefix("<speak>").removesuffix("</speak>")
