"""Complaints: an apology, a remedy the customer chooses, and a human for every dead end.

One complaint, as the customer hears it::

    "my package arrived damaged"
      -> which order? (a linked customer hears a proposal: "Is this about order 1001?";
         an unlinked one gives number and ZIP code, as for order status)
      -> what happened, in their own words (kept for the agent; not asked when late)
      -> the policy's remedies to choose from ... or a call back from our team
      -> "Your refund of 49 dollars 90 will be on your card by Thursday."

This module takes the complaint: the problem, the order and the customer's words.
:mod:`skill.handlers.remedy_offer` gives the policy's answer and grants the choice,
:mod:`skill.handlers.complaint_answers` takes the yes, no or choice that continues the
dialogue, and :mod:`skill.handlers.commitments` tells what was promised. The
complaint's slots live in the session (:class:`skill.handlers.dialogue.ComplaintState`)
until it is settled, so a "yes", "no" or the customer's choice can continue it.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.commands import obey
from skill.handlers.complaint_turn import ComplaintTurn, problem_type, speak_order
from skill.handlers.dialogue import Awaiting, Slots
from skill.handlers.orders import names_complaint_order
from skill.handlers.remedy_offer import RemedyOffer
from skill.handlers.turn import ServiceHandler, Turn
from skill.records import Order
from skill.records.complaints import ProblemType
from skill.rules.answers import command_in, order_correction
from skill.rules.complaints import about_an_order, likely_order
from skill.rules.orders import normalise_order_number, orders_with_item

COMPLAINT = "ComplaintIntent"
SLOTS = ("problemType", "orderNumber", "postalCode", "description", "item")
# Questions the complaint asks; an answer to one continues the complaint.
QUESTIONS = frozenset(
    {
        Awaiting.PROBLEM_TYPE,
        Awaiting.ORDER_NUMBER,
        Awaiting.POSTAL_CODE,
        Awaiting.DESCRIPTION,
        Awaiting.COMPLAINT_ORDER,
    }
)


class ComplaintTaking(ComplaintTurn):
    """Taking the complaint: what went wrong, with which order, in the customer's words."""

    def slots(self) -> Slots:
        """The slots so far, with what the customer said this turn."""
        kept = self.state.slots
        slots: Slots = {name: kept.get(name) for name in SLOTS}
        for name in SLOTS:
            value = self.turn.slot_id(name) if name == "problemType" else self.turn.slot(name)
            if value:
                slots[name] = value
        return slots

    def proceed(self, slots: Slots) -> Response:
        """Ask what is still missing, or settle the complaint when nothing is."""
        turn = self.turn
        self.state.slots = slots
        raw = slots["problemType"]
        problem = problem_type(raw)
        if problem is ProblemType.OTHER and raw and raw != ProblemType.OTHER.value:
            # Words Alexa could not match to a type ("scratched") are kept for the team,
            # and the customer tells what happened rather than the team getting a guess.
            self.state.heard = raw
            slots["problemType"] = ProblemType.OTHER.value
            if not slots["description"] and not self.state.asked_description:
                self.state.ask_description()
                return turn.elicit(
                    COMPLAINT,
                    Awaiting.DESCRIPTION,
                    "complaint_ask_description",
                    slots,
                    problem=problem.value,
                    unsure=True,
                )
        if problem is None:
            return turn.elicit(COMPLAINT, Awaiting.PROBLEM_TYPE, "complaint_ask_problem", slots)
        slots["problemType"] = problem.value
        number = normalise_order_number(slots["orderNumber"])
        order: Order | None = None
        if about_an_order(problem) or number is not None:
            found = self.order(problem, number, slots)
            if isinstance(found, Response):
                return found
            order = found
            slots["orderNumber"] = order.number
        description = (slots["description"] or "").strip()
        if not description and problem is not ProblemType.LATE and not self.state.asked_description:
            self.state.ask_description()
            return turn.elicit(
                COMPLAINT,
                Awaiting.DESCRIPTION,
                "complaint_ask_description",
                slots,
                problem=problem.value,
            )
        heard = self.state.heard
        if heard and heard not in description:
            description = f"{heard}: {description}" if description else heard
        offer = RemedyOffer(turn, self.services, self.customer_id, self.known_account)
        return offer.settle(problem, order, description)

    def order(self, problem: ProblemType, number: str | None, slots: Slots) -> Order | Response:
        if self.customer_id is None:
            return self.verified_order(COMPLAINT, number, slots)
        turn = self.turn
        orders = self.account(self.customer_id).orders
        if number is not None:
            order = next((o for o in orders if o.number == number), None)
            return order or self.unknown_order(number, no_orders=not orders)
        if not orders:
            return self.unknown_order(None, no_orders=True)
        proposal = None
        if not self.state.proposal_declined:
            # "My shoes arrived broken": the order with those shoes is the likely one.
            by_item = orders_with_item(orders, slots["item"]) if slots["item"] else []
            proposal = by_item[0] if by_item else likely_order(orders, problem, turn.today)
        if proposal is None:
            return turn.elicit(COMPLAINT, Awaiting.ORDER_NUMBER, "complaint_which_order", slots)
        self.state.proposed = proposal.number
        turn.dialogue.wait_for(Awaiting.COMPLAINT_ORDER)
        return turn.answer(
            "complaint_propose_order", order=speak_order(turn, proposal), problem=problem.value
        )


class ComplaintHandler(ServiceHandler):
    """ "I want to complain", "my package arrived damaged", and the answers to its questions,
    an order number said to "is this about order 1001?" included."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(COMPLAINT)(handler_input)) or names_complaint_order(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        awaiting = turn.dialogue.awaiting
        if awaiting is Awaiting.DESCRIPTION:
            words = turn.slot("description")
            command = command_in(words, turn.language)
            if command is not None:
                return obey(handler_input, turn, command)
            corrected = order_correction(words)
            if corrected is not None:
                return self._corrected(turn, corrected, offered=False)
        said = normalise_order_number(turn.slot("orderNumber"))
        if awaiting is Awaiting.REMEDY_CHOICE and said and not turn.slot("problemType"):
            # "No, I meant order 1002" to the remedies: the same complaint, the other order.
            return self._corrected(turn, said, offered=True)
        if awaiting not in QUESTIONS:
            # A new complaint; whatever was half-said before is not part of it.
            turn.dialogue.forget_complaint()
        complaint = ComplaintTaking.begin(turn, self.services)
        return complaint.proceed(complaint.slots())

    def _corrected(self, turn: Turn, number: str, *, offered: bool) -> Response:
        complaint = ComplaintTaking.begin(turn, self.services)
        state = complaint.state
        slots = complaint.slots()
        slots["orderNumber"] = number
        if offered:
            slots["problemType"] = state.problem or slots["problemType"]
            slots["description"] = state.description or None
        else:
            slots["description"] = None
            state.new_order()
        return complaint.proceed(slots)
