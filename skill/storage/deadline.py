"""A time budget for the DynamoDB calls of one Alexa turn.

Alexa waits about 8 seconds. The client's timeouts and retries bound one call, but a
turn makes several calls in a row, so a slow table could add up to more than Alexa
waits for. The turn therefore gets one deadline: an attempt is only sent while it can
still finish (connect plus read timeout) before the deadline; after that every call
fails at once with :class:`~skill.storage.errors.DeadlineExceeded` (storage being
unavailable, so the stores' callers apologise as for any other storage failure)::

    turn start                                  deadline
    |------ attempts, retry sleeps, Alexa API ------|-- at most one sleep --|
                                                     or one Alexa API call
    the worst case: budget + max(longest retry sleep, Alexa API timeout)

:func:`turn_time_bound` computes that sum from the settings; a test keeps it under
Alexa's limit. Outside a turn (console, seeding) no deadline applies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from skill.config import Settings
from skill.storage.errors import DeadlineExceeded

# Every thread (gunicorn serves turns on threads) and every Lambda invocation has its
# own context, so one turn's deadline never reaches another's calls.
_deadline: ContextVar[float | None] = ContextVar("storage_deadline", default=None)

# botocore's standard retry mode: a throttled attempt i (1-based) sleeps up to
# THROTTLING_BASE * 2 ** (i - 1) seconds before the next, capped at MAX_BACKOFF.
THROTTLING_BASE = 1.0
MAX_BACKOFF = 20.0
ALEXA_WAITS = 8.0


def begin_turn(budget: float, clock: Callable[[], float] | None = None) -> None:
    """Start the budget of the turn now running on this thread."""
    _deadline.set((clock or time.monotonic)() + budget)


def end_turn() -> None:
    _deadline.set(None)


def refuse_late_attempts(
    attempt_seconds: float, clock: Callable[[], float] | None = None
) -> Callable[..., None]:
    """A ``before-send`` hook: refuse an attempt that could end after the deadline."""

    def check(**_: Any) -> None:
        deadline = _deadline.get()
        now = (clock or time.monotonic)()
        if deadline is not None and now + attempt_seconds > deadline:
            # Raised inside botocore's send, which passes it on to the store's caller
            # unchanged: it is no botocore error, and not one botocore retries.
            raise DeadlineExceeded()

    return check


def longest_retry_sleep(settings: Settings) -> float:
    """The longest single sleep between attempts the client's retry mode may choose."""
    retries = settings.dynamodb_max_attempts - 1
    if retries < 1:
        return 0.0
    return min(THROTTLING_BASE * 2.0 ** (retries - 1), MAX_BACKOFF)


def turn_time_bound(settings: Settings) -> float:
    """The most time a turn can spend waiting on storage and the Alexa API."""
    return settings.dynamodb_turn_budget + max(
        longest_retry_sleep(settings), settings.alexa_api_timeout
    )
