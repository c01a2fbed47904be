"""``python -m skill tables create``: the shop's first setup step, run twice."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from skill.config import Settings
from skill.storage.client import dynamodb_client

ROOT = Path(__file__).resolve().parent.parent


def tables_create(environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill", "tables", "create"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_tables_create_makes_the_table_once_and_then_finds_it(moto_endpoint: str) -> None:
    name = f"shop-{uuid.uuid4().hex[:8]}"
    environ = {
        "TABLE_NAME": name,
        "DYNAMODB_ENDPOINT": moto_endpoint,
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    first = tables_create(environ)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"table {name} created ({moto_endpoint})"
    again = tables_create(environ)
    assert again.returncode == 0, again.stderr
    assert (
        again.stdout.strip()
        == f"table {name} already exists with the expected keys ({moto_endpoint})"
    )
    settings = Settings(table_name=name, dynamodb_endpoint=moto_endpoint, region="eu-west-1")
    table = dynamodb_client(settings, local=True).describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"GSI1", "GSI2"}


@pytest.mark.slow
def test_tables_create_needs_a_region_or_endpoint() -> None:
    result = tables_create({})
    assert result.returncode == 2
    assert "set AWS_REGION (or DYNAMODB_ENDPOINT)" in result.stderr
