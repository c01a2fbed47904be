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


def create_tables(client: DynamoDBClient, names: dict[str, str]) -> None:
    """Create each table in ``names`` (logical id -> table name) and wait until active."""
    for logical_id, table_name in names.items():
        client.create_table(**create_table_arguments(logical_id, table_name))
        client.get_waiter("table_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
        )
        ttl = definitions()[logical_id]["Properties"].get("TimeToLiveSpecification")
        if ttl:
            _enable_time_to_live(client, table_name, ttl)


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
