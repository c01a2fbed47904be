"""Console logins: who may sign in as which agent, their sign-in attempts, their sessions;
and the team's administration, which changes a login and its agent together.

Items::

    PK=LOGIN#<login>   SK=LOGIN   GSI1PK=LOGINS  GSI1SK=LOGIN#<login>
                                  agent_id, password_hash (werkzeug scrypt),
                                  failed_attempts, failed_since, paused_until,
                                  session_key, disabled

The login name is what the agent types; the profile (name, authority, role, own
working hours) stays on the agent's item of :mod:`skill.storage.team`, which the
administration also gives ``login`` and ``disabled``. The index partition ``LOGINS`` lists
the logins for the team page without a scan, and apart from ``TEAM``, which every
booking reads. A disabled login cannot sign in, and its agent is left out of the team
a booking sees.

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from skill.records.callbacks import Agent
from skill.rules.logins import Attempts
from skill.rules.team import WorkingHours
from skill.storage.callback_items import TEAM
from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import ConditionFailed, NotFound, must_exist, translated
from skill.storage.pages import index_partition
from skill.storage.tables import GSI1PK, GSI1SK
from skill.storage.team import agent_from, agent_values
from skill.storage.transaction import ABSENT, PRESENT, Put, Update, Write, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Attributes an attempt count clears; ``failures`` is the list of failure times that
# earlier versions stored, dropped at the next count.
_ATTEMPTS = "failed_attempts, failed_since, paused_until, failures"
LOGINS = "LOGINS"


class LoginTaken(ConditionFailed):
    """The login, or the agent id made from it, is there already."""


@dataclass(frozen=True)
class Login:
    login: str
    agent_id: str
    password_hash: str
    attempts: Attempts = field(default_factory=Attempts)
    session_key: str | None = None
    disabled: bool = False


@dataclass(frozen=True)
class Member:
    """An agent with their login, as the team's administration sees them (no hash)."""

    login: str
    agent: Agent
    hours: WorkingHours | None
    disabled: bool
    attempts: Attempts


def _pk(login: str) -> str:
    return f"LOGIN#{login.strip().lower()}"


