"""How often one caller, or one phone number, may book, move and be texted in a day.

A guest can give any number by voice. Without limits, booking and moving a call back
again and again would text that number again and again, and fill the team's queue. So
each day (the team's day, in the service time zone, the same for every caller) counts,
per Alexa user and per phone number:

=============  =======  ================================================================
what           default  counted when
=============  =======  ================================================================
bookings       3        a call back is booked
reschedules    3        an open call back gets a new time, channel or number by voice
texts          5        the notifier will text the customer about it
=============  =======  ================================================================

A booking or a move over its limit is refused: nothing is stored, and the customer
hears why. A text over its limit is only left out: the booking or move still happens.
Cancelling is never refused. The counters themselves are DynamoDB items that a write
adds one to under a condition, in the same transaction as the change
(:mod:`skill.storage.limits`), so two devices at once cannot both pass the last place.

Apart from the daily counts, a call back tells about its moves at most once an hour:
the team hears of at most one move per hour (:func:`notice_due`), and the customer who
chose SMS gets at most one text per hour, the booking's included (:func:`text_due`). A
cancellation is always told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from skill.records.callbacks import Callback

# Changes of one call back told to the team and the customer: at most one per this.
NOTICE_INTERVAL = timedelta(hours=1)
# A number is counted by its last digits: "2125550142" said by voice and
# "+1 212 555 0142" from the account are the same number.
NUMBER_DIGITS = 10


class Act(StrEnum):
    """What is counted."""

    BOOKING = "booking"
    RESCHEDULE = "reschedule"
    TEXT = "text"


class Subject(StrEnum):
    """Whom it is counted for."""

    CALLER = "caller"  # the Alexa user
    NUMBER = "number"  # the phone number


@dataclass(frozen=True)
class DailyLimits:
    """At most this many of each act per caller and per number in one day."""

    bookings: int = 3
    reschedules: int = 3
    texts: int = 5

    def of(self, act: Act) -> int:
        return {Act.BOOKING: self.bookings, Act.RESCHEDULE: self.reschedules}.get(act, self.texts)


@dataclass(frozen=True)
class Tally:
    """One counter that a write adds one to, if it is still below ``limit``.

    ``key`` is the Alexa user id or the number's digits; storage keeps only a hash.
    """

    act: Act
    subject: Subject
    key: str
    day: date
    limit: int


def number_key(phone: str) -> str:
    """The digits that identify a phone number, however it was written."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-NUMBER_DIGITS:]


def tallies(
    act: Act, limits: DailyLimits, day: date, *, caller: str, phone: str | None
) -> list[Tally]:
    """The counters one ``act`` of ``caller`` (to ``phone``, if any) adds to on ``day``."""
    limit = limits.of(act)
    counted = [Tally(act, Subject.CALLER, caller, day, limit)]
    if phone and number_key(phone):
        counted.append(Tally(act, Subject.NUMBER, number_key(phone), day, limit))
    return counted


def may_text(callback: Callback, *, unconfirmed_allowed: bool) -> bool:
    """May the notifier text this call back's number at all?

    A linked customer's number is the shop's or Amazon's; a guest's is texted only once
    they said yes to it read back ("the number ending in 42, right?"), unless the shop
    allows texting numbers nobody confirmed.
    """
    if not callback.phone:
        return False
    return callback.customer_id is not None or callback.phone_confirmed or unconfirmed_allowed


def notice_due(callback: Callback, now: datetime) -> bool:
    """Is the team told of a move at ``now``, or was it told of one within the hour?"""
    return _quiet(callback.noticed_at, now)


def text_due(callback: Callback, now: datetime) -> bool:
    """May a move at ``now`` be texted, or was the customer texted within the hour?"""
    return _quiet(callback.texted_at, now)


def _quiet(told: datetime | None, now: datetime) -> bool:
    return told is None or now - told >= NOTICE_INTERVAL
