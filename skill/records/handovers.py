"""Why a human is needed: the hand-over a dead end of the conversation leaves for the
agent (:mod:`skill.handlers.handover`). A launch hands nothing over."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Handover:
    """Why a human is needed and what they must know; small and free of personal data."""

    # "asked", "complaint_escalated", "remedy_declined", "not_eligible", "unknown_order",
    # "problem_other", "misunderstood", "verification_locked", "delayed_order"
    reason: str
    priority: str = "normal"  # "high" or "normal"
    order_number: str | None = None
    complaint_id: str | None = None
    # What the agent must be allowed to grant, as a decimal string, if anything.
    amount: str | None = None
    currency: str | None = None
