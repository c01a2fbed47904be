"""The template osls generates, once per session.

osls packages a copy of the service offline (a stand-in artifact, no AWS credentials:
they are removed from its environment), in about two seconds.
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


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    osls = ROOT / "node_modules" / ".bin" / "osls"
    if not osls.exists():
        pytest.fail("osls is not installed: run `make setup` (npm ci) first")
    service = tmp_path_factory.mktemp("service")
    for name in ("serverless.yml", "skill/storage/tables.json", "deploy/lambda-trust.json"):
        (service / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, service / name)
    (service / "build").mkdir()
    with zipfile.ZipFile(service / "build" / "menschmoment.zip", "w") as archive:
        archive.writestr("lambda_function.py", "")
    with zipfile.ZipFile(service / "build" / "webhooks.zip", "w") as archive:
        archive.writestr("webhooks_function.py", "")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    subprocess.run(
        [str(osls), "package", "--stage", "test", "--region", "eu-central-1",
         "--param", f"skillId={SKILL_ID}"],
        cwd=service, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(
        (service / ".serverless" / "cloudformation-template-update-stack.json").read_text()
    )
    return data
