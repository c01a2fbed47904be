"""The overdue sweep: late callbacks and broken promises go to the team, once a day each.

A scheduled function (``overdue_function.py``) runs :func:`sweep` every hour::

    open queue (one query) ──> overdue_callbacks() ─┐
    open promises (one query on GSI2) ─> overdue() ─┼─> claim a reminder mark ─> publish
                                                    │   (already claimed today: skip)

The rules are pure (:mod:`skill.rules.overdue`, :mod:`skill.rules.remedies`); the marks
make an hourly schedule remind about each item at most once per day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from skill.adapters.delivery import Notification, Publisher
from skill.records.callbacks import QueuedCallback
from skill.records.complaints import Commitment
from skill.rules.dates import zone
from skill.rules.overdue import overdue_callbacks
from skill.rules.remedies import overdue

if TYPE_CHECKING:
    from skill.storage import Stores
    from skill.storage.team import Team


@dataclass(frozen=True)
class SweepResult:
    callbacks: int  # overdue now, reminded or not
    commitments: int
    sent: int  # reminders published by this run


def callback_reminder(item: QueuedCallback, team: Team, now: datetime) -> Notification:
    agent = team.agent(item.agent_id)
    who = agent.name if agent else item.agent_id
    minutes = int((now - item.due_at).total_seconds() // 60)
    return Notification(
        audience="team",
        subject=f"Callback overdue: {who}",
        text=(
            f"{who}: the {item.priority} priority callback {item.callback_id} was due "
            f"{item.due_at.strftime('%Y-%m-%d %H:%M')} UTC, {minutes} minutes ago, and is "
            "still open. Call the customer or reassign it in the console."
        ),
    )


def commitment_reminder(commitment: Commitment, today: date) -> Notification:
    amount = (
        f" of {commitment.amount.amount} {commitment.amount.currency}" if commitment.amount else ""
    )
    return Notification(
        audience="team",
        subject=f"Promise overdue: order {commitment.order_number}",
        text=(
            f"The {commitment.kind.value.replace('_', ' ')}{amount} promised for order "
            f"{commitment.order_number} (complaint {commitment.complaint_id}) was due "
            f"{commitment.due.isoformat()} and is not marked done (today is {today.isoformat()}). "
            "Carry it out or tell the customer in the console."
        ),
    )


def sweep(stores: Stores, publisher: Publisher, now: datetime, time_zone: str) -> SweepResult:
    """Remind the team of every overdue item not reminded about today."""
    # Promises are due on the shop's calendar days; callbacks at exact moments.
    today = now.astimezone(zone(time_zone)).date()
    team = stores.team.get()
    late_calls = overdue_callbacks(team.queue, now)
    broken = overdue(stores.promises.open_promises(), today)
    sent = 0
    for item in late_calls:
        if stores.reminders.claim(f"callback#{item.callback_id}", today, now):
            publisher.publish(callback_reminder(item, team, now))
            sent += 1
    for commitment in broken:
        if stores.reminders.claim(f"commitment#{commitment.commitment_id}", today, now):
            publisher.publish(commitment_reminder(commitment, today))
            sent += 1
    return SweepResult(len(late_calls), len(broken), sent)
