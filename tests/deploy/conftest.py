"""The template osls generates, once per session.

osls packages a copy of the service offline (a stand-in artifact, no AWS credentials:
they are removed from its environment), in about two seconds; once as a new stage is
deployed, once as a stage deployed again against the table it kept.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


# A stage deployed again against the table `osls remove` kept (docs/deploying.md).
KEPT_TABLE = "shop-calls"
KEPT_STREAM = (
    f"arn:aws:dynamodb:eu-central-1:123456789012:table/{KEPT_TABLE}/stream/2026-11-02T09:15:00.000"
)


def render(service: Path, *params: str) -> dict[str, Any]:
    """The template `osls package` writes for a copy of the service, offline."""
    osls = ROOT / "node_modules" / ".bin" / "osls"
    if not osls.exists():
        pytest.fail("osls is not installed: run `make setup` (npm ci) first")
    for name in ("serverless.yml", "skill/storage/tables.json", "deploy/lambda-trust.json"):
        (service / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, service / name)
    (service / "build").mkdir()
    with zipfile.ZipFile(service / "build" / "menschmoment.zip", "w") as archive:
        archive.writestr("lambda_function.py", "")
    with zipfile.ZipFile(service / "build" / "webhooks.zip", "w") as archive:
        archive.writestr("webhooks_function.py", "")
    with zipfile.ZipFile(service / "build" / "mcp.zip", "w") as archive:
        archive.writestr("mcp_function.py", "")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    options = [
        option for param in (f"skillId={SKILL_ID}", *params) for option in ("--param", param)
    ]
    subprocess.run(
        [str(osls), "package", "--stage", "test", "--region", "eu-central-1", *options],
        cwd=service, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(
        (service / ".serverless" / "cloudformation-template-update-stack.json").read_text()
    )
    return data


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return render(tmp_path_factory.mktemp("service"))


@pytest.fixture(scope="session")
def kept_table_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return render(
        tmp_path_factory.mktemp("kept"), f"tableName={KEPT_TABLE}", f"keptTableStream={KEPT_STREAM}"
    )
