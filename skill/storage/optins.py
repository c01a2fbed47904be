"""Who lets the skill notify them: one item per Alexa user who granted a permission.

Items::

    PK=ALEXAUSER#<sha256>  SK=OPTIN   user_id, locale, api_endpoint, permissions,
                                      customer_id (when linked)
        GSI1PK=OPTIN#CUSTOMER#<id>  GSI1SK=ALEXAUSER#<sha256>   (linked only)
    PK=ALEXAUSER#<sha256>  SK=OPTIN_REFUSED  refused_at: asked once after a complaint
                                      and refused; never asked again

The Alexa user id is kept here in clear, unlike everywhere else, because a notification
must name its recipient; the item exists only while a permission does, and goes when the
customer revokes it, disables the skill or asks us to forget them. A linked customer's
opt-ins are found by customer (an order changed); any by the hash a callback's owner
carries (``alexa:<sha256>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skill.records.optins import AlexaOptIn
from skill.storage.codec import from_item, key, timestamp, to_item
from skill.storage.errors import ConditionFailed, translated
from skill.storage.pages import index_partition
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.users import user_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# An Alexa user's opt-in (None: none), and whether they refused to be asked.
Standing = tuple[AlexaOptIn | None, bool]

_SK = "OPTIN"
_REFUSED = "OPTIN_REFUSED"
# A refusal is kept a year, like the no to reminders; it holds only the hash and the moment.
REFUSAL_RETENTION = timedelta(days=365)


def _customer_key(customer_id: str) -> str:
    return f"OPTIN#CUSTOMER#{customer_id}"


def standing_keys(user_id: str) -> tuple[dict[str, Any], ...]:
    """The items :meth:`OptInStore.standing` reads, for a batch read of the same turn to
    bring along (the grant's totals), saving the turn a request."""
    pk = user_key(user_id)
    return key(pk, _SK), key(pk, _REFUSED)


def standing_from(found: Mapping[tuple[str, str], dict[str, Any]], user_id: str) -> Standing:
    """:meth:`OptInStore.standing` from the items a batch read found by (PK, SK)."""
    pk = user_key(user_id)
    opt_in = found.get((pk, _SK))
    return (_opt_in(opt_in) if opt_in is not None else None), (pk, _REFUSED) in found


def _opt_in(values: dict[str, Any]) -> AlexaOptIn:
    return AlexaOptIn(
        user_id=str(values["user_id"]),
        locale=str(values["locale"]),
        api_endpoint=str(values["api_endpoint"]),
        permissions=frozenset(str(p) for p in values.get("permissions", [])),
        customer_id=values.get("customer_id"),
    )


class OptInStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def remember(self, opt_in: AlexaOptIn, now: datetime) -> None:
        """Store (or replace) what this Alexa user granted; none granted: forget them."""
        if not opt_in.permissions:
            self.forget(opt_in.user_id)
            return
        hashed = user_key(opt_in.user_id)
        values: dict[str, Any] = {
            "PK": hashed,
            "SK": _SK,
            "kind": "alexa_optin",
            "user_id": opt_in.user_id,
            "locale": opt_in.locale,
            "api_endpoint": opt_in.api_endpoint,
            "permissions": sorted(opt_in.permissions),
            "updated_at": timestamp(now),
        }
        if opt_in.customer_id:
            values.update(
                customer_id=opt_in.customer_id,
                GSI1PK=_customer_key(opt_in.customer_id),
                GSI1SK=hashed,
            )
        self._client.put_item(TableName=self._table, Item=to_item(values))

    @translated()
    def get(self, user_id: str) -> AlexaOptIn | None:
        return self.by_hash(user_key(user_id).split("#", 1)[1])

    @translated()
    def by_hash(self, user_hash: str) -> AlexaOptIn | None:
        """The opt-in of the Alexa user whose id hashes to ``user_hash``, if any."""
        answer = self._client.get_item(
            TableName=self._table, Key=key(f"ALEXAUSER#{user_hash}", _SK), ConsistentRead=True
        )
        item = answer.get("Item")
        return _opt_in(from_item(item)) if item else None

    @translated()
    def for_customer(self, customer_id: str) -> list[AlexaOptIn]:
        """The opt-ins of a linked customer's Alexa users (one query, an index read)."""
        found = index_partition(self._client, self._table, _customer_key(customer_id))
        return [_opt_in(from_item(item)) for item in found]

    @translated()
    def revoke(self, user_id: str, permission: str) -> None:
        """Drop one permission (Alexa said 403, or the customer took it back)."""
        opt_in = self.get(user_id)
        if opt_in is None or permission not in opt_in.permissions:
            return
        remaining = opt_in.permissions - {permission}
        if not remaining:
            self.forget(user_id)
            return
        try:
            with translated():
                self._client.update_item(
                    TableName=self._table,
                    Key=key(user_key(user_id), _SK),
                    UpdateExpression="SET #permissions = :remaining",
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeNames={"#permissions": "permissions"},
                    ExpressionAttributeValues=to_item({":remaining": sorted(remaining)}),
                )
        except ConditionFailed:
            return

    @translated()
    def forget(self, user_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=key(user_key(user_id), _SK))

    @translated()
    def forget_customer(self, customer_id: str) -> int:
        """Delete the opt-ins of a linked customer's Alexa users; how many there were."""
        opt_ins = self.for_customer(customer_id)
        for opt_in in opt_ins:
            self.forget(opt_in.user_id)
        return len(opt_ins)

    @translated()
    def standing(self, user_id: str) -> Standing:
        """This Alexa user's opt-in, and whether they refused: one query for both."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :sk)",
            ExpressionAttributeNames={"#pk": "PK", "#sk": "SK"},
            ExpressionAttributeValues={":pk": {"S": user_key(user_id)}, ":sk": {"S": _SK}},
            ConsistentRead=True,
        )
        items = {item["SK"]["S"]: item for item in answer.get("Items", [])}
        opt_in = _opt_in(from_item(items[_SK])) if _SK in items else None
        return opt_in, _REFUSED in items

    @translated()
    def refuse(self, user_id: str, now: datetime) -> None:
        item = {
            "PK": user_key(user_id),
            "SK": _REFUSED,
            "kind": "optin_refused",
            "refused_at": timestamp(now),
            TTL_ATTRIBUTE: int((now + REFUSAL_RETENTION).timestamp()),
        }
        self._client.put_item(TableName=self._table, Item=to_item(item))

    @translated()
    def forget_refusal(self, user_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=key(user_key(user_id), _REFUSED))
