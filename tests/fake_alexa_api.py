"""Alexa's APIs, served over HTTPS on the loopback address.

The profile and settings APIs, which the skill calls through ask-sdk's service clients
exactly as it would call Alexa; LWA's token endpoint (``/auth/o2/token``, which lives on
another host in reality); and the Proactive Events API, which checks every body against
Amazon's published schemas (schemas/alexa/) and the rules the schema cannot say, as the
real API answers 400. The Reminders API
(``/v1/alerts/reminders``) checks bodies against schemas/alexa/reminder.schema.json, and,
as Amazon does, creates only with a session's API access token and changes or deletes
with that or the skill's LWA token of the reminders scope. The certificate comes from a
test CA that the tests make ``requests`` trust.
"""

from __future__ import annotations

import functools
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from cryptography.hazmat.primitives import serialization
from jsonschema import Draft202012Validator

from tests.pki import ca_certificate, leaf_certificate, new_key, pem

MOBILE = "/v2/accounts/~current/settings/Profile.mobileNumber"
TIME_ZONE = "/settings/System.timeZone"
TOKEN = "/auth/o2/token"
PROACTIVE_LIVE = "/v1/proactiveEvents"
PROACTIVE_DEVELOPMENT = "/v1/proactiveEvents/stages/development"
REMINDERS = "/v1/alerts/reminders"
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
# The in-session token of tests/alexa.py's requests.
SESSION_TOKEN = "test-api-access-token"
CLIENT_ID = "amzn1.application-oa2-client.fake"
CLIENT_SECRET = "fake-secret"
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "alexa"


