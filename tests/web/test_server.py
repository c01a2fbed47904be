"""The product as `make run` starts it: a real server process on loopback."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skill.rules.webhook_signatures import shopify_signature
from tests.alexa import EVENTS, NO_API, SKILL_ID, envelope, intent_request, parse_reply
from tests.conftest import MOMENT
from tests.live_server import free_port, server_process, wait_until_healthy
from tests.rules.test_shopify_payloads import FIXTURES

# Real server processes on loopback.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "output.log"
    # A Monday afternoon, whatever day the tests run on: the team is on duty.
    command = [sys.executable, "-m", "skill", "serve", "--demo", "--port", str(port)]
    command += ["--clock", MOMENT.isoformat()]
    with server_process(command, log) as process:
        wait_until_healthy(port, process, log)
        yield f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_two_demos_started_at_once_both_come_up(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Each demo creates its table on a busy machine; neither may trip over a retry."""
    folder = tmp_path_factory.mktemp("two")
    ports = [free_port(), free_port()]
    demo = [sys.executable, "-m", "skill", "serve", "--demo", "--clock", MOMENT.isoformat()]
    commands = [[*demo, "--port", str(port)] for port in ports]
    logs = [folder / "first.log", folder / "second.log"]
    with (
        server_process(commands[0], logs[0]) as first,
        server_process(commands[1], logs[1]) as second,
    ):
        wait_until_healthy(ports[0], first, logs[0])
        wait_until_healthy(ports[1], second, logs[1])
        for port in ports:
            status, body = post(f"http://127.0.0.1:{port}", (EVENTS / "launch.json").read_bytes())
            assert "Order 1003" in parse_reply(status, body).speech  # type: ignore[arg-type]


def post(base: str, body: bytes) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        base + "/alexa", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(
    ("event", "words"),
    [
        ("launch.json", "Order 1003, your running shoes, is late, sorry"),
        ("order_status_linked.json", "Order 1003, your running shoes, is late, sorry"),
        ("launch_de.json", "Bestellung 1003, die Laufschuhe, ist verspätet"),
        ("order_status_linked_de.json", "Bestellung 1003, die Laufschuhe, ist verspätet"),
    ],
)
def test_demo_server_answers_with_the_delay_first(demo_server: str, event: str, words: str) -> None:
    status, body = post(demo_server, (EVENTS / event).read_bytes())
    speech = parse_reply(status, body).speech  # type: ignore[arg-type]
    assert words in speech
    assert speech.index("1003") < min(
        (speech.index(n) for n in ("1001", "1002", "1004") if n in speech), default=len(speech)
    )


def test_demo_server_books_one_callback_for_a_repeated_request(demo_server: str) -> None:
    event = json.loads((EVENTS / "callback_linked.json").read_text(encoding="utf-8"))
    event["context"]["System"]["apiEndpoint"] = NO_API  # no calls to the internet
    body = json.dumps(event).encode()
    first = parse_reply(*post(demo_server, body)).speech  # type: ignore[arg-type]
    again = parse_reply(*post(demo_server, body)).speech  # type: ignore[arg-type]
    assert first.startswith("Maria, who helped you last time, will call you on the number")
    # The same request id again (Alexa retrying) is the same booking, not a second one.
    assert again == first


def test_demo_server_refuses_garbage_with_400(demo_server: str) -> None:
    status, body = post(demo_server, b"<xml/>")
    assert status == 400
    assert body == {"error": "body is not valid JSON"}


def refused_start(*args: str, env: dict[str, str] | None = None) -> str:
    """``python -m skill serve ARGS`` that must stop at once with exit code 2; its stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "skill", "serve", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=env,
    )
    assert result.returncode == 2
    return result.stderr


def test_demo_refuses_to_listen_beyond_loopback() -> None:
    assert "only listens on loopback" in refused_start("--demo", "--host", "0.0.0.0")


def test_production_serve_requires_a_skill_id() -> None:
    stderr = refused_start(env={"PATH": "/usr/bin:/bin", "AWS_REGION": "eu-west-1"})
    assert "SKILL_ID is required" in stderr


def test_production_serve_requires_a_region_or_endpoint() -> None:
    stderr = refused_start(env={"PATH": "/usr/bin:/bin", "SKILL_ID": "amzn1.ask.skill.test"})
    assert "set AWS_REGION (or DYNAMODB_ENDPOINT)" in stderr


@pytest.fixture(scope="module")
def production_server(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``python -m skill serve`` as a shop would run it: gunicorn, Amazon's trust roots."""
    port = free_port()
    log = tmp_path_factory.mktemp("production") / "output.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "SKILL_ID": SKILL_ID,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": moto_endpoint,
    }
    command = [sys.executable, "-m", "skill", "serve", "--port", str(port), "--workers", "1"]
    with server_process(command, log, env) as process:
        wait_until_healthy(port, process, log)
        yield f"http://127.0.0.1:{port}"


