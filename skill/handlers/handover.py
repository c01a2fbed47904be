"""The one place where the skill offers a human: every dead end leads here.

A flow that cannot help any further (a declined remedy, an unknown order, a problem the
policy sends to people, repeated misunderstandings, a locked verification) calls
:func:`offer_callback`. The offer is a question; the customer's "yes" is answered by the
callback handlers, which read the :class:`Handover` kept in the session so the agent
gets the reason, the order and the complaint without asking again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ask_sdk_model import Response

from skill.handlers.dialogue import Awaiting
from skill.handlers.turn import Turn

if TYPE_CHECKING:
    from skill.records.handovers import Handover

# After this many misunderstandings in a row, a human is offered.
OFFER_HUMAN_AFTER = 2


def offer_callback(turn: Turn, template: str, handover: Handover, /, **data: Any) -> Response:
    """Speak ``template`` (which ends by offering a call back) and remember why.

    Besides yes and no, the offer is answered by when ("tomorrow at ten") or by a
    number, so the call back's time is what Alexa listens for.
    """
    # Imported here: a launch, which never offers a call back, loads no callback code.
    from skill.handlers.callback_reach import INTENT as CALLBACK_INTENT
    from skill.handlers.callback_reach import SLOTS as CALLBACK_SLOTS

    turn.dialogue.handover = handover
    return turn.elicit(
        CALLBACK_INTENT,
        Awaiting.TIME,
        template,
        dict.fromkeys(CALLBACK_SLOTS),
        question=Awaiting.CALLBACK_OFFER,
        **data,
    )


def not_heard_twice(turn: Turn) -> Response:
    """A number not made out twice in a row: a person can take it from here."""
    # Imported here: a launch hands nothing over, and skips the record's dataclass.
    from skill.records.handovers import Handover

    return offer_callback(
        turn,
        "fallback",
        Handover(reason="misunderstood"),
        awaiting=turn.dialogue.awaiting,
        misunderstandings=turn.dialogue.misunderstandings,
        offer=True,
    )
