"""The audit trail: sign-ins (failed ones too), every view of a phone number and every
console action.

Items::

    PK=AUDIT#<yyyy-mm-dd>   SK=<iso time>#<entry id>   agent, action, callback, detail
    PK=ACTION#<action id>   SK=ACTION                  a console form that was carried out

One partition per day keeps writes spread and lets the admin read the newest days
first. Each console form carries a fresh action id; its ``ACTION`` item is written on
condition that it does not exist, in the same transaction as the change and the
audit entry, so a double click or a resent form changes nothing the second time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from skill.storage.codec import from_item, key
from skill.storage.errors import translated
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.transaction import Put

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Guards against resent forms need to outlive a browser tab, not more.
ACTION_RETENTION = timedelta(days=2)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    agent_id: str  # "" for a failed sign-in: nobody is signed in
    # "login", "login_failed", "login_paused", "logout", "view_phone", "claim", ...
    action: str
    callback_id: str | None = None
    detail: str = ""
    entry_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def _day_pk(day: date) -> str:
    return f"AUDIT#{day.isoformat()}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_put(entry: AuditEntry) -> Put:
    """The write of ``entry``, to go into the transaction of the change it records."""
    moment = entry.at.astimezone(UTC)
    return Put(
        {
            "PK": _day_pk(moment.date()),
            "SK": f"{_iso(moment)}#{entry.entry_id}",
            "kind": "audit",
            "at": _iso(moment),
            "agent_id": entry.agent_id,
            "action": entry.action,
            "callback_id": entry.callback_id,
            "detail": entry.detail or None,
            "entry_id": entry.entry_id,
        }
    )


def guard_put(action_id: str, now: datetime, what: str = "") -> Put:
    """The write that lets one form be carried out once: it fails if it was before.

    ``what`` names the action (``"grant cb-1"``), so the same id sent with another
    form is told apart from a repeat (:meth:`AuditStore.carried_out`).
    """
    return Put(
        {
            "PK": f"ACTION#{action_id}",
            "SK": "ACTION",
            "what": what or None,
            TTL_ATTRIBUTE: int((now + ACTION_RETENTION).timestamp()),
        },
        condition="attribute_not_exists(PK)",
    )


class AuditStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def done(self, action_id: str) -> bool:
        return self.carried_out(action_id) is not None

    @translated()
    def carried_out(self, action_id: str) -> str | None:
        """What the form with this action id did (``""`` if unnamed), or None if nothing."""
        answer = self._client.get_item(
            TableName=self._table, Key=key(f"ACTION#{action_id}", "ACTION"), ConsistentRead=True
        )
        if "Item" not in answer:
            return None
        return str(from_item(answer["Item"]).get("what", ""))

    @translated()
    def record(self, entry: AuditEntry) -> None:
        """An entry on its own (views and logins change nothing else)."""
        self._client.put_item(**entry_put(entry).arguments(self._table))

    @translated()
    def recent(self, today: date, days: int = 7, limit: int = 200) -> list[AuditEntry]:
        """The newest entries first, from ``today`` back ``days`` days, at most ``limit``."""
        entries: list[AuditEntry] = []
        for back in range(days):
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": _day_pk(today - timedelta(back))}},
                "ScanIndexForward": False,
                "Limit": limit - len(entries),
            }
            page = self._client.query(**kwargs)
            for raw in page.get("Items", []):
                values = from_item(raw)
                entries.append(
                    AuditEntry(
                        at=datetime.fromisoformat(values["at"]),
                        agent_id=values["agent_id"],
                        action=values["action"],
                        callback_id=values.get("callback_id"),
                        detail=values.get("detail", ""),
                        entry_id=values["entry_id"],
                    )
                )
            if len(entries) >= limit:
                break
        return entries
