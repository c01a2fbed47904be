"""Writes that succeed or fail together: DynamoDB's TransactWriteItems, typed.

A change and what goes with it are one transaction: a callback and its outbox event,
the console's action with its audit entry and the guard of its form. Stores build
their part as :class:`Put`, :class:`Update` or :class:`Delete`, hand it to the store
that makes the change, and :func:`transact` sends them all, on the stores' one table::

    queue.claim(callback_id, agent, now, events, [guard_put(action_id, now), entry_put(entry)])
        └── transact(client, table, [Update(callback), *extra, *outbox puts])

Values are plain Python (``str``, ``int``, ``Decimal``, ``bool``, lists, dicts), encoded
here; a failed condition or an unavailable table comes back as a
:class:`~skill.storage.errors.StorageError`, never as botocore's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from skill.storage.codec import key, to_item
from skill.storage.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# The two conditions most writes need: the item is new, or it is there.
ABSENT = "attribute_not_exists(PK)"
PRESENT = "attribute_exists(PK)"


def _expression(
    condition: str | None, names: Mapping[str, str], values: Mapping[str, Any]
) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    if condition:
        arguments["ConditionExpression"] = condition
    if names:
        arguments["ExpressionAttributeNames"] = dict(names)
    if values:
        arguments["ExpressionAttributeValues"] = to_item(values)
    return arguments


@dataclass(frozen=True)
class Put:
    """Write the item ``values`` (keys included), on ``condition`` if one is given."""

    action: ClassVar[str] = "Put"
    values: Mapping[str, Any]
    condition: str | None = None
    # The condition's placeholders.
    names: Mapping[str, str] = field(default_factory=dict)
    placeholders: Mapping[str, Any] = field(default_factory=dict)

    def arguments(self, table: str) -> dict[str, Any]:
        """DynamoDB's arguments, for a transaction item or ``put_item`` alone."""
        return {
            "TableName": table,
            "Item": to_item(self.values),
            **_expression(self.condition, self.names, self.placeholders),
        }


@dataclass(frozen=True)
class Update:
    """Change the item at ``pk``/``sk`` by ``expression``."""

    action: ClassVar[str] = "Update"
    pk: str
    sk: str
    expression: str
    condition: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)

    def arguments(self, table: str) -> dict[str, Any]:
        """DynamoDB's arguments, for a transaction item or ``update_item`` alone."""
        return {
            "TableName": table,
            "Key": key(self.pk, self.sk),
            "UpdateExpression": self.expression,
            **_expression(self.condition, self.names, self.values),
        }


@dataclass(frozen=True)
class Delete:
    """Delete the item at ``pk``/``sk``, on ``condition`` if one is given."""

    action: ClassVar[str] = "Delete"
    pk: str
    sk: str
    condition: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)

    def arguments(self, table: str) -> dict[str, Any]:
        return {
            "TableName": table,
            "Key": key(self.pk, self.sk),
            **_expression(self.condition, self.names, self.values),
        }


Write = Put | Update | Delete


@translated()
def transact(
    client: DynamoDBClient, table: str, writes: Sequence[Write], *, token: str | None = None
) -> None:
    """Write all of ``writes`` or none of them.

    ``token``: DynamoDB's client request token, so a retry within ten minutes is
    answered from the first attempt. A failed condition raises
    :class:`~skill.storage.errors.ConditionFailed` naming the positions in ``writes``.
    """
    items: list[Any] = [{write.action: write.arguments(table)} for write in writes]
    if token is None:
        client.transact_write_items(TransactItems=items)
    else:
        client.transact_write_items(TransactItems=items, ClientRequestToken=token)
