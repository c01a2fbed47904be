"""Customer satisfaction: after a resolved callback, the customer is asked once how it
went ("Did Maria sort it out? Say a number from one to five").

Only a linked customer is asked: a guest's callback, or anonymous feedback, has no
account to ask at the next visit, and nothing may point back to them. The question goes
by the callback's channel: a customer who chose SMS gets it as a text when the callback
is resolved, anyone else hears it at their next visit. Either way it is marked asked in
the same write that asks it, so it is never asked twice, answered or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from skill.records.callbacks import Callback

SCORES = range(1, 6)
# Numbers a customer may say for a score out of range ("seven"): asked again once. A
# larger number is no score at all (an order number, say) and moves on.
OUT_OF_RANGE = range(0, 11)


class AskedBy(StrEnum):
    VOICE = "voice"  # at the customer's next visit
    SMS = "sms"  # texted when the callback is resolved


def asked_by(callback: Callback) -> AskedBy | None:
    """How the customer of a callback just resolved is asked, or None: not at all."""
    linked = bool(callback.customer_id) and callback.owner == f"customer:{callback.customer_id}"
    if not linked or callback.csat_asked_at is not None:
        return None
    # Texted only to a number that is theirs for sure, as every text (skill.rules.limits).
    if callback.channel == "sms" and callback.phone and callback.phone_confirmed:
        return AskedBy.SMS
    return AskedBy.VOICE


@dataclass(frozen=True)
class Survey:
    """A resolved callback whose customer has not been asked yet how it went.

    Defined here, not with the records, so a launch without one never pays for the
    class (:meth:`skill.storage.orders.OrderStore.account` imports it when it finds one).
    """

    callback_id: str
    agent_first_name: str
    resolved_at: datetime


def first_name(agent_name: str) -> str:
    """ "Maria Schneider" → "Maria": how the customer knows their agent."""
    return agent_name.split(" ")[0] if agent_name else ""


def survey_to_ask(surveys: Iterable[Survey]) -> Survey | None:
    """Of the callbacks not asked about yet, the latest: one question per visit."""
    return max(surveys, key=lambda survey: survey.resolved_at, default=None)


class Reading(StrEnum):
    SCORE = "score"  # 1 to 5
    OUT_OF_RANGE = "out_of_range"  # a number, but not 1 to 5: asked again once
    NO_SCORE = "no_score"  # no number, or one that is no answer to the question


@dataclass(frozen=True)
class Heard:
    reading: Reading
    score: int | None = None  # only for Reading.SCORE

    @property
    def answers(self) -> bool:
        """A score, or a number meant as one: the question is being answered."""
        return self.reading is not Reading.NO_SCORE


def read_score(value: str | None) -> Heard:
    """What the customer's number (Alexa's AMAZON.NUMBER value) says."""
    text = (value or "").strip()
    if not text.isdigit():
        return Heard(Reading.NO_SCORE)
    number = int(text)
    if number in SCORES:
        return Heard(Reading.SCORE, number)
    if number in OUT_OF_RANGE:
        return Heard(Reading.OUT_OF_RANGE)
    return Heard(Reading.NO_SCORE)


@dataclass(frozen=True)
class Satisfaction:
    """The scores of a set of callbacks: how many answered, the average, the spread."""

    responses: int
    average: Decimal | None  # one decimal; None without responses
    distribution: list[tuple[str, int]]  # "1" … "5" → how many
    by_agent: list[tuple[str, int, Decimal]]  # agent, responses, average
    asked: int  # how many were asked, answered or not


def _average(scores: list[int]) -> Decimal:
    return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def satisfaction(callbacks: Iterable[Callback], names: Mapping[str, str]) -> Satisfaction:
    """The figures of ``callbacks``' scores; each agent by ``names`` (id → name)."""
    asked = 0
    scores: list[int] = []
    per_agent: dict[str, list[int]] = {}
    for callback in callbacks:
        if callback.csat_asked_at is not None:
            asked += 1
        if callback.csat_score is None:
            continue
        scores.append(callback.csat_score)
        agent = names.get(callback.agent_id, callback.agent_name or callback.agent_id)
        per_agent.setdefault(agent, []).append(callback.csat_score)
    counted = Counter(scores)
    return Satisfaction(
        responses=len(scores),
        average=_average(scores) if scores else None,
        distribution=[(str(score), counted.get(score, 0)) for score in SCORES],
        by_agent=[
            (agent, len(given), _average(given)) for agent, given in sorted(per_agent.items())
        ],
        asked=asked,
    )
