"""The customer's answers that continue a complaint: a remedy named, yes or no.

"Yes" or "no" means something else after each question the complaint asks (the order
proposed, the remedies offered, "what happened?"), so these handlers read what was
asked (:class:`skill.handlers.dialogue.Awaiting`) and hand the answer to the step that
asked it.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.complaint_turn import NO_REMEDY, remedy_kind
from skill.handlers.complaints import SLOTS, ComplaintTaking
from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.remedy_offer import RemedyOffer
from skill.handlers.turn import ServiceHandler, Turn, is_yes_or_no
from skill.records.complaints import RemedyKind

CHOICE = "RemedyChoiceIntent"


def choose(offer: RemedyOffer, kind: RemedyKind | None) -> Response:
    """Grant the remedy chosen; a choice without a complaint starts one."""
    chosen = offer.choose(kind)
    if chosen is not None:
        return chosen
    # A choice without a complaint ("I want a refund"): take the complaint first.
    offer.turn.dialogue.forget_complaint()
    taking = ComplaintTaking(offer.turn, offer.services, offer.customer_id, offer.known_account)
    return taking.proceed(dict.fromkeys(SLOTS))


class RemedyChoiceHandler(ServiceHandler):
    """ "The refund, please", "send me a new one", "I'll take the voucher"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(CHOICE)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        offer = RemedyOffer.begin(turn, self.services)
        chosen = turn.slot_id("remedy")
        if chosen == NO_REMEDY:
            # "Neither": the complaint goes to our team, and a person is offered.
            return offer.decline()
        return choose(offer, remedy_kind(chosen))


class ComplaintAnswerHandler(ServiceHandler):
    """Yes or no to the complaint's questions: the proposed order, the remedy, the words."""

    # "feedback" is here because "no" to "what would you like to tell us?" is answered
    # like "no" to "what happened?": nothing to add, nothing stored.
    ANSWERS = frozenset(
        {Awaiting.COMPLAINT_ORDER, Awaiting.REMEDY_CHOICE, Awaiting.DESCRIPTION, Awaiting.FEEDBACK}
    )

    def can_handle(self, handler_input: HandlerInput) -> bool:
        awaiting = Dialogue.of(handler_input).awaiting
        if awaiting not in self.ANSWERS:
            return False
        if awaiting in (Awaiting.DESCRIPTION, Awaiting.FEEDBACK):
            # Only "no" ("nothing to add") is an answer here; "yes" is not one.
            return bool(is_intent_name("AMAZON.NoIntent")(handler_input))
        return is_yes_or_no(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        yes = bool(is_intent_name("AMAZON.YesIntent")(handler_input))
        awaiting = turn.dialogue.awaiting
        if awaiting is Awaiting.FEEDBACK:
            return turn.answer("feedback_thanks", stored=False)
        if awaiting is Awaiting.REMEDY_CHOICE:
            offer = RemedyOffer.begin(turn, self.services)
            return choose(offer, None) if yes else offer.decline()
        complaint = ComplaintTaking.begin(turn, self.services)
        slots = complaint.slots()
        if awaiting is Awaiting.DESCRIPTION:
            slots["description"] = None
            return complaint.proceed(slots)
        # The proposed order: "yes" takes it, "no" asks which one.
        if yes:
            slots["orderNumber"] = complaint.state.proposed
        else:
            complaint.state.decline_proposal()
            slots["orderNumber"] = None
        return complaint.proceed(slots)
