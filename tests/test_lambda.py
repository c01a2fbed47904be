"""The Lambda entry: lean imports, and the same skill answering a real event."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill.config import Settings
from skill.policy import load_policy
from tests.alexa import EVENTS
from tests.moto_in_process import on_the_embedded_server

# On the embedded server: the Lambda entry runs in its own process.
dynamodb_endpoint = on_the_embedded_server()

# Fresh interpreters: cold starts of the Lambda entry.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
WEB_OR_TEST_ONLY = {"flask", "werkzeug", "moto", "pytest", "playwright", "gunicorn", "cryptography"}


def run(code: str, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return result.stdout


def test_importing_lambda_function_pulls_in_nothing_web_or_test_related() -> None:
    code = (
        "import sys, json, lambda_function\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    load_policy(Settings().remedy_policy)  # its checked copy, as the package carries it
    loaded = set(json.loads(run(code, {"AWS_REGION": "eu-west-1"})))
    assert "ask_sdk_core" in loaded and "boto3" in loaded
    assert loaded & WEB_OR_TEST_ONLY == set()
    # Only a turn that calls Alexa's APIs needs an HTTP client (skill.adapters.alexa_api).
    assert "requests" not in loaded
    # A launch reads no policy; the first complaint reads its checked copy, not YAML.
    assert "yaml" not in loaded


def test_the_texts_entry_loads_no_speech_no_alexa_sdk_and_no_http_client() -> None:
    """It reads a reply and writes a score: nothing of the voice skill comes along."""
    code = (
        "import sys, json, sms_reply_function\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(json.loads(run(code, {"AWS_REGION": "eu-west-1"})))
    assert "boto3" in loaded
    assert loaded & (WEB_OR_TEST_ONLY | {"jinja2", "ask_sdk_core", "requests", "yaml"}) == set()


def _local_env(settings: Settings, **more: str) -> dict[str, str]:
    return {
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": str(settings.dynamodb_endpoint),
        "TABLE_NAME": settings.table_name,
        "LOG_LEVEL": "WARNING",
        **more,
    }


def test_lambda_handler_answers_an_order_status_event(
    settings: Settings, demo_stores: object
) -> None:
    code = (
        "import json, sys, lambda_function\n"
        "event = json.load(open(sys.argv[1]))\n"
        "print(json.dumps(lambda_function.handler(event, None)))"
    ).replace("sys.argv[1]", repr(str(EVENTS / "order_status_linked.json")))
    answer = json.loads(run(code, _local_env(settings)).strip().splitlines()[-1])
    ssml = answer["response"]["outputSpeech"]["ssml"]
    assert "running shoes" in ssml and "is late, sorry" in ssml


def test_every_log_line_of_a_turn_names_it_and_only_the_first_is_a_cold_start(
    settings: Settings, demo_stores: object
) -> None:
    code = (
        "import json, sys\n"
        "sys.stderr = sys.stdout  # where the Lambda's log lines go\n"
        "import lambda_function\n"
        "for name in sys.argv[1:]:\n"
        "    lambda_function.handler(json.load(open(name)), None)\n"
    )
    events = ("launch.json", "order_status_linked.json")
    out = run(code, _local_env(settings, LOG_LEVEL="INFO"), *(str(EVENTS / e) for e in events))
    turns = [json.loads(line) for line in out.splitlines() if '"message": "turn"' in line]
    assert [(turn["request_id"], turn["cold_start"]) for turn in turns] == [
        ("amzn1.echo-api.request.demo-launch", True),
        ("amzn1.echo-api.request.demo-order_status_linked", False),
    ]


# What a launch never runs: imported by the first turn that needs it, or at init when
# SnapStart takes a snapshot (skill.handlers.deferred).
DEFERRED = {
    "skill.handlers.complaints",
    "skill.handlers.complaint_turn",
    "skill.handlers.remedy_offer",
    "skill.handlers.complaint_answers",
    "skill.handlers.commitments",
    "skill.handlers.privacy",
    "skill.handlers.feedback",
    "skill.usecases.complaints",
    "skill.usecases.grants",
    "skill.usecases.privacy",
    "skill.policy",
    "skill.rules.grants",
    "skill.rules.remedies",
    "skill.storage.complaints",
    "skill.storage.grants",
    "skill.storage.promises",
    "skill.storage.feedback",
    "skill.storage.reminders",
    "skill.storage.agents",
    "skill.storage.audit",
    "skill.storage.queue",
    "skill.storage.team",
    "skill.handlers.callbacks",
    "skill.handlers.callback_status",
    "skill.handlers.callback_reach",
    "skill.usecases.callback_booking",
    "skill.usecases.callback_changes",
    "skill.usecases.callback_limits",
    # A launch reads an open callback only when the account's query brought its lock.
    "skill.handlers.callback_views",
    "skill.handlers.callback_wish",
    "skill.usecases.callbacks",
    "skill.storage.callbacks",
    "skill.storage.callback_items",
    "skill.storage.limits",
    "skill.storage.outbox",
    "skill.storage.transaction",
    "skill.rules.callbacks",
    "skill.rules.hours",
    "skill.rules.limits",
    # The reminder offered after a booking, and its answers.
    "skill.handlers.reminders",
    "skill.usecases.callback_reminders",
    "skill.storage.callback_reminders",
    "skill.rules.reminders",
    "skill.adapters.reminders_api",
    # Alexa's voice consent, and news of a settled complaint offered on the speaker.
    "skill.handlers.consent",
    "skill.handlers.notification_offer",
    # Customer satisfaction: a launch asks only when the account's query brought a
    # resolved callback not asked about yet.
    "skill.handlers.satisfaction",
    "skill.usecases.satisfaction",
    "skill.storage.satisfaction",
    "skill.rules.satisfaction",
    # The records of callbacks, complaints and opt-ins: only the orders' are a launch's.
    "skill.records.callbacks",
    "skill.records.complaints",
    "skill.records.optins",
    # Why a human is needed: left by a turn that offers one.
    "skill.records.handovers",
    # An unlinked customer's order check: an order status turn's.
    "skill.usecases.order_checks",
}
LAUNCH_THEN = (
    "import json, sys, lambda_function\n"
    "first = set(sys.modules)\n"
    "for name in sys.argv[1:]:\n"
    "    answer = lambda_function.handler(json.load(open(name)), None)\n"
    "    print(json.dumps({'ssml': answer['response']['outputSpeech']['ssml'],\n"
    "                      'modules': sorted(sys.modules), 'at_init': sorted(first)}))\n"
)


def _run_events(env: dict[str, str], *events: str) -> list[dict[str, Any]]:
    out = run(LAUNCH_THEN, env, *(str(EVENTS / event) for event in events))
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_a_cold_launch_imports_no_complaint_privacy_or_feedback_code(
    settings: Settings, demo_stores: object
) -> None:
    load_policy(Settings().remedy_policy)
    launch, complaint = _run_events(_local_env(settings), "launch.json", "complaint_linked.json")
    assert "Alex" in launch["ssml"]
    assert DEFERRED & set(launch["modules"]) == set()
    # The first complaint brings its code and the policy along, and is answered.
    assert "refund the shipping cost" in complaint["ssml"]
    assert {
        "skill.handlers.complaints",
        "skill.usecases.complaints",
        "skill.policy",
        "skill.rules.remedies",
        "skill.storage.complaints",
    } <= set(complaint["modules"])
    assert "yaml" not in complaint["modules"]


def test_with_snapstart_the_init_loads_every_handler_before_the_snapshot(
    settings: Settings, demo_stores: object
) -> None:
    env = _local_env(settings, AWS_LAMBDA_INITIALIZATION_TYPE="snap-start")
    (launch,) = _run_events(env, "launch.json")
    assert "Alex" in launch["ssml"]
    assert set(launch["at_init"]) >= DEFERRED


def test_lambda_refuses_another_skills_request(settings: Settings, demo_stores: object) -> None:
    code = (
        "import json, lambda_function\n"
        f"event = json.load(open({str(EVENTS / 'launch.json')!r}))\n"
        "try:\n"
        "    lambda_function.handler(event, None)\n"
        "except Exception as error:\n"
        "    print(type(error).__name__)\n"
    )
    env = {
        "AWS_REGION": "us-east-1",
        "DYNAMODB_ENDPOINT": str(settings.dynamodb_endpoint),
        "TABLE_NAME": settings.table_name,
        "SKILL_ID": "amzn1.ask.skill.someone-else",
        "LOG_LEVEL": "WARNING",
    }
    assert run(code, env).strip() == "AskSdkException"


def test_lambda_takes_a_skill_event(settings: Settings, demo_stores: Any) -> None:
    code = (
        "import json, lambda_function\n"
        f"event = json.load(open({str(EVENTS / 'skill_permission_accepted.json')!r}))\n"
        "print(json.dumps(lambda_function.handler(event, None)))"
    )
    answer = json.loads(run(code, _local_env(settings)).strip().splitlines()[-1])
    assert "outputSpeech" not in answer["response"]
    # Beside the demo's own Echo of Alex, the device this event came from.
    [opt_in] = [
        o
        for o in demo_stores.optins.for_customer("c-alex")
        if o.user_id == "amzn1.ask.account.DEMOUSERALEX"
    ]
    assert opt_in.api_endpoint == "https://api.amazonalexa.com"
    assert opt_in.locale == "en-US"
