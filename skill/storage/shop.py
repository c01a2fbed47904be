"""A shop's own customers and orders into the table, as the skill reads them.

Records (skill.rules.shop_records) become the same items :mod:`skill.storage.orders`
reads, plus three attributes of the shop's own::

    shop             JSON text: what the skill does not read (the shop's status, the
                     item lines, due dates as given, tracking URL, extra fields)
    shop_updated_at  the record's ``updated_at`` in UTC, when it has one
    shop_hash        a hash of every other attribute

:meth:`ShopStore.upsert`:

1. keeps, of several records with one key, the newest (the last of equals);
2. in groups of 100, reads ``shop_hash`` and ``shop_updated_at`` of the stored items
   (one BatchGetItem) and sorts each record: unchanged (same hash), older (its
   ``updated_at`` before the stored one's), new (no item yet) or changed;
3. writes the group's new ones with BatchWriteItem (25 a call, unprocessed items
   retried with exponential backoff), the changed ones with a put conditional on the
   stored ``shop_updated_at`` being no newer, so a webhook's newer write in the
   meantime wins.

``workers`` threads each take a group at a time, so DynamoDB works on several while
this process builds the next groups' items.

A record without ``updated_at`` replaces what is stored (the shop did not say when),
and a stored item without one is replaced by anything. Between the read and a batch
write of a *new* item, a webhook could create that item; the import would then replace
it. Changed items carry no such window.

An import's first load skips the read: when one scan finds no order, no customer and
no webhook receipt in the table (so no webhook delivered anything in the receipts'
week either), every record is new, and the groups go straight to BatchWriteItem. The
scan looks at no more items than there are records (the read it saves would have read
as many); a table it cannot cover, or credentials that may not scan, take the read.
Once anything of the shop is stored, every import reads first, so an older record
never replaces a newer stored one; what a first load cannot see is a webhook that
delivers its first change during the load.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from skill.rules.shop_records import (
    CustomerRecord,
    OrderRecord,
    customer_of,
    order_of,
)
from skill.storage.codec import from_item, key, to_item
from skill.storage.errors import ConditionFailed, StorageError, StorageUnavailable, translated
from skill.storage.orders import customer_values, order_values

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

ShopRecord = CustomerRecord | OrderRecord
_In = TypeVar("_In")
_Out = TypeVar("_Out")

# What an upsert reads of a stored item to know it unchanged or newer.
_STAMPS = ("PK", "SK", "shop_hash", "shop_updated_at")
WRITE_BATCH = 25  # BatchWriteItem's limit
READ_BATCH = 100  # BatchGetItem's limit
# Unprocessed items are sent again after 50 ms, 100 ms, 200 ms, ... (at most 8 tries).
BACKOFF_FIRST = 0.05
BACKOFF_TRIES = 8
# Items of the shop, or of its webhooks, whose presence means an import must read first.
_SHOP_PREFIXES = ("ORDER#", "CUSTOMER#", "WEBHOOK#")
SCAN_PAGE = 1000  # items a first load's scan looks at per call


def _canonical_encoder() -> Callable[[object], str]:
    """``json.dumps(value, sort_keys=True, default=str)``, the same text: straight from
    the C encoder, made once, where there is one (the standard library's
    ``JSONEncoder.encode`` makes it anew on every call, twice per record)."""
    encoder = json.JSONEncoder(sort_keys=True, default=str)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    # No circular check (markers None): the items are plain trees built here.
    one_shot = make(
        None,
        str,
        json.encoder.encode_basestring_ascii,
        None,
        encoder.key_separator,
        encoder.item_separator,
        True,
        False,
        True,
    )
    return lambda value: "".join(one_shot(value, 0))


_canonical = _canonical_encoder()


@dataclass(frozen=True)
class UpsertCounts:
    """What an upsert did, record by record."""

    written: int = 0
    unchanged: int = 0
    older_skipped: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.written + other.written,
            self.unchanged + other.unchanged,
            self.older_skipped + other.older_skipped,
        )


def moment_text(moment: datetime) -> str:
    """``updated_at`` as stored: UTC with microseconds, so text order is time order."""
    # isoformat writes what strftime("%Y-%m-%dT%H:%M:%S.%fZ") does, in half the time.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _day_text(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def customer_item(record: CustomerRecord) -> dict[str, Any]:
    """The profile item's attributes (None for an absent one)."""
    shop = {"locale": record.locale, "extra": dict(record.extra)}
    return _with_shop(customer_values(customer_of(record)), shop, record.updated_at)


