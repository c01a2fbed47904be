"""A call back's Alexa reminder, and the customers who said no to reminders.

Items::

    PK=CALLBACK#<id>        SK=REMINDER   alert_token, api_endpoint, locale (the
                                          reminder Alexa keeps for this call back)
    PK=ALEXAUSER#<sha256>   SK=REMINDERS  denied_at: the customer said no to the
                                          reminders permission; never asked again

The reminder item lets the notifier move or delete the reminder when the call back
moves, is cancelled or done; TTL removes it a year later (it names no person). The
denial holds no more than the hash and the moment, and goes when the customer asks us
to forget them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skill.storage.callback_items import callback_pk
from skill.storage.codec import from_item, key, timestamp, to_item
from skill.storage.errors import translated
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.users import user_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

RETENTION = timedelta(days=365)
_REMINDER = "REMINDER"
_DENIED = "REMINDERS"


@dataclass(frozen=True)
class CallbackReminder:
    """The reminder Alexa keeps of one call back, and where to reach it."""

    callback_id: str
    alert_token: str
    api_endpoint: str
    locale: str


class CallbackReminderStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def get(self, callback_id: str) -> CallbackReminder | None:
        answer = self._client.get_item(
            TableName=self._table, Key=key(callback_pk(callback_id), _REMINDER), ConsistentRead=True
        )
        item = answer.get("Item")
        if not item:
            return None
        values = from_item(item)
        return CallbackReminder(
            callback_id=callback_id,
            alert_token=str(values["alert_token"]),
            api_endpoint=str(values["api_endpoint"]),
            locale=str(values["locale"]),
        )

    @translated()
    def remember(self, reminder: CallbackReminder, now: datetime) -> None:
        item = {
            "PK": callback_pk(reminder.callback_id),
            "SK": _REMINDER,
            "kind": "callback_reminder",
            "callback_id": reminder.callback_id,
            "alert_token": reminder.alert_token,
            "api_endpoint": reminder.api_endpoint,
            "locale": reminder.locale,
            "created_at": timestamp(now),
            TTL_ATTRIBUTE: int((now + RETENTION).timestamp()),
        }
        self._client.put_item(TableName=self._table, Item=to_item(item))

    @translated()
    def denied(self, user_id: str) -> bool:
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(user_key(user_id), _DENIED),
            ProjectionExpression="PK",
            ConsistentRead=True,
        )
        return "Item" in answer

    @translated()
    def deny(self, user_id: str, now: datetime) -> None:
        item = {
            "PK": user_key(user_id),
            "SK": _DENIED,
            "kind": "reminders_denied",
            "denied_at": timestamp(now),
            TTL_ATTRIBUTE: int((now + RETENTION).timestamp()),
        }
        self._client.put_item(TableName=self._table, Item=to_item(item))

    @translated()
    def forget_user(self, user_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=key(user_key(user_id), _DENIED))
