"""One table definition: the stores' key names, local creation and serverless.yml agree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.config import Settings
from skill.storage import tables
from skill.storage.client import admin_client, dynamodb_client

ROOT = Path(__file__).resolve().parents[2]


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads serverless.yml, keeping CloudFormation short forms such as !GetAtt as text."""


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: suffix)


@pytest.fixture
def dynamodb(settings: Settings) -> Iterator[Any]:
    """The table as ``create_tables`` makes it (elsewhere the tests make theirs leaner)."""
    client = dynamodb_client(settings, local=True)
    tables.create_tables(
        admin_client(settings, local=True), {tables.MAIN_TABLE: settings.table_name}
    )
    yield client
    client.delete_table(TableName=settings.table_name)


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

    client = admin_client(Settings(region="us-east-1"), local=True)
    stubber = Stubber(client)
    stubber.add_client_error("describe_table", service_error_code="ResourceNotFoundException")
    stubber.add_response("create_table", {})
    active = {"Table": {"TableStatus": "ACTIVE", **_wanted_keys()}}
    stubber.add_response("describe_table", active)
    stubber.add_response("describe_table", active)
    stubber.add_client_error("update_time_to_live", service_error_code=ttl_error)
    return client, stubber


def _wanted_keys() -> dict[str, Any]:
    args = tables.create_table_arguments(tables.MAIN_TABLE, "orders")
    return {
        "KeySchema": args["KeySchema"],
        "GlobalSecondaryIndexes": [
            {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"]}
            for index in args["GlobalSecondaryIndexes"]
        ],
    }


def test_create_tables_goes_on_where_the_server_has_no_ttl_api() -> None:
    client, stubber = _stubbed_create("UnknownOperationException")
    with stubber:
        assert tables.create_tables(client, {tables.MAIN_TABLE: "orders"}) == ["orders"]
    stubber.assert_no_pending_responses()


def test_create_tables_reports_other_ttl_errors() -> None:
    from botocore.exceptions import ClientError

    client, stubber = _stubbed_create("ValidationException")
    with stubber, pytest.raises(ClientError, match="ValidationException"):
        tables.create_tables(client, {tables.MAIN_TABLE: "orders"})


def test_creating_an_existing_table_again_changes_nothing(
    dynamodb: Any, settings: Settings
) -> None:
    client = admin_client(settings, local=True)
    before = dynamodb.describe_table(TableName=settings.table_name)["Table"]
    assert tables.create_tables(client, {tables.MAIN_TABLE: settings.table_name}) == []
    after = dynamodb.describe_table(TableName=settings.table_name)["Table"]
    assert after["CreationDateTime"] == before["CreationDateTime"]
    assert after["TableStatus"] == "ACTIVE"


def test_a_table_with_other_keys_is_a_clear_error(dynamodb: Any, settings: Settings) -> None:
    name = settings.table_name + "-other"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        with pytest.raises(tables.TableSchemaError, match=f"table {name} exists but"):
            tables.create_tables(admin_client(settings, local=True), {tables.MAIN_TABLE: name})
    finally:
        dynamodb.delete_table(TableName=name)


def test_a_table_being_created_elsewhere_is_waited_for() -> None:
    """Two first starts at once: the loser's CreateTable finds the winner's table."""
    from botocore.stub import Stubber

    client = admin_client(Settings(region="us-east-1"), local=True)
    stubber = Stubber(client)
    stubber.add_client_error("describe_table", service_error_code="ResourceNotFoundException")
    stubber.add_client_error("create_table", service_error_code="ResourceInUseException")
    active = {"Table": {"TableStatus": "ACTIVE", **_wanted_keys()}}
    stubber.add_response("describe_table", active)
    stubber.add_response("describe_table", active)
    stubber.add_response("update_time_to_live", {})
    with stubber:
        assert tables.create_tables(client, {tables.MAIN_TABLE: "orders"}) == []
    stubber.assert_no_pending_responses()


def test_the_setup_client_has_generous_timeouts() -> None:
    config = admin_client(Settings(region="us-east-1"), local=True).meta.config
    assert config.read_timeout >= 30 and config.connect_timeout >= 5
