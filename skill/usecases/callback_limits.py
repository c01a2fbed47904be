"""The daily limits a booking, a move or a text counts against, and texts left out.

Bookings, moves and texts count against the daily limits of :mod:`skill.rules.limits`
in the same transaction that writes them: a booking or move over its limit raises
:class:`LimitRefused` with nothing stored, a text over its limit is left out. Either is
written to the audit trail, with no more of the number than its last two digits.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from skill.rules.callbacks import last_digits
from skill.rules.limits import Act, Subject, may_text
from skill.storage.errors import StorageError

if TYPE_CHECKING:
    from datetime import datetime

    from skill.config import Settings
    from skill.records.callbacks import Callback
    from skill.rules.limits import Tally
    from skill.storage import Stores
    from skill.storage.limits import LimitReached

log = logging.getLogger(__name__)

# Who the audit trail names for what the skill refused on its own.
AUDITOR = "skill"


class LimitRefused(Exception):
    """A daily limit is reached: nothing was stored, and the customer hears why."""

    def __init__(self, act: Act, subject: Subject) -> None:
        super().__init__(f"{act.value} limit per {subject.value}")
        self.act = act
        self.subject = subject


class NoText:
    """Why a customer who chose SMS gets no text about a booking or a move."""

    UNCONFIRMED = "unconfirmed"  # a number nobody confirmed: a call instead
    LIMIT = "limit"  # the number (or caller) had the day's texts
    RECENT = "recent"  # a change was told within the hour


def textable(callback: Callback, settings: Settings) -> tuple[Callback, str | None]:
    """The callback by phone instead of SMS if its number may not be texted."""
    if callback.channel != "sms" or may_text(
        callback, unconfirmed_allowed=settings.text_unconfirmed
    ):
        return callback, None
    return replace(callback, channel="phone"), NoText.UNCONFIRMED


def over_limit(
    stores: Stores, full: LimitReached, now: datetime, callback_id: str | None, phone: str | None
) -> None:
    """A write found a counter full: LimitRefused for a booking or move, nothing stored.

    Only the day's texts used up: the caller makes the write again without the text.
    Either way the audit trail records it.
    """
    refused = [tally for tally in full.reached if tally.act is not Act.TEXT]
    reached = refused[0] if refused else full.reached[0]
    _audit(stores, now, reached, callback_id, phone, refused=bool(refused))
    if refused:
        raise LimitRefused(reached.act, reached.subject) from full


def _audit(
    stores: Stores,
    now: datetime,
    tally: Tally,
    callback_id: str | None,
    phone: str | None,
    *,
    refused: bool,
) -> None:
    """The refusal in the audit trail: what, which limit, the number's last two digits."""
    what = f"{tally.act.value} refused" if refused else "text left out"
    detail = f"{what}: {tally.limit} a day per {tally.subject.value}"
    if phone:
        detail += f", number ending in {last_digits(phone)}"
    log.info("daily limit reached", extra={"reason": f"{tally.act.value}_{tally.subject.value}"})
    # Loaded by the first refusal: a launch's cold start needs no audit code.
    from skill.storage.audit import AuditEntry

    try:
        stores.audit.record(AuditEntry(now, AUDITOR, "limit_reached", callback_id, detail))
    except StorageError as error:
        # The customer is told either way; a lost audit line must not turn into a failure.
        log.warning("limit not audited", extra={"error_type": type(error).__name__})
