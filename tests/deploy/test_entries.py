"""The Lambda entries: init does the work, imports stay lean, and everything
they import is inside the artifact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.artifact import ENTRIES, OURS, files
from deploy.imports import imported

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
WEB_OR_TEST_ONLY = {"flask", "werkzeug", "moto", "pytest", "gunicorn", "cryptography", "tests"}


def loaded_by(entry: str) -> set[str]:
    """Module names loaded by importing ``entry`` as Lambda's init would."""
    code = f"import sys, json, {entry}\nprint(json.dumps(sorted(sys.modules)))"
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": "eu-west-1",
        "TABLE_NAME": "menschmoment-test",
        "NOTIFY_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:team",
        "MCP_RESOURCE_URL": "https://abcdefghij.lambda-url.eu-west-1.on.aws/mcp",
        "MCP_AUTHORIZATION_SERVER": "https://auth.shop.example",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    names: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return set(names)


@pytest.mark.parametrize("entry", [name.removesuffix(".py") for name in ENTRIES])
def test_an_entry_loads_nothing_web_or_test_related_and_only_what_ships(
    entry: str, tmp_path: Path
) -> None:
    modules = loaded_by(entry)
    # The MCP function checks its bearer tokens' signatures with cryptography.
    needed = {"cryptography"} if entry == "mcp_function" else set()
    assert {name.split(".")[0] for name in modules} & (WEB_OR_TEST_ONLY - needed) == set()
    shipped = {name for name, _ in files(vendor=tmp_path)}
    # What the package compiles: read from the source, it must see every import.
    compiled = imported(
        {name: path.read_bytes() for name, path in files(vendor=tmp_path)}, ENTRIES, OURS
    )
    ours = sorted(name for name in modules if name == "skill" or name.startswith("skill."))
    assert ours
    for module in ours:
        path = module.replace(".", "/")
        assert f"{path}.py" in shipped or f"{path}/__init__.py" in shipped, module
        assert f"{path}.py" in compiled or f"{path}/__init__.py" in compiled, module


def test_the_notifier_entry_builds_sms_only_with_an_origination() -> None:
    code = "import notifier_function as n\nprint(type(n.publisher._sms).__name__)"
    base = {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": "eu-west-1",
        "NOTIFY_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:team",
        "MCP_RESOURCE_URL": "https://abcdefghij.lambda-url.eu-west-1.on.aws/mcp",
        "MCP_AUTHORIZATION_SERVER": "https://auth.shop.example",
    }
    with_sms = {**base, "SMS_ORIGINATION": "arn:aws:sms-voice:eu-west-1:1:pool/p"}
    answers = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for env in (base, with_sms)
    ]
    assert answers == ["NoneType", "SmsPublisher"]


@pytest.mark.parametrize("entry", ["notifier_function", "overdue_function"])
def test_without_the_team_topic_the_entry_fails_at_init(entry: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"import {entry}"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "AWS_REGION": "eu-west-1"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "NOTIFY_TOPIC_ARN" in result.stderr
