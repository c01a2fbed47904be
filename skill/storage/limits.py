"""The daily counters of :mod:`skill.rules.limits`: bookings, moves and texts.

Items::

    PK=LIMIT#caller#<sha256>   SK=<act>#<yyyy-mm-dd>   count, expires_at
    PK=LIMIT#number#<sha256>   SK=<act>#<yyyy-mm-dd>   count, expires_at

The key holds a hash of the Alexa user id or of the number's last ten digits, never the
number itself. A counter is not written on its own: :func:`tally_update` gives the write
that goes into the transaction of the booking or move it counts. It adds one only while
the count is below the limit, so the transaction fails as a whole when the limit is
reached, and :func:`limits_checked` turns that failure into :class:`LimitReached`,
naming the counters that were full. Two devices at once cannot both take the last
place: DynamoDB checks and adds in one step.

Counters expire two days after their day began (the table's time to live); erasing a
customer's data leaves them, as they say nothing about the customer and erasing them
would reset the limits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from skill.rules.limits import Tally
from skill.storage.errors import ConditionFailed
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.transaction import Update

# A day's counters outlive the day wherever it is: days begin within 14 hours of UTC's.
COUNTER_RETENTION = timedelta(days=2)
# The count that a write adds one to, and its limit.
BELOW_LIMIT = "attribute_not_exists(#count) OR #count < :limit"


class LimitReached(ConditionFailed):
    """A counter of the transaction was at its limit, so nothing was written."""

    def __init__(self, reached: tuple[Tally, ...], *, failed_items: tuple[int, ...]) -> None:
        super().__init__("a daily limit is reached", failed_items=failed_items)
        self.reached = reached


def tally_pk(tally: Tally) -> str:
    digest = hashlib.sha256(tally.key.encode("utf-8")).hexdigest()
    return f"LIMIT#{tally.subject.value}#{digest}"


def tally_update(tally: Tally) -> Update:
    """The write that counts ``tally``, to go into the transaction of what it counts."""
    began = datetime.combine(tally.day, time(0, 0), UTC)
    return Update(
        tally_pk(tally),
        f"{tally.act.value}#{tally.day.isoformat()}",
        f"ADD #count :one SET #kind = :kind, {TTL_ATTRIBUTE} = :expires",
        condition=BELOW_LIMIT,
        names={"#count": "count", "#kind": "kind"},
        values={
            ":one": 1,
            ":limit": tally.limit,
            ":kind": "limit",
            ":expires": int((began + COUNTER_RETENTION).timestamp()),
        },
    )


@contextmanager
def limits_checked(first: int, counted: Sequence[Tally]) -> Iterator[None]:
    """Around a transaction whose writes from position ``first`` on count ``counted``.

    A transaction that failed only on counters raises :class:`LimitReached`; one that
    failed on anything else as well raises the original error, which says more.
    """
    try:
        yield
    except ConditionFailed as error:
        positions = range(first, first + len(counted))
        if not error.failed_items or not set(error.failed_items) <= set(positions):
            raise
        reached = tuple(counted[index - first] for index in error.failed_items)
        raise LimitReached(reached, failed_items=error.failed_items) from error