@dataclass
class AlexaApiState:
    """What the fake answers; tests change it between turns."""

    mobile: dict[str, str] | None = None  # {"countryCode": "+1", "phoneNumber": "..."}
    time_zone: str | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, authorization)
    # LWA: the tokens given (scope by token), each lasting token_lifetime seconds.
    token_lifetime: int = 3600
    tokens: dict[str, str] = field(default_factory=dict)
    token_requests: int = 0
    # Proactive Events: what was accepted (path, body), the users who revoked the
    # permission (403), and statuses to answer next instead of taking the event.
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    failures: list[int] = field(default_factory=list)
    # Reminders: the reminders by alert token, the in-session tokens of customers who
    # granted reminders, and every call as (method, alert token or "", body).
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)
    reminder_grants: set[str] = field(default_factory=lambda: {SESSION_TOKEN})
    reminder_calls: list[tuple[str, str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@functools.cache
def _certificate_files() -> tuple[bytes, bytes, bytes]:
    """A CA and a server certificate for localhost (tests/pki.py), made once per process:
    making their keys took most of a test's CPU. Valid from a day before to a day after."""
    # The machine's clock: the client checks the certificate against it in the handshake.
    now = datetime.now(UTC)
    ca_key, key = new_key(), new_key()
    ca = ca_certificate("Fake Alexa API CA", ca_key, now)
    leaf = leaf_certificate(
        key,
        ca,
        ca_key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=1),
        dns_names=("localhost",),
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem(ca), pem(leaf), private


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """The CA, certificate and key files in ``directory``: (ca, cert, key)."""
    files = tuple(directory / name for name in ("ca.pem", "cert.pem", "key.pem"))
    for file, content in zip(files, _certificate_files(), strict=True):
        file.write_bytes(content)
    ca_file, cert_file, key_file = files
    return ca_file, cert_file, key_file


@functools.cache
def _validator(name: str = "proactive-event") -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def reminder_errors(body: Any) -> list[str]:
    """What the Reminders API would refuse in ``body`` (empty: it takes it)."""
    return [error.message for error in _validator("reminder").iter_errors(body)]


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def event_errors(body: Any) -> list[str]:
    """What the Proactive Events API would refuse in ``body`` (empty: it takes it)."""
    errors = [error.message for error in _validator().iter_errors(body)]
    if errors:
        return errors
    expiry = _moment(body["expiryTime"]) - _moment(body["timestamp"])
    if not timedelta(minutes=5) <= expiry <= timedelta(hours=24):
        errors.append("expiryTime must be 5 minutes to 24 hours after timestamp")
    wanted = set()
    pending: list[Any] = [body["event"]["payload"]]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, str) and value.startswith("localizedattribute:"):
            wanted.add(value.removeprefix("localizedattribute:"))
    for attributes in body.get("localizedAttributes", []):
        missing = wanted - set(attributes)
        if missing:
            errors.append(f"{attributes['locale']} lacks {sorted(missing)}")
    if wanted and not body.get("localizedAttributes"):
        errors.append("localized attributes referenced but none given")
    return errors


def _handler(state: AlexaApiState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            authorization = self.headers.get("Authorization", "")
            with state.lock:
                state.requests.append((self.path, authorization))
                if self.path == TOKEN:
                    self._token(parse_qs(raw.decode()))
                elif self.path in (PROACTIVE_LIVE, PROACTIVE_DEVELOPMENT):
                    self._event(authorization, json.loads(raw or b"null"))
                elif self.path == REMINDERS:
                    self._reminder("POST", "", authorization, json.loads(raw or b"null"))
                else:
                    self._send(404, {"message": "no such API"})

        def _token(self, form: dict[str, list[str]]) -> None:
            state.token_requests += 1
            if form.get("grant_type") != ["client_credentials"]:
                self._send(400, {"error": "unsupported_grant_type"})
            elif form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [
                CLIENT_SECRET
            ]:
                self._send(401, {"error": "invalid_client"})
            else:
                scope = form.get("scope", [""])[0]
                token = f"Atc|fake-{state.token_requests}"
                state.tokens[token] = scope
                self._send(
                    200,
                    {
                        "access_token": token,
                        "expires_in": state.token_lifetime,
                        "scope": scope,
                        "token_type": "bearer",
                    },
                )

        def _event(self, authorization: str, body: Any) -> None:
            token = authorization.removeprefix("Bearer ")
            if state.tokens.get(token) != "alexa::proactive_events":
                self._send(401, {"message": "invalid token"})
                return
            if state.failures:
                self._send(state.failures.pop(0), {"message": "try again"})
                return
            errors = event_errors(body)
            if errors:
                self._send(400, {"message": "; ".join(errors)})
                return
            if body["relevantAudience"]["payload"]["user"] in state.revoked:
                self._send(403, {"message": "the user did not grant permission"})
                return
            state.events.append((self.path, body))
            self._send(202, None)

        def do_PUT(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"null")
            self._one_reminder("PUT", body)

        def do_DELETE(self) -> None:
            self._one_reminder("DELETE", None)

        def _one_reminder(self, method: str, body: Any) -> None:
            authorization = self.headers.get("Authorization", "")
            with state.lock:
                state.requests.append((self.path, authorization))
                prefix = f"{REMINDERS}/"
                if not self.path.startswith(prefix):
                    self._send(404, {"message": "no such API"})
                    return
                self._reminder(method, self.path.removeprefix(prefix), authorization, body)

        def _reminder(self, method: str, alert_token: str, authorization: str, body: Any) -> None:
            token = authorization.removeprefix("Bearer ")
            in_session = token in state.reminder_grants
            # Amazon: create in session only; update and delete with either token.
            if not in_session and (method == "POST" or state.tokens.get(token) != REMINDERS_SCOPE):
                self._send(401, {"code": "UNAUTHORIZED", "message": "invalid token"})
                return
            if state.failures:
                self._send(state.failures.pop(0), {"message": "try again"})
                return
            if method != "DELETE":
                errors = reminder_errors(body)
                if errors:
                    self._send(400, {"code": "INVALID_REQUEST", "message": "; ".join(errors)})
                    return
            if method != "POST" and alert_token not in state.reminders:
                self._send(404, {"code": "NOT_FOUND", "message": "no such reminder"})
                return
            state.reminder_calls.append((method, alert_token, body))
            if method == "DELETE":
                del state.reminders[alert_token]
                self._send(200, None)
                return
            alert_token = alert_token or f"reminder-{len(state.reminder_calls)}"
            state.reminders[alert_token] = body
            self._send(
                201 if method == "POST" else 200,
                {"alertToken": alert_token, "status": "ON", "version": "1", "href": ""},
            )

        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("Authorization", "")))
            body: Any
            if self.path == MOBILE and state.mobile is not None:
                body = state.mobile
            elif self.path.endswith(TIME_ZONE) and state.time_zone is not None:
                body = state.time_zone
            else:
                self._send(403, {"code": "ACCESS_DENIED", "message": "no consent"})
                return
            self._send(200, body)

        def _send(self, status: int, body: Any) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class FakeAlexaApi:
    def __init__(self, directory: Path) -> None:
        self.state = AlexaApiState()
        self.ca_file, cert, key = _certificates(directory)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.endpoint = f"https://localhost:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.005,), daemon=True)

    def __enter__(self) -> FakeAlexaApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def trusted_fake(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    """The fake, running, with requests (inside ask-sdk's client) trusting its test CA:
    nothing else about the skill's calls changes."""
    with FakeAlexaApi(directory) as api:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(api.ca_file))
        yield api
