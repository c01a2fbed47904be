"""The one place where the skill offers a human: every dead end leads here.

A flow that cannot help any further (a declined remedy, an unknown order, a problem the
policy sends to people, repeated misunderstandings, a locked verification) calls
:func:`offer_callback`. The offer is a question; the customer's "yes" is answered by the
callback handlers, which read the :class:`Handover` kept in the session so the agent
gets the reason, the order and the complaint without asking again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ask_sdk_model import Response

from skill.handlers.turn import Turn

AWAITING_CALLBACK_OFFER = "callback_offer"


@dataclass(frozen=True)
class Handover:
    """Why a human is needed and what they must know; small and free of personal data."""

    # "asked", "complaint_escalated", "remedy_declined", "unknown_order",
    # "problem_other", "misunderstood", "verification_locked", "delayed_order"
    reason: str
    priority: str = "normal"  # "high" or "normal"
    order_number: str | None = None
    complaint_id: str | None = None
    # What the agent must be allowed to grant, as a decimal string, if anything.
    amount: str | None = None
    currency: str | None = None

    @classmethod
    def from_session(cls, value: object) -> Handover | None:
        if not isinstance(value, dict) or not value.get("reason"):
            return None

        def text(name: str) -> str | None:
            item = value.get(name)
            return str(item) if item is not None else None

        return cls(
            reason=str(value["reason"]),
            priority=text("priority") or "normal",
            order_number=text("order_number"),
            complaint_id=text("complaint_id"),
            amount=text("amount"),
            currency=text("currency"),
        )


def offer_callback(turn: Turn, template: str, handover: Handover, /, **data: Any) -> Response:
    """Speak ``template`` (which ends by offering a call back) and remember why."""
    turn.session["awaiting"] = AWAITING_CALLBACK_OFFER
    turn.session["handover"] = asdict(handover)
    return turn.answer(template, end_session=False, **data)
