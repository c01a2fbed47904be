"""The session our DynamoDB clients come from: botocore's data, without its walk of it."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError

from skill.storage.session import SERVICES, storage_session

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"


def fresh_session() -> boto3.session.Session:
    # storage_session() is one per process; each test here needs its own.
    return storage_session.__wrapped__()


def listed_folders(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    listed: list[Path] = []
    listdir = os.listdir

    def counting(path: Any = ".") -> list[str]:
        listed.append(Path(path))
        return listdir(path)

    monkeypatch.setattr(os, "listdir", counting)
    return listed


def test_a_client_has_botocores_own_dynamodb_model_and_endpoint() -> None:
    client = fresh_session().client("dynamodb", region_name="eu-central-1")
    model = botocore.session.get_session().get_service_model("dynamodb")

    assert client.meta.service_model.operation_names == model.operation_names
    assert client.meta.service_model.api_version == model.api_version
    assert client.meta.endpoint_url == "https://dynamodb.eu-central-1.amazonaws.com"


def test_making_a_client_looks_only_into_the_folders_of_its_services(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed = listed_folders(monkeypatch)
    fresh_session().client("dynamodb", region_name="us-east-1")
    ours = listed.copy()
    listed.clear()
    boto3.session.Session().client("dynamodb", region_name="us-east-1")

    assert ours, "the versions of the service are still looked up"
    assert {folder.name for folder in ours} <= set(SERVICES)
    # botocore's default loader walks all of its data, twice: every service's folder.
    assert len(listed) > 400


def test_the_session_lists_its_services_and_refuses_others() -> None:
    session = fresh_session()

    assert session.get_available_services() == sorted(SERVICES)
    with pytest.raises(UnknownServiceError):
        session.client("sns", region_name="us-east-1")


def test_a_model_on_aws_data_path_comes_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # AWS_DATA_PATH is searched before botocore's own data, as with the default session.
    version = botocore.session.get_session().get_service_model("dynamodb").api_version
    source = BOTOCORE_DATA / "dynamodb" / version / "service-2.json.gz"
    model = json.loads(gzip.decompress(source.read_bytes()))
    model["metadata"]["serviceFullName"] = "DynamoDB from the data path"
    folder = tmp_path / "dynamodb" / version
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))

    client = fresh_session().client("dynamodb", region_name="us-east-1")

    assert client.meta.service_model.metadata["serviceFullName"] == "DynamoDB from the data path"
