"""The threat matrix over HTTP: through the Flask app, and through the real gunicorn server.

Every forged or broken request gets its 400 (or 413) and short JSON reason, never
reaches the skill, and leaves no personal data in the logs; a valid one gets 200.
"""

from __future__ import annotations

import http.client
import json
import logging
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.config import Settings
from skill.devtools.demo.data import seed
from skill.logs import JsonFormatter
from skill.storage import Stores
from skill.storage.client import admin_client, dynamodb_client
from skill.storage.tables import MAIN_TABLE, create_tables
from skill.web import create_app, verification
from skill.web.verification import RequestVerifier
from tests.alexa import SKILL_ID
from tests.conftest import MOMENT
from tests.live_server import free_port, server_process, wait_until_healthy
from tests.pki import Pki, make_pki
from tests.web.threats import ACCESS_TOKEN, THREATS, USER_ID, Threat, request

# The threat matrix also runs through a real gunicorn server.
pytestmark = pytest.mark.slow

PERSONAL = (USER_ID, ACCESS_TOKEN, "PRIVATE-USER")


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki(MOMENT)


@dataclass
class FakeFetch:
    chains: dict[str, bytes]

    def __call__(self, url: str) -> bytes:
        try:
            return self.chains[url]
        except KeyError:
            raise OSError("unreachable") from None


@pytest.fixture
def verified_client(pki: Pki, skill: Any) -> FlaskClient:
    verifier = RequestVerifier(
        skill_id=SKILL_ID, trust_roots=[pki.root], fetch=FakeFetch(pki.chains), clock=lambda: MOMENT
    )
    app = create_app(skill, verifier=verifier)
    app.testing = True
    return app.test_client()


def logged(records: list[logging.LogRecord]) -> str:
    """The log lines exactly as production writes them."""
    formatter = JsonFormatter()
    return "\n".join(formatter.format(record) for record in records)


@pytest.mark.parametrize("threat", THREATS, ids=lambda threat: threat.name)
def test_flask_app_answers_each_threat(
    verified_client: FlaskClient,
    pki: Pki,
    threat: Threat,
    round_trips: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers, body = request(threat.name, pki, MOMENT)
    with caplog.at_level(logging.INFO):
        answer = verified_client.post(
            "/alexa", data=body, headers=headers, content_type="application/json"
        )
    assert answer.status_code == threat.status
    if threat.reason is None:
        assert "Welcome" in answer.get_json()["response"]["outputSpeech"]["ssml"]
        assert round_trips  # the skill ran and recorded the visit
    else:
        assert answer.get_json() == {"error": threat.reason}
        assert round_trips == []  # refused before the skill or its table saw anything
        assert threat.reason in logged(caplog.records)
    lines = logged(caplog.records)
    assert not [secret for secret in PERSONAL if secret in lines]


class BuggyClock:
    """A collaborator that fails the way a bug would, quoting request data in its message."""

    def __call__(self) -> datetime:
        raise RuntimeError(f"bug while handling {USER_ID}")


def test_a_bug_inside_the_verifier_is_a_400_not_a_500(
    pki: Pki, skill: Any, caplog: pytest.LogCaptureFixture
) -> None:
    verifier = RequestVerifier(
        skill_id=SKILL_ID, trust_roots=[pki.root], fetch=FakeFetch(pki.chains), clock=BuggyClock()
    )
    app = create_app(skill, verifier=verifier)
    headers, body = request("valid", pki, MOMENT)
    with caplog.at_level(logging.INFO):
        answer = app.test_client().post("/alexa", data=body, headers=headers)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "request verification failed"}
    # The operator learns that and where it broke, but not the exception's message.
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert getattr(errors[0], "error_type", None) == "RuntimeError"
    assert not [secret for secret in PERSONAL if secret in logged(caplog.records)]


