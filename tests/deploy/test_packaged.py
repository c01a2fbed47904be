"""The deployment package as Lambda runs it: unpacked, beside nothing but the runtime's
own SDK, answering turns from its packaged bytecode, without PyYAML, within its budget.

Built offline from the libraries installed here (this machine's wheels; ``make package``
downloads the Lambda's arm64 ones, the same Python modules).
"""

from __future__ import annotations

import copy
import json
import os
import re
import site
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from deploy.artifact import ARTIFACTS, LAMBDA_PYTHON, build
from deploy.pins import FROM_THE_RUNTIME, MCP_REQUIREMENTS, read_lock
from deploy.vendor import pinned, vendor_installed
from skill.config import Settings
from tests.alexa import NO_API, intent_request, load_event, session_ended_request
from tests.moto_in_process import on_the_embedded_server

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.slow,
    pytest.mark.skipif(sys.version_info[:2] != LAMBDA_PYTHON, reason="Lambda's Python"),
]
# On the embedded server: the package runs in its own process.
dynamodb_endpoint = on_the_embedded_server()

# DESIGN.md, "Budgets": the deployment package holds only what the functions import,
# at most 4 MB zipped.
BUDGET = 4_000_000
# Runs an entry as Lambda does, then tells what it answered and which modules it loaded.
PROBE = """
import importlib, json, sys
entry = importlib.import_module(sys.argv[1])
answers, attributes = [], {}
for event in json.load(open(sys.argv[2])):
    if event.pop("continue", False):
        event["session"].update(attributes=attributes, new=False)
    answer = entry.handler(event, None)
    attributes = answer.get("sessionAttributes") or {}
    answers.append(answer)
print(json.dumps({"answers": answers, "modules": sorted(sys.modules)}))
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package of the pinned libraries, and PyYAML as if pip had put it there too."""
    folder = tmp_path_factory.mktemp("package")
    vendor = vendor_installed([*pinned(), "pyyaml"], folder / "vendor")
    build(vendor, folder / "menschmoment.zip")
    return folder / "menschmoment.zip"


@pytest.fixture(scope="module")
def task(package: Path) -> Path:
    """The package unpacked as in /var/task, and the runtime's SDK (boto3, botocore and
    their own dependencies) in a folder of its own, as in /var/runtime."""
    return unpacked(package)


@pytest.fixture(scope="module")
def webhooks_task(package: Path) -> Path:
    """The webhooks function's own package, built from the same libraries, unpacked."""
    folder = package.parent / "webhooks"
    folder.mkdir()
    build(package.parent / "vendor", folder / "webhooks.zip", entries=ARTIFACTS["webhooks.zip"])
    return unpacked(folder / "webhooks.zip")


def unpacked(package: Path) -> Path:
    task = package.parent / "task"
    zipfile.ZipFile(package).extractall(task)
    runtime = package.parent / "runtime"
    runtime.mkdir()
    packages = Path(site.getsitepackages()[0])
    for name in ("boto3", "botocore", "s3transfer", "jmespath"):
        (runtime / name).symlink_to(packages / name)
    return task


