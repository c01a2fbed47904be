"""DynamoDB faults for tests, injected where the HTTP request would leave the client.

botocore emits ``before-send`` just before an attempt goes on the wire; a hook that
returns a response answers in the table's place, and one that raises acts as the
network. So the client's own retry mode, timeouts and error parsing all run as in
production::

    table = FaultyTable(dynamodb)
    table.fail("TransactWriteItems", THROTTLING)
    ...                      # every attempt of that operation is now throttled
    assert len(table.attempts) == settings.dynamodb_max_attempts

Time is simulated (:class:`SimulatedTime`): retry sleeps and timed-out attempts add to
it instead of waiting, so a test can add up how long a turn would have taken without
taking that long and without timing anything.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

from skill.storage import deadline
from tests.moto_in_process import answered_before_moto, apply_in_process


@dataclass(frozen=True)
class Fault:
    name: str
    status: int = 0  # 0: no answer at all, the read times out
    error_type: str = ""

    def __str__(self) -> str:
        return self.name


THROTTLING = Fault("throttling", 400, "com.amazonaws.dynamodb.v20120810#ThrottlingException")
SERVER_ERROR = Fault("server error", 500, "com.amazonaws.dynamodb.v20120810#InternalServerError")
TIMEOUT = Fault("timeout")
FAULTS = (THROTTLING, SERVER_ERROR, TIMEOUT)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class SimulatedTime:
    """``time`` for botocore's retry sleeps and the storage deadline: sleeping adds."""

    def __init__(self) -> None:
        self.elapsed = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.elapsed

    def sleep(self, seconds: float) -> None:
        self.elapsed += seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@dataclass
class FaultyTable:
    """Faults on chosen operations of one client; ``attempts`` lists every faulted try."""

    dynamodb: Any
    clock: SimulatedTime | None = None
    # A timed-out attempt waited this long (connect plus read timeout, the worst case).
    attempt_seconds: float = 2.0
    attempts: list[str] = field(default_factory=list)
    _faults: dict[str, Fault] = field(default_factory=dict)
    _lost: dict[str, dict[str, Fault]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.dynamodb.meta.events.register("before-send.dynamodb", self._answer)

    def fail(self, operation: str, fault: Fault) -> None:
        self._faults[operation] = fault

    def heal(self) -> None:
        self._faults.clear()

    def lose_answer(self, operation: str, then: dict[str, Fault] | None = None) -> None:
        """The next attempt of ``operation`` reaches the table and is applied, but its
        answer is lost (the read times out); from then on, the faults in ``then``."""
        self._lost[operation] = dict(then or {})

    def _answer(self, **kwargs: Any) -> AWSResponse | None:
        operation = kwargs["event_name"].rsplit(".", 1)[-1]
        if operation in self._lost:
            self._faults.update(self._lost.pop(operation))
            self.attempts.append(operation)
            _deliver(kwargs["request"])
            if self.clock is not None:
                self.clock.sleep(self.attempt_seconds)
            raise ReadTimeoutError(endpoint_url=kwargs["request"].url)
        fault = self._faults.get(operation)
        if fault is None:
            return None
        self.attempts.append(operation)
        if fault.status == 0:
            if self.clock is not None:
                self.clock.sleep(self.attempt_seconds)
            raise ReadTimeoutError(endpoint_url=kwargs["request"].url)
        answered_before_moto(kwargs["request"])
        body = json.dumps({"__type": fault.error_type, "message": "injected"}).encode()
        return AWSResponse(
            kwargs["request"].url,
            fault.status,
            {"Content-Type": "application/x-amz-json-1.0"},
            _Body(body),  # type: ignore[arg-type]
        )


def _deliver(request: Any) -> None:
    """Send the signed request as botocore would have, and read its answer away."""
    if urllib.parse.urlsplit(request.url).hostname not in ("127.0.0.1", "localhost"):
        apply_in_process(request)
        return
    body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
    sent = urllib.request.Request(
        request.url, data=body, headers=dict(request.headers), method=request.method
    )
    with urllib.request.urlopen(sent, timeout=30) as answer:
        answer.read()


def simulate_time(monkeypatch: pytest.MonkeyPatch) -> SimulatedTime:
    """Retry sleeps and the storage deadline run on simulated time from now on."""
    clock = SimulatedTime()
    monkeypatch.setattr(botocore.endpoint, "time", clock)
    monkeypatch.setattr(deadline, "time", clock)
    return clock
