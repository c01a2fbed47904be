"""The remedy policy as data, and what it grants for one complaint.

The policy comes from ``policy/remedies.yaml`` (loaded and checked by
:mod:`skill.policy`); :func:`decide` applies it to a complaint::

    problem, order, earlier complaints ──> decide() ──> remedies to choose from
                                                   ├──> or an escalation to people
                                                   └──> or why the order does not qualify
                                                        (:mod:`skill.rules.eligibility`)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from skill.records import Money, Order
from skill.records.complaints import Commitment, CommitmentStatus, ProblemType, RemedyKind
from skill.rules.callbacks import Priority
from skill.rules.eligibility import EVERY_ORDER, EligibilityRule, Ineligible, ineligibility
from skill.rules.grants import SkillCap

# What the policy may ask for a problem it sends to people. Urgent is the queue's own
# word for an escalated complaint (rules.callbacks.priority_for), not the policy's.
POLICY_PRIORITIES = (Priority.NORMAL, Priority.HIGH)


@dataclass(frozen=True)
class RemedyRule:
    kind: RemedyKind
    # Only vouchers have a fixed amount; the others take theirs from the order.
    amount: Decimal | None = None


@dataclass(frozen=True)
class ProblemRule:
    remedies: tuple[RemedyRule, ...]
    # The priority of the call back when this problem goes to people by policy.
    priority: Priority = Priority.NORMAL
    # Which orders qualify for the remedies (the policy's ``when:``).
    eligible: EligibilityRule = EVERY_ORDER


@dataclass(frozen=True)
class RemedyPolicy:
    skill_limit: Decimal
    complaints_per_order: int
    due_in_days: Mapping[RemedyKind, int]
    problems: Mapping[ProblemType, ProblemRule]
    # What the skill grants one customer by itself in a rolling window; None: no cap.
    skill_cap: SkillCap | None = None


@dataclass(frozen=True)
class Remedy:
    """One remedy the customer may choose, with what it costs the shop and when it is due."""

    kind: RemedyKind
    amount: Money | None  # what the customer gets in money; None for a replacement
    value: Money
    due: date


class EscalationCause(StrEnum):
    POLICY = "policy"  # the policy grants nothing for this problem
    NO_ORDER = "no_order"  # remedies need an order and there is none
    OVER_LIMIT = "over_limit"
    REPEATED = "repeated"


@dataclass(frozen=True)
class Escalation:
    cause: EscalationCause
    priority: Priority
    # What the agent must be allowed to grant, if the policy knows.
    amount: Money | None


@dataclass(frozen=True)
class Decision:
    remedies: tuple[Remedy, ...] = ()
    escalation: Escalation | None = None
    # The order does not qualify: no money, the customer hears where it is.
    ineligible: Ineligible | None = None

    def remedy(self, kind: RemedyKind) -> Remedy | None:
        return next((remedy for remedy in self.remedies if remedy.kind is kind), None)


def remedy_for(rule: RemedyRule, order: Order, due_in_days: int, today: date) -> Remedy | None:
    """What ``rule`` is worth for ``order``; None if it does not apply (no shipping paid)."""
    currency = order.total.currency
    due = today + timedelta(days=due_in_days)
    if rule.kind is RemedyKind.REFUND:
        return Remedy(rule.kind, order.total, order.total, due)
    if rule.kind is RemedyKind.REPLACEMENT:
        return Remedy(rule.kind, None, order.total, due)
    if rule.kind is RemedyKind.SHIPPING_REFUND:
        if order.shipping is None or order.shipping.amount <= 0:
            return None
        return Remedy(rule.kind, order.shipping, order.shipping, due)
    money = Money(rule.amount or Decimal(0), currency)
    return Remedy(rule.kind, money, money, due)


def decide(
    policy: RemedyPolicy,
    problem: ProblemType,
    order: Order | None,
    earlier_complaints: int,
    today: date,
) -> Decision:
    """The remedies the skill may offer for this complaint, or why people must take it.

    ``earlier_complaints`` counts complaints about the same order before this one.
    """
    rule = policy.problems[problem]
    if order is None:
        cause = EscalationCause.POLICY if not rule.remedies else EscalationCause.NO_ORDER
        return Decision(escalation=Escalation(cause, rule.priority, None))
    if rule.remedies and (why := ineligibility(rule.eligible, order, today)) is not None:
        return Decision(ineligible=why)
    candidates = [
        remedy
        for remedy_rule in rule.remedies
        if (
            remedy := remedy_for(
                remedy_rule, order, policy.due_in_days.get(remedy_rule.kind, 0), today
            )
        )
        is not None
    ]
    most = _most_valuable(candidates, order)
    if earlier_complaints >= policy.complaints_per_order:
        return Decision(escalation=Escalation(EscalationCause.REPEATED, Priority.HIGH, most))
    if not candidates:
        return Decision(escalation=Escalation(EscalationCause.POLICY, rule.priority, None))
    within = tuple(remedy for remedy in candidates if remedy.value.amount <= policy.skill_limit)
    if not within:
        return Decision(escalation=Escalation(EscalationCause.OVER_LIMIT, Priority.HIGH, most))
    return Decision(remedies=within)


def _most_valuable(remedies: Iterable[Remedy], order: Order) -> Money:
    values = [remedy.value for remedy in remedies]
    if not values:
        # Nothing the policy lists: an agent would be deciding about the order itself.
        return order.total
    return max(values, key=lambda money: money.amount)


def status_on(commitment: Commitment, today: date) -> CommitmentStatus:
    """A promise still open after its due day is overdue, whatever was stored."""
    if commitment.status is CommitmentStatus.PROMISED and commitment.due < today:
        return CommitmentStatus.OVERDUE
    return commitment.status


def overdue(commitments: Iterable[Commitment], today: date) -> list[Commitment]:
    """The promises not kept in time, the longest overdue first."""
    late = [c for c in commitments if status_on(c, today) is CommitmentStatus.OVERDUE]
    return sorted(late, key=lambda commitment: (commitment.due, commitment.commitment_id))
