"""One table definition: the stores' key names, local creation and serverless.yml agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.config import Settings
from skill.storage import tables
from skill.storage.client import dynamodb_client

ROOT = Path(__file__).resolve().parents[2]


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads serverless.yml, keeping CloudFormation short forms such as !GetAtt as text."""


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: suffix)


def test_key_names_match_the_definition() -> None:
    props = tables.definitions()[tables.MAIN_TABLE]["Properties"]
    assert [k["AttributeName"] for k in props["KeySchema"]] == [tables.PK, tables.SK]
    first, second = props["GlobalSecondaryIndexes"]
    assert first["IndexName"] == tables.GSI1
    assert [k["AttributeName"] for k in first["KeySchema"]] == [tables.GSI1PK, tables.GSI1SK]
    assert second["IndexName"] == tables.GSI2
    assert [k["AttributeName"] for k in second["KeySchema"]] == [tables.GSI2PK, tables.GSI2SK]
    assert props["TimeToLiveSpecification"]["AttributeName"] == tables.TTL_ATTRIBUTE


def test_serverless_includes_the_same_definition() -> None:
    text = (ROOT / "serverless.yml").read_text()
    config: dict[str, Any] = yaml.load(text, Loader=_CloudFormationLoader)  # noqa: S506 (SafeLoader subclass)
    resources = config["resources"]["Resources"]
    for logical_id in tables.definitions():
        assert resources[logical_id] == f"${{file(./skill/storage/tables.json):{logical_id}}}"
    # The generated template itself: tests/deploy/test_template.py.


def test_local_tables_have_the_defined_keys_and_index(dynamodb: Any, settings: Settings) -> None:
    described = dynamodb.describe_table(TableName=settings.table_name)["Table"]
    props = tables.definitions()[tables.MAIN_TABLE]["Properties"]
    assert described["KeySchema"] == props["KeySchema"]
    names = sorted(i["IndexName"] for i in described["GlobalSecondaryIndexes"])
    assert names == [tables.GSI1, tables.GSI2]


# dynalite has neither streams nor the time-to-live API: it accepts the stream
# setting silently and create_tables skips TTL there, so only moto can show them.
@pytest.mark.parametrize("dynamodb_endpoint", ["moto"], indirect=True)
def test_local_tables_have_the_defined_stream_and_ttl(dynamodb: Any, settings: Settings) -> None:
    described = dynamodb.describe_table(TableName=settings.table_name)["Table"]
    assert described["StreamSpecification"]["StreamEnabled"] is True
    ttl = dynamodb.describe_time_to_live(TableName=settings.table_name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == tables.TTL_ATTRIBUTE


def test_client_uses_standard_retries_and_short_timeouts() -> None:
    from skill.storage.client import client_config

    config = client_config(Settings())
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert config.connect_timeout <= 1 and config.read_timeout <= 1


def _stubbed_create(ttl_error: str) -> Any:
    from botocore.stub import Stubber

    client = dynamodb_client(Settings(region="us-east-1"), local=True)
    stubber = Stubber(client)
    stubber.add_response("create_table", {})
    stubber.add_response("describe_table", {"Table": {"TableStatus": "ACTIVE"}})
    stubber.add_client_error("update_time_to_live", service_error_code=ttl_error)
    return client, stubber


def test_create_tables_goes_on_where_the_server_has_no_ttl_api() -> None:
    client, stubber = _stubbed_create("UnknownOperationException")
    with stubber:
        tables.create_tables(client, {tables.MAIN_TABLE: "orders"})
    stubber.assert_no_pending_responses()


def test_create_tables_reports_other_ttl_errors() -> None:
    from botocore.exceptions import ClientError

    client, stubber = _stubbed_create("ValidationException")
    with stubber, pytest.raises(ClientError, match="ValidationException"):
        tables.create_tables(client, {tables.MAIN_TABLE: "orders"})
