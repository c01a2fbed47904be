"""Complaints and the commitments made for them.

Items::

    PK=COMPLAINT#<id>  SK=COMPLAINT    GSI1PK=CUSTOMER#<id>  GSI1SK=COMPLAINT#<created>#<id>
    PK=COMPLAINT#<id>  SK=COMMITMENT   GSI1PK=CUSTOMER#<id>  GSI1SK=COMMITMENT#<created>#<id>

    (open promises also carry GSI2PK=PROMISES  GSI2SK=<due>#<id>: the team's overview,
    see :mod:`.promises`, where agents make and keep promises)

    PK=COMPLAINT#<id>  SK=OFFER        GSI1PK=CUSTOMER#<id>  GSI1SK=OFFER#<created>#<id>
                       expires_at: a complaint whose remedies an assistant was told,
                       until the customer chooses one (a request of its own); a day

A complaint and its commitment are written in one transaction, each on condition that
it does not exist yet. The complaint id is derived from the conversation, so a retried
request or a second "yes" hits the same keys and stores nothing new: :meth:`record` then
returns what was stored the first time. One query on GSI1 (``GSI1SK`` beginning with
``COM``) returns a customer's complaints and commitments together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import ConditionFailed, StorageError, translated
from skill.storage.pages import index_partition
from skill.storage.tables import GSI1PK, GSI1SK, GSI2PK, GSI2SK, TTL_ATTRIBUTE
from skill.storage.transaction import ABSENT, Put, Write, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class Recorded:
    complaint: Complaint
    commitment: Commitment | None
    # False when an earlier attempt had stored it already (a retry, a repeated "yes").
    new: bool


@dataclass(frozen=True)
class Offer:
    """A complaint whose remedies were told and not chosen yet."""

    complaint: Complaint
    # The idempotency key of the choice that granted it, once one did.
    chosen_with: str | None = None


@dataclass(frozen=True)
class History:
    complaints: list[Complaint]
    commitments: list[Commitment]


def complaint_pk(complaint_id: str) -> str:
    return f"COMPLAINT#{complaint_id}"


def complaint_values(complaint: Complaint) -> dict[str, Any]:
    values: dict[str, Any] = {
        "PK": complaint_pk(complaint.complaint_id),
        "SK": "COMPLAINT",
        "kind": "complaint",
        "complaint_id": complaint.complaint_id,
        "customer_id": complaint.customer_id or None,
        "order_number": complaint.order_number,
        "problem": complaint.problem.value,
        "description": complaint.description or None,
        "status": complaint.status.value,
        "created_at": complaint.created_at.isoformat(),
        "locale": complaint.locale,
    }
    if complaint.customer_id:
        values[GSI1PK] = f"CUSTOMER#{complaint.customer_id}"
        values[GSI1SK] = f"COMPLAINT#{complaint.created_at.isoformat()}#{complaint.complaint_id}"
    return values


PROMISES = "PROMISES"


def commitment_values(commitment: Commitment) -> dict[str, Any]:
    values: dict[str, Any] = {
        "PK": complaint_pk(commitment.complaint_id),
        "SK": "COMMITMENT",
        GSI1PK: f"CUSTOMER#{commitment.customer_id}",
        GSI1SK: f"COMMITMENT#{commitment.created_at.isoformat()}#{commitment.commitment_id}",
        "kind": "commitment",
        "commitment_id": commitment.commitment_id,
        "complaint_id": commitment.complaint_id,
        "customer_id": commitment.customer_id,
        "order_number": commitment.order_number,
        "remedy": commitment.kind.value,
        "amount": commitment.amount.amount if commitment.amount else None,
        "currency": commitment.amount.currency if commitment.amount else None,
        "due": commitment.due.isoformat(),
        "owner": commitment.owner.value,
        "granted_by": commitment.granted_by or None,
        "status": commitment.status.value,
        "created_at": commitment.created_at.isoformat(),
    }
    if commitment.status is CommitmentStatus.PROMISED:
        # Sparse: a kept or cancelled promise leaves the team's overview.
        values[GSI2PK] = PROMISES
        values[GSI2SK] = f"{commitment.due.isoformat()}#{commitment.commitment_id}"
    return values


def complaint_from(values: dict[str, Any]) -> Complaint:
    return Complaint(
        complaint_id=values["complaint_id"],
        customer_id=values.get("customer_id", ""),
        order_number=values.get("order_number"),
        problem=ProblemType(values["problem"]),
        description=values.get("description", ""),
        status=ComplaintStatus(values["status"]),
        created_at=datetime.fromisoformat(values["created_at"]),
        locale=values.get("locale", "en-US"),
    )


def commitment_from(values: dict[str, Any]) -> Commitment:
    amount = values.get("amount")
    return Commitment(
        commitment_id=values["commitment_id"],
        complaint_id=values["complaint_id"],
        customer_id=values.get("customer_id", ""),
        order_number=values["order_number"],
        kind=RemedyKind(values["remedy"]),
        amount=Money(Decimal(amount), values["currency"]) if amount is not None else None,
        due=date.fromisoformat(values["due"]),
        owner=Owner(values["owner"]),
        status=CommitmentStatus(values["status"]),
        created_at=datetime.fromisoformat(values["created_at"]),
        granted_by=values.get("granted_by", ""),
    )


# DynamoDB seeing the same client token with a retry's slightly different items: an
# earlier attempt stored this already.
_RETRY_DIFFERS = "IdempotentParameterMismatchException"


def history_from(items: Iterable[dict[str, Any]]) -> History:
    """The complaints and commitments among items of the customer's partition of the
    index, oldest first: those a query of that partition found for another purpose (the
    account's, :class:`skill.storage.orders.Account`) make the history without a query
    of its own."""
    complaints: list[Complaint] = []
    commitments: list[Commitment] = []
    for values in items:
        if values.get("kind") == "complaint":
            complaints.append(complaint_from(values))
        elif values.get("kind") == "commitment":
            commitments.append(commitment_from(values))
    complaints.sort(key=lambda c: (c.created_at, c.complaint_id))
    commitments.sort(key=lambda c: (c.created_at, c.commitment_id))
    return History(complaints, commitments)


class ComplaintStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def record(
        self,
        complaint: Complaint,
        commitment: Commitment | None = None,
        *,
        extra: Sequence[Write] = (),
        attempt: int = 0,
    ) -> Recorded:
        """Store the complaint and its commitment together, or neither.

        ``extra`` writes go in the same transaction (the running totals of promises,
        :mod:`.grants`); if one of their conditions fails and the complaint was not
        stored before, :class:`ConditionFailed` propagates. ``attempt`` counts the
        caller's tries with fresh ``extra`` writes, so each has its own request token.
        Storage errors other than "already there" propagate: the caller must not confirm.
        """
        writes: list[Write] = [Put(complaint_values(complaint), condition=ABSENT)]
        if commitment is not None:
            writes.append(Put(commitment_values(commitment), condition=ABSENT))
        writes.extend(extra)
        # Real DynamoDB also answers a retry within ten minutes from this token.
        token = complaint.complaint_id[:36]
        if attempt:
            token = f"{complaint.complaint_id[:32]}.{attempt}"
        try:
            transact(self._client, self._table, writes, token=token)
        except StorageError as error:
            # A failed condition or a used token: an earlier attempt stored it.
            if not isinstance(error, ConditionFailed) and error.code != _RETRY_DIFFERS:
                raise
            try:
                stored = self.get(complaint.complaint_id)
            except StorageError:
                if not isinstance(error, ConditionFailed) or 0 not in error.failed_items:
                    raise
                # This conversation's complaint is stored (an attempt whose answer was
                # lost went through), but the turn has no time left to read it: a stored
                # complaint is never apologised for as unstored.
                return Recorded(complaint, commitment, new=False)
            if stored is None:
                raise
            return Recorded(stored[0], stored[1], new=False)
        return Recorded(complaint, commitment, new=True)

    @translated()
    def get(self, complaint_id: str) -> tuple[Complaint, Commitment | None] | None:
        """A complaint and its commitment, read consistently (one query)."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": complaint_pk(complaint_id)}},
            ConsistentRead=True,
        )
        complaint: Complaint | None = None
        commitment: Commitment | None = None
        for raw in answer.get("Items", []):
            values = from_item(raw)
            if values.get("kind") == "complaint":
                complaint = complaint_from(values)
            elif values.get("kind") == "commitment":
                commitment = commitment_from(values)
        return (complaint, commitment) if complaint is not None else None

    @translated()
    def history(self, customer_id: str) -> History:
        """The customer's complaints and commitments, oldest first, in one query."""
        return history_from(from_item(raw) for raw in self._customers(customer_id, "COM"))

    @translated()
    def offer(self, complaint: Complaint, expires: datetime) -> None:
        """Keep a complaint whose remedies were told, until one is chosen (or it expires).

        Offered again (the same complaint id), it is replaced: the customer's latest words.
        """
        values = complaint_values(complaint)
        values.update(
            {
                "SK": "OFFER",
                "kind": "offer",
                GSI1SK: f"OFFER#{complaint.created_at.isoformat()}#{complaint.complaint_id}",
                TTL_ATTRIBUTE: int(expires.timestamp()),
            }
        )
        self._client.put_item(TableName=self._table, Item=to_item(values))

    @translated()
    def offered(self, complaint_id: str) -> Offer | None:
        answer = self._client.get_item(
            TableName=self._table, Key=key(complaint_pk(complaint_id), "OFFER"), ConsistentRead=True
        )
        if "Item" not in answer:
            return None
        values = from_item(answer["Item"])
        return Offer(complaint_from(values), values.get("chosen_with"))

    @translated()
    def chosen(self, complaint_id: str, idempotency_key: str) -> None:
        """Note which request's key granted the offered complaint."""
        self._client.update_item(
            TableName=self._table,
            Key=key(complaint_pk(complaint_id), "OFFER"),
            UpdateExpression="SET chosen_with = :key",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":key": {"S": idempotency_key}},
        )

    def _forget_offers(self, customer_id: str) -> None:
        for raw in self._customers(customer_id, "OFFER#"):
            self._client.delete_item(TableName=self._table, Key={"PK": raw["PK"], "SK": raw["SK"]})

    def _customers(self, customer_id: str, prefix: str) -> Iterator[dict[str, Any]]:
        """The raw items of the customer's partition of the index whose sort key starts
        with ``prefix``."""
        return index_partition(self._client, self._table, f"CUSTOMER#{customer_id}", prefix)

    @translated()
    def forget(self, customer_id: str) -> tuple[int, int]:
        """Erase the customer's complaints; returns (deleted, kept anonymised).

        A promise still open stays, as an obligation to an order without a customer:
        the refund is still owed. The complaint behind it keeps its problem and order
        but loses the customer's words. Everything else about them is deleted.
        """
        self._forget_offers(customer_id)
        history = self.history(customer_id)
        open_ones = {
            c.complaint_id for c in history.commitments if c.status is CommitmentStatus.PROMISED
        }
        deleted = kept = 0
        for complaint in history.complaints:
            if complaint.complaint_id in open_ones:
                for sk, extra in (("COMPLAINT", ", description"), ("COMMITMENT", "")):
                    self._client.update_item(
                        TableName=self._table,
                        Key=key(complaint_pk(complaint.complaint_id), sk),
                        UpdateExpression=f"SET anonymised = :yes REMOVE customer_id, "
                        f"{GSI1PK}, {GSI1SK}{extra}",
                        ConditionExpression="attribute_exists(PK)",
                        ExpressionAttributeValues={":yes": {"BOOL": True}},
                    )
                kept += 1
            else:
                for sk in ("COMPLAINT", "COMMITMENT"):
                    self._client.delete_item(
                        TableName=self._table, Key=key(complaint_pk(complaint.complaint_id), sk)
                    )
                deleted += 1
        return deleted, kept