def _moment(at: datetime) -> str:
    """One fixed format, so a time read back compares equal in a condition."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _login_values(login: str, agent_id: str, password_hash: str) -> dict[str, Any]:
    name = login.strip().lower()
    return {
        "PK": _pk(name),
        "SK": "LOGIN",
        GSI1PK: LOGINS,
        GSI1SK: f"LOGIN#{name}",
        "kind": "login",
        "login": name,
        "agent_id": agent_id,
        "password_hash": password_hash,
    }


def _agent_pk(agent_id: str) -> str:
    return f"AGENT#{agent_id}"


def _hours(agent: Agent) -> WorkingHours | None:
    return WorkingHours(agent.hours, agent.time_zone) if agent.hours and agent.time_zone else None


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
            Item=to_item(_login_values(login, agent_id, password_hash)),
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
            disabled=bool(values.get("disabled", False)),
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

    # The team's administration. Each change takes ``extra``: the audit entry and the
    # form's guard, written in the same transaction (skill.storage.audit).

    @translated()
    def add_member(
        self,
        login: str,
        agent: Agent,
        password_hash: str,
        extra: Sequence[Write] = (),
    ) -> None:
        """A new agent and their login, together. :class:`LoginTaken` if either exists."""
        profile = {**agent_values(agent), "login": login}
        writes: list[Write] = [
            Put(_login_values(login, agent.agent_id, password_hash), condition=ABSENT),
            Put(profile, condition=ABSENT),
        ]
        try:
            transact(self._client, self._table, [*writes, *extra])
        except ConditionFailed as error:
            if set(error.failed_items) & {0, 1}:
                raise LoginTaken(str(error), failed_items=error.failed_items) from error
            raise

    @translated()
    def members(self) -> list[Member]:
        """Every login with its agent, by login: two queries on the index."""
        logins = self._partition(LOGINS, "LOGIN#")
        agents = {values["agent_id"]: values for values in self._partition(TEAM, "AGENT#")}
        return [
            _member(values, agents[values["agent_id"]])
            for values in logins
            if values["agent_id"] in agents
        ]

    @translated()
    def member(self, login: str) -> Member | None:
        """One login with its agent; None if either is missing."""
        found = self._client.get_item(
            TableName=self._table, Key=key(_pk(login), "LOGIN"), ConsistentRead=True
        ).get("Item")
        if not found:
            return None
        values = from_item(found)
        profile = self._client.get_item(
            TableName=self._table,
            Key=key(_agent_pk(values["agent_id"]), "PROFILE"),
            ConsistentRead=True,
        ).get("Item")
        return _member(values, from_item(profile)) if profile else None

    @translated()
    def update_profile(
        self,
        agent_id: str,
        changes: Mapping[str, Any],
        removed: Sequence[str] = (),
        extra: Sequence[Write] = (),
    ) -> None:
        """Set ``changes`` on the agent's item and remove ``removed``; NotFound if gone."""
        names = {f"#a{n}": name for n, name in enumerate([*changes, *removed])}
        placeholders = {f":a{n}": value for n, value in enumerate(changes.values())}
        sets = [f"#a{n} = :a{n}" for n in range(len(changes))]
        removes = [f"#a{n}" for n in range(len(changes), len(names))]
        expression = " ".join(
            part
            for part in (
                "SET " + ", ".join(sets) if sets else "",
                "REMOVE " + ", ".join(removes) if removes else "",
            )
            if part
        )
        update = Update(_agent_pk(agent_id), "PROFILE", expression, PRESENT, names, placeholders)
        self._change([update], extra)

    @translated()
    def set_password(self, login: str, password_hash: str, extra: Sequence[Write] = ()) -> None:
        """A new password: every session of the login ends, a pause is lifted. A login
        written before the index listed logins joins the list with it."""
        name = login.strip().lower()
        update = Update(
            _pk(name),
            "LOGIN",
            "SET password_hash = :hash, GSI1PK = :logins, GSI1SK = :sk "
            f"REMOVE session_key, {_ATTEMPTS}",
            PRESENT,
            values={":hash": password_hash, ":logins": LOGINS, ":sk": f"LOGIN#{name}"},
        )
        self._change([update], extra)

    @translated()
    def lift_pause(self, login: str, extra: Sequence[Write] = ()) -> None:
        """Forget the failed sign-ins: the login opens at once."""
        self._change([Update(_pk(login), "LOGIN", f"REMOVE {_ATTEMPTS}", PRESENT)], extra)

    @translated()
    def disable(self, login: str, agent_id: str, extra: Sequence[Write] = ()) -> None:
        """No more sign-ins or sessions for the login, no more callbacks for its agent."""
        writes: list[Write] = [
            Update(
                _pk(login),
                "LOGIN",
                "SET disabled = :yes REMOVE session_key",
                PRESENT,
                values={":yes": True},
            ),
            Update(
                _agent_pk(agent_id),
                "PROFILE",
                "SET disabled = :yes, on_duty = :no",
                PRESENT,
                values={":yes": True, ":no": False},
            ),
        ]
        self._change(writes, extra)

    @translated()
    def enable(self, login: str, agent_id: str, extra: Sequence[Write] = ()) -> None:
        """The login signs in again and its agent may be given callbacks once on duty;
        the agent stays off duty until someone sets them on."""
        writes: list[Write] = [
            Update(_pk(login), "LOGIN", "REMOVE disabled", PRESENT),
            Update(_agent_pk(agent_id), "PROFILE", "REMOVE disabled", PRESENT),
        ]
        self._change(writes, extra)

    def _change(self, writes: Sequence[Write], extra: Sequence[Write]) -> None:
        """NotFound if an item of ``writes`` is gone; another failed condition (the
        form's guard) as it came."""
        try:
            transact(self._client, self._table, [*writes, *extra])
        except ConditionFailed as error:
            if set(error.failed_items) & set(range(len(writes))):
                raise NotFound(str(error), failed_items=error.failed_items) from error
            raise

    def _partition(self, partition: str, prefix: str) -> list[dict[str, Any]]:
        found = index_partition(self._client, self._table, partition, prefix)
        return [from_item(raw) for raw in found]


def _member(login: dict[str, Any], profile: dict[str, Any]) -> Member:
    agent = agent_from(profile)
    return Member(
        login=login["login"],
        agent=agent,
        hours=_hours(agent),
        disabled=bool(login.get("disabled") or profile.get("disabled")),
        attempts=_attempts(login),
    )
