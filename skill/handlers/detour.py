"""A side question while a question of ours is open: answered, then back to ours.

"Where is my order 1002?" while the remedies for the coffee grinder are on offer gets
its answer, and then "Back to your coffee grinder: …", so the complaint is not lost;
the offer of a call back is asked again the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.handlers.dialogue import Awaiting
from skill.handlers.remedy_offer import Offered, RemedyOffer

if TYPE_CHECKING:
    from ask_sdk_model import Response

    from skill.handlers.turn import Services, Turn
    from skill.speech import Speech


class Detour:
    """The question that was open when the customer asked something else: the remedies
    offered, or (``offered`` None) a call back."""

    def __init__(self, turn: Turn, offered: Offered | None) -> None:
        self.turn = turn
        self.offered = offered

    @classmethod
    def of(cls, turn: Turn, services: Services) -> Detour | None:
        """The open question to come back to, or None if there is none."""
        dialogue = turn.dialogue
        if dialogue.awaiting is Awaiting.CALLBACK_OFFER and dialogue.handover is not None:
            return cls(turn, None)
        if dialogue.awaiting is not Awaiting.REMEDY_CHOICE:
            return None
        offered = RemedyOffer.begin(turn, services).offered()
        if offered is None or not offered.decision.remedies:
            return None
        return cls(turn, offered)

    def back(self, said: Speech) -> Response:
        """Say the side answer, then ask the open question again."""
        if self.offered is None:
            # The handover stays in the session, so a yes books with its reason.
            self.turn.dialogue.wait_for(Awaiting.CALLBACK_OFFER)
            return self.turn.answer_after(said, "callback_offer_again")
        problem, order, decision = self.offered
        self.turn.dialogue.wait_for(Awaiting.REMEDY_CHOICE)
        return self.turn.answer_after(
            said,
            "complaint_remedies",
            problem=problem.value,
            item=order.item_for(self.turn.language),
            remedies=list(decision.remedies),
            again=False,
            back=True,
        )
