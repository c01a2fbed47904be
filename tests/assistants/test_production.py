"""The MCP endpoint of the production server (gunicorn, settings from the environment):
JWTs checked against an issuer's key set, customers mapped through its user-info
endpoint, both served by a small identity provider on loopback."""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from skill.config import Settings
from skill.devtools.demo.data import seed
from skill.rules.dates import local_today
from skill.storage import Stores
from skill.storage.client import admin_client, dynamodb_client
from skill.storage.tables import MAIN_TABLE, create_tables
from tests.alexa import SKILL_ID
from tests.assistants.client import INITIALIZE, MCP_HEADERS, call, raw_post, text, tools
from tests.live_server import free_port, server_process, wait_until_healthy
from tests.pki import make_pki, write_chains

pytestmark = pytest.mark.slow

ISSUER = "https://auth.shop.example"
AUDIENCE = "menschmoment-mcp"
RESOURCE = "https://shop.example/mcp"
# The issuer's login of Alex; its user-info endpoint answers with our customer id.
ALEX_LOGIN = "login-alex-7"
CUSTOMERS = {ALEX_LOGIN: "c-alex"}


class IdentityProvider:
    """The shop's authorization server as far as a resource server sees it."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.down = False
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})

    def token(self, **claims: Any) -> str:
        # The wall clock on purpose: the SDK's bearer check compares expiry with it.
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, **claims}
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": "k1"})

    def customer(self, **claims: Any) -> str:
        return self.token(sub=ALEX_LOGIN, client_id="alexa-plus", **claims)

    def service(self, **claims: Any) -> str:
        return self.token(sub="alexa-plus", client_id="alexa-plus", **claims)

    def user_of(self, bearer: str) -> str | None:
        try:
            claims = jwt.decode(
                bearer, self.key.public_key(), algorithms=["RS256"], audience=AUDIENCE
            )
        except jwt.PyJWTError:
            return None
        return CUSTOMERS.get(str(claims.get("sub")))


def serve_identity(provider: IdentityProvider) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/jwks.json":
                self._send(200, provider.jwks)
            elif self.path == "/userinfo" and provider.down:
                self._send(503, "{}")
            elif self.path == "/userinfo":
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                user = provider.user_of(bearer)
                if user is None:
                    self._send(401, "{}")
                else:
                    self._send(200, json.dumps({"user_id": user}))
            else:
                self._send(404, "{}")

        def _send(self, status: int, body: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.005,), daemon=True).start()
    return server


@pytest.fixture(scope="module")
def provider() -> IdentityProvider:
    return IdentityProvider()


@pytest.fixture(scope="module")
def server(
    provider: IdentityProvider, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    identity = serve_identity(provider)
    idp = f"http://127.0.0.1:{identity.server_address[1]}"
    settings = Settings(
        table_name=f"mcp-{uuid.uuid4().hex[:12]}",
        dynamodb_endpoint=moto_endpoint,
        region="us-east-1",
    )
    create_tables(admin_client(settings, local=True), {MAIN_TABLE: settings.table_name})
    stores = Stores(dynamodb_client(settings, local=True), settings.table_name)
    # The production server runs on the system clock: the demo's dates follow it.
    seed(stores, local_today(datetime.now(UTC), settings.time_zone_for("en-US")))
    folder = tmp_path_factory.mktemp("mcp-production")
    write_chains(make_pki(datetime.now(UTC)), folder)
    env = {
        "PATH": "/usr/bin:/bin",
        "SKILL_ID": SKILL_ID,
        "TABLE_NAME": settings.table_name,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": moto_endpoint,
        "USERINFO_URL": f"{idp}/userinfo",
        "MCP_RESOURCE_URL": RESOURCE,
        "MCP_AUTHORIZATION_SERVER": ISSUER,
        "MCP_JWKS_URL": f"{idp}/jwks.json",
        "MCP_AUDIENCE": AUDIENCE,
        "LOG_LEVEL": "DEBUG",
    }
    port = free_port()
    command = [sys.executable, "-m", "tests.serve_with_test_ca", "--chains", str(folder)]
    log = folder / "server.log"
    try:
        with server_process([*command, "--port", str(port), "--workers", "1"], log, env) as process:
            wait_until_healthy(port, process, log)
            yield f"http://127.0.0.1:{port}", log
    finally:
        identity.shutdown()
        identity.server_close()


@pytest.fixture(scope="module")
def url(server: tuple[str, Path]) -> str:
    return server[0] + "/mcp"


def test_a_service_token_initializes_and_lists_the_tools(
    url: str, provider: IdentityProvider
) -> None:
    listed = tools(url, provider.service())

    assert "get_order_status" in {tool.name for tool in listed}
    refused = call(url, provider.service(), "list_orders")
    assert refused.is_error and "link" in text(refused)


def test_a_customer_token_is_mapped_to_the_customer(url: str, provider: IdentityProvider) -> None:
    result = call(url, provider.customer(), "list_orders")

    assert not result.is_error, text(result)
    orders = result.structured_content["orders"]  # type: ignore[index]
    assert orders[0]["number"] == "1003" and orders[0]["status"] == "delayed"
    status = call(url, provider.customer(), "get_order_status", order_number="1003")
    assert "running shoes, is late" in text(status)


def test_a_complaint_and_its_remedy(url: str, provider: IdentityProvider) -> None:
    filed = call(url, provider.customer(), "file_complaint", order_number="1001", problem="damaged")
    complaint_id = filed.structured_content["complaint_id"]  # type: ignore[index]

    granted = call(
        url,
        provider.customer(),
        "choose_remedy",
        complaint_id=complaint_id,
        remedy="replacement",
        idempotency_key="first",
    )

    assert not granted.is_error, text(granted)
    assert granted.structured_content["promise"]["remedy"] == "replacement"  # type: ignore[index]


@pytest.mark.parametrize(
    "case",
    ["none", "expired", "wrong audience", "wrong issuer", "other key", "unknown customer", "junk"],
)
def test_tokens_that_do_not_hold_are_401_naming_the_metadata(
    url: str, provider: IdentityProvider, case: str
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # The wall clock, as in token(): the SDK's bearer check compares expiry with it.
    now = int(time.time())
    bearer = {
        "none": None,
        "expired": provider.customer(exp=now - 60, iat=now - 700),
        "wrong audience": provider.customer(aud="another-api"),
        "wrong issuer": provider.customer(iss="https://evil.example"),
        "other key": jwt.encode(
            {"iss": ISSUER, "aud": AUDIENCE, "sub": ALEX_LOGIN, "exp": now + 600},
            other,
            algorithm="RS256",
            headers={"kid": "k1"},
        ),
        "unknown customer": provider.token(sub="login-nobody", client_id="alexa-plus"),
        "junk": "not-a-token",
    }[case]
    headers = dict(MCP_HEADERS)
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"

    status, answer_headers, _ = raw_post(url, INITIALIZE, headers)

    assert status == 401
    challenge = answer_headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert (
        'resource_metadata="https://shop.example/.well-known/oauth-protected-resource/mcp"'
        in challenge
    )


def test_an_identity_source_that_does_not_answer_is_503_not_401(
    url: str, provider: IdentityProvider
) -> None:
    # A token of its own (jti): one issued in the same second by another test would be
    # the same string, and its customer already known to the identity source's cache.
    token = provider.customer(jti=uuid.uuid4().hex)
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
    provider.down = True
    try:
        status, answer_headers, _ = raw_post(url, INITIALIZE, headers)
    finally:
        provider.down = False
    assert status == 503
    assert answer_headers["retry-after"] == "5"
    assert "www-authenticate" not in answer_headers
    status, _, _ = raw_post(url, INITIALIZE, headers)
    assert status == 200


def test_the_protected_resource_metadata_names_the_authorization_server(
    server: tuple[str, Path],
) -> None:
    import urllib.request

    with urllib.request.urlopen(
        server[0] + "/.well-known/oauth-protected-resource/mcp", timeout=5
    ) as answer:
        metadata = json.loads(answer.read())

    assert metadata["resource"] == RESOURCE
    assert metadata["authorization_servers"] == [ISSUER]


def test_the_log_holds_no_tokens_or_personal_data(
    server: tuple[str, Path], url: str, provider: IdentityProvider
) -> None:
    call(url, provider.customer(), "request_callback", reason="call 0170 5550123 please")
    call(url, provider.customer(), "what_do_you_know_about_me")
    logged = server[1].read_text()

    assert "StreamableHTTP session manager started" in logged  # the log was written
    for secret in (ALEX_LOGIN, "c-alex", "0170 5550123", "555 0142", "alex@example.com", "eyJ"):
        assert secret not in logged, secret
