"""Commands said where the skill takes the customer's own words.

At "In a few words, what happened?" or the feedback prompt Alexa hands over whatever
was said, so "talk to a person", "stop" or "help" arrive as words to keep. They are
commands everywhere else, and here too (:func:`skill.rules.answers.command_in`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.handlers.builtins import resume_or_answer
from skill.handlers.callbacks import CallbackFlow
from skill.records.handovers import Handover
from skill.rules.answers import Command

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.handlers.turn import Turn


def obey(handler_input: HandlerInput, turn: Turn, command: Command) -> Response:
    """Do what ``command`` does from any state; nothing said is stored as words."""
    dialogue = turn.dialogue
    if command is Command.HELP:
        return resume_or_answer(
            turn, "help", awaiting=dialogue.awaiting, linked=bool(turn.access_token)
        )
    order = dialogue.complaint.slots.get("orderNumber")
    dialogue.forget_complaint()
    if command is Command.STOP:
        return turn.answer("goodbye", end_session=True)
    dialogue.handover = Handover(reason="asked", order_number=order)
    return CallbackFlow(handler_input, turn).request()
