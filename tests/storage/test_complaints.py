"""Complaints, commitments and feedback against a real DynamoDB-compatible server."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError

from skill.config import Settings
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
from skill.storage import Stores
from skill.storage.complaints import history_from
from skill.storage.errors import NotFound, StorageError
from tests.conftest import MOMENT
from tests.storage.servers import transactional


def complaint(
    complaint_id: str = "k1", customer: str = "c-1", order: str | None = "77"
) -> Complaint:
    return Complaint(
        complaint_id=complaint_id,
        customer_id=customer,
        order_number=order,
        problem=ProblemType.DAMAGED,
        description="The lid & <handle> broke",
        status=ComplaintStatus.RESOLVED,
        created_at=MOMENT,
        locale="de-DE",
    )


def commitment(
    complaint_id: str = "k1", kind: RemedyKind = RemedyKind.REFUND, customer: str = "c-1"
) -> Commitment:
    return Commitment(
        commitment_id=complaint_id,
        complaint_id=complaint_id,
        customer_id=customer,
        order_number="77",
        kind=kind,
        amount=None if kind is RemedyKind.REPLACEMENT else Money(Decimal("12.99"), "EUR"),
        due=date(2026, 11, 26),
        owner=Owner.SKILL,
        status=CommitmentStatus.PROMISED,
        created_at=MOMENT,
    )


@transactional
def test_complaint_and_commitment_round_trip(stores: Stores) -> None:
    recorded = stores.complaints.record(complaint(), commitment())
    assert (recorded.complaint, recorded.commitment) == (complaint(), commitment())
    assert stores.complaints.get("k1") == (complaint(), commitment())
    history = stores.complaints.history("c-1")
    assert history.complaints == [complaint()]
    assert history.commitments == [commitment()]
    assert stores.complaints.history("c-2").commitments == []


@transactional
def test_recording_again_stores_nothing_new_and_returns_the_first(
    stores: Stores, dynamodb: Any, settings: Settings
) -> None:
    stores.complaints.record(complaint(), commitment(kind=RemedyKind.REFUND))
    again = stores.complaints.record(complaint(), commitment(kind=RemedyKind.VOUCHER))
    assert not again.new
    assert again.commitment == commitment(kind=RemedyKind.REFUND)
    assert len(dynamodb.scan(TableName=settings.table_name)["Items"]) == 2


@transactional
def test_the_accounts_query_brings_the_same_history(stores: Stores) -> None:
    later = Complaint(**{**complaint("k0").__dict__, "created_at": MOMENT + timedelta(hours=1)})
    stores.complaints.record(later)
    stores.complaints.record(complaint("k1"), commitment("k1"))
    stores.complaints.offer(complaint("k2"), MOMENT + timedelta(days=1))
    stores.complaints.record(complaint("k3", customer="c-2"), commitment("k3", customer="c-2"))

    found = history_from(stores.orders.account("c-1").complaint_items)

    assert found == stores.complaints.history("c-1")
    assert [c.complaint_id for c in found.complaints] == ["k1", "k0"]
    assert found.commitments == [commitment("k1")]


@transactional
def test_a_complaint_for_the_team_has_no_commitment(stores: Stores) -> None:
    team = complaint("k2", order=None)
    stores.complaints.record(team)
    assert stores.complaints.get("k2") == (team, None)
    assert stores.complaints.history("c-1").commitments == []


@transactional
def test_a_complaint_without_customer_is_kept_out_of_every_history(
    stores: Stores, dynamodb: Any, settings: Settings
) -> None:
    stores.complaints.record(complaint("k3", customer="", order=None))
    (item,) = dynamodb.scan(TableName=settings.table_name)["Items"]
    assert "GSI1PK" not in item and "customer_id" not in item
    assert stores.complaints.get("k3") is not None


def test_other_errors_are_not_mistaken_for_a_retry(stores: Stores, dynamodb: Any) -> None:
    def fail(**kwargs: Any) -> None:
        raise ClientError({"Error": {"Code": "ValidationException"}}, "TransactWriteItems")

    dynamodb.meta.events.register("before-call.dynamodb.TransactWriteItems", fail)
    try:
        with pytest.raises(StorageError) as refused:
            stores.complaints.record(complaint(), commitment())
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", fail)
    assert type(refused.value) is StorageError  # neither "already there" nor "not now"
    assert stores.complaints.get("k1") is None


@transactional
def test_history_is_oldest_first_and_status_can_change(stores: Stores) -> None:
    later = Complaint(**{**complaint("k0").__dict__, "created_at": MOMENT + timedelta(hours=1)})
    stores.complaints.record(later)
    stores.complaints.record(complaint("k1"), commitment("k1"))
    assert [c.complaint_id for c in stores.complaints.history("c-1").complaints] == ["k1", "k0"]
    stores.promises.set_commitment_status("k1", CommitmentStatus.FULFILLED)
    (kept,) = stores.complaints.history("c-1").commitments
    assert kept.status is CommitmentStatus.FULFILLED
    with pytest.raises(NotFound):
        stores.promises.set_commitment_status("nope", CommitmentStatus.CANCELLED)


@transactional
def test_who_granted_a_promise_is_kept_and_older_promises_name_nobody(stores: Stores) -> None:
    from dataclasses import replace

    stores.complaints.record(complaint("k1"), replace(commitment("k1"), granted_by="a-maria"))
    stores.complaints.record(complaint("k2"), commitment("k2"))  # as stored before
    assert [c.granted_by for c in stores.complaints.history("c-1").commitments] == ["a-maria", ""]


@transactional
def test_a_replacement_has_no_amount(stores: Stores) -> None:
    stores.complaints.record(complaint(), commitment(kind=RemedyKind.REPLACEMENT))
    (stored,) = stores.complaints.history("c-1").commitments
    assert stored.amount is None


def test_feedback_holds_words_language_and_day_only(
    stores: Stores, dynamodb: Any, settings: Settings
) -> None:
    stores.feedback.add("Mehr Rückrufe am Abend, bitte", "de", MOMENT.date())
    (item,) = dynamodb.scan(TableName=settings.table_name)["Items"]
    assert set(item) == {"PK", "SK", "kind", "text", "language", "day"}
    assert stores.feedback.on(MOMENT.date()) == ["Mehr Rückrufe am Abend, bitte"]
    assert stores.feedback.on(MOMENT.date() + timedelta(days=1)) == []


def test_an_offer_waits_apart_from_the_history_and_is_forgotten_with_it(stores: Stores) -> None:
    offered = complaint("k-offer")
    stores.complaints.offer(offered, MOMENT + timedelta(days=1))
    stores.complaints.chosen("k-offer", "key-1")

    found = stores.complaints.offered("k-offer")
    assert found is not None
    assert found.complaint == offered and found.chosen_with == "key-1"
    # Not a complaint yet: neither the team nor the customer's history sees it.
    assert stores.complaints.get("k-offer") is None
    assert stores.complaints.history("c-1").complaints == []

    stores.complaints.forget("c-1")

    assert stores.complaints.offered("k-offer") is None
