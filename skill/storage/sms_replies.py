"""Satisfaction questions texted to customers, awaiting their reply
(:mod:`skill.rules.sms_replies`).

Items::

    PK=SMSREPLY#<message id>   SK=SMSREPLY   callback_id, number_fingerprint, asked_at,
                                             expires_at: the question's message id as
                                             the SMS service returned it; a reply names
                                             it (previousPublishedMessageId)

No phone number is kept, nor is anything indexed by one: the fingerprint is a hash of
the number keyed by the message id (:func:`skill.rules.sms_replies.number_fingerprint`).
The time to live removes an item a week after the question; until DynamoDB does, reads
treat an expired item as gone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from skill.rules.sms_replies import ExpectedReply
from skill.storage.codec import from_item, key, timestamp, to_item
from skill.storage.errors import translated
from skill.storage.tables import TTL_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# How long a reply still counts: most come within minutes, some the next day.
REPLY_WINDOW = timedelta(days=7)
_PREFIX = "SMSREPLY#"
_SK = "SMSREPLY"


class SmsReplyStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def expect(self, message_id: str, callback_id: str, fingerprint: str, now: datetime) -> None:
        """Keep the question sent as ``message_id`` until a reply names it."""
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": f"{_PREFIX}{message_id}",
                    "SK": _SK,
                    "kind": "sms_reply",
                    "callback_id": callback_id,
                    "number_fingerprint": fingerprint,
                    "asked_at": timestamp(now),
                    TTL_ATTRIBUTE: int((now + REPLY_WINDOW).timestamp()),
                }
            ),
        )

    @translated()
    def expected(self, message_id: str) -> ExpectedReply | None:
        """The question sent as ``message_id``, or None: none (or it expired and is gone)."""
        answer = self._client.get_item(
            TableName=self._table, Key=key(f"{_PREFIX}{message_id}", _SK)
        )
        item = answer.get("Item")
        if not item:
            return None
        values = from_item(item)
        return ExpectedReply(
            message_id=message_id,
            callback_id=str(values["callback_id"]),
            number_fingerprint=str(values["number_fingerprint"]),
            expires_at=datetime.fromtimestamp(int(values[TTL_ATTRIBUTE]), UTC),
        )
