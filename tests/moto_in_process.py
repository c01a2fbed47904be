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