def order_item(record: OrderRecord, postal_code: str) -> dict[str, Any]:
    """The order item's attributes; ``postal_code`` is where the order goes."""
    shop = {
        "status": record.status.value,
        "items": [{"name": line.name, "quantity": line.quantity} for line in record.items],
        "ordered_at": _day_text(record.ordered_at),
        "due": record.due.isoformat(),
        "new_due": _day_text(record.new_due),
        "delivered_at": _day_text(record.delivered_at),
        "tracking_url": record.tracking_url,
        "extra": dict(record.extra),
    }
    return _with_shop(order_values(order_of(record, postal_code)), shop, record.updated_at)


def _with_shop(
    values: dict[str, Any], shop: dict[str, Any], updated_at: datetime | None
) -> dict[str, Any]:
    """The skill's attributes plus the shop's: what the skill does not read, as one JSON
    text (any JSON value fits, floats too, and it costs one attribute); when the shop
    last changed it; and a hash of it all, so an unchanged record is known by reading
    two small attributes."""
    item = {name: value for name, value in values.items() if value is not None}
    item["shop"] = _canonical({name: value for name, value in shop.items() if value})
    if updated_at is not None:
        item["shop_updated_at"] = moment_text(updated_at)
    canonical = _canonical(item).encode("utf-8")
    item["shop_hash"] = hashlib.sha256(canonical).hexdigest()[:32]
    return item


