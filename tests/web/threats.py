"""The threat matrix of issue 7: each forged or broken request, and the answer it must get.

``request(name, pki, now)`` builds the headers and body for one threat, signed with the
test PKI (``tests.pki``) at ``now``; ``THREATS`` lists every threat with the HTTP status
and JSON reason ``POST /alexa`` must answer. The same matrix runs through the Flask app
and through the real gunicorn server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skill.web import MAX_BODY_BYTES
from tests import pki as test_pki
from tests.alexa import SKILL_ID, envelope, launch_request
from tests.pki import Pki, encode, iso

# Past the 150-second window by a margin, so that a slow real server still sees the
# request outside it; the exact boundary is tested in test_verification.py.
OUTSIDE_WINDOW = timedelta(seconds=180)

# Personal data in every request of the matrix; none of it may reach a log line.
USER_ID = "amzn1.ask.account.PRIVATE-USER-4711"
ACCESS_TOKEN = "private-access-token-4711"


@dataclass(frozen=True)
class Threat:
    name: str
    status: int
    reason: str | None


THREATS = [
    Threat("valid", 200, None),
    Threat("missing-cert-url-header", 400, "missing SignatureCertChainUrl header"),
    Threat("missing-signature-header", 400, "missing Signature-256 header"),
    Threat("url-http", 400, "invalid certificate URL scheme"),
    Threat("url-other-host", 400, "invalid certificate URL host"),
    Threat("url-dot-dot", 400, "invalid certificate URL path"),
    Threat("url-upper-case-path", 400, "invalid certificate URL path"),
    Threat("url-port-8443", 400, "invalid certificate URL port"),
    Threat("url-user-info", 400, "invalid certificate URL user info"),
    Threat("cert-expired", 400, "certificate expired"),
    Threat("cert-not-yet-valid", 400, "certificate not yet valid"),
    Threat("cert-wrong-san", 400, "certificate subject mismatch"),
    Threat("cert-untrusted-root", 400, "certificate chain untrusted"),
    Threat("cert-malformed", 400, "certificate chain malformed"),
    Threat("cert-url-unreachable", 400, "certificate chain unavailable"),
    Threat("signature-by-another-key", 400, "invalid signature"),
    Threat("signature-not-base64", 400, "invalid signature encoding"),
    Threat("body-changed-after-signing", 400, "invalid signature"),
    Threat("timestamp-too-old", 400, "request timestamp outside tolerance"),
    Threat("timestamp-in-the-future", 400, "request timestamp outside tolerance"),
    Threat("wrong-skill-id", 400, "application id mismatch"),
    Threat("body-not-json", 400, "body is not valid JSON"),
    Threat("body-not-an-envelope", 400, "not an Alexa request envelope"),
    Threat("body-oversized", 413, "request body too large"),
]

_URLS = {
    "url-http": "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "url-other-host": "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
    "url-dot-dot": "https://s3.amazonaws.com/echo.api/../echo-api-cert.pem",
    "url-upper-case-path": "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
    "url-port-8443": "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
    "url-user-info": "https://alexa@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "cert-expired": test_pki.EXPIRED_URL,
    "cert-not-yet-valid": test_pki.NOT_YET_VALID_URL,
    "cert-wrong-san": test_pki.WRONG_SAN_URL,
    "cert-untrusted-root": test_pki.UNTRUSTED_URL,
    "cert-malformed": test_pki.GARBAGE_URL,
    "cert-url-unreachable": test_pki.UNREACHABLE_URL,
}


def launch(now: datetime, *, application_id: str = SKILL_ID) -> dict[str, Any]:
    request = launch_request()
    request["timestamp"] = iso(now)
    return envelope(request, token=ACCESS_TOKEN, user_id=USER_ID, application_id=application_id)


def request(name: str, pki: Pki, now: datetime) -> tuple[dict[str, str], bytes]:
    """Headers and body of the threat ``name``, as an attacker (or a bug) would send them."""
    body = encode(launch(now))
    match name:
        case "timestamp-too-old":
            body = encode(launch(now - OUTSIDE_WINDOW))
        case "timestamp-in-the-future":
            body = encode(launch(now + OUTSIDE_WINDOW))
        case "wrong-skill-id":
            body = encode(launch(now, application_id="amzn1.ask.skill.someone-else"))
        case "body-not-json":
            body = b"<speak>" + USER_ID.encode() + b"</speak>"
        case "body-not-an-envelope":
            # Signed and for this skill, but not a request the skill could answer.
            system = {"application": {"applicationId": SKILL_ID}, "user": {"userId": USER_ID}}
            body = encode(
                {
                    "version": "1.0",
                    "request": {"timestamp": iso(now)},
                    "context": {"System": system},
                }
            )
        case "body-oversized":
            body = body[:-1] + b" " * MAX_BODY_BYTES + b"}"
    headers = pki.headers(body, url=_URLS.get(name, test_pki.VALID_URL))
    match name:
        case "missing-cert-url-header":
            del headers["SignatureCertChainUrl"]
        case "missing-signature-header":
            del headers["Signature-256"]
        case "signature-by-another-key":
            headers = pki.headers(body, key=pki.attacker_key)
        case "signature-not-base64":
            headers["Signature-256"] = "not base64!"
        case "body-changed-after-signing":
            body = body.replace(b"LaunchRequest", b"SessionEndedRequest")
    return headers, body