def test_a_host_without_trust_roots_refuses_with_400_and_logs_an_error(
    pki: Pki, skill: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(verification, "_default_trust_roots", lambda: [])
    verifier = RequestVerifier(skill_id=SKILL_ID, fetch=FakeFetch(pki.chains), clock=lambda: MOMENT)
    app = create_app(skill, verifier=verifier)
    headers, body = request("valid", pki, MOMENT)
    with caplog.at_level(logging.INFO):
        answer = app.test_client().post("/alexa", data=body, headers=headers)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "request verification failed"}
    assert [
        getattr(r, "error_type", None) for r in caplog.records if r.levelno >= logging.ERROR
    ] == ["RuntimeError"]


# --- the real server ----------------------------------------------------------------------------


@dataclass
class LiveServer:
    base: str
    pki: Pki
    log: Path


@pytest.fixture(scope="module")
def live_server(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``tests/serve_with_test_ca.py``: gunicorn and the production app, trusting a test CA."""
    from tests.pki import write_chains

    # The machine's clock: the production server checks certificates and request
    # timestamps against it (make test-clock runs this module at awkward instants).
    now = datetime.now(UTC)
    pki = make_pki(now)
    chains = tmp_path_factory.mktemp("chains")
    write_chains(pki, chains)
    table = f"live-{uuid.uuid4().hex[:12]}"
    settings = Settings(table_name=table, dynamodb_endpoint=moto_endpoint, region="us-east-1")
    client = dynamodb_client(settings, local=True)
    create_tables(admin_client(settings, local=True), {MAIN_TABLE: table})
    seed(Stores(client, table), now.date())
    port = free_port()
    log = tmp_path_factory.mktemp("live") / "server.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "SKILL_ID": SKILL_ID,
        "TABLE_NAME": table,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": moto_endpoint,
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "tests.serve_with_test_ca", "--chains", str(chains)]
    with server_process([*command, "--port", str(port), "--workers", "1"], log, env) as process:
        wait_until_healthy(port, process, log)
        yield LiveServer(f"http://127.0.0.1:{port}", pki, log)
        client.delete_table(TableName=table)


def post(base: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any], str]:
    sent = urllib.request.Request(
        base + "/alexa",
        data=body,
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(sent, timeout=10) as answer:
            return answer.status, json.loads(answer.read()), answer.headers.get("Server", "")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("Server", "")


# The tests against the live server sign their requests at the machine's time: the
# server checks each request's timestamp against its own clock, which is that one.
@pytest.mark.parametrize("threat", THREATS, ids=lambda threat: threat.name)
def test_real_server_answers_each_threat(live_server: LiveServer, threat: Threat) -> None:
    headers, body = request(threat.name, live_server.pki, datetime.now(UTC))
    status, answer, server = post(live_server.base, headers, body)
    assert server.startswith("gunicorn")
    assert status == threat.status
    if threat.reason is None:
        assert "Welcome" in answer["response"]["outputSpeech"]["ssml"]
    else:
        assert answer == {"error": threat.reason}


def test_real_server_logs_refusals_without_personal_data(live_server: LiveServer) -> None:
    for threat in THREATS:
        post(live_server.base, *request(threat.name, live_server.pki, datetime.now(UTC)))
    lines = live_server.log.read_text()
    assert "certificate chain untrusted" in lines and "application id mismatch" in lines
    assert not [secret for secret in PERSONAL if secret in lines]


def _chunks(body: bytes, size: int = 16384) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize(("threat", "status"), [("valid", 200), ("body-oversized", 413)])
def test_real_server_limits_chunked_bodies_too(
    live_server: LiveServer, threat: str, status: int
) -> None:
    # Without a Content-Length the limit is enforced while reading, not up front.
    headers, body = request(threat, live_server.pki, datetime.now(UTC))
    connection = http.client.HTTPConnection("127.0.0.1", int(live_server.base.rsplit(":", 1)[1]))
    try:
        connection.request(
            "POST",
            "/alexa",
            body=_chunks(body),
            headers={"Content-Type": "application/json", **headers},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        assert answer.status == status
        if status == 413:
            assert json.loads(answer.read()) == {"error": "request body too large"}
    finally:
        connection.close()
