"""The MCP endpoint's Lambda entry: function URL events in, function URL answers out.

It runs in its own process as Lambda would, against the test's table; the customer's
opaque token is looked up as the voice skill looks it up (the token table, no
USERINFO_URL set)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill.config import Settings
from skill.devtools.demo.data import seed
from skill.storage import Stores
from tests.conftest import MOMENT
from tests.moto_in_process import on_the_embedded_server
from tests.team_inbox import entry_environment

# On the embedded server: the entry runs in its own process.
dynamodb_endpoint = on_the_embedded_server()

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
RESOURCE = "https://abcdefghij.lambda-url.eu-west-1.on.aws/mcp"


def event(body: dict[str, Any] | None, token: str | None, method: str = "POST") -> dict[str, Any]:
    headers = {
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "host": "abcdefghij.lambda-url.eu-west-1.on.aws",
        "mcp-protocol-version": "2025-11-25",
    }
    if token:
        headers["authorization"] = f"Bearer {token}"
    return {
        "version": "2.0",
        "rawPath": "/mcp",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {"http": {"method": method, "path": "/mcp", "sourceIp": "203.0.113.7"}},
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def rpc(method: str, params: dict[str, Any], number: int = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": number, "method": method, "params": params}


def run_handler(events: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    code = (
        "import json, sys, mcp_function\n"
        "events = json.load(sys.stdin)\n"
        "print(json.dumps([mcp_function.handler(e, None) for e in events]))"
    )
    env = entry_environment(settings, topic="")
    env.pop("NOTIFY_TOPIC_ARN")
    env["MCP_RESOURCE_URL"] = RESOURCE
    env["MCP_AUTHORIZATION_SERVER"] = "https://auth.shop.example"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    answers: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return answers


def test_the_entry_answers_mcp_over_function_url_events(settings: Settings, stores: Stores) -> None:
    seed(stores, MOMENT.date())
    initialize = rpc(
        "initialize",
        {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    )
    status = rpc("tools/call", {"name": "get_order_status", "arguments": {"order_number": "1003"}})

    answers = run_handler(
        [
            event(initialize, None),
            event(initialize, "demo-alex"),
            event(status, "demo-alex"),
            event(None, "demo-alex", method="GET"),
        ],
        settings,
    )

    assert [a["statusCode"] for a in answers] == [401, 200, 200, 405]
    assert "resource_metadata=" in answers[0]["headers"]["www-authenticate"]
    assert json.loads(answers[1]["body"])["result"]["serverInfo"]["name"] == "menschmoment"
    result = json.loads(answers[2]["body"])["result"]
    assert result["isError"] is False
    assert result["structuredContent"]["orders"][0]["number"] == "1003"