def test_production_server_runs_under_gunicorn(production_server: str) -> None:
    with urllib.request.urlopen(production_server + "/healthz", timeout=5) as answer:
        assert answer.status == 200
        assert json.loads(answer.read()) == {"status": "ok"}
        assert answer.headers["Server"].startswith("gunicorn")


def _forged(kind: str) -> tuple[dict[str, str], bytes]:
    """Forgeries a real server can refuse without downloading Amazon's certificate."""
    event = json.loads((EVENTS / "launch.json").read_text())
    # The server checks the timestamp against the machine's clock, before the signature.
    event["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {
        "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
        "Signature-256": base64.b64encode(b"\x00" * 256).decode(),
    }
    if kind == "unsigned":
        headers = {}
    elif kind == "replayed":
        event["request"]["timestamp"] = "2026-01-01T00:00:00Z"
    elif kind == "other-skill":
        event["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    elif kind == "foreign-certificate":
        headers["SignatureCertChainUrl"] = "https://certs.example/echo.api/cert.pem"
    return headers, json.dumps(event).encode()


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("unsigned", "missing SignatureCertChainUrl header"),
        ("replayed", "request timestamp outside tolerance"),
        ("other-skill", "application id mismatch"),
        ("foreign-certificate", "invalid certificate URL host"),
    ],
)
def test_production_server_refuses_forged_requests(
    production_server: str, kind: str, reason: str
) -> None:
    headers, body = _forged(kind)
    request = urllib.request.Request(
        production_server + "/alexa",
        data=body,
        headers={"Content-Type": "application/json", **headers},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    assert json.loads(refused.value.read()) == {"error": reason}
    refused.value.close()


def test_the_console_asks_for_https_in_production_but_not_in_the_demo(
    production_server: str, demo_server: str
) -> None:
    with urllib.request.urlopen(production_server + "/console/login", timeout=5) as answer:
        assert answer.status == 200
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "Secure" in answer.headers["Set-Cookie"]
    # The demo serves plain HTTP on loopback, where a Secure cookie would never come back.
    with urllib.request.urlopen(demo_server + "/console/login", timeout=5) as answer:
        assert answer.status == 200
        assert "Sign in" in answer.read().decode()
        assert answer.headers["Strict-Transport-Security"] is None
        assert "Secure" not in answer.headers["Set-Cookie"]


def test_the_demo_takes_signed_webhooks_with_the_secret_it_prints(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    port = free_port()
    log = tmp_path_factory.mktemp("hooks") / "output.log"
    command = [sys.executable, "-m", "skill", "serve", "--demo", "--port", str(port)]
    with server_process([*command, "--clock", MOMENT.isoformat()], log) as process:
        wait_until_healthy(port, process, log)
        [line] = [line for line in log.read_text().splitlines() if "/webhooks/shopify" in line]
        secret = line.split("'")[1]
        base = f"http://127.0.0.1:{port}"
        ask = envelope(intent_request("OrderStatusIntent", orderNumber="1002"), token="demo-alex")
        before = parse_reply(*post(base, json.dumps(ask).encode())).speech  # type: ignore[arg-type]
        assert "on its way" in before

        delivered = json.loads((FIXTURES / "fulfillments_update.json").read_text())
        delivered["name"] = "#1002.1"
        body = json.dumps(delivered).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": "fulfillments/update",
            "X-Shopify-Webhook-Id": "demo-1",
            "X-Shopify-Hmac-Sha256": shopify_signature(secret, body),
        }
        request = urllib.request.Request(base + "/webhooks/shopify", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200
        forged = urllib.request.Request(
            base + "/webhooks/shopify", data=body, headers={**headers, "X-Shopify-Hmac-Sha256": "x"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)
        assert refused.value.code == 401
        refused.value.close()

        after = parse_reply(*post(base, json.dumps(ask).encode())).speech  # type: ignore[arg-type]
        assert "delivered" in after
