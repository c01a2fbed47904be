"""What is late: open callbacks past their time, promises past their day. No I/O.

Commitments use :func:`skill.rules.remedies.overdue`; a callback is overdue once its
time plus a grace period has passed and it is still open::

    due_at ─────── grace ───────┤ overdue from here
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from skill.records.callbacks import QueuedCallback

# An agent finishing the call before may start a few minutes late; that is not news.
CALLBACK_GRACE = timedelta(minutes=30)


def overdue_callbacks(
    queue: Iterable[QueuedCallback], now: datetime, grace: timedelta = CALLBACK_GRACE
) -> list[QueuedCallback]:
    """Open callbacks not made in time, the longest overdue first."""
    late = [item for item in queue if item.due_at + grace <= now]
    return sorted(late, key=lambda item: (item.due_at, item.callback_id))
