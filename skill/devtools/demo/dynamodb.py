"""An embedded DynamoDB: moto's server on a loopback port, in this process.

Real DynamoDB applies each write, condition and transaction atomically. moto's backend
is plain Python without locks, so two threads of its server can both pass the same
``attribute_not_exists`` condition. The embedded server therefore handles one request
at a time: the local product then keeps the guarantees the code relies on ("one open
callback per customer"), and the tests that fire requests from threads test our code,
not moto's races.

A cancelled transaction leaves no trace in DynamoDB's stream. moto applies a
transaction's writes one by one and, when one fails, puts back a copy of the table made
before: the stream records of the writes stay in the old table's stream, where the
readers' iterators point, while later writes go to the copy's. The notifier would
announce a booking that a daily limit refused and miss everything after it.
:func:`stream_safe_transactions` keeps one stream per table through a rollback,
without the cancelled writes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def stream_safe_transactions() -> None:
    """Make moto's rollback of a cancelled transaction keep the table's stream as it was."""
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "stream_safe", False):
        return

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        before = {
            name: (table, table.stream_shard, len(table.stream_shard.items))
            for name, table in self.tables.items()
            if table.stream_shard is not None
        }
        try:
            original(self, transact_items)
        except Exception:
            for name, (table, shard, length) in before.items():
                restored = self.tables.get(name)
                if restored is not None and restored is not table:  # rolled back to a copy
                    del shard.items[length:]
                    shard.table = restored
                    restored.stream_shard = shard
            raise

    transact_write_items.stream_safe = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items


class OneAtATime:
    """WSGI middleware: requests are answered in turn, each completely."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


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

        stream_safe_transactions()
        app = OneAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            host, port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="embedded-dynamodb", daemon=True
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
