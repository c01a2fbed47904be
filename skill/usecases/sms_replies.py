"""Customers' text replies to the satisfaction question (:mod:`skill.rules.sms_replies`).

When the notifier texts the question, :func:`expect_reply` keeps the message id the SMS
service returned, with the callback and a fingerprint of the number
(:mod:`skill.storage.sms_replies`). AWS End User Messaging SMS publishes each text sent
to the shop's number to an SNS topic as JSON (:class:`InboundText`), and the
``sms_reply`` Lambda function hands it to :func:`receive_reply`: the reply names the
message it answers (``previousPublishedMessageId``), which finds the callback without
any index of phone numbers. Its score is recorded once, as a score given by voice.

Nothing here logs a phone number or the text of a message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from skill.adapters.delivery import SmsNumberError, e164
from skill.rules.sms_replies import answers, number_fingerprint, score_in_reply
from skill.storage.errors import StorageError
from skill.usecases.satisfaction import record_score

if TYPE_CHECKING:
    from datetime import datetime

    from skill.records.callbacks import Callback
    from skill.storage import Stores

log = logging.getLogger(__name__)

# The keys of the JSON that two-way SMS publishes for each text received. Without the
# sender or the text it is no received text; the others may be absent or null (no
# keyword matched; a text that answers nothing of ours).
INBOUND_KEYS = (
    "originationNumber",
    "destinationNumber",
    "messageKeyword",
    "messageBody",
    "previousPublishedMessageId",
    "inboundMessageId",
)
_REQUIRED = ("originationNumber", "messageBody")


@dataclass(frozen=True)
class InboundText:
    """One text a customer sent to the shop's number."""

    origination_number: str  # the customer's, E.164
    destination_number: str  # the shop's
    keyword: str  # the registered keyword it matched, if any
    body: str
    previous_message_id: str  # the id of the shop's text it answers; empty: none
    inbound_message_id: str


class NotInbound(ValueError):
    """A message that is not two-way SMS's JSON for a received text."""


def inbound_text(message: Mapping[str, Any]) -> InboundText:
    """The text in two-way SMS's published JSON, already parsed; NotInbound if it is none."""
    if any(not isinstance(message.get(name), str) for name in _REQUIRED):
        raise NotInbound("no sender or no text")
    values = {name: message.get(name) for name in INBOUND_KEYS}
    if not all(value is None or isinstance(value, str) for value in values.values()):
        raise NotInbound("a field that is not text")
    return InboundText(
        origination_number=str(values["originationNumber"]),
        destination_number=str(values["destinationNumber"] or ""),
        keyword=str(values["messageKeyword"] or ""),
        body=str(values["messageBody"]),
        previous_message_id=str(values["previousPublishedMessageId"] or ""),
        inbound_message_id=str(values["inboundMessageId"] or ""),
    )


def expect_reply(stores: Stores, callback: Callback, message_id: str, now: datetime) -> bool:
    """Keep the satisfaction question texted as ``message_id``, so a reply finds
    ``callback``; False: not kept, and a reply will score nothing.

    The text went out already: a failure here is logged and the delivery goes on, since
    sending the question again would be worse than losing its answer.
    """
    try:
        fingerprint = number_fingerprint(message_id, e164(callback.phone or ""))
        stores.sms_replies.expect(message_id, callback.callback_id, fingerprint, now)
    except (SmsNumberError, StorageError) as error:
        log.warning("sms reply not expected", extra={"error_type": type(error).__name__})
        return False
    return True


class ReplyOutcome(StrEnum):
    SCORED = "scored"
    NO_SCORE = "no_score"  # the text gives no score 1-5
    UNKNOWN = "unknown"  # answers no question of ours still open (or none at all)
    WRONG_NUMBER = "wrong_number"  # not from the number the question went to
    ALREADY = "already"  # the callback has its score (or was never asked)


def receive_reply(stores: Stores, text: InboundText, now: datetime) -> ReplyOutcome:
    """Record the score ``text`` gives the callback its question was about, at most once.

    Raises StorageError when the table could not be read or written: the reply is then
    delivered again (Lambda retries the SNS message), and a score already kept stays.
    """
    outcome = _outcome(stores, text, now)
    log.info("sms reply", extra={"status": outcome.value})
    return outcome


def _outcome(stores: Stores, text: InboundText, now: datetime) -> ReplyOutcome:
    score = score_in_reply(text.body)
    if score is None:
        return ReplyOutcome.NO_SCORE
    if not text.previous_message_id:
        return ReplyOutcome.UNKNOWN
    expected = stores.sms_replies.expected(text.previous_message_id)
    if expected is None:
        return ReplyOutcome.UNKNOWN
    try:
        number = e164(text.origination_number)
    except SmsNumberError:
        return ReplyOutcome.WRONG_NUMBER
    if not answers(expected, number, now):
        # Expired, or another number: either way no score for this callback.
        return ReplyOutcome.WRONG_NUMBER if now < expected.expires_at else ReplyOutcome.UNKNOWN
    if not record_score(stores, expected.callback_id, score, now):
        return ReplyOutcome.ALREADY
    return ReplyOutcome.SCORED
