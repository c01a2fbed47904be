"""The console's stores: logins, the audit trail, the open queue and open promises."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from skill.records import (
    Commitment,
    CommitmentStatus,
    Complaint,
    ComplaintStatus,
    Money,
    Owner,
    ProblemType,
    RemedyKind,
)
from skill.storage import Stores
from skill.storage.audit import AuditEntry
from skill.storage.errors import ConditionFailed, NotFound

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
MOTO_ONLY = pytest.mark.parametrize("dynamodb_endpoint", ["moto"], indirect=True)


def test_a_login_keeps_its_hash_and_failures(stores: Stores) -> None:
    stores.logins.put(" Maria ", "a-maria", "scrypt:hash")
    stored = stores.logins.get("MARIA")
    assert stored is not None
    assert (stored.login, stored.agent_id, stored.password_hash) == (
        "maria",
        "a-maria",
        "scrypt:hash",
    )

    stores.logins.add_failure("maria", NOW, [])
    stores.logins.add_failure("maria", NOW + timedelta(minutes=1), [NOW])
    stored = stores.logins.get("maria")
    assert stored is not None and stored.failures == (NOW, NOW + timedelta(minutes=1))

    stores.logins.clear_failures("maria")
    stored = stores.logins.get("maria")
    assert stored is not None and stored.failures == ()


def test_unknown_logins_leave_no_trace(stores: Stores) -> None:
    assert stores.logins.get("nobody") is None
    with pytest.raises(NotFound):
        stores.logins.add_failure("nobody", NOW, [])
    assert stores.logins.get("nobody") is None


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
