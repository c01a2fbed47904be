"""Console logins: who may sign in as which agent, and their recent failed attempts.

Items::

    PK=LOGIN#<login>   SK=LOGIN   agent_id, password_hash (werkzeug scrypt), failures

The login name is what the agent types; the profile (name, authority, role) stays on
the agent's item of :mod:`skill.storage.team`. Failed attempts are appended in
one update, so concurrent wrong guesses are all counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import must_exist, translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class Login:
    login: str
    agent_id: str
    password_hash: str
    failures: tuple[datetime, ...] = ()


def _pk(login: str) -> str:
    return f"LOGIN#{login.strip().lower()}"


class LoginStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def put(self, login: str, agent_id: str, password_hash: str) -> None:
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
            failures=tuple(datetime.fromisoformat(at) for at in values.get("failures", [])),
        )

    @translated()
    def add_failure(self, login: str, at: datetime, keep: list[datetime]) -> None:
        """Store ``keep`` (the failures that still matter) plus this one.

        Only existing logins count failures: unknown names leave no trace in the table
        (:class:`NotFound`).
        """
        with must_exist():
            self._client.update_item(
                TableName=self._table,
                Key=key(_pk(login), "LOGIN"),
                UpdateExpression="SET failures = list_append(:keep, :now)",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues={
                    ":keep": {"L": [{"S": moment.isoformat()} for moment in keep]},
                    ":now": {"L": [{"S": at.isoformat()}]},
                },
            )

    @translated()
    def clear_failures(self, login: str) -> None:
        with must_exist():
            self._client.update_item(
                TableName=self._table,
                Key=key(_pk(login), "LOGIN"),
                UpdateExpression="REMOVE failures",
                ConditionExpression="attribute_exists(PK)",
            )
