"""Proving an order is theirs: an unlinked customer's order number and ZIP code.

Apart from :mod:`skill.usecases.orders` because a launch never checks an order: the
order status turn imports this when an unlinked customer gives a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from skill.rules.verification import locked_until, postal_code_matches, recent_failures
from skill.storage.users import VersionConflict

if TYPE_CHECKING:
    from skill.records import Order
    from skill.storage import Stores
    from skill.storage.users import Failures


class Outcome(StrEnum):
    VERIFIED = "verified"
    NO_MATCH = "no_match"
    LOCKED = "locked"


@dataclass(frozen=True)
class Verification:
    """How an unlinked customer's order number and ZIP code check ended."""

    outcome: Outcome
    order: Order | None = None
    locked_until: datetime | None = None


def lockout(stores: Stores, user_id: str, now: datetime) -> datetime | None:
    """Until when this Alexa user may not try again, if locked."""
    return locked_until(stores.users.verification_failures(user_id), now)


def verify_order(
    stores: Stores, user_id: str, number: str, postal_code: str, now: datetime
) -> Verification:
    """Check order number and postal code; count a failure against this Alexa user."""
    read = stores.users.failures(user_id)
    until = locked_until(read.moments, now)
    if until is not None:
        return Verification(Outcome.LOCKED, locked_until=until)
    order = stores.orders.get(number)
    if postal_code_matches(order, postal_code):
        return Verification(Outcome.VERIFIED, order=order)
    failures = count_failure(stores, user_id, read, now)
    until = locked_until(failures, now)
    if until is not None:
        return Verification(Outcome.LOCKED, locked_until=until)
    return Verification(Outcome.NO_MATCH)


# Two devices guessing at once conflict at most once each; more means something is wrong.
SAVE_ATTEMPTS = 3


def count_failure(stores: Stores, user_id: str, read: Failures, now: datetime) -> list[datetime]:
    """Add this failure to the stored ones; if another device saved meanwhile, read its
    failures again and add ours to them, so neither device's failure is lost."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        failures = recent_failures([*read.moments, now], now)
        try:
            stores.users.save_verification_failures(user_id, failures, version=read.version)
        except VersionConflict:
            if attempt == SAVE_ATTEMPTS:
                raise
            read = stores.users.failures(user_id)
        else:
            return failures
    raise AssertionError("unreachable: the last attempt returns or raises")
