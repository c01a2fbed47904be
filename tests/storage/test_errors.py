"""The storage boundary: botocore's errors leave the stores as the storage error tree."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)

from skill.storage import Stores, deadline
from skill.storage.errors import (
    ConditionFailed,
    DeadlineExceeded,
    NotFound,
    OutcomeUnknown,
    StorageError,
    StorageUnavailable,
    translate,
    translated,
)
from tests.faults import FAULTS, THROTTLING, TIMEOUT, Fault, FaultyTable, simulate_time

STORAGE = Path(__file__).resolve().parents[2] / "skill" / "storage"


def client_error(
    code: str, status: int = 400, reasons: list[str] | None = None, operation: str = "PutItem"
) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": "Customer Alex said: secret words"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, operation)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (client_error("ThrottlingException"), StorageUnavailable),
        (client_error("ProvisionedThroughputExceededException"), StorageUnavailable),
        (client_error("RequestLimitExceeded"), StorageUnavailable),
        (client_error("TransactionConflictException"), StorageUnavailable),
        (client_error("InternalServerError", 500), StorageUnavailable),
        (client_error("SomethingNew", 503), StorageUnavailable),
        (ReadTimeoutError(endpoint_url="http://table"), StorageUnavailable),
        (EndpointConnectionError(endpoint_url="http://table"), StorageUnavailable),
        (client_error("ConditionalCheckFailedException"), ConditionFailed),
        (client_error("ValidationException"), StorageError),
        (client_error("ResourceNotFoundException"), StorageError),
        (NoCredentialsError(), StorageError),
        (ParamValidationError(report="no key"), StorageError),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value)[:40],
)
def test_each_botocore_error_has_one_meaning(error: Exception, kind: type[StorageError]) -> None:
    translated_error = translate(error)  # type: ignore[arg-type]
    assert type(translated_error) is kind


def test_a_cancelled_transaction_names_the_items_whose_condition_failed() -> None:
    error = translate(
        client_error(
            "TransactionCanceledException",
            reasons=["None", "ConditionalCheckFailed", "None", "ConditionalCheckFailed"],
            operation="TransactWriteItems",
        )
    )
    assert isinstance(error, ConditionFailed)
    assert error.failed_items == (1, 3)
    assert error.code == "TransactionCanceledException"


def test_a_transaction_cancelled_for_throttling_or_a_conflict_is_unavailable() -> None:
    for reason in ("ThrottlingError", "TransactionConflict"):
        cancelled = client_error("TransactionCanceledException", reasons=["None", reason])
        assert type(translate(cancelled)) is StorageUnavailable


def test_the_message_names_the_code_and_operation_never_the_answer_text() -> None:
    error = translate(client_error("ThrottlingException", operation="Query"))
    assert str(error) == "ThrottlingException on Query"


def test_the_original_error_stays_the_cause() -> None:
    original = client_error("ThrottlingException")
    with pytest.raises(StorageUnavailable) as raised, translated():
        raise original
    assert raised.value.__cause__ is original


def test_the_tree() -> None:
    assert issubclass(DeadlineExceeded, StorageUnavailable)
    assert issubclass(OutcomeUnknown, StorageUnavailable)
    assert issubclass(NotFound, ConditionFailed)
    assert not issubclass(ConditionFailed, StorageUnavailable)
    assert not issubclass(StorageError, ClientError)


def _store_methods() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(STORAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Store"):
                found.extend(
                    (f"{path.stem}.{node.name}.{item.name}", item)
                    for item in node.body
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_")
                )
    return found


def _reaches_dynamodb(method: ast.FunctionDef) -> bool:
    """Uses the client, or another method of its store (which may)."""
    calls = {id(node.func) for node in ast.walk(method) if isinstance(node, ast.Call)}
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        and (node.attr == "_client" or id(node) in calls)
        for node in ast.walk(method)
    )


def test_every_store_method_that_reaches_dynamodb_translates() -> None:
    """So no botocore error gets past a store: each such method is ``@translated()``."""
    methods = [(name, method) for name, method in _store_methods() if _reaches_dynamodb(method)]
    assert len(methods) > 30
    untranslated = [
        name
        for name, method in methods
        if not any(
            isinstance(d, ast.Call) and getattr(d.func, "id", "") == "translated"
            for d in method.decorator_list
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_faults_on_the_wire_reach_the_caller_as_unavailable(
    fault: Fault, stores: Stores, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    table.fail("GetItem", fault)
    with pytest.raises(StorageUnavailable):
        stores.orders.get("1001")


def test_the_turns_deadline_is_unavailable_too(stores: Stores) -> None:
    deadline.begin_turn(0.0)
    try:
        with pytest.raises(DeadlineExceeded):
            stores.orders.get("1001")
    finally:
        deadline.end_turn()


def test_a_value_of_the_wrong_type_is_refused_by_the_table_and_nothing_is_stored(
    dynamodb: Any, settings: Any
) -> None:
    # The turn's client leaves checking requests to DynamoDB: a number sent as a JSON
    # number, not as text, is refused there, a StorageError as botocore's check was.
    key = {"PK": {"S": "TEST#typed"}, "SK": {"S": "TEST"}}
    with pytest.raises(StorageError) as refused, translated():
        dynamodb.put_item(TableName=settings.table_name, Item={**key, "count": {"N": 5}})
    assert not isinstance(refused.value, StorageUnavailable)  # not retried as a busy table
    assert "Item" not in dynamodb.get_item(TableName=settings.table_name, Key=key)


KEY = {"PK": {"S": "TEST#lost"}, "SK": {"S": "TEST"}}


def _put(dynamodb: Any, settings: Any) -> None:
    with translated():
        dynamodb.put_item(TableName=settings.table_name, Item=KEY)


@pytest.mark.parametrize("then", [TIMEOUT, THROTTLING], ids=str)
def test_a_write_whose_answer_was_lost_may_be_stored_whatever_ends_it(
    then: Fault, dynamodb: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    table.lose_answer("PutItem", then={"PutItem": then})
    with pytest.raises(OutcomeUnknown):
        _put(dynamodb, settings)
    assert "Item" in dynamodb.get_item(TableName=settings.table_name, Key=KEY)  # it was


def test_a_write_whose_answer_was_lost_may_be_stored_when_the_turns_time_ends_it(
    dynamodb: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = FaultyTable(dynamodb, simulate_time(monkeypatch), attempt_seconds=10.0)
    table.lose_answer("PutItem")
    deadline.begin_turn(5.0)
    try:
        with pytest.raises(OutcomeUnknown) as unknown:
            _put(dynamodb, settings)
    finally:
        deadline.end_turn()
    assert isinstance(unknown.value.__cause__, DeadlineExceeded)
    assert table.attempts == ["PutItem"]  # the retry was not sent


def test_a_write_answered_with_a_refusal_every_time_was_not_stored(
    dynamodb: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    FaultyTable(dynamodb, simulate_time(monkeypatch)).fail("PutItem", THROTTLING)
    with pytest.raises(StorageUnavailable) as refused:
        _put(dynamodb, settings)
    assert not isinstance(refused.value, OutcomeUnknown)


def test_a_read_that_timed_out_changed_nothing(
    stores: Stores, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    FaultyTable(dynamodb, simulate_time(monkeypatch)).fail("GetItem", TIMEOUT)
    with pytest.raises(StorageUnavailable) as unavailable:
        stores.orders.get("1001")
    assert not isinstance(unavailable.value, OutcomeUnknown)
