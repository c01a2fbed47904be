"""The roster: the agents a warm process remembers for a short while."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from skill.storage import Stores
from skill.storage.roster import ROSTER_LIFETIME
from tests.conftest import MOMENT


def _disable_elsewhere(dynamodb: Any, table: str, agent_id: str) -> None:
    """Another process (the console of another worker) disables the agent."""
    dynamodb.update_item(
        TableName=table,
        Key={"PK": {"S": f"AGENT#{agent_id}"}, "SK": {"S": "PROFILE"}},
        UpdateExpression="SET disabled = :yes, on_duty = :no",
        ExpressionAttributeValues={":yes": {"BOOL": True}, ":no": {"BOOL": False}},
    )


def test_the_roster_is_read_once_within_its_lifetime(
    demo_stores: Stores, round_trips: list[str]
) -> None:
    first = demo_stores.roster.agents(MOMENT)
    later = demo_stores.roster.agents(MOMENT + ROSTER_LIFETIME - timedelta(seconds=1))

    assert "a-maria" in {agent.agent_id for agent in first}
    assert later == first
    assert round_trips == ["Query"]


def test_a_change_elsewhere_is_seen_once_the_roster_expired(
    demo_stores: Stores, dynamodb: Any, settings: Any, round_trips: list[str]
) -> None:
    demo_stores.roster.agents(MOMENT)
    _disable_elsewhere(dynamodb, settings.table_name, "a-maria")
    round_trips.clear()

    still = demo_stores.roster.agents(MOMENT + timedelta(seconds=29))
    assert "a-maria" in {agent.agent_id for agent in still}  # the staleness accepted
    assert round_trips == []

    fresh = demo_stores.roster.agents(MOMENT + ROSTER_LIFETIME)
    assert "a-maria" not in {agent.agent_id for agent in fresh}
    assert round_trips == ["Query"]


def test_a_change_in_this_process_is_seen_at_once(
    demo_stores: Stores, dynamodb: Any, settings: Any
) -> None:
    demo_stores.roster.agents(MOMENT)
    _disable_elsewhere(dynamodb, settings.table_name, "a-maria")
    demo_stores.roster.forget()  # what a team change through these stores does

    agents = demo_stores.roster.agents(MOMENT + timedelta(seconds=1))

    assert "a-maria" not in {agent.agent_id for agent in agents}


def test_an_earlier_moment_than_the_read_reads_again(
    demo_stores: Stores, round_trips: list[str]
) -> None:
    # A clock set back (tests, the demo's --clock) must not keep a roster for ever.
    demo_stores.roster.agents(MOMENT)
    demo_stores.roster.agents(MOMENT - timedelta(seconds=1))
    assert round_trips == ["Query", "Query"]
