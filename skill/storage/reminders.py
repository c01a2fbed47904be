"""Reminder marks: the overdue sweep tells the team about each late item once a day.

Items::

    PK=REMINDER#<subject>   SK=DAY#<yyyy-mm-dd>   expires_at (TTL, a few days later)

Writing the mark on condition that it does not exist is the claim: of two sweeps that
overlap (a retried scheduled invocation), exactly one notifies.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from skill.storage.errors import translated
from skill.storage.marks import put_mark

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Marks only need to outlive their day; TTL deletes them later at no cost.
REMINDER_RETENTION = timedelta(days=3)


class ReminderStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def claim(self, subject: str, day: date, now: datetime) -> bool:
        """True if nobody has reminded about ``subject`` on ``day`` yet (and now we do)."""
        values = {"PK": f"REMINDER#{subject}", "SK": f"DAY#{day.isoformat()}", "kind": "reminder"}
        return put_mark(self._client, self._table, values, now, REMINDER_RETENTION)
