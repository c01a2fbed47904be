"""Batch and transaction calls whose JSON the client takes as it is.

An item handed to boto3 is already DynamoDB JSON (``{"S": ...}``, see
:mod:`skill.storage.codec`), yet botocore walks the API model over every attribute
to write it into the request, and again over every attribute of a BatchGetItem's
answer; for an import of 100,000 orders that walk was a third of the importer's CPU.
:func:`send_batches_as_json` makes a client skip it for BatchWriteItem and
BatchGetItem: the request body is ``json.dumps`` of the parameters, the answer's
items are ``json.loads`` of the body, which is what the walk produces for such
values. Signing, retries, error answers, events and ``UnprocessedItems`` stay
botocore's.

:func:`send_transactions_as_json` does the same for TransactWriteItems, for a voice
turn's client: a booking's transaction holds some ten items, and the walk over them
was about a quarter of botocore's work for it (the answers are read as JSON already,
:mod:`skill.storage.answer_json`). A cancelled transaction's error answer is parsed
by botocore as before.

Only for a client made with ``parameter_validation=False`` (it would validate the
stand-in the model walk gets instead: :func:`skill.storage.client.admin_client` with
``bulk``, as the import makes it, and the voice turn's
:func:`skill.storage.client.dynamodb_client`), and not for binary values: botocore
encodes and decodes those as base64, so a request or answer holding one takes the
usual path.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from skill.storage.answer_json import BINARY_MARKERS, read_answers_as_json

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

_BODY = "menschmoment_json_body"


def send_batches_as_json(client: DynamoDBClient) -> None:
    """Make ``client`` (one that does not validate parameters) send batch requests and
    read batch answers as plain JSON."""
    _send_as_json(client, ("BatchWriteItem", "BatchGetItem"))
    read_answers_as_json(client.meta.events, ("BatchGetItem",), unique_id=f"{_BODY}-read")


def send_transactions_as_json(client: DynamoDBClient) -> None:
    """Make ``client`` (one that does not validate parameters) send its transactions'
    writes as plain JSON."""
    _send_as_json(client, ("TransactWriteItems",))


def _send_as_json(client: DynamoDBClient, operations: tuple[str, ...]) -> None:
    events = client.meta.events
    for operation in operations:
        # Last, so a handler that changes the parameters has done so (botocore's own
        # fills in a transaction's missing request token).
        events.register_last(
            f"before-parameter-build.dynamodb.{operation}",
            _take_parameters,
            unique_id=f"{_BODY}-take-{operation}",
        )
        events.register_last(
            f"before-call.dynamodb.{operation}", _put_body, unique_id=f"{_BODY}-put-{operation}"
        )


def _take_parameters(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """Keep the body, and leave the model walk nothing but the tables' names (which the
    endpoint rules read)."""
    requests: dict[str, Any] = params.get("RequestItems") or {}
    writes: list[dict[str, Any]] = params.get("TransactItems") or []
    if not requests and not writes:
        return
    try:
        body = json.dumps(params, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):  # bytes, or a value DynamoDB JSON has no place for
        return
    if any(marker in body for marker in BINARY_MARKERS):
        return
    context[_BODY] = body
    if writes:
        # Each write as its kind and table alone.
        params["TransactItems"] = [
            {kind: {"TableName": write.get("TableName")}}
            for item in writes
            for kind, write in item.items()
        ]
    else:
        # An empty value of each table's kind: a list of writes, or a structure of keys.
        params["RequestItems"] = {table: type(value)() for table, value in requests.items()}


def _put_body(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    body = context.pop(_BODY, None)
    if body is not None:
        params["body"] = body
