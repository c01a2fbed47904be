"""An embedded DynamoDB: moto's server on a loopback port, in this process.

Real DynamoDB applies each write, condition and transaction atomically. moto's backend
is plain Python without locks, so two threads of its server can both pass the same
``attribute_not_exists`` condition. The embedded server therefore applies one write at
a time, with no read under way (:class:`ReadsTogether`): the local product then keeps
the guarantees the code relies on ("one open callback per customer"), and the tests
that fire requests from threads test our code, not moto's races. Reads (GetItem,
Query, Scan and the like change nothing in moto's backend) run side by side, so a
turn's reads do not queue behind another turn's transaction.

A cancelled transaction leaves no trace in DynamoDB's stream. moto applies a
transaction's writes one by one and, when one fails, puts back a copy of the table made
before: the stream records of the writes stay in the old table's stream, where the
readers' iterators point, while later writes go to the copy's. The notifier would
announce a booking that a daily limit refused and miss everything after it.
:func:`stream_safe_transactions` keeps one stream per table through a rollback,
without the cancelled writes, and saves only the items a transaction names for it, not
a copy of every table it touches (items and stream) per item, which made each
transaction cost as much as the table was big.

moto writes each response by walking the service's model down to every attribute of
every item. Items already are DynamoDB's JSON: :func:`items_as_they_are` sends them as
they are and leaves the rest to the model; :func:`items_read_as_they_are` does the same
for the items of a request, which moto read by walking the model down the same way.

moto finds the service a request is for by listing its own package folder, a directory
listing and a ``stat`` per service on every request, a fifth of a request's time:
:func:`services_listed_once` lists it once. And moto checks an item's 400 KB limit by
adding up the sizes of all its attributes again as each one is set: :func:`item_size_summed_once`
adds them up once, against the same limit. It also lists a handler's methods
(:func:`handlers_listed_once`) and parses an update expression
(:func:`update_expressions_parsed_once`) once, not on every request.
"""

from __future__ import annotations

import copy
import functools
import logging
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def stream_safe_transactions() -> None:
    """Make moto's rollback of a cancelled transaction keep the table's stream as it was.

    The rollback also puts back only the items the transaction names: moto would copy
    each table whole (items and stream) for every item of every transaction.
    """
    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "stream_safe", False):
        return

    class TablesKept:
        """moto's ``copy`` while the transaction's items are saved one by one."""

        local = threading.local()  # two embedded servers may share moto's backends
        copy = staticmethod(copy.copy)

        @classmethod
        def deepcopy(cls, value: Any, memo: Any = None) -> Any:
            if getattr(cls.local, "keep", False) and isinstance(value, models.Table):
                return value
            return copy.deepcopy(value, memo)

    models.copy = TablesKept

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        before = {
            name: (table, table.stream_shard, len(table.stream_shard.items))
            for name, table in self.tables.items()
            if table.stream_shard is not None
        }
        saved = _saved_items(self, transact_items)
        TablesKept.local.keep = saved is not None
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in saved or []:
                _put_back(table, hash_key, range_key, item)
            for name, (table, shard, length) in before.items():
                del shard.items[length:]
                restored = self.tables.get(name)
                if restored is not None and restored is not table:  # rolled back to a copy
                    shard.table = restored
                    restored.stream_shard = shard
            raise
        finally:
            TablesKept.local.keep = False

    transact_write_items.stream_safe = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items


Saved = list[tuple[Any, Any, Any, Any]]  # (table, hash key, range key, item or None)


def _saved_items(backend: Any, transact_items: list[dict[str, Any]]) -> Saved | None:
    """A copy of each item the transaction names, as it is now; None where unsure (moto
    then copies the tables, as it would)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: Saved = []
    try:
        for entry in transact_items:
            ((kind, operation),) = entry.items()
            table = backend.tables[operation["TableName"]]
            key = operation["Item"] if kind == "Put" else operation["Key"]
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = None
            if table.range_key_attr is not None:
                range_key = DynamoType(key[table.range_key_attr])
                item = table.items.get(hash_key, {}).get(range_key)
            else:
                item = table.items.get(hash_key)
            saved.append((table, hash_key, range_key, copy.deepcopy(item)))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return saved


def _put_back(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        table.items.get(hash_key, {}).pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item


# DynamoDB's JSON for one attribute value, by type; binary ones still take the model's way.
_TEXT = frozenset({"S", "N"})
_FLAG = frozenset({"BOOL", "NULL"})
_SETS = frozenset({"SS", "NS"})


def _wire_ready(value: Any) -> bool:
    """Whether ``value`` is an attribute value moto's model would write unchanged."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ((kind, inner),) = value.items()
    if kind in _TEXT:
        return isinstance(inner, str)
    if kind in _FLAG:
        return isinstance(inner, bool)
    if kind in _SETS:
        return isinstance(inner, list) and all(isinstance(each, str) for each in inner)
    if kind == "M":
        return isinstance(inner, dict) and all(_wire_ready(each) for each in inner.values())
    if kind == "L":
        return isinstance(inner, list) and all(_wire_ready(each) for each in inner)
    return False


