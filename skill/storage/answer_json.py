"""Successful DynamoDB answers read as the JSON they are, without botocore's model walk.

botocore parses an answer by walking the API model down to every attribute of every
item: about 2 ms of CPU for a query answering six items, most of a warm turn's own
time. For DynamoDB's JSON protocol that walk yields what ``json.loads`` of the body
yields (attribute values stay DynamoDB JSON, numbers in them text), except for binary
values, which botocore decodes from base64: an answer holding one is left to botocore.

The hook is botocore's ``before-parse`` event: a successful answer's fields go into the
customized response, which botocore lays over what it parses of the remaining empty
body (its ``ResponseMetadata``). Error answers (status not 200) are parsed by botocore
as before, so retries, throttling, ``ConditionalCheckFailed`` and cancelled
transactions behave exactly as without this; so do the checksum check (it reads the
HTTP response, not this body), signing, timeouts and every other event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# An attribute of a binary type, as DynamoDB JSON writes it (inside a text value the
# quotes would be escaped; a map key named "B" only sends the answer the usual way).
BINARY_MARKERS = (b'"B":', b'"BS":')


# What a voice turn's client reads: every item operation (their answers hold items,
# keys, counts and capacities, nothing botocore would read otherwise than JSON does).
ITEM_OPERATIONS = (
    "GetItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "TransactGetItems",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
)


def read_answers_as_json(events: Any, operations: Iterable[str], unique_id: str) -> None:
    """Have a DynamoDB client's event system read ``operations``' answers as JSON."""
    for operation in operations:
        events.register_last(
            f"before-parse.dynamodb.{operation}", _read_answer, unique_id=f"{unique_id}-{operation}"
        )


def _read_answer(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    body = response_dict.get("body")
    if response_dict.get("status_code") != 200 or not isinstance(body, bytes) or not body:
        return
    if any(marker in body for marker in BINARY_MARKERS):
        return
    customized_response_dict.update(json.loads(body))
    response_dict["body"] = b"{}"
