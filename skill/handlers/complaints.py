"""Complaints: an apology, a remedy the customer chooses, and a human for every dead end.

One complaint, as the customer hears it::

    "my package arrived damaged"
      -> which order? (a linked customer hears a proposal: "Is this about order 1001?";
         an unlinked one gives number and ZIP code, as for order status)
      -> what happened, in their own words (kept for the agent; not asked when late)
      -> the policy's remedies to choose from ... or a call back from our team
      -> "Your refund of 49 dollars 90 will be on your card by Thursday."

The complaint's slots live in the session (:class:`skill.handlers.dialogue.ComplaintState`)
until it is settled, so a "yes", "no" or the customer's choice can continue it.
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.dialogue import Awaiting, ComplaintState, Dialogue, Slots
from skill.handlers.handover import offer_callback
from skill.handlers.turn import ServiceHandler, Services, Turn
from skill.records import ComplaintStatus, Handover, Order, ProblemType, RemedyKind
from skill.rules.callbacks import Priority
from skill.rules.complaints import about_an_order, describe_commitment, likely_order
from skill.rules.orders import describe, normalise_order_number
from skill.rules.remedies import Decision, Escalation, EscalationCause, decide
from skill.storage import STORAGE_ERRORS
from skill.usecases.complaints import assess, grant, hand_over, history_for
from skill.usecases.orders import Outcome, identify, lockout, verify_order

log = logging.getLogger(__name__)

COMPLAINT = "ComplaintIntent"
CHOICE = "RemedyChoiceIntent"
COMMITMENTS = "CommitmentStatusIntent"
SLOTS = ("problemType", "orderNumber", "postalCode", "description")
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
# How many promises one answer reads out.
SPOKEN_AT_ONCE = 3


def _problem(raw: str | None) -> ProblemType | None:
    if not raw:
        return None
    try:
        return ProblemType(raw.strip().lower().replace(" ", "_"))
    except ValueError:
        # Words Alexa could not match to a type: a person will understand them.
        return ProblemType.OTHER


def _remedy(raw: str | None) -> RemedyKind | None:
    try:
        return RemedyKind(raw.strip().lower().replace(" ", "_")) if raw else None
    except ValueError:
        return None


def _speak_order(turn: Turn, order: Order | None) -> Any:
    return describe(order, turn.today, turn.language) if order is not None else None


def _not_saved(turn: Turn) -> Response:
    """Storage failed: say so, confirm nothing, and give the phone line."""
    turn.dialogue.forget_complaint()
    turn.dialogue.stop_waiting()
    return turn.answer(
        "complaint_not_saved",
        end_session=True,
        service_phone=turn.services.settings.service_phone,
    )


def _money(escalation: Escalation) -> tuple[str | None, str | None]:
    if escalation.amount is None:
        return None, None
    return str(escalation.amount.amount), escalation.amount.currency


class Complaints:
    """The complaint dialogue for one turn."""

    def __init__(self, turn: Turn, services: Services) -> None:
        self.turn = turn
        self.services = services
        self.stores = services.stores
        self.state: ComplaintState = turn.dialogue.complaint
        self.customer_id = identify(services.identity, turn.access_token)

    # --- taking the complaint ---------------------------------------------------------

    def slots(self) -> Slots:
        kept = self.state.slots
        slots: Slots = {name: kept.get(name) for name in SLOTS}
        for name in SLOTS:
            value = self.turn.slot_id(name) if name == "problemType" else self.turn.slot(name)
            if value:
                slots[name] = value
        return slots

    def proceed(self, slots: Slots) -> Response:
        turn = self.turn
        self.state.slots = slots
        raw = slots["problemType"]
        problem = _problem(raw)
        if (
            problem is ProblemType.OTHER
            and raw != ProblemType.OTHER.value
            and not slots["description"]
        ):
            # Words Alexa could not match to a type are the customer's own description.
            slots["description"] = raw
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
        return self.settle(problem, order, description)

    def order(self, problem: ProblemType, number: str | None, slots: Slots) -> Order | Response:
        if self.customer_id is None:
            return self.verified_order(COMPLAINT, number, slots)
        turn = self.turn
        orders = self.stores.orders.account(self.customer_id).orders
        if number is not None:
            order = next((o for o in orders if o.number == number), None)
            return order or self.unknown_order(number, no_orders=not orders)
        if not orders:
            return self.unknown_order(None, no_orders=True)
        proposal = None
        if not self.state.proposal_declined:
            proposal = likely_order(orders, problem, turn.today)
        if proposal is None:
            return turn.elicit(COMPLAINT, Awaiting.ORDER_NUMBER, "complaint_which_order", slots)
        self.state.proposed = proposal.number
        turn.dialogue.wait_for(Awaiting.COMPLAINT_ORDER)
        return turn.answer(
            "complaint_propose_order", order=_speak_order(turn, proposal), problem=problem.value
        )

    def verified_order(self, intent: str, number: str | None, slots: Slots) -> Order | Response:
        """An unlinked customer proves the order is theirs, exactly as for order status."""
        turn = self.turn
        if number is not None and number in turn.dialogue.verified_orders:
            order = self.stores.orders.get(number)
            if order is not None:
                return order
        postal_code = slots.get("postalCode")
        if number is None or postal_code is None:
            if lockout(self.stores, turn.user_id, turn.now) is not None:
                return self.unknown_order(number, locked=True)
            if number is None:
                return turn.elicit(
                    intent,
                    Awaiting.ORDER_NUMBER,
                    "ask_order_number",
                    slots,
                    link_account=True,
                    retry=False,
                )
            return turn.elicit(intent, Awaiting.POSTAL_CODE, "ask_postal_code", slots)
        result = verify_order(self.stores, turn.user_id, number, postal_code, turn.now)
        if result.outcome is Outcome.VERIFIED and result.order is not None:
            turn.dialogue.verified(number)
            return result.order
        if result.outcome is Outcome.LOCKED or self.state.retried:
            return self.unknown_order(number, locked=result.outcome is Outcome.LOCKED)
        self.state.retry()
        slots = {**slots, "orderNumber": None, "postalCode": None}
        self.state.slots = slots
        return turn.elicit(intent, Awaiting.ORDER_NUMBER, "ask_order_number", slots, retry=True)

    def unknown_order(
        self, number: str | None, *, no_orders: bool = False, locked: bool = False
    ) -> Response:
        self.turn.dialogue.forget_complaint()
        reason = "verification_locked" if locked else "unknown_order"
        return offer_callback(
            self.turn,
            "complaint_unknown_order",
            Handover(reason=reason, order_number=number),
            number=number,
            no_orders=no_orders,
            locked=locked,
        )

    # --- the policy's answer ----------------------------------------------------------

    def settle(self, problem: ProblemType, order: Order | None, description: str) -> Response:
        turn = self.turn
        assessment = assess(
            self.stores,
            self.services.policy,
            session_id=turn.session_id or str(getattr(turn.request, "request_id", "")),
            problem=problem,
            order=order,
            today=turn.today,
        )
        decision = assessment.decision
        if decision.escalation is not None or order is None:
            # decide() escalates whenever there is no order; the default only satisfies types.
            escalation = decision.escalation or Escalation(
                EscalationCause.NO_ORDER, Priority.NORMAL, None
            )
            return self.escalate(assessment.complaint_id, problem, order, description, escalation)
        self.state.offer(
            assessment.complaint_id,
            problem.value,
            order.number,
            description,
            [remedy.kind.value for remedy in decision.remedies],
        )
        return self.offer(problem, order, decision, again=False)

    def offer(
        self, problem: ProblemType, order: Order, decision: Decision, *, again: bool
    ) -> Response:
        self.turn.dialogue.wait_for(Awaiting.REMEDY_CHOICE)
        return self.turn.answer(
            "complaint_remedies",
            problem=problem.value,
            item=order.item_for(self.turn.language),
            remedies=list(decision.remedies),
            again=again,
        )

    def escalate(
        self,
        complaint_id: str,
        problem: ProblemType,
        order: Order | None,
        description: str,
        escalation: Escalation,
    ) -> Response:
        try:
            hand_over(
                self.stores,
                complaint_id=complaint_id,
                customer_id=self.customer_id,
                order=order,
                problem=problem,
                description=description,
                now=self.turn.now,
                locale=self.turn.locale,
            )
        except STORAGE_ERRORS as error:
            log.error("complaint not stored: %s", type(error).__name__)
            return _not_saved(self.turn)
        self.turn.dialogue.forget_complaint()
        amount, currency = _money(escalation)
        handover = Handover(
            reason="problem_other" if problem is ProblemType.OTHER else "complaint_escalated",
            priority=escalation.priority.value,
            order_number=order.number if order else None,
            complaint_id=complaint_id,
            amount=amount,
            currency=currency,
        )
        return offer_callback(
            self.turn,
            "complaint_escalated",
            handover,
            cause=escalation.cause.value,
            problem=problem.value,
            order=_speak_order(self.turn, order),
        )

    # --- the customer's answer --------------------------------------------------------

    def offered(self) -> tuple[ProblemType, Order, Decision] | None:
        """The complaint whose remedies were offered, re-checked against the policy now.

        The session says only which complaint and order; what may be granted is decided
        again from the stored order, so an altered session cannot grant anything more.
        """
        problem = _problem(self.state.problem)
        number = self.state.order
        if problem is None or not number or not self.state.complaint_id:
            return None
        order = self.own_order(number)
        if order is None:
            return None
        offered = set(self.state.offered)
        decision = decide(self.services.policy, problem, order, 0, self.turn.today)
        remedies = tuple(remedy for remedy in decision.remedies if remedy.kind.value in offered)
        return problem, order, Decision(remedies=remedies)

    def own_order(self, number: str) -> Order | None:
        if self.customer_id is not None:
            orders = self.stores.orders.account(self.customer_id).orders
            return next((order for order in orders if order.number == number), None)
        if number in self.turn.dialogue.verified_orders:
            return self.stores.orders.get(number)
        return None

    def choose(self, kind: RemedyKind | None) -> Response:
        current = self.offered()
        if current is None:
            # A choice without a complaint ("I want a refund"): take the complaint first.
            self.turn.dialogue.forget_complaint()
            return Complaints(self.turn, self.services).proceed(dict.fromkeys(SLOTS))
        problem, order, decision = current
        complaint_id = str(self.state.complaint_id)
        description = self.state.description
        if not decision.remedies:
            # The policy changed since the offer: nothing is left to grant, so people decide.
            escalation = Escalation(EscalationCause.POLICY, Priority.NORMAL, None)
            return self.escalate(complaint_id, problem, order, description, escalation)
        if kind is None and len(decision.remedies) == 1:
            kind = decision.remedies[0].kind
        remedy = decision.remedy(kind) if kind is not None else None
        if remedy is None:
            return self.offer(problem, order, decision, again=True)
        try:
            recorded = grant(
                self.stores,
                complaint_id=complaint_id,
                order=order,
                problem=problem,
                description=description,
                remedy=remedy,
                now=self.turn.now,
                locale=self.turn.locale,
            )
        except STORAGE_ERRORS as error:
            log.error("remedy not stored: %s", type(error).__name__)
            return _not_saved(self.turn)
        self.turn.dialogue.forget_complaint()
        if recorded.commitment is None:
            # This complaint went to the team in an earlier attempt; say that, not more.
            return offer_callback(
                self.turn,
                "complaint_escalated",
                Handover(
                    "complaint_escalated",
                    order_number=order.number,
                    complaint_id=recorded.complaint.complaint_id,
                ),
                cause="policy",
                problem=problem.value,
                order=_speak_order(self.turn, order),
            )
        view = describe_commitment(
            recorded.commitment, [order], self.turn.today, self.turn.language
        )
        return self.turn.answer("complaint_granted", commitment=view)

    def decline(self) -> Response:
        current = self.offered()
        if current is None:
            self.turn.dialogue.forget_complaint()
            return self.turn.answer("goodbye", end_session=True)
        problem, order, decision = current
        complaint_id = str(self.state.complaint_id)
        try:
            hand_over(
                self.stores,
                complaint_id=complaint_id,
                customer_id=self.customer_id,
                order=order,
                problem=problem,
                description=self.state.description,
                now=self.turn.now,
                locale=self.turn.locale,
            )
        except STORAGE_ERRORS as error:
            log.error("complaint not stored: %s", type(error).__name__)
            return _not_saved(self.turn)
        self.turn.dialogue.forget_complaint()
        # The agent should be able to grant at least what the customer turned down.
        most = max(
            (remedy.value for remedy in decision.remedies), key=lambda m: m.amount, default=None
        )
        return offer_callback(
            self.turn,
            "complaint_declined",
            Handover(
                reason="remedy_declined",
                order_number=order.number,
                complaint_id=complaint_id,
                amount=str(most.amount) if most else None,
                currency=most.currency if most else None,
            ),
        )


class ComplaintHandler(ServiceHandler):
    """ "I want to complain", "my package arrived damaged", and the answers to its questions."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(COMPLAINT)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        if turn.dialogue.awaiting not in QUESTIONS:
            # A new complaint; whatever was half-said before is not part of it.
            turn.dialogue.forget_complaint()
        complaints = Complaints(turn, self.services)
        return complaints.proceed(complaints.slots())


