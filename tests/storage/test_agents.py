"""The team's administration in the login store: one transaction per change, the
index partition that lists the logins, and what a failed condition means."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from skill.records import Money
from skill.records.callbacks import Agent
from skill.rules.logins import Attempts
from skill.rules.team import WorkingHours
from skill.storage import Stores
from skill.storage.agents import LoginTaken
from skill.storage.audit import AuditEntry, entry_put, guard_put
from skill.storage.errors import ConditionFailed, NotFound
from skill.storage.transaction import Write
from tests.storage.servers import transactional

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LEA = Agent(
    agent_id="a-lea",
    name="Lea Fischer",
    first_name="Lea",
    direct_line="+49 30 5550199",
    email="lea@example.de",
    languages=("de", "en"),
    authority=Money(Decimal("150"), "EUR"),
)
BERLIN = WorkingHours("Mon-Fri 08:00-18:00", "Europe/Berlin")
BERLIN_LEA = replace(LEA, hours=BERLIN.hours, time_zone=BERLIN.time_zone)


def records(action: str, action_id: str | None = None) -> list[Write]:
    return [
        guard_put(action_id or str(uuid.uuid4()), NOW, f"{action} lea"),
        entry_put(AuditEntry(NOW, "a-priya", action, detail="lea")),
    ]


def test_logins_are_listed_with_their_agents_from_the_index(stores: Stores) -> None:
    """Plain writes, as the demo makes them: on both servers."""
    stores.team.put_agent(LEA)
    stores.logins.put("Lea", "a-lea", "scrypt:hash")
    stores.logins.put("ghost", "a-nobody", "scrypt:hash")  # no agent: not listed
    [member] = stores.logins.members()
    assert (member.login, member.agent, member.hours, member.disabled) == ("lea", LEA, None, False)


@transactional
def test_a_member_is_added_listed_and_read_with_their_hours(stores: Stores) -> None:
    stores.logins.add_member("lea", BERLIN_LEA, "scrypt:hash", records("team_add"))
    [member] = stores.logins.members()
    assert (member.login, member.agent, member.hours) == ("lea", BERLIN_LEA, BERLIN)
    assert (member.disabled, member.attempts) == (False, Attempts())
    assert stores.logins.member("LEA") == member
    assert stores.logins.member("nobody") is None
    assert [a.agent_id for a in stores.team.get().agents] == ["a-lea"]
    with pytest.raises(LoginTaken):
        stores.logins.add_member("lea", LEA, "scrypt:other")
    assert stores.logins.get("lea").password_hash == "scrypt:hash"  # type: ignore[union-attr]


@transactional
def test_profile_changes_set_and_remove_attributes(stores: Stores) -> None:
    stores.logins.add_member("lea", BERLIN_LEA, "scrypt:hash")
    stores.logins.update_profile(
        "a-lea", {"authority_amount": Decimal(300), "on_duty": False}, ["hours", "time_zone"]
    )
    member = stores.logins.member("lea")
    assert member is not None
    assert member.agent.authority == Money(Decimal(300), "EUR")
    assert member.agent.on_duty is False
    assert member.hours is None
    with pytest.raises(NotFound):
        stores.logins.update_profile("a-nobody", {"on_duty": True})


@transactional
def test_a_password_pause_and_disabling_change_the_login(stores: Stores) -> None:
    stores.logins.add_member("lea", LEA, "scrypt:hash")
    stores.logins.open_session("lea", "key")
    seen = stores.logins.open_window("lea", Attempts(), NOW)
    stores.logins.add_attempt("lea", NOW, pause_until=NOW, fewer_than=5)
    assert seen.count == 1
    stores.logins.lift_pause("lea")
    login = stores.logins.get("lea")
    assert login is not None and login.attempts == Attempts() and login.session_key == "key"
    stores.logins.set_password("lea", "scrypt:new")
    login = stores.logins.get("lea")
    assert login is not None and login.password_hash == "scrypt:new"
    assert login.session_key is None
    stores.logins.open_session("lea", "key2")
    stores.logins.disable("lea", "a-lea")
    login = stores.logins.get("lea")
    assert login is not None and login.disabled and login.session_key is None
    assert stores.team.get().agents == []
    [member] = stores.logins.members()
    assert member.disabled and member.agent.on_duty is False
    stores.logins.enable("lea", "a-lea")
    [member] = stores.logins.members()
    assert not member.disabled and member.agent.on_duty is False
    login = stores.logins.get("lea")
    assert login is not None and not login.disabled
    for change in (
        lambda: stores.logins.set_password("nobody", "x"),
        lambda: stores.logins.lift_pause("nobody"),
        lambda: stores.logins.disable("nobody", "a-nobody"),
        lambda: stores.logins.enable("nobody", "a-nobody"),
    ):
        with pytest.raises(NotFound):
            change()


@transactional
def test_a_used_guard_fails_the_change_as_no_missing_item(stores: Stores) -> None:
    stores.logins.add_member("lea", LEA, "scrypt:hash")
    action_id = str(uuid.uuid4())
    stores.logins.lift_pause("lea", records("team_unlock", action_id))
    with pytest.raises(ConditionFailed) as failed:
        stores.logins.lift_pause("lea", records("team_unlock", action_id))
    assert not isinstance(failed.value, NotFound)
    assert stores.audit.carried_out(action_id) == "team_unlock lea"
