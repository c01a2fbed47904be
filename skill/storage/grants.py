"""Running totals of promises, so that no two grants together pass the grant rule's sums.

Items::

    PK=ORDER#<number>   SK=PROMISED           total, currency: promised on the order by
                                              anyone (a replacement counts its total)
    PK=ORDER#<number>   SK=PROMISED#<agent>   total, currency: what that agent promised
                                              on the order
    PK=CUSTOMER#<id>    SK=SKILL_GRANTS       grants (order, amount, currency, at),
                                              version, expires_at (TTL): the skill's
                                              grants to the customer within its cap's window

The transaction that stores a promise carries the updates of these items, under
conditions that are the grant rule's sums (:mod:`skill.rules.grants`)::

    on the order     attribute_not_exists(total) OR total <= order total - value
    by the agent     attribute_not_exists(total) OR total <= authority - value
    the skill's      version = the version read (absent: the item is absent)

Of two grants at once that each fit alone but not together, the second fails its
condition, stores nothing, and is weighed again against the new sums
(:mod:`skill.usecases.grants`). A promise made before these totals existed is counted
when an order's total is first written: its ``seed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from skill.records import Money
from skill.rules.grants import SKILL, Granted
from skill.storage.codec import from_item, key
from skill.storage.errors import translated
from skill.storage.tables import TTL_ATTRIBUTE
from skill.storage.transaction import ABSENT, Put, Update

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

ON_ORDER = "PROMISED"
SKILL_GRANTS = "SKILL_GRANTS"


def _order_pk(order_number: str) -> str:
    return f"ORDER#{order_number}"


def _by_sk(granted_by: str) -> str:
    return f"{ON_ORDER}#{granted_by}"


def _customer_pk(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"


@dataclass(frozen=True)
class SkillGrants:
    """The skill's recent grants to one customer, and the version they were read at."""

    grants: tuple[Granted, ...] = ()
    version: int = 0  # 0: no item yet


