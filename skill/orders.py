"""Use-cases around orders: who is asking, their account, and proving an order is theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from skill.rules.verification import locked_until, postal_code_matches, recent_failures

if TYPE_CHECKING:
    from skill.identity import Identity
    from skill.records import Order
    from skill.storage import Stores


def identify(identity: Identity, access_token: str | None) -> str | None:
    """The linked customer's id, or None for an unlinked (or no longer linked) customer."""
    if not access_token:
        return None
    return identity.customer_id(access_token)


class Outcome(StrEnum):
    VERIFIED = "verified"
    NO_MATCH = "no_match"
    LOCKED = "locked"


@dataclass(frozen=True)
class Verification:
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
    failures = stores.users.verification_failures(user_id)
    until = locked_until(failures, now)
    if until is not None:
        return Verification(Outcome.LOCKED, locked_until=until)
    order = stores.orders.get(number)
    if postal_code_matches(order, postal_code):
        return Verification(Outcome.VERIFIED, order=order)
    failures = recent_failures([*failures, now], now)
    stores.users.save_verification_failures(user_id, failures)
    until = locked_until(failures, now)
    if until is not None:
        return Verification(Outcome.LOCKED, locked_until=until)
    return Verification(Outcome.NO_MATCH)