class ShopStore:
    """Upserts of the shop's records; ``workers`` threads send batches side by side."""

    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        *,
        workers: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._table = table
        self._workers = max(1, workers)
        self._sleep = sleep

    @translated()
    def upsert(
        self,
        records: Sequence[ShopRecord],
        progress: Callable[[int], None] | None = None,
        *,
        may_be_first_load: bool = False,
    ) -> UpsertCounts:
        """Write what is new or newer; idempotent. Raises StorageError if DynamoDB fails
        (what was written before stays; running the same upsert again finishes it).

        ``progress`` hears how many of ``records`` are done so far, now and then.
        ``may_be_first_load`` (an import's, not a webhook's: a scan per delivery would
        cost more than the reads it saves) scans the table first, and when it holds
        nothing of the shop writes every record unread."""
        latest, counts = _newest_per_key(records)
        first_load = (
            may_be_first_load and bool(latest) and self._holds_nothing_of_the_shop(len(latest))
        )
        # A first load finds no stored profiles to take postal codes from.
        postal_codes = self._postal_codes(latest.values(), stored=not first_load)
        done = len(records) - len(latest)
        keys = list(latest)
        # Built one group at a time, as the workers take them.
        groups = (
            [
                self._item(latest[record_key], postal_codes)
                for record_key in keys[i : i + READ_BATCH]
            ]
            for i in range(0, len(keys), READ_BATCH)
        )
        work = self._write_group if first_load else self._upsert_group
        for group_counts in self._map_bounded(work, groups):
            counts += group_counts
            done += group_counts.written + group_counts.unchanged + group_counts.older_skipped
            if progress is not None:
                progress(done)
        return counts

    def _item(self, record: ShopRecord, postal_codes: Mapping[str, str]) -> dict[str, Any]:
        if isinstance(record, CustomerRecord):
            return customer_item(record)
        return order_item(record, record.postal_code or postal_codes.get(record.customer_id, ""))

    def _upsert_group(self, items: Sequence[dict[str, Any]]) -> UpsertCounts:
        """Up to 100 items with distinct keys: one read of their stamps, then the new ones
        in batches, the changed ones one by one, conditionally."""
        stored = self._read_chunk([(values["PK"], values["SK"]) for values in items], _STAMPS)
        counts = UpsertCounts()
        fresh: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for values in items:
            before = stored.get(f"{values['PK']}|{values['SK']}")
            if before is None:
                fresh.append(values)
            elif before.get("shop_hash") == values["shop_hash"]:
                counts += UpsertCounts(unchanged=1)
            elif _older(values, before):
                counts += UpsertCounts(older_skipped=1)
            else:
                changed.append(values)
        for start in range(0, len(fresh), WRITE_BATCH):
            self._write_chunk(fresh[start : start + WRITE_BATCH])
        counts += UpsertCounts(written=len(fresh))
        for values in changed:
            counts += self._put_unless_newer(values)
        return counts

    def _write_group(self, items: Sequence[dict[str, Any]]) -> UpsertCounts:
        """Up to 100 items of a first load, all new: written in batches, unread."""
        for start in range(0, len(items), WRITE_BATCH):
            self._write_chunk(items[start : start + WRITE_BATCH])
        return UpsertCounts(written=len(items))

    @translated()
    def upsert_one(self, record: ShopRecord) -> UpsertCounts:
        """One record, one conditional put (a webhook's); a stored newer item wins."""
        if isinstance(record, CustomerRecord):
            values = customer_item(record)
        else:
            postal = record.postal_code or self._postal_codes([record]).get(record.customer_id)
            values = order_item(record, postal or "")
        before = self._read([(values["PK"], values["SK"])], _STAMPS)
        previous = next(iter(before.values()), None)
        if previous is not None and previous.get("shop_hash") == values["shop_hash"]:
            return UpsertCounts(unchanged=1)
        return self._put_unless_newer(values)

    # --- reading ----------------------------------------------------------------------

    def _holds_nothing_of_the_shop(self, budget: int) -> bool:
        """True when a scan of the whole table finds no order, customer or webhook
        receipt; False when it finds one, has looked at ``budget`` items (at least
        one page) without reaching the end, or may not scan."""
        values = {f":p{n}": {"S": prefix} for n, prefix in enumerate(_SHOP_PREFIXES)}
        request: dict[str, Any] = {
            "TableName": self._table,
            "ProjectionExpression": "PK",
            "FilterExpression": " OR ".join(f"begins_with(PK, {name})" for name in values),
            "ExpressionAttributeValues": values,
            "ConsistentRead": True,
            "Limit": SCAN_PAGE,
        }
        looked_at = 0
        while True:
            try:
                with translated():
                    answer = self._client.scan(**request)
            except StorageError as error:
                if error.code == "AccessDeniedException":
                    # Credentials for the shop's items alone, as the webhooks' role.
                    return False
                raise
            if answer.get("Items"):
                return False
            looked_at += answer.get("ScannedCount", 0)
            last = answer.get("LastEvaluatedKey")
            if not last:
                return True
            if looked_at >= budget:
                return False
            request["ExclusiveStartKey"] = last

    def _postal_codes(
        self, records: Iterable[ShopRecord], *, stored: bool = True
    ) -> dict[str, str]:
        """Customer id -> postal code, for orders that give none: from the customers
        among ``records``, else (``stored``) from the stored profiles."""
        codes = {r.id: r.postal_code for r in records if isinstance(r, CustomerRecord)}
        wanted = {
            r.customer_id
            for r in records
            if isinstance(r, OrderRecord) and not r.postal_code and r.customer_id not in codes
        }
        if wanted and stored:
            profiles = self._read(
                [(f"CUSTOMER#{cid}", "PROFILE") for cid in sorted(wanted)],
                ("PK", "SK", "customer_id", "postal_code"),
            )
            for values in profiles.values():
                codes[values["customer_id"]] = values.get("postal_code", "")
        return codes

    def _read(
        self, keys: Sequence[tuple[str, str]], attributes: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """``attributes`` of the stored items by "PK|SK", 100 keys a call, side by side."""
        chunks = [keys[i : i + READ_BATCH] for i in range(0, len(keys), READ_BATCH)]
        found: dict[str, dict[str, Any]] = {}
        for part in self._map(lambda chunk: self._read_chunk(chunk, attributes), chunks):
            found.update(part)
        return found

    @translated()
    def _read_chunk(
        self, keys: Sequence[tuple[str, str]], attributes: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        names = {f"#a{n}": name for n, name in enumerate(attributes)}
        request: dict[str, Any] = {
            self._table: {
                "Keys": [key(pk, sk) for pk, sk in keys],
                "ConsistentRead": True,
                "ProjectionExpression": ", ".join(names),
                "ExpressionAttributeNames": names,
            }
        }
        for attempt in range(BACKOFF_TRIES):
            answer = self._client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(self._table, []):
                values = from_item(raw)
                found[f"{values['PK']}|{values['SK']}"] = values
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return found
            self._sleep(BACKOFF_FIRST * 2**attempt)
        raise StorageUnavailable("keys left unread after retries", code="UnprocessedKeys")

    # --- writing ----------------------------------------------------------------------

    @translated()
    def _write_chunk(self, items: Sequence[dict[str, Any]]) -> None:
        request: dict[str, Any] = {
            self._table: [{"PutRequest": {"Item": to_item(values)}} for values in items]
        }
        for attempt in range(BACKOFF_TRIES):
            answer = self._client.batch_write_item(RequestItems=request)
            request = answer.get("UnprocessedItems") or {}
            if not request:
                return
            self._sleep(BACKOFF_FIRST * 2**attempt)
        raise StorageUnavailable("items left unwritten after retries", code="UnprocessedItems")

    def _put_unless_newer(self, values: dict[str, Any]) -> UpsertCounts:
        try:
            self._conditional_put(values)
        except ConditionFailed:
            return UpsertCounts(older_skipped=1)
        return UpsertCounts(written=1)

    @translated()
    def _conditional_put(self, values: dict[str, Any]) -> None:
        updated = values.get("shop_updated_at")
        if updated is None:
            self._client.put_item(TableName=self._table, Item=to_item(values))
            return
        self._client.put_item(
            TableName=self._table,
            Item=to_item(values),
            ConditionExpression=(
                "attribute_not_exists(PK) OR attribute_not_exists(#at) OR #at <= :at"
            ),
            ExpressionAttributeNames={"#at": "shop_updated_at"},
            ExpressionAttributeValues={":at": {"S": updated}},
        )

    def _map(self, work: Callable[[Any], Any], chunks: Sequence[Any]) -> list[Any]:
        if self._workers == 1 or len(chunks) <= 1:
            return [work(chunk) for chunk in chunks]
        with ThreadPoolExecutor(self._workers) as pool:
            return list(pool.map(work, chunks))

    def _map_bounded(self, work: Callable[[_In], _Out], inputs: Iterable[_In]) -> Iterator[_Out]:
        """``work`` over ``inputs`` on the workers, results in order. The next inputs are
        made while the workers (and DynamoDB) are busy, but at most two per worker wait,
        so memory stays flat however many there are."""
        if self._workers == 1:
            yield from map(work, inputs)
            return
        pending: deque[Future[_Out]] = deque()
        with ThreadPoolExecutor(self._workers) as pool:
            try:
                for value in inputs:
                    pending.append(pool.submit(work, value))
                    if len(pending) >= 2 * self._workers:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:
                # After a failure, what has not started stays unsent.
                for future in pending:
                    future.cancel()


def _record_key(record: ShopRecord) -> str:
    return f"{record.key}|{'PROFILE' if isinstance(record, CustomerRecord) else 'ORDER'}"


def _newest_per_key(records: Iterable[ShopRecord]) -> tuple[dict[str, ShopRecord], UpsertCounts]:
    """The newest record of each key (the last of equally new ones), and how the others
    count: a repeat as unchanged, anything else as older."""
    latest: dict[str, ShopRecord] = {}
    counts = UpsertCounts()
    for record in records:
        record_key = _record_key(record)
        held = latest.get(record_key)
        if held is None:
            latest[record_key] = record
        elif held == record:
            counts += UpsertCounts(unchanged=1)
        elif _before(record.updated_at, held.updated_at):
            counts += UpsertCounts(older_skipped=1)
        else:
            latest[record_key] = record
            counts += UpsertCounts(older_skipped=1)
    return latest, counts


def _before(moment: datetime | None, other: datetime | None) -> bool:
    return moment is not None and other is not None and moment < other


def _older(values: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    new, old = values.get("shop_updated_at"), stored.get("shop_updated_at")
    return new is not None and old is not None and new < old
