"""The customer's answer to "Did Maria sort it out? Say a number from one to five".

Asked once, at the launch after a resolved callback (:mod:`skill.handlers.builtins`,
:mod:`skill.rules.satisfaction`). A bare number ("four") reaches the skill as
OrderStatusIntent (its "{orderNumber}" sample), so that is read too, as long as it is a
number one could mean as a score; a real order number, or anything else, moves on
normally, and the question is not asked again.

Every intent request of a cold start asks this handler first (it stands before the
order handler), so the rules are imported only while a score is awaited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.turn import ServiceHandler, Turn, is_yes_or_no
from skill.usecases.satisfaction import record_score

if TYPE_CHECKING:
    from skill.rules.satisfaction import Heard

SATISFACTION = "SatisfactionIntent"
ORDER_STATUS = "OrderStatusIntent"


def heard(turn: Turn) -> Heard:
    """The score the customer said; yes or no is no score."""
    from skill.rules.satisfaction import Heard, Reading, read_score

    if is_intent_name(SATISFACTION)(turn.input):
        return read_score(turn.slot("score"))
    if is_intent_name(ORDER_STATUS)(turn.input) and not turn.slot("postalCode"):
        return read_score(turn.slot("orderNumber"))
    return Heard(Reading.NO_SCORE)


class SatisfactionAnswerHandler(ServiceHandler):
    """A score is kept with the callback; a number out of range, or yes or no, is asked
    again once."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        dialogue = Dialogue.of(handler_input)
        if dialogue.awaiting is not Awaiting.SATISFACTION or dialogue.survey_callback_id is None:
            return False
        if is_intent_name(SATISFACTION)(handler_input) or is_yes_or_no(handler_input):
            return True
        # "Where is order 1003?" is a question, not a score: the order handler answers.
        turn = Turn(handler_input, self.services)
        return is_intent_name(ORDER_STATUS)(handler_input) and heard(turn).answers

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        dialogue = turn.dialogue
        callback_id, agent = dialogue.survey_callback_id, dialogue.survey_agent
        assert callback_id is not None  # can_handle made sure
        answer = heard(turn)
        if answer.score is not None:
            record_score(self.services.stores, callback_id, answer.score, turn.now)
            dialogue.forget_survey()
            return turn.answer("satisfaction", outcome="thanks", score=answer.score, agent=agent)
        if not dialogue.survey_asked_again:
            dialogue.ask_survey(callback_id, agent, again=True)
            return turn.answer("satisfaction", outcome="again", score=None, agent=agent)
        dialogue.forget_survey()
        return turn.answer("satisfaction", outcome="dropped", score=None, agent=agent)