def items_as_they_are() -> None:
    """Make moto write text, number, flag, set, map and list attribute values unchanged."""
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer._serialize
    if getattr(original, "items_as_they_are", False):
        return

    def _serialize(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == "AttributeValue" and _wire_ready(value):
            serialized[self.get_serialized_name(shape, key)] = value
        else:
            original(self, serialized, value, shape, key)

    _serialize.items_as_they_are = True  # type: ignore[attr-defined]
    BaseJSONSerializer._serialize = _serialize


def items_read_as_they_are() -> None:
    """Make moto read text, number, flag, set, map and list attribute values unchanged."""
    from moto.core.parse import BaseJSONParser

    original = BaseJSONParser._parse_structure
    if getattr(original, "items_as_they_are", False):
        return

    def _parse_structure(self: Any, shape: Any, value: Any) -> Any:
        # Read as JSON, such a value already is what the model would make of it.
        if shape.name == "AttributeValue" and _wire_ready(value):
            return value
        return original(self, shape, value)

    _parse_structure.items_as_they_are = True  # type: ignore[attr-defined]
    BaseJSONParser._parse_structure = _parse_structure


def services_listed_once() -> None:
    """Make moto list its service folders once, not on every request."""
    from moto import backends

    original = backends.list_of_moto_modules
    if getattr(original, "listed_once", False):
        return
    services = tuple(original())  # the installed package does not change while we run

    def list_of_moto_modules() -> tuple[str, ...]:
        return services

    list_of_moto_modules.listed_once = True  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules


def item_size_summed_once() -> None:
    """Make moto check a new item's size once, not once per attribute."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models import dynamo_type
    from moto.dynamodb.models.utilities import bytesize

    item = dynamo_type.Item
    if getattr(item.__init__, "summed_once", False):
        return
    kind, limited = dynamo_type.DynamoType, dynamo_type.LimitedSizeDict

    def __init__(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        values = {key: kind(value) for key, value in attrs.items()}
        # moto's own limit (LimitedSizeDict): between DynamoDB's 400 KB and what it takes
        if sum(bytesize(key) + value.size() for key, value in values.items()) > 405000:
            raise ItemSizeTooLarge
        self.attrs = limited()
        dict.update(self.attrs, values)  # checked above; later changes are still checked

    __init__.summed_once = True  # type: ignore[attr-defined]
    item.__init__ = __init__


def handlers_listed_once() -> None:
    """Make moto list a response handler's methods once per class, not per request."""
    from moto.core import responses

    original = responses.method_names_from_class
    if getattr(original, "listed_once", False):
        return
    listed = functools.cache(original)
    listed.listed_once = True  # type: ignore[attr-defined]
    responses.method_names_from_class = listed


def update_expressions_parsed_once() -> None:
    """Make moto parse each update expression once: the same few expressions come again
    with every write, and moto's validator works on a copy of the tree it is given."""
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    original = UpdateExpressionParser.make
    if getattr(original, "parsed_once", False):
        return
    parsed = functools.lru_cache(maxsize=1024)(original)
    parsed.parsed_once = True  # type: ignore[attr-defined]
    UpdateExpressionParser.make = staticmethod(parsed)


def faithful_and_faster_moto() -> None:
    """Everything above, for moto's server here and for moto used in process."""
    stream_safe_transactions()
    items_as_they_are()
    items_read_as_they_are()
    services_listed_once()
    item_size_summed_once()
    handlers_listed_once()
    update_expressions_parsed_once()


# Requests that only read moto's backend; every other one (writes, transactions, table
# changes, stream reads, which move iterators) is answered alone.
READS = frozenset(
    f"DynamoDB_20120810.{name}"
    for name in ("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems")
)


class ReadsTogether:
    """WSGI middleware: reads are answered side by side, any other request alone, after
    the reads under way and before reads that arrive while it waits (a writer is never
    starved)."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._changed = threading.Condition()
        self._reading = 0
        self._writing = False
        self._writers_waiting = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("HTTP_X_AMZ_TARGET") in READS:
            return self._read(environ, start_response)
        return self._write(environ, start_response)

    def _read(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._changed:
            self._changed.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._reading += 1
        try:
            return list(self._app(environ, start_response))
        finally:
            with self._changed:
                self._reading -= 1
                self._changed.notify_all()

    def _write(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._changed:
            self._writers_waiting += 1
            self._changed.wait_for(lambda: not self._writing and not self._reading)
            self._writers_waiting -= 1
            self._writing = True
        try:
            return list(self._app(environ, start_response))
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()


class EmbeddedDynamoDB:
    """``with EmbeddedDynamoDB() as endpoint:`` gives ``http://127.0.0.1:<port>``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        # web/demo only: never on the Lambda path
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        faithful_and_faster_moto()
        app = ReadsTogether(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            host, port, app, threaded=True, request_handler=MotoRequestHandler
        )
        # serve_forever looks for a shutdown every poll interval (0.5 s by default), so
        # stopping waited for up to that long.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="embedded-dynamodb",
            daemon=True,
        )
        self.endpoint = ""

    def start(self) -> str:
        # werkzeug logs every request at INFO; the demo's own log is what matters.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.endpoint = f"http://{host!s}:{port}"
        return self.endpoint

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