class RemedyChoiceHandler(ServiceHandler):
    """ "The refund, please", "send me a new one", "I'll take the voucher"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(CHOICE)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        return Complaints(turn, self.services).choose(_remedy(turn.slot_id("remedy")))


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
        return bool(
            is_intent_name("AMAZON.YesIntent")(handler_input)
            or is_intent_name("AMAZON.NoIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        yes = bool(is_intent_name("AMAZON.YesIntent")(handler_input))
        awaiting = turn.dialogue.awaiting
        if awaiting is Awaiting.FEEDBACK:
            return turn.answer("feedback_thanks", stored=False)
        complaints = Complaints(turn, self.services)
        if awaiting is Awaiting.REMEDY_CHOICE:
            return complaints.choose(None) if yes else complaints.decline()
        slots = complaints.slots()
        if awaiting is Awaiting.DESCRIPTION:
            slots["description"] = None
            return complaints.proceed(slots)
        # The proposed order: "yes" takes it, "no" asks which one.
        if yes:
            slots["orderNumber"] = complaints.state.proposed
        else:
            complaints.state.decline_proposal()
            slots["orderNumber"] = None
        return complaints.proceed(slots)


class CommitmentsHandler(ServiceHandler):
    """ "What did you promise me?", "what's happening with my complaint?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(COMMITMENTS)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        complaints = Complaints(turn, self.services)
        stores = self.services.stores
        if complaints.customer_id is not None:
            orders = stores.orders.account(complaints.customer_id).orders
            history = history_for(stores, complaints.customer_id)
        else:
            if turn.dialogue.awaiting not in (Awaiting.ORDER_NUMBER, Awaiting.POSTAL_CODE):
                turn.dialogue.forget_complaint()
            slots: Slots = {
                "orderNumber": turn.slot("orderNumber"),
                "postalCode": turn.slot("postalCode"),
            }
            number = normalise_order_number(slots["orderNumber"])
            verified = turn.dialogue.verified_orders
            if not verified or (number is not None and number not in verified):
                found = complaints.verified_order(COMMITMENTS, number, slots)
                if isinstance(found, Response):
                    return found
                verified = [found.number]
            orders = [order for n in verified if (order := stores.orders.get(n)) is not None]
            if not orders:
                return turn.answer("commitments", promises=[], with_team=[], more=0)
            history = history_for(stores, orders[0].customer_id, verified)
        turn.dialogue.forget_complaint()
        promises = [
            describe_commitment(commitment, orders, turn.today, turn.language)
            for commitment in reversed(history.commitments)
        ]
        with_team = [
            _speak_order(turn, next((o for o in orders if o.number == c.order_number), None))
            for c in reversed(history.complaints)
            if c.status is ComplaintStatus.WITH_TEAM
        ]
        return turn.answer(
            "commitments",
            promises=promises[:SPOKEN_AT_ONCE],
            with_team=with_team[:2],
            more=max(0, len(promises) - SPOKEN_AT_ONCE),
        )
