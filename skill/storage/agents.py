"""Console logins: who may sign in as which agent, their sign-in attempts, their sessions.

Items::

    PK=LOGIN#<login>   SK=LOGIN   agent_id, password_hash (werkzeug scrypt),
                                  failed_attempts, failed_since, paused_until,
                                  session_key

The login name is what the agent types; the profile (name, authority, role) stays on
the agent's item of :mod:`skill.storage.team`.

``failed_attempts`` counts the attempts of the window that began at ``failed_since``
(:mod:`skill.rules.logins`). Each attempt is one ``ADD`` on the condition that the
window is still the one the caller read, so attempts made in parallel are all counted;
a caller whose window changed meanwhile reads again and retries. An ``ADD`` is not
idempotent: when DynamoDB applied one but its answer timed out, the client's retry
counts the attempt twice, which pauses a login early, never late.

``session_key`` is the key every session cookie of the login must carry. A sign-in
keeps it (or makes the first), signing out removes it, and so does writing the item
again (a new password, :meth:`LoginStore.put`): every earlier cookie is refused then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from skill.rules.logins import Attempts
from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import must_exist, translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Attributes an attempt count clears; ``failures`` is the list of failure times that
# earlier versions stored, dropped at the next count.
_ATTEMPTS = "failed_attempts, failed_since, paused_until, failures"


@dataclass(frozen=True)
class Login:
    login: str
    agent_id: str
    password_hash: str
    attempts: Attempts = field(default_factory=Attempts)
    session_key: str | None = None


def _pk(login: str) -> str:
    return f"LOGIN#{login.strip().lower()}"


def _moment(at: datetime) -> str:
    """One fixed format, so a time read back compares equal in a condition."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _attempts(values: dict[str, Any]) -> Attempts:
    since = values.get("failed_since")
    paused = values.get("paused_until")
    return Attempts(
        count=int(values.get("failed_attempts", 0)),
        since=datetime.fromisoformat(since) if since else None,
        paused_until=datetime.fromisoformat(paused) if paused else None,
    )


class LoginStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def put(self, login: str, agent_id: str, password_hash: str) -> None:
        """A new login, or a new password: attempts and sessions start afresh."""
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": _pk(login),
                    "SK": "LOGIN",
                    "kind": "login",
                    "login": login.strip().lower(),
                    "agent_id": agent_id,
                    "password_hash": password_hash,
                }
            ),
        )

    @translated()
    def get(self, login: str) -> Login | None:
        answer = self._client.get_item(
            TableName=self._table, Key=key(_pk(login), "LOGIN"), ConsistentRead=True
        )
        item = answer.get("Item")
        if not item:
            return None
        values = from_item(item)
        return Login(
            login=values["login"],
            agent_id=values["agent_id"],
            password_hash=values["password_hash"],
            attempts=_attempts(values),
            session_key=values.get("session_key"),
        )

    @translated()
    def open_window(self, login: str, seen: Attempts, now: datetime) -> Attempts:
        """Count an attempt as the first of a new window that begins at ``now``.

        :class:`ConditionFailed` if the login has no item (nothing is written for an
        unknown name) or its window is no longer the one ``seen`` was read from.
        """
        if seen.since is None:
            condition = "attribute_exists(PK) AND attribute_not_exists(failed_since)"
            values: dict[str, Any] = {}
        else:
            condition = "attribute_exists(PK) AND failed_since = :seen"
            values = {":seen": _moment(seen.since)}
        answer = self._client.update_item(
            TableName=self._table,
            Key=key(_pk(login), "LOGIN"),
            UpdateExpression=(
                "SET failed_attempts = :one, failed_since = :now REMOVE paused_until, failures"
            ),
            ConditionExpression=condition,
            ExpressionAttributeValues=to_item({":one": 1, ":now": _moment(now), **values}),
            ReturnValues="ALL_NEW",
        )
        return _attempts(from_item(answer["Attributes"]))

    @translated()
    def add_attempt(
        self, login: str, since: datetime, *, pause_until: datetime | None, fewer_than: int
    ) -> Attempts:
        """Count one more attempt in the window that began at ``since``.

        With ``pause_until``, the login is paused until then unless it already is;
        without, the attempt is counted only while the window holds fewer than
        ``fewer_than`` (so an attempt that should have paused it cannot slip through).
        :class:`ConditionFailed` if the window changed or filled meanwhile.
        """
        values: dict[str, Any] = {":one": 1, ":since": _moment(since)}
        condition = "failed_since = :since"
        update = "ADD failed_attempts :one"
        if pause_until is not None:
            update += " SET paused_until = if_not_exists(paused_until, :until)"
            values[":until"] = _moment(pause_until)
        else:
            condition += " AND failed_attempts < :limit"
            values[":limit"] = fewer_than
        answer = self._client.update_item(
            TableName=self._table,
            Key=key(_pk(login), "LOGIN"),
            UpdateExpression=update,
            ConditionExpression=condition,
            ExpressionAttributeValues=to_item(values),
            ReturnValues="ALL_NEW",
        )
        return _attempts(from_item(answer["Attributes"]))

    @translated()
    def open_session(self, login: str, new_key: str) -> str:
        """A successful sign-in: clear the attempts; the login's session key, ``new_key``
        if it had none. :class:`NotFound` if the login is gone."""
        with must_exist():
            answer = self._client.update_item(
                TableName=self._table,
                Key=key(_pk(login), "LOGIN"),
                UpdateExpression=(
                    f"SET session_key = if_not_exists(session_key, :key) REMOVE {_ATTEMPTS}"
                ),
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=to_item({":key": new_key}),
                ReturnValues="ALL_NEW",
            )
        key_in_force: str = from_item(answer["Attributes"])["session_key"]
        return key_in_force

    @translated()
    def end_sessions(self, login: str, session_key: str) -> None:
        """Sign out: no cookie with ``session_key`` is accepted any more.

        :class:`ConditionFailed` if that key was no longer the login's (signed out
        already): nothing changes then, so an old cookie cannot end newer sessions.
        """
        self._client.update_item(
            TableName=self._table,
            Key=key(_pk(login), "LOGIN"),
            UpdateExpression="REMOVE session_key",
            ConditionExpression="session_key = :key",
            ExpressionAttributeValues=to_item({":key": session_key}),
        )
