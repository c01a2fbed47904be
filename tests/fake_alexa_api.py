"""Alexa's profile and settings APIs, served over HTTPS on the loopback address.

The skill calls them through ask-sdk's service clients exactly as it would call Alexa;
the certificate comes from a test CA that the tests make ``requests`` trust.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from tests.pki import ca_certificate, leaf_certificate, new_key, pem

MOBILE = "/v2/accounts/~current/settings/Profile.mobileNumber"
TIME_ZONE = "/settings/System.timeZone"


@dataclass
class AlexaApiState:
    """What the fake answers; tests change it between turns."""

    mobile: dict[str, str] | None = None  # {"countryCode": "+1", "phoneNumber": "..."}
    time_zone: str | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, authorization)


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for localhost (tests/pki.py); (ca, cert, key) files."""
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
    ca_file, cert_file, key_file = (directory / name for name in ("ca.pem", "cert.pem", "key.pem"))
    ca_file.write_bytes(pem(ca))
    cert_file.write_bytes(pem(leaf))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def _handler(state: AlexaApiState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
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
            data = json.dumps(body).encode()
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
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeAlexaApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(directory: Path) -> Iterator[FakeAlexaApi]:
    with FakeAlexaApi(directory) as api:
        yield api
