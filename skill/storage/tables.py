"""The table definition, read from ``tables.json``: the one source for every table.

``serverless.yml`` includes the same file as CloudFormation resources; locally
:func:`create_tables` turns it into ``CreateTable`` calls. The key names below are the
ones the stores use; a test checks they match the file.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TimeToLiveSpecificationTypeDef

DEFINITION_FILE = Path(__file__).with_name("tables.json")
MAIN_TABLE = "MainTable"
PK, SK = "PK", "SK"
GSI1, GSI1PK, GSI1SK = "GSI1", "GSI1PK", "GSI1SK"
# Sparse: only open promises carry these keys (the console's promises overview).
GSI2, GSI2PK, GSI2SK = "GSI2", "GSI2PK", "GSI2SK"
TTL_ATTRIBUTE = "expires_at"

log = logging.getLogger(__name__)


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """CloudFormation resources by logical id."""
    data: dict[str, dict[str, Any]] = json.loads(DEFINITION_FILE.read_text(encoding="utf-8"))
    return data


def create_table_arguments(logical_id: str, table_name: str) -> dict[str, Any]:
    """The ``CreateTable`` arguments for one table of the definition."""
    props = definitions()[logical_id]["Properties"]
    args: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if "GlobalSecondaryIndexes" in props:
        args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": props["StreamSpecification"]["StreamViewType"],
        }
    return args


class TableSchemaError(Exception):
    """A table of that name exists, but its keys or indexes are not the definition's."""


def create_tables(client: DynamoDBClient, names: dict[str, str]) -> list[str]:
    """Make sure each table in ``names`` (logical id -> table name) exists and is active.

    Idempotent, as an operator's setup step must be: an existing table with the
    definition's keys and indexes is left as it is, one with other keys is a
    :class:`TableSchemaError`, and a table another process is creating at the same moment
    is waited for. Use an administrative client (:func:`.client.admin_client`): creating
    a table takes longer than a voice turn's timeouts allow, and a retried ``CreateTable``
    after a timeout would find its own table. Returns the names of the tables created.
    """
    created = []
    for logical_id, table_name in names.items():
        arguments = create_table_arguments(logical_id, table_name)
        existing = _describe(client, table_name)
        if existing is None:
            try:
                client.create_table(**arguments)
                created.append(table_name)
            except ClientError as error:
                if _code(error) != "ResourceInUseException":
                    raise
                log.info("table %s is being created elsewhere; waiting for it", table_name)
        client.get_waiter("table_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
        _check_schema(arguments, _describe(client, table_name) or {})
        ttl = definitions()[logical_id]["Properties"].get("TimeToLiveSpecification")
        if ttl:
            _enable_time_to_live(client, table_name, ttl)
    return created


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _describe(client: DynamoDBClient, table_name: str) -> dict[str, Any] | None:
    try:
        table: dict[str, Any] = dict(client.describe_table(TableName=table_name)["Table"])
    except ClientError as error:
        if _code(error) == "ResourceNotFoundException":
            return None
        raise
    return table


def _keys(schema: list[Any]) -> list[tuple[str, str]]:
    return [(key["AttributeName"], key["KeyType"]) for key in schema]


def _check_schema(wanted: dict[str, Any], table: dict[str, Any]) -> None:
    """Raise :class:`TableSchemaError` unless ``table`` has the wanted keys and indexes."""
    name = wanted["TableName"]
    problems = []
    if _keys(table.get("KeySchema", [])) != _keys(wanted["KeySchema"]):
        problems.append(
            f"keys {_keys(table.get('KeySchema', []))}, expected {_keys(wanted['KeySchema'])}"
        )
    have = {
        index["IndexName"]: _keys(index["KeySchema"])
        for index in table.get("GlobalSecondaryIndexes", [])
    }
    for index in wanted.get("GlobalSecondaryIndexes", []):
        keys = have.get(index["IndexName"])
        if keys is None:
            problems.append(f"no index {index['IndexName']}")
        elif keys != _keys(index["KeySchema"]):
            problems.append(f"index {index['IndexName']} has keys {keys}")
    if problems:
        raise TableSchemaError(
            f"table {name} exists but does not match skill/storage/tables.json: "
            + "; ".join(problems)
        )


def _enable_time_to_live(
    client: DynamoDBClient, table_name: str, ttl: TimeToLiveSpecificationTypeDef
) -> None:
    try:
        client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
    except ClientError as error:
        # Some local servers (dynalite) lack the TTL API. Expiry is a clean-up, not
        # behaviour the skill relies on, so such a table still serves locally.
        if error.response.get("Error", {}).get("Code") != "UnknownOperationException":
            raise
        log.info("this DynamoDB server has no time to live; local items will not expire")
