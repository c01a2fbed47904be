"""The policy's answer to a complaint, and the customer's choice.

The policy either offers remedies to choose from ("a refund or a new one?") or sends
the complaint to people, with a call back offered. The customer names a remedy, says
yes to the only one, or says no, which hands the complaint over too. Every step that
stores something says so only after it was stored.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NamedTuple

from skill.handlers.complaint_turn import (
    ComplaintTurn,
    maybe_saved,
    not_saved,
    problem_type,
    speak_order,
)
from skill.handlers.dialogue import Awaiting
from skill.handlers.handover import offer_callback
from skill.records import Order
from skill.records.complaints import ProblemType, RemedyKind
from skill.records.handovers import Handover
from skill.rules.callbacks import Priority
from skill.rules.complaints import describe_commitment
from skill.rules.eligibility import Ineligible
from skill.rules.remedies import Decision, Escalation, EscalationCause, decide
from skill.storage.errors import OutcomeUnknown, StorageError
from skill.storage.grants import ReadAlong
from skill.storage.optins import standing_from, standing_keys
from skill.usecases.complaints import assess, grant, hand_over
from skill.usecases.grants import GrantRefused

if TYPE_CHECKING:
    from ask_sdk_model import Response

log = logging.getLogger(__name__)


class Offered(NamedTuple):
    """A complaint whose remedies were offered, as the policy allows them today."""

    problem: ProblemType
    order: Order
    decision: Decision


def _money(escalation: Escalation) -> tuple[str | None, str | None]:
    if escalation.amount is None:
        return None, None
    return str(escalation.amount.amount), escalation.amount.currency


class RemedyOffer(ComplaintTurn):
    """The policy's answer, and the customer's answer to it."""

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
            history=self.known_history(),
        )
        decision = assessment.decision
        if decision.ineligible is not None and order is not None:
            return self.not_eligible(
                assessment.complaint_id, problem, order, description, decision.ineligible
            )
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
            self.hand_over(complaint_id, problem, order, description)
        except StorageError as error:
            log.error("complaint not stored: %s", type(error).__name__)
            return not_saved(self.turn)
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
            order=speak_order(self.turn, order),
        )

    def not_eligible(
        self,
        complaint_id: str,
        problem: ProblemType,
        order: Order,
        description: str,
        why: Ineligible,
    ) -> Response:
        """No money for an order that does not qualify: where it is, and a person if wanted.

        The complaint is kept for the team with the customer's words, so the agent who
        calls sees what was said and why the skill granted nothing.
        """
        try:
            self.hand_over(complaint_id, problem, order, description)
        except StorageError as error:
            log.error("complaint not stored: %s", type(error).__name__)
            return not_saved(self.turn)
        self.turn.dialogue.forget_complaint()
        handover = Handover(
            reason="not_eligible", order_number=order.number, complaint_id=complaint_id
        )
        return offer_callback(
            self.turn,
            "complaint_not_eligible",
            handover,
            problem=problem.value,
            reason=why.value,
            order=speak_order(self.turn, order),
        )

    def hand_over(
        self, complaint_id: str, problem: ProblemType, order: Order | None, description: str
    ) -> None:
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

    # --- the customer's answer --------------------------------------------------------

    def offered(self) -> Offered | None:
        """The complaint whose remedies were offered, re-checked against the policy now.

        The session says only which complaint and order; what may be granted is decided
        again from the stored order, so an altered session cannot grant anything more.
        """
        problem = problem_type(self.state.problem)
        number = self.state.order
        if problem is None or not number or not self.state.complaint_id:
            return None
        order = self.own_order(number)
        if order is None:
            return None
        offered = set(self.state.offered)
        decision = decide(self.services.policy, problem, order, 0, self.turn.today)
        remedies = tuple(remedy for remedy in decision.remedies if remedy.kind.value in offered)
        return Offered(problem, order, Decision(remedies=remedies))

    def choose(self, kind: RemedyKind | None) -> Response | None:
        """Grant ``kind`` (None: the only remedy offered); None if nothing was offered."""
        current = self.offered()
        if current is None:
            return None
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
        # The consent to news of it comes with the totals' read, for the offer after it.
        along = ReadAlong(standing_keys(self.turn.user_id))
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
                cap=self.services.policy.skill_cap,
                along=along,
                history=self.known_history(),
            )
        except GrantRefused as refused:
            # Over the skill's cap for this customer, or the order already carries
            # promises: nothing was stored, and a person decides with the full story.
            log.info("grant refused: %s", refused.refusal.value)
            escalation = Escalation(EscalationCause.OVER_LIMIT, Priority.HIGH, remedy.value)
            return self.escalate(complaint_id, problem, order, description, escalation)
        except OutcomeUnknown as error:
            log.error("remedy may be stored: %s", type(error).__name__)
            return maybe_saved(self.turn)
        except StorageError as error:
            log.error("remedy not stored: %s", type(error).__name__)
            return not_saved(self.turn)
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
                order=speak_order(self.turn, order),
            )
        view = describe_commitment(
            recorded.commitment, [order], self.turn.today, self.turn.language
        )
        # Imported here: only a stored remedy may offer news of it.
        from skill.handlers.notification_offer import answer_offering_news

        complaint_id = recorded.complaint.complaint_id
        standing = None if along.found is None else standing_from(along.found, self.turn.user_id)
        return answer_offering_news(
            self.turn, complaint_id, "complaint_granted", standing=standing, commitment=view
        )

    def decline(self) -> Response:
        handover = self.declined()
        if handover is None:
            return self.turn.answer("goodbye", end_session=True)
        if isinstance(handover, Handover):
            return offer_callback(self.turn, "complaint_declined", handover)
        return handover

    def declined(self) -> Handover | Response | None:
        """None of the remedies offered: the complaint goes to our team, and the
        handover for the agent who calls; None if nothing was on offer; the honest
        answer if it could not be stored."""
        current = self.offered()
        if current is None:
            self.turn.dialogue.forget_complaint()
            return None
        problem, order, decision = current
        complaint_id = str(self.state.complaint_id)
        try:
            self.hand_over(complaint_id, problem, order, self.state.description)
        except StorageError as error:
            log.error("complaint not stored: %s", type(error).__name__)
            return not_saved(self.turn)
        self.turn.dialogue.forget_complaint()
        # The agent should be able to grant at least what the customer turned down.
        most = max(
            (remedy.value for remedy in decision.remedies), key=lambda m: m.amount, default=None
        )
        return Handover(
            reason="remedy_declined",
            order_number=order.number,
            complaint_id=complaint_id,
            amount=str(most.amount) if most else None,
            currency=most.currency if most else None,
        )
