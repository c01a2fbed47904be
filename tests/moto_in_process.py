"""moto's DynamoDB in the test's own process, without a server between.

Most tests are about what the skill says, stores and shows, not about the wire: for them
a request costs less than half the CPU when botocore hands it to moto directly (moto's
``before-send`` hook, the last one asked, so the tests' own hooks still see every
attempt) than through the embedded server's HTTP, werkzeug and Flask. The storage tests
keep the servers (moto's and dynalite, see tests/storage/conftest.py), and so does every
test whose requests come from another process.

botocore asks every ``before-send`` hook, even after one has answered (a fault a test
injects, :mod:`tests.faults`): a hook that answers marks the request
(:func:`answered_before_moto`), and moto then leaves it alone.

moto's backend has no locks, so requests are answered one at a time, as the embedded
server answers writes: tests that fire requests from threads still test our code, not
moto's races.

A test's table, and the demo data written into it, are made (and dropped) by moto's
backend directly: the same requests through botocore cost ten times the CPU, and what
a test checks starts after its table is there (tests/storage/test_tables.py makes
tables as an operator does).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.models import botocore_stubber

from skill.devtools.demo.dynamodb import faithful_and_faster_moto

_ONE_AT_A_TIME = threading.Lock()
_ANSWERED = "answered-before-moto"


def answered_before_moto(request: Any) -> None:
    """This attempt of ``request`` was answered by a test's hook: moto, asked last in
    the same round, must not apply it too (botocore sends a retry as the same object,
    so the mark is taken off as moto passes)."""
    request.context[_ANSWERED] = True


def apply_in_process(request: Any) -> None:
    """Have moto apply ``request`` now and throw its answer away: an answer lost on
    the way back, after which the hook raises, so moto is not asked again."""
    botocore_stubber(event_name="before-send", request=request)


def _answered_alone() -> None:
    original = BotocoreStubber.__call__
    if getattr(original, "alone", False):
        return

    def __call__(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        if not self.enabled or request.context.pop(_ANSWERED, False):
            return None
        with _ONE_AT_A_TIME:
            return original(self, event_name, request, **kwargs)

    __call__.alone = True  # type: ignore[attr-defined]
    BotocoreStubber.__call__ = __call__  # type: ignore[method-assign]


@contextmanager
def moto_in_process() -> Iterator[None]:
    """While open, clients without an endpoint of their own reach moto in process."""
    faithful_and_faster_moto()
    _answered_alone()
    with mock_aws():
        yield


def on_the_embedded_server() -> Any:
    """``dynamodb_endpoint = on_the_embedded_server()`` in a test module whose requests
    must reach a server: the table's stream (moto in process routes it to DynamoDB),
    another process (a command run as the operator runs it), the server itself."""

    @pytest.fixture
    def dynamodb_endpoint(moto_endpoint: str) -> str:
        return moto_endpoint

    return dynamodb_endpoint


def answered_here(client: Any) -> bool:
    """Whether ``client``'s requests reach moto in this process: it has no endpoint of
    its own, so botocore's is AWS's."""
    return str(client.meta.endpoint_url).endswith(".amazonaws.com")


def _backend() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]


def create_table_here(arguments: dict[str, Any], ttl: dict[str, Any] | None) -> None:
    """The table ``CreateTable`` with ``arguments`` makes, and its time to live, made by
    moto's backend directly: a request and its answer through botocore cost ten times
    as much, and a test's table is set up before what it tests."""
    backend = _backend()
    with _ONE_AT_A_TIME:
        backend.create_table(
            arguments["TableName"],
            schema=arguments["KeySchema"],
            throughput=arguments.get("ProvisionedThroughput"),
            attr=arguments["AttributeDefinitions"],
            global_indexes=arguments.get("GlobalSecondaryIndexes", []),
            indexes=arguments.get("LocalSecondaryIndexes", []),
            streams=arguments.get("StreamSpecification"),
            billing_mode=arguments.get("BillingMode", "PROVISIONED"),
            sse_specification=None,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        if ttl:
            backend.update_time_to_live(arguments["TableName"], ttl)


def put_items_here(table_name: str, items: list[dict[str, Any]]) -> None:
    backend = _backend()
    with _ONE_AT_A_TIME:
        for item in items:
            backend.put_item(table_name, item)


def drop_table_here(table_name: str) -> None:
    backend = _backend()
    with _ONE_AT_A_TIME:
        backend.tables.pop(table_name, None)


_CHANGES = "menschmoment_handler_changes"
_QUOTAS = "menschmoment_retry_quotas"


def watched(client: Any) -> Any:
    """``client``, counting from now on every change a test makes to its event system
    (the handlers registered, first or last, and unregistered), for :func:`as_made`.

    Its retry quotas are found once here: walking the handlers at every test's start
    and end cost about 1.4 ms per test.
    """
    events = client.meta.events
    setattr(client, _CHANGES, 0)
    for name in ("register", "register_first", "register_last", "unregister"):
        method = getattr(events, name)

        def counted(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            setattr(client, _CHANGES, getattr(client, _CHANGES) + 1)
            return _method(*args, **kwargs)

        setattr(events, name, counted)
    quotas = []
    nodes = [events._emitter._handlers._root]
    while nodes:
        node = nodes.pop()
        values = node.get("values")
        if values:
            for handler in (*values.first, *values.middle, *values.last):
                quota = getattr(getattr(handler, "__self__", None), "_retry_quota", None)
                if quota is not None:
                    quotas.append(quota._quota)
        nodes.extend(node.get("children", {}).values())
    setattr(client, _QUOTAS, quotas)
    return client


def as_made(client: Any) -> tuple[Any, ...]:
    """What a test could have changed on a :func:`watched` client: how often its event
    system was changed and what is left of its retry quota. A client that is as it was
    made can serve the next test (:func:`tests.conftest.dynamodb`)."""
    return (
        getattr(client, _CHANGES),
        tuple(quota.available_capacity for quota in getattr(client, _QUOTAS)),
    )
