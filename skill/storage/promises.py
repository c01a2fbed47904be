"""Promises across the team: an agent's promise, keeping it, and every one still open.

The items are the commitments of :mod:`.complaints`; an open one also carries
``GSI2PK=PROMISES  GSI2SK=<due>#<id>`` (a sparse index), so one query lists every
promise not yet kept, the earliest due first. The console makes and keeps promises
here, the overdue sweep reads them; a voice turn never imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from skill.records.complaints import Commitment, CommitmentStatus, Complaint, ComplaintStatus
from skill.storage.codec import from_item
from skill.storage.complaints import (
    PROMISES,
    commitment_from,
    commitment_values,
    complaint_pk,
    complaint_values,
)
from skill.storage.errors import must_exist, translated
from skill.storage.pages import queried
from skill.storage.tables import GSI2, GSI2PK
from skill.storage.transaction import ABSENT, PRESENT, Put, Update, Write, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class PromiseStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def set_commitment_status(
        self,
        complaint_id: str,
        status: CommitmentStatus,
        *,
        expected: CommitmentStatus | None = None,
        extra: Sequence[Write] = (),
    ) -> None:
        """Mark a promise fulfilled or cancelled (the console and the shop's systems do).

        ``expected``: only if it is still in this state (:class:`ConditionFailed`
        otherwise). Without it, :class:`NotFound` if there is no such commitment.
        """
        condition = PRESENT
        values = {":status": status.value}
        if expected is not None:
            condition += " AND #status = :expected"
            values[":expected"] = expected.value
        expression = "SET #status = :status"
        if status is not CommitmentStatus.PROMISED:
            expression += " REMOVE GSI2PK, GSI2SK"
        update = Update(
            complaint_pk(complaint_id),
            "COMMITMENT",
            expression,
            condition=condition,
            names={"#status": "status"},
            values=values,
        )
        if extra:
            transact(self._client, self._table, [update, *extra])
            return
        with must_exist() if expected is None else translated():
            self._client.update_item(**update.arguments(self._table))

    @translated()
    def promise(
        self,
        complaint: Complaint,
        commitment: Commitment,
        *,
        existing_complaint: bool,
        extra: Sequence[Write] = (),
    ) -> None:
        """An agent's promise: the commitment, and the complaint now resolved, together.

        With ``existing_complaint`` the customer's complaint (the one the callback is
        about) gets the commitment and is marked resolved, on condition that it has no
        promise yet; otherwise a new complaint is stored with it. ``extra`` items (the
        audit entry, the form guard) go in the same transaction. A failed condition
        raises :class:`ConditionFailed`.
        """
        first: Write
        if existing_complaint:
            first = Update(
                complaint_pk(complaint.complaint_id),
                "COMPLAINT",
                "SET #status = :resolved",
                condition=PRESENT,
                names={"#status": "status"},
                values={":resolved": ComplaintStatus.RESOLVED.value},
            )
        else:
            first = Put(complaint_values(complaint), condition=ABSENT)
        promised = Put(commitment_values(commitment), condition=ABSENT)
        transact(self._client, self._table, [first, promised, *extra])

    @translated()
    def open_promises(self) -> list[Commitment]:
        """Every promise not yet kept, across all customers, the earliest due first."""
        found = queried(
            self._client,
            TableName=self._table,
            IndexName=GSI2,
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": GSI2PK},
            ExpressionAttributeValues={":pk": {"S": PROMISES}},
        )
        return [commitment_from(from_item(raw)) for raw in found]