@dataclass
class ReadAlong:
    """Items another part of the turn needs, brought by the totals' batch read: one
    request less. ``found``: what it found by (PK, SK); None until it was read."""

    keys: tuple[dict[str, Any], ...]
    found: dict[tuple[str, str], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Totals:
    """The running totals one grant is weighed against, read consistently.

    None where no item exists yet: no promise was stored with totals on that order (or
    by that agent on it).
    """

    on_order: Decimal | None
    by_granter: Decimal | None
    skill: SkillGrants


def order_total_update(order_number: str, value: Money, limit: Decimal, seed: Decimal) -> Update:
    """Add ``value`` to the order's total, on condition that it stays within ``limit``.

    ``seed``: what earlier promises already count when the item is new; the caller has
    checked that ``seed + value`` fits.
    """
    if seed + value.amount > limit:
        raise ValueError("the grant does not fit the order's total")
    return _add(_order_pk(order_number), ON_ORDER, order_number, value, limit, seed, None)


def granter_total_update(
    order_number: str, granted_by: str, value: Money, limit: Decimal
) -> Update:
    """Add ``value`` to what ``granted_by`` promised on the order, within ``limit``."""
    if value.amount > limit:
        raise ValueError("the grant does not fit the agent's authority")
    pk = _order_pk(order_number)
    return _add(pk, _by_sk(granted_by), order_number, value, limit, Decimal(0), granted_by)


def _add(
    pk: str,
    sk: str,
    order_number: str,
    value: Money,
    limit: Decimal,
    seed: Decimal,
    granted_by: str | None,
) -> Update:
    names = {"#total": "total", "#currency": "currency", "#kind": "kind", "#order": "order_number"}
    values: dict[str, Any] = {
        ":seed": seed,
        ":value": value.amount,
        ":most": limit - value.amount,
        ":currency": value.currency,
        ":kind": "promised_total",
        ":order": order_number,
    }
    expression = (
        "SET #total = if_not_exists(#total, :seed) + :value, #currency = :currency, "
        "#kind = :kind, #order = :order"
    )
    if granted_by is not None:
        names["#by"] = "granted_by"
        values[":by"] = granted_by
        expression += ", #by = :by"
    return Update(
        pk,
        sk,
        expression,
        condition="attribute_not_exists(#total) OR #total <= :most",
        names=names,
        values=values,
    )


def skill_grants_put(
    customer_id: str, grants: Sequence[Granted], read_version: int, expires: datetime
) -> Put:
    """The skill's grants to the customer, replacing those read at ``read_version``."""
    values: dict[str, Any] = {
        "PK": _customer_pk(customer_id),
        "SK": SKILL_GRANTS,
        "kind": "skill_grants",
        "grants": [
            {
                "order": g.order_number,
                "amount": g.value.amount,
                "currency": g.value.currency,
                "at": g.at.isoformat(),
            }
            for g in grants
        ],
        "version": read_version + 1,
        TTL_ATTRIBUTE: int(expires.timestamp()),
    }
    if read_version == 0:
        return Put(values, condition=ABSENT)
    return Put(
        values,
        condition="#version = :read",
        names={"#version": "version"},
        placeholders={":read": read_version},
    )


def _skill_grants(values: dict[str, Any] | None) -> SkillGrants:
    if values is None:
        return SkillGrants()
    grants = tuple(
        Granted(
            order_number=str(raw["order"]),
            value=Money(Decimal(raw["amount"]), str(raw["currency"])),
            granted_by=SKILL,
            at=datetime.fromisoformat(str(raw["at"])),
        )
        for raw in values.get("grants", [])
    )
    return SkillGrants(grants, int(values["version"]))


class GrantStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def totals(
        self,
        order_number: str,
        granted_by: str,
        customer_id: str | None,
        along: ReadAlong | None = None,
    ) -> Totals:
        """The order's total, ``granted_by``'s on it (not for the skill), and the
        skill's grants to ``customer_id`` if given: one consistent batch read, which
        brings ``along``'s items too."""
        wanted = {"on_order": key(_order_pk(order_number), ON_ORDER)}
        if granted_by != SKILL:
            wanted["by_granter"] = key(_order_pk(order_number), _by_sk(granted_by))
        if customer_id is not None:
            wanted["skill"] = key(_customer_pk(customer_id), SKILL_GRANTS)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        keys = [*wanted.values(), *(along.keys if along is not None else ())]
        request: dict[str, Any] = {self._table: {"Keys": keys, "ConsistentRead": True}}
        while request:
            answer = self._client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(self._table, []):
                values = from_item(raw)
                found[(values["PK"], values["SK"])] = values
            request = dict(answer.get("UnprocessedKeys") or {})

        def item(name: str) -> dict[str, Any] | None:
            if name not in wanted:
                return None
            return found.get((wanted[name]["PK"]["S"], wanted[name]["SK"]["S"]))

        def total(name: str) -> Decimal | None:
            values = item(name)
            return Decimal(values["total"]) if values is not None else None

        if along is not None:
            wanted_along = {(k["PK"]["S"], k["SK"]["S"]) for k in along.keys}
            along.found = {at: values for at, values in found.items() if at in wanted_along}
        return Totals(total("on_order"), total("by_granter"), _skill_grants(item("skill")))

    @translated()
    def forget(self, customer_id: str) -> None:
        """Erase the skill's recent grants to the customer (the orders' totals stay: they
        name no one, and the promises they count are still owed or were paid)."""
        self._client.delete_item(
            TableName=self._table, Key=key(_customer_pk(customer_id), SKILL_GRANTS)
        )

    @translated()
    def by_agent(self, order_number: str) -> dict[str, Decimal]:
        """What each agent promised on the order so far, read consistently."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :by)",
            ExpressionAttributeValues={
                ":pk": {"S": _order_pk(order_number)},
                ":by": {"S": f"{ON_ORDER}#"},
            },
            ConsistentRead=True,
        )
        sums: dict[str, Decimal] = {}
        for raw in answer.get("Items", []):
            values = from_item(raw)
            sums[str(values["granted_by"])] = Decimal(values["total"])
        return sums
