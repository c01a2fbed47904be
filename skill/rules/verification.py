"""Verifying an unlinked customer by order number and postal code, with a lockout.

Three failures inside 15 minutes lock look-ups for 15 minutes from the third::

    fail   fail        fail
    |------|-----------|=============== locked ===============|
    t0                 t2 (t2 - t0 <= 15 min)                t2 + 15 min
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from skill.records import Order

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
MAX_FAILURES = 3


# A British postcode comes through a custom slot as spoken: "s. w. one a. one a. a.".
_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip


def normalise_postal_code(raw: str) -> str:
    words = raw.replace(".", " ").lower().split()
    code = "".join(_SPOKEN_DIGITS.get(word, word) for word in words).upper()
    # Alexa's number slot drops leading zeros of US ZIP codes ("02134" -> "2134").
    if code.isdigit() and len(code) < 5:
        code = code.zfill(5)
    return code


def postal_code_matches(order: Order | None, spoken: str | None) -> bool:
    """Unknown order and wrong code are the same "no", so nothing leaks."""
    if order is None or not spoken or not order.postal_code:
        return False
    return normalise_postal_code(order.postal_code) == normalise_postal_code(spoken)


def locked_until(failures: Iterable[datetime], now: datetime) -> datetime | None:
    """When the lockout ends, or None if look-ups are allowed at ``now``."""
    times = sorted(failures)
    until: datetime | None = None
    for first, third in zip(times, times[MAX_FAILURES - 1 :], strict=False):
        if third - first <= WINDOW:
            end = third + LOCK
            if end > now and (until is None or end > until):
                until = end
    return until


def recent_failures(failures: Sequence[datetime], now: datetime) -> list[datetime]:
    """The failures that can still matter; older ones are dropped before storing."""
    return sorted(f for f in failures if now - f < WINDOW + LOCK)
