"""What a store raises when DynamoDB did not do what it asked.

The stores translate botocore's errors at the boundary (:func:`translated`), so no
code above storage needs to know botocore::

    StorageError                  DynamoDB refused or failed; nothing may be confirmed
    ├── StorageUnavailable        not now: throttled, 5xx, timed out, no connection,
    │   │                         retries used up. The same request may succeed later.
    │   ├── DeadlineExceeded      the turn's time for storage is used up (.deadline)
    │   └── OutcomeUnknown        a write was sent and its answer never came: it may
    │                             have been applied, so no apology may say it was not
    └── ConditionFailed           the table holds something other than the write assumed:
        │                         a conditional write, or a transaction cancelled for
        │                         a condition (``failed_items`` says which)
        ├── NotFound              the item the write needed is not there
        └── (per store)           CallbackAlreadyOpen, CallbackChanged, VersionConflict

A plain :class:`StorageError` is a request DynamoDB refuses as it is (a validation
error, a missing table, no credentials, a client token reused with other items): mostly
a bug or a deployment fault; ``code`` says which.
The original botocore error stays attached as ``__cause__`` for the logs of whoever
debugs; the message holds DynamoDB's error code and operation, never item data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    IncompleteReadError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError


class StorageError(Exception):
    """DynamoDB did not do what a store asked."""

    def __init__(self, message: str = "storage failed", *, code: str = "") -> None:
        super().__init__(message)
        # DynamoDB's error code ("ThrottlingException"); empty when there was no answer.
        self.code = code


class StorageUnavailable(StorageError):
    """The table could not do it now; trying again later may work."""


class DeadlineExceeded(StorageUnavailable):
    """The turn's time for storage is used up: no attempt is sent any more."""

    def __init__(self) -> None:
        super().__init__("the turn's time for storage is used up")


class OutcomeUnknown(StorageUnavailable):
    """A write reached the table (or may have) and no answer came back before the
    attempts or the turn's time ran out: it may have been applied, or not."""


class ConditionFailed(StorageError):
    """A write's condition did not hold, so nothing of it (or its transaction) was written."""

    def __init__(
        self,
        message: str = "a condition failed",
        *,
        failed_items: tuple[int, ...] = (0,),
        code: str = "",
    ) -> None:
        super().__init__(message, code=code)
        # Positions in the transaction of the items whose condition failed; (0,) for a
        # single write.
        self.failed_items = failed_items


class NotFound(ConditionFailed):
    """The write needed an existing item, and there was none."""


# Codes that mean the table is busy or ailing, not that the request is wrong. botocore's
# standard retry mode has already retried them; reaching a store, they are final.
_UNAVAILABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
        "TransactionConflictException",
        "InternalServerError",
        "ServiceUnavailable",
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
    }
)
# The same, as the reasons a cancelled transaction gives per item.
_UNAVAILABLE_REASONS = frozenset(
    {
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "TransactionConflict",
        "RequestLimitExceeded",
    }
)


def translate(error: ClientError | BotoCoreError) -> StorageError:
    """The storage error that says what ``error`` means for the caller."""
    if isinstance(error, BotoCoreError):
        # Timeouts, refused or broken connections: the network, not the request.
        if isinstance(error, HTTPClientError | BotoConnectionError | IncompleteReadError):
            return StorageUnavailable(type(error).__name__)
        return StorageError(type(error).__name__)
    response: Any = error.response
    code = str(response.get("Error", {}).get("Code", ""))
    message = f"{code} on {error.operation_name}"
    if code == "ConditionalCheckFailedException":
        return ConditionFailed(message, code=code)
    if code == "TransactionCanceledException":
        reasons = [str(reason.get("Code")) for reason in response.get("CancellationReasons", [])]
        failed = tuple(i for i, reason in enumerate(reasons) if reason == "ConditionalCheckFailed")
        if failed:
            return ConditionFailed(message, failed_items=failed, code=code)
        if _UNAVAILABLE_REASONS.intersection(reasons):
            return StorageUnavailable(message, code=code)
        return StorageError(message, code=code)
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    if code in _UNAVAILABLE_CODES or status >= 500:
        return StorageUnavailable(message, code=code)
    return StorageError(message, code=code)


# Write attempts sent whose answer never came, in this thread's or invocation's context.
_unanswered: ContextVar[int] = ContextVar("unanswered_writes", default=0)
WRITE_OPERATIONS = (
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
)


def count_unanswered_writes(exception: Exception | None = None, **_: Any) -> None:
    """A ``response-received`` hook on the write operations: an attempt that was sent
    and lost its answer (read timeout, connection closed or cut short) may have been
    applied. A refused connection or a connect timeout sent nothing."""
    if isinstance(exception, HTTPClientError | IncompleteReadError):
        _unanswered.set(_unanswered.get() + 1)


@contextmanager
def translated() -> Iterator[None]:
    """Raise botocore's errors as storage errors, the original as their cause.

    Around a DynamoDB call, or on a store's method as ``@translated()``. A write given
    up on after an attempt whose answer was lost is :class:`OutcomeUnknown`, whatever
    ended it (the last attempt's error, or the turn's deadline).
    """
    before = _unanswered.get()
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise _unless_lost(translate(error), before) from error
    except DeadlineExceeded as error:
        if _unanswered.get() != before:
            raise OutcomeUnknown(
                "the turn's time ran out after a write whose answer was lost"
            ) from error
        raise


def _unless_lost(error: StorageError, before: int) -> StorageError:
    if isinstance(error, StorageUnavailable) and _unanswered.get() != before:
        return OutcomeUnknown(f"{error}, after a write whose answer was lost", code=error.code)
    return error


@contextmanager
def must_exist() -> Iterator[None]:
    """Around a write whose one condition is that its item exists: NotFound if not."""
    try:
        with translated():
            yield
    except ConditionFailed as error:
        raise NotFound(str(error), code=error.code) from error
