"""The team: agents, the open queue as a booking sees it, and recent handling times.

Items::

    PK=AGENT#<id>       SK=PROFILE           GSI1PK=TEAM  GSI1SK=AGENT#<id>
                                             (optional: hours, time_zone)
    PK=TEAM             SK=STATS             GSI1PK=TEAM  GSI1SK=STATS (handling times)

Open callbacks (:mod:`.callback_items`) share the index partition ``GSI1PK=TEAM``, so
one query returns the agents, the open queue and the handling times at once: what a
booking decides on. An agent's sign-in lives apart, in :mod:`.agents`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from skill.records import Money
from skill.records.callbacks import Agent, QueuedCallback
from skill.storage.callback_items import TEAM, callback_from
from skill.storage.codec import from_item, key
from skill.storage.errors import translated
from skill.storage.pages import index_partition
from skill.storage.tables import GSI1PK
from skill.storage.transaction import Put

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

HANDLING_HISTORY = 50


@dataclass(frozen=True)
class Team:
    """The agents, their queue and recent call lengths: what a booking decides on."""

    agents: list[Agent]
    queue: list[QueuedCallback]
    handled_minutes: list[float]

    @property
    def on_duty(self) -> list[Agent]:
        return [agent for agent in self.agents if agent.on_duty]

    def agent(self, agent_id: str) -> Agent | None:
        return next((agent for agent in self.agents if agent.agent_id == agent_id), None)


def agent_values(agent: Agent) -> dict[str, Any]:
    return {
        "PK": f"AGENT#{agent.agent_id}",
        "SK": "PROFILE",
        GSI1PK: TEAM,
        "GSI1SK": f"AGENT#{agent.agent_id}",
        "kind": "agent",
        "agent_id": agent.agent_id,
        "name": agent.name,
        "first_name": agent.first_name,
        "direct_line": agent.direct_line,
        "email": agent.email,
        "languages": list(agent.languages),
        "authority_amount": agent.authority.amount,
        "authority_currency": agent.authority.currency,
        "on_duty": agent.on_duty,
        "role": agent.role,
        # Only when set: an agent without them works the team's hours.
        **({"hours": agent.hours} if agent.hours else {}),
        **({"time_zone": agent.time_zone} if agent.time_zone else {}),
    }


def agent_from(values: dict[str, Any]) -> Agent:
    return Agent(
        agent_id=values["agent_id"],
        name=values.get("name", ""),
        first_name=values.get("first_name", ""),
        direct_line=values.get("direct_line", ""),
        email=values.get("email", ""),
        languages=tuple(values.get("languages") or ("en",)),
        authority=Money(
            Decimal(values.get("authority_amount", 0)), values.get("authority_currency", "USD")
        ),
        on_duty=bool(values.get("on_duty", False)),
        role=values.get("role", "agent"),
        hours=values.get("hours") or None,
        time_zone=values.get("time_zone") or None,
    )


class TeamStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def get(self) -> Team:
        """Agents, the open queue and recent handling times: one query on the index."""
        agents: list[Agent] = []
        queue: list[QueuedCallback] = []
        handled: list[float] = []
        for raw in index_partition(self._client, self._table, TEAM):
            values = from_item(raw)
            kind = values.get("kind")
            # A disabled agent (skill.storage.agents) is no longer on the team.
            if kind == "agent" and not values.get("disabled"):
                agents.append(agent_from(values))
            elif kind == "callback":
                queue.append(callback_from(values).queued())
            elif kind == "stats":
                handled = [float(value) for value in values.get("handled_minutes", [])]
        return Team(agents, queue, handled)

    @translated()
    def agent(self, agent_id: str) -> Agent | None:
        """One agent's profile (the console's signed-in agent, on every request)."""
        answer = self._client.get_item(
            TableName=self._table, Key=key(f"AGENT#{agent_id}", "PROFILE"), ConsistentRead=True
        )
        item = answer.get("Item")
        return agent_from(from_item(item)) if item else None

    @translated()
    def put_agent(self, agent: Agent) -> None:
        self._client.put_item(**Put(agent_values(agent)).arguments(self._table))

    @translated()
    def record_handling_time(self, minutes: float) -> None:
        """Keep the last handling times for the wait estimate."""
        answer = self._client.get_item(TableName=self._table, Key=key(TEAM, "STATS"))
        current = from_item(answer.get("Item", {})).get("handled_minutes", [])
        history = [*current, Decimal(str(round(minutes, 1)))][-HANDLING_HISTORY:]
        stats = {
            "PK": TEAM,
            "SK": "STATS",
            GSI1PK: TEAM,
            "GSI1SK": "STATS",
            "kind": "stats",
            "handled_minutes": history,
        }
        self._client.put_item(**Put(stats).arguments(self._table))