def run_packaged(
    task: Path, entry: str, events: list[dict[str, Any]], env: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """Run ``entry`` from the unpacked package: what it answered and loaded, and the
    modules of the package compiled from source (those without packaged bytecode)."""
    events_file = task.parent / f"events-{entry}.json"
    events_file.write_text(json.dumps(events))
    result = subprocess.run(
        # -S: no site-packages, only the package and the runtime's SDK; -v: each module
        # says whether its code came from bytecode or was compiled from the source.
        [sys.executable, "-S", "-v", "-c", PROBE, entry, str(events_file)],
        cwd=task,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": f"{task}:{task.parent / 'runtime'}",
            "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's code directory is read-only
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    source = re.compile(rf"code object from {re.escape(str(task))}/(\S+\.py)$")
    compiled = [m[1] for line in result.stderr.splitlines() if (m := source.search(line))]
    outcome: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome, compiled


def test_the_package_fits_its_budget_and_leaves_out_what_no_function_loads(
    package: Path,
) -> None:
    assert package.stat().st_size <= BUDGET, f"{package.stat().st_size / 1e6:.2f} MB"
    names = zipfile.ZipFile(package).namelist()
    tops = {name.split("/")[0].lower() for name in names}
    assert not {"yaml", "_yaml"} & tops
    assert not [top for top in tops if top.startswith("pyyaml")]
    assert not [top for top in tops if top.split("-")[0] in FROM_THE_RUNTIME]
    assert not [name for name in names if name.startswith("charset_normalizer/") and ".so" in name]
    assert "charset_normalizer/md.py" in names  # requests imports its pure-Python modules
    # ask_sdk_model as bytecode alone (deploy.artifact.SOURCELESS).
    assert "ask_sdk_model/request_envelope.pyc" in names
    assert not [
        name for name in names if name.startswith("ask_sdk_model/") and name.endswith(".py")
    ]
    assert not [name for name in names if "/presentation/apl/" in name]


def _with_resolution(event: dict[str, Any], slot: str, value_id: str) -> dict[str, Any]:
    """The event with a custom slot's value resolved, as Alexa sends it."""
    resolved = copy.deepcopy(event)
    resolved["request"]["intent"]["slots"][slot]["resolutions"] = {
        "resolutionsPerAuthority": [
            {
                "authority": "amzn1.er-authority.echo-sdk.demo.ProblemType",
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": value_id, "id": value_id}}],
            }
        ]
    }
    return resolved


def _envelope_like(launch: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Another request from the same device and session as ``launch``."""
    event = copy.deepcopy(launch)
    event["request"] = request
    event["session"]["new"] = False
    return event


def test_the_unpacked_package_answers_from_its_bytecode_without_yaml(
    task: Path, settings: Settings, demo_stores: object
) -> None:
    launch = load_event("launch_screen_device")  # a screen: AudioPlayer, Viewport(s)...
    launch["context"]["System"]["apiEndpoint"] = NO_API
    complaint = _with_resolution(
        _envelope_like(launch, load_event("complaint_linked")["request"]), "problemType", "late"
    )
    remedy = _envelope_like(launch, intent_request("RemedyChoiceIntent", remedy="shipping_refund"))
    exception = _envelope_like(launch, session_ended_request())
    exception["request"].update(
        type="System.ExceptionEncountered",
        error={"type": "INVALID_RESPONSE", "message": "a test"},
        cause={"requestId": "amzn1.echo-api.request.demo-launch-screen"},
    )
    events = [
        launch,
        _envelope_like(launch, intent_request("OrderStatusIntent")),
        complaint,
        {**remedy, "continue": True},
        _envelope_like(launch, intent_request("CallbackIntent")),
        _envelope_like(launch, session_ended_request()),
        exception,
    ]
    outcome, compiled = run_packaged(task, "lambda_function", events, _lambda_env(settings))

    speech = [
        answer["response"].get("outputSpeech", {}).get("ssml", "") for answer in outcome["answers"]
    ]
    assert "Alex" in speech[0]
    assert "1003" in speech[1]
    assert "refund the shipping cost" in speech[2]
    assert "Done" in speech[3]
    assert "will call you" in speech[4]
    assert compiled == []
    assert not [name for name in outcome["modules"] if name.split(".")[0] in {"yaml", "_yaml"}]
    assert "skill.policy" in outcome["modules"]  # the complaint loaded the checked copy


@pytest.mark.parametrize("entry", ["notifier_function", "overdue_function", "sms_reply_function"])
def test_the_other_entries_start_from_the_package_bytecode(task: Path, entry: str) -> None:
    env = {
        "AWS_REGION": "eu-west-1",
        "TABLE_NAME": "menschmoment-test",
        "NOTIFY_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:team",
    }
    outcome, compiled = run_packaged(task, entry, [], env)
    assert compiled == []
    assert entry in outcome["modules"]


def test_an_edited_policy_without_its_checked_copy_names_the_cause(
    task: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "remedies.yaml"
    policy.write_text((task / "policy" / "remedies.yaml").read_text() + "# edited\n")
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import sys, pathlib, skill.policy as p\n"
         "p.load_policy(pathlib.Path(sys.argv[1]))", str(policy)],
        cwd=task,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(task)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "PolicyError: remedies.yaml: its checked copy" in result.stderr
    assert "PyYAML" in result.stderr


def _lambda_env(settings: Settings) -> dict[str, str]:
    return {
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": str(settings.dynamodb_endpoint),
        "TABLE_NAME": settings.table_name,
        "SKILL_ID": "amzn1.ask.skill.00000000-0000-0000-0000-menschmoment",
        "LOG_LEVEL": "WARNING",
    }


def test_the_webhooks_start_from_their_own_package_which_holds_only_their_code(
    webhooks_task: Path, package: Path
) -> None:
    # No secret configured: the route answers 404 before it reads anything.
    event = {"rawPath": "/webhooks/shopify", "requestContext": {"http": {"method": "POST"}},
             "headers": {}, "body": "e30=", "isBase64Encoded": True}  # fmt: skip
    env = {"AWS_REGION": "eu-west-1", "TABLE_NAME": "menschmoment-test"}
    outcome, compiled = run_packaged(webhooks_task, "webhooks_function", [event], env)
    assert [answer["statusCode"] for answer in outcome["answers"]] == [404]
    assert compiled == [], " ".join(compiled)
    assert not {"jinja2", "ask_sdk_core", "flask"} & {m.split(".")[0] for m in outcome["modules"]}
    # Neither zip carries the other's code.
    skills = set(zipfile.ZipFile(package).namelist())
    assert "webhooks_function.py" not in skills and "skill/usecases/webhooks.py" not in skills
    assert not (webhooks_task / "lambda_function.py").exists()
    assert not (webhooks_task / "skill" / "handlers").exists()


# The MCP function's own package: the SDK, pydantic's compiled core and cryptography
# make it larger than the skill's, so it has a budget of its own.
MCP_BUDGET = 16_000_000


@pytest.fixture(scope="module")
def mcp_package(package: Path) -> Path:
    folder = package.parent / "mcp"
    folder.mkdir()
    vendor = vendor_installed(sorted(read_lock(MCP_REQUIREMENTS)), folder / "vendor")
    build(vendor, folder / "mcp.zip", entries=ARTIFACTS["mcp.zip"])
    return folder / "mcp.zip"


def test_the_mcp_function_starts_from_its_own_package_within_its_budget(
    mcp_package: Path, package: Path
) -> None:
    assert mcp_package.stat().st_size <= MCP_BUDGET, f"{mcp_package.stat().st_size / 1e6:.2f} MB"
    names = set(zipfile.ZipFile(mcp_package).namelist())
    assert "mcp/server/mcpserver/server.py" in names and "skill/assistants/server.py" in names
    assert not [name for name in names if name.startswith(("flask/", "skill/web/"))]
    # The skill's zip carries none of it.
    skills = {name.split("/")[0] for name in zipfile.ZipFile(package).namelist()}
    assert not {"mcp", "pydantic", "starlette", "mcp_function.py"} & skills
    task = unpacked(mcp_package)
    events = [
        {"rawPath": "/mcp", "requestContext": {"http": {"method": "POST"}},
         "headers": {"content-type": "application/json"}, "body": "{}",
         "isBase64Encoded": False},
        {"rawPath": "/.well-known/oauth-protected-resource/mcp",
         "requestContext": {"http": {"method": "GET"}}, "headers": {}},
    ]  # fmt: skip
    env = {
        "AWS_REGION": "eu-west-1",
        "TABLE_NAME": "menschmoment-test",
        "MCP_RESOURCE_URL": "https://abcdefghij.lambda-url.eu-west-1.on.aws/mcp",
        "MCP_AUTHORIZATION_SERVER": "https://auth.shop.example",
    }
    outcome, _ = run_packaged(task, "mcp_function", events, env)
    answers = outcome["answers"]
    assert [answer["statusCode"] for answer in answers] == [401, 200]
    assert "resource_metadata=" in answers[0]["headers"]["www-authenticate"]
    assert json.loads(answers[1]["body"])["authorization_servers"] == ["https://auth.shop.example"]
    assert not {"flask", "ask_sdk_core", "werkzeug"} & {m.split(".")[0] for m in outcome["modules"]}
