"""What the overdue sweep reads and writes: open commitments, once-a-day reminder marks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from skill.records.complaints import CommitmentStatus
from skill.storage import Stores
from tests.conftest import MOMENT
from tests.storage.servers import transactional
from tests.storage.test_complaints import commitment, complaint

DAY = date(2026, 11, 23)


def test_a_reminder_is_claimed_once_per_subject_and_day(stores: Stores) -> None:
    reminders = stores.reminders
    assert reminders.claim("callback#1", DAY, MOMENT)
    assert not reminders.claim("callback#1", DAY, MOMENT)
    assert reminders.claim("callback#2", DAY, MOMENT)
    assert reminders.claim("callback#1", DAY + timedelta(days=1), MOMENT)


def test_reminder_marks_expire(stores: Stores, dynamodb: Any, settings: Any) -> None:
    stores.reminders.claim("commitment#9", DAY, MOMENT)
    item = dynamodb.get_item(
        TableName=settings.table_name,
        Key={"PK": {"S": "REMINDER#commitment#9"}, "SK": {"S": f"DAY#{DAY.isoformat()}"}},
    )["Item"]
    assert int(item["expires_at"]["N"]) > MOMENT.timestamp() + 86400


@transactional  # recording a complaint is a transaction, which dynalite lacks
def test_open_commitments_are_the_promised_ones_of_every_customer(stores: Stores) -> None:
    stores.complaints.record(complaint("k1", customer="c-1"), commitment("k1", customer="c-1"))
    stores.complaints.record(complaint("k2", customer="c-2"), commitment("k2", customer="c-2"))
    stores.complaints.record(complaint("k3", customer="c-2"), commitment("k3", customer="c-2"))
    stores.complaints.record(complaint("k4", customer="c-3"))  # nothing promised
    stores.promises.set_commitment_status("k3", CommitmentStatus.FULFILLED)

    assert [c.commitment_id for c in stores.promises.open_promises()] == ["k1", "k2"]
