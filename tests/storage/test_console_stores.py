"""The console's stores: logins, the audit trail, the open queue and open promises."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from skill.records import Money
from skill.records.complaints import (
    Commitment,
    CommitmentStatus,
    Complaint,
    ComplaintStatus,
    Owner,
    ProblemType,
    RemedyKind,
)
from skill.rules.logins import Attempts
from skill.storage import Stores
from skill.storage.audit import AuditEntry
from skill.storage.errors import ConditionFailed, NotFound
from tests.stored import items

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
MOTO_ONLY = pytest.mark.parametrize("dynamodb_endpoint", ["moto"], indirect=True)


def test_a_login_keeps_its_hash(stores: Stores) -> None:
    stores.logins.put(" Maria ", "a-maria", "scrypt:hash")
    stored = stores.logins.get("MARIA")
    assert stored is not None
    assert (stored.login, stored.agent_id, stored.password_hash) == (
        "maria",
        "a-maria",
        "scrypt:hash",
    )
    assert stored.attempts == Attempts()
    assert stored.session_key is None


def test_attempts_are_counted_in_the_window_they_were_read_from(stores: Stores) -> None:
    stores.logins.put("maria", "a-maria", "scrypt:hash")
    first = stores.logins.open_window("maria", Attempts(), NOW)
    assert first == Attempts(count=1, since=NOW)
    # A second opening of the same window lost the race: it must read again.
    with pytest.raises(ConditionFailed):
        stores.logins.open_window("maria", Attempts(), NOW)

    later = NOW + timedelta(minutes=1)
    second = stores.logins.add_attempt("maria", NOW, pause_until=None, fewer_than=4)
    assert second == Attempts(count=2, since=NOW)
    with pytest.raises(ConditionFailed):  # a window that is not the stored one
        stores.logins.add_attempt("maria", later, pause_until=None, fewer_than=4)
    with pytest.raises(ConditionFailed):  # full: this attempt would have to pause it
        stores.logins.add_attempt("maria", NOW, pause_until=None, fewer_than=2)

    until = NOW + timedelta(minutes=15)
    paused = stores.logins.add_attempt("maria", NOW, pause_until=until, fewer_than=4)
    assert paused == Attempts(count=3, since=NOW, paused_until=until)
    # Attempts during the pause are counted; they do not move its end.
    again = stores.logins.add_attempt(
        "maria", NOW, pause_until=until + timedelta(minutes=1), fewer_than=4
    )
    assert again == Attempts(count=4, since=NOW, paused_until=until)

    # After the pause a new window replaces the old one, read as it was.
    fresh = stores.logins.open_window("maria", again, until)
    assert fresh == Attempts(count=1, since=until)
    stored = stores.logins.get("maria")
    assert stored is not None and stored.attempts == fresh
    [item] = items(stores, "login")
    assert item["failed_attempts"] == 1
    assert "paused_until" not in item


def test_a_sign_in_clears_the_attempts_and_keeps_the_session_key(stores: Stores) -> None:
    stores.logins.put("maria", "a-maria", "scrypt:hash")
    stores.logins.open_window("maria", Attempts(), NOW)
    assert stores.logins.open_session("maria", "key-1") == "key-1"
    assert stores.logins.open_session("maria", "key-2") == "key-1"  # another browser
    stored = stores.logins.get("maria")
    assert stored is not None
    assert (stored.attempts, stored.session_key) == (Attempts(), "key-1")


def test_signing_out_removes_the_key_once(stores: Stores) -> None:
    stores.logins.put("maria", "a-maria", "scrypt:hash")
    stores.logins.open_session("maria", "key-1")
    with pytest.raises(ConditionFailed):  # an old cookie's key ends nothing
        stores.logins.end_sessions("maria", "key-0")
    stores.logins.end_sessions("maria", "key-1")
    stored = stores.logins.get("maria")
    assert stored is not None and stored.session_key is None
    assert stores.logins.open_session("maria", "key-2") == "key-2"


def test_a_new_password_ends_the_sessions(stores: Stores) -> None:
    stores.logins.put("maria", "a-maria", "scrypt:hash")
    stores.logins.open_session("maria", "key-1")
    stores.logins.put("maria", "a-maria", "scrypt:new")
    stored = stores.logins.get("maria")
    assert stored is not None and stored.session_key is None


def test_unknown_logins_leave_no_trace(stores: Stores) -> None:
    assert stores.logins.get("nobody") is None
    with pytest.raises(ConditionFailed):
        stores.logins.open_window("nobody", Attempts(), NOW)
    with pytest.raises(ConditionFailed):
        stores.logins.add_attempt("nobody", NOW, pause_until=None, fewer_than=4)
    with pytest.raises(NotFound):
        stores.logins.open_session("nobody", "key")
    assert stores.logins.get("nobody") is None
    assert items(stores, "login") == []


def test_the_audit_trail_reads_newest_first_across_days(stores: Stores) -> None:
    yesterday = NOW - timedelta(days=1)
    stores.audit.record(AuditEntry(yesterday, "a-maria", "claim", "cb-1"))
    stores.audit.record(AuditEntry(NOW, "a-james", "view_phone", "cb-1"))
    stores.audit.record(
        AuditEntry(NOW + timedelta(seconds=1), "a-james", "outcome_resolved", "cb-1", "done")
    )

    entries = stores.audit.recent(NOW.date())
    assert [(e.agent_id, e.action) for e in entries] == [
        ("a-james", "outcome_resolved"),
        ("a-james", "view_phone"),
        ("a-maria", "claim"),
    ]
    assert entries[0].detail == "done"
    assert len(stores.audit.recent(NOW.date(), limit=2)) == 2
    assert stores.audit.recent(NOW.date(), days=1)[-1].action == "view_phone"


def commitment(complaint_id: str, due: date) -> tuple[Complaint, Commitment]:
    complaint = Complaint(
        complaint_id, "c-1", "1001", ProblemType.LATE, "", ComplaintStatus.RESOLVED, NOW
    )
    promise = Commitment(
        complaint_id,
        complaint_id,
        "c-1",
        "1001",
        RemedyKind.VOUCHER,
        Money(Decimal("10"), "USD"),
        due,
        Owner.SKILL,
        CommitmentStatus.PROMISED,
        NOW,
    )
    return complaint, promise


@MOTO_ONLY
def test_open_promises_earliest_due_first_and_kept_ones_leave(stores: Stores) -> None:
    for complaint_id, due in (("late", date(2026, 11, 20)), ("soon", date(2026, 11, 25))):
        stores.complaints.record(*commitment(complaint_id, due))
    assert [c.commitment_id for c in stores.promises.open_promises()] == ["late", "soon"]

    stores.promises.set_commitment_status(
        "late", CommitmentStatus.FULFILLED, expected=CommitmentStatus.PROMISED
    )
    assert [c.commitment_id for c in stores.promises.open_promises()] == ["soon"]
    with pytest.raises(ConditionFailed):  # already kept: not twice
        stores.promises.set_commitment_status(
            "late", CommitmentStatus.FULFILLED, expected=CommitmentStatus.PROMISED
        )


def test_one_agent_is_read_by_id(stores: Stores) -> None:
    from skill.devtools.demo.data import PRIYA

    stores.team.put_agent(PRIYA)
    assert stores.team.agent("a-priya") == PRIYA
    assert stores.team.agent("a-nobody") is None


def test_an_agents_own_hours_and_zone_are_kept_and_absent_ones_stay_absent(
    stores: Stores,
) -> None:
    from dataclasses import replace

    from skill.devtools.demo.data import JAMES, JONAS

    berlin = replace(JONAS, hours="Mon-Fri 07:00-15:00", time_zone="Europe/Berlin")
    stores.team.put_agent(berlin)
    stores.team.put_agent(JAMES)
    assert stores.team.agent("a-jonas") == berlin
    assert {agent.agent_id: agent for agent in stores.team.get().agents}["a-jonas"] == berlin
    james = stores.team.agent("a-james")
    assert james is not None and james.hours is None and james.time_zone is None
    [item] = [i for i in items(stores, "agent") if i["agent_id"] == "a-james"]
    assert "hours" not in item and "time_zone" not in item
