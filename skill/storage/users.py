"""What we remember per Alexa user: the last visit and recent failed verifications.

Alexa user ids are stable identifiers of a person, so the key is their SHA-256:
``PK=ALEXAUSER#<sha256>, SK=PROFILE``.

One customer may talk to two devices at once. Visits are counted with atomic updates
(``ADD``, last visit wins), which cannot lose one another. The verification failures
are read, changed and written back, so they carry a ``version``: a save names the
version it read and fails with :class:`VersionConflict` if another device saved in
between; the caller reads again and re-applies its change instead of overwriting.

Nothing here is needed for long: every write sets the table's time-to-live attribute a
year ahead, so DynamoDB deletes the profile of someone who stopped using the skill.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skill.storage.codec import key
from skill.storage.errors import ConditionFailed, translated
from skill.storage.tables import TTL_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def user_key(user_id: str) -> str:
    return "ALEXAUSER#" + hashlib.sha256(user_id.encode("utf-8")).hexdigest()


PROFILE_RETENTION = timedelta(days=365)


def _expiry(moment: datetime) -> dict[str, str]:
    return {"N": str(int((moment + PROFILE_RETENTION).timestamp()))}


class VersionConflict(ConditionFailed):
    """Another writer saved the profile since it was read."""


@dataclass(frozen=True)
class Failures:
    """An Alexa user's failed order checks, with the version a save must still find."""

    moments: list[datetime]
    # 0 when nothing was saved yet.
    version: int


class AlexaUserStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def record_visit(self, user_id: str, now: datetime) -> datetime | None:
        """Store this visit and return the previous one, in one round trip."""
        answer = self._client.update_item(
            TableName=self._table,
            Key=key(user_key(user_id), "PROFILE"),
            UpdateExpression=f"SET last_visit = :now, {TTL_ATTRIBUTE} = :expires ADD visits :one",
            ExpressionAttributeValues={
                ":now": {"S": now.isoformat()},
                ":one": {"N": "1"},
                ":expires": _expiry(now),
            },
            ReturnValues="ALL_OLD",
        )
        previous = answer.get("Attributes", {}).get("last_visit")
        return datetime.fromisoformat(previous["S"]) if previous else None

    @translated()
    def verification_failures(self, user_id: str) -> list[datetime]:
        return self.failures(user_id).moments

    @translated()
    def failures(self, user_id: str) -> Failures:
        """The failures and the version they were read at, for a later save."""
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(user_key(user_id), "PROFILE"),
            ProjectionExpression="verification_failures, version",
            ConsistentRead=True,
        )
        item = answer.get("Item", {})
        stored = item.get("verification_failures", {}).get("L", [])
        return Failures(
            moments=[datetime.fromisoformat(value["S"]) for value in stored],
            version=int(item.get("version", {}).get("N", "0")),
        )

    @translated()
    def save_verification_failures(
        self, user_id: str, failures: list[datetime], *, version: int = 0
    ) -> None:
        """Save if the profile is still at ``version``; raise VersionConflict if not."""
        if version == 0:
            condition = "attribute_not_exists(version)"
            values: dict[str, Any] = {}
        else:
            condition = "version = :read"
            values = {":read": {"N": str(version)}}
        update = "SET verification_failures = :failures, version = :next"
        if failures:
            update += f", {TTL_ATTRIBUTE} = :expires"
            values[":expires"] = _expiry(max(failures))
        try:
            with translated():
                self._client.update_item(
                    TableName=self._table,
                    Key=key(user_key(user_id), "PROFILE"),
                    UpdateExpression=update,
                    ConditionExpression=condition,
                    ExpressionAttributeValues={
                        ":failures": {"L": [{"S": moment.isoformat()} for moment in failures]},
                        ":next": {"N": str(version + 1)},
                        **values,
                    },
                )
        except ConditionFailed as error:
            raise VersionConflict(user_key(user_id)) from error

    @translated()
    def remembers(self, user_id: str) -> bool:
        """Is anything stored about this Alexa user?"""
        answer = self._client.get_item(
            TableName=self._table,
            Key=key(user_key(user_id), "PROFILE"),
            ProjectionExpression="PK",
            ConsistentRead=True,
        )
        return "Item" in answer

    @translated()
    def forget(self, user_id: str) -> None:
        """Delete what we remember of this Alexa user (visits, failed checks)."""
        self._client.delete_item(TableName=self._table, Key=key(user_key(user_id), "PROFILE"))
