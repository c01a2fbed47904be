"""Verification of Alexa requests sent to a self-hosted skill endpoint.

Implements the checks Amazon requires for HTTPS endpoints: certificate URL,
certificate chain (trusted, valid now, SAN ``echo-api.amazon.com``),
RSA-SHA256 signature over the raw body, timestamp tolerance and, in addition,
the skill's application id. The certificate chain itself is downloaded, checked and
kept by :mod:`skill.web.certificates`.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import posixpath
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from skill.web.certificates import CertificateChains, VerificationError, fetch_certificate_chain
from skill.web.certificates import default_trust_roots as _default_trust_roots

# The most Alexa allows for a skill event's delivery.
SKILL_EVENT_TOLERANCE = timedelta(hours=1)

__all__ = [
    "RequestVerifier",
    "VerificationError",
    "fetch_certificate_chain",
]

logger = logging.getLogger(__name__)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"


def _default_clock() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    # Naive datetimes are taken to be UTC, which is what Alexa and cryptography use.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == lowered:
                value = candidate
                break
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _canonical_cert_url(url: str) -> str:
    """Check the certificate URL the way Amazon specifies; return the URL to fetch.

    The returned URL is rebuilt from the checked parts, so what is downloaded (and
    cached) is exactly what was checked.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise VerificationError("invalid certificate URL") from None
    if parts.scheme.lower() != "https":
        raise VerificationError("invalid certificate URL scheme")
    if "@" in parts.netloc:
        raise VerificationError("invalid certificate URL user info")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise VerificationError("invalid certificate URL host")
    if port is not None and port != 443:
        raise VerificationError("invalid certificate URL port")
    # normpath resolves ".." lexically, like the server does; the prefix check is
    # deliberately case-sensitive, as Amazon requires.
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError("invalid certificate URL path")
    return f"https://{CERT_URL_HOST}{path}"


def _parse_timestamp(envelope: Mapping[str, Any]) -> datetime:
    request = envelope.get("request")
    raw = request.get("timestamp") if isinstance(request, dict) else None
    if raw is None:
        raise VerificationError("missing request timestamp")
    if not isinstance(raw, str):
        raise VerificationError("invalid request timestamp")
    try:
        return _as_utc(datetime.fromisoformat(raw))
    except ValueError:
        raise VerificationError("invalid request timestamp") from None


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _application_id(envelope: Mapping[str, Any]) -> str | None:
    for path in (("context", "System", "application"), ("session", "application")):
        value = _dig(envelope, *path, "applicationId")
        if isinstance(value, str) and value:
            return value
    return None


def _check_signature(key: rsa.RSAPublicKey, signature: bytes, body: bytes) -> None:
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise VerificationError("invalid signature") from None


class RequestVerifier:
    """Verifies Alexa request signatures, certificates, timestamps and skill id."""

    def __init__(
        self,
        *,
        skill_id: str | None,
        trust_roots: Sequence[x509.Certificate] | None = None,
        fetch: Callable[[str], bytes] | None = None,
        clock: Callable[[], datetime] | None = None,
        tolerance: timedelta = timedelta(seconds=150),
        cache_size: int = 32,
        failure_ttl: timedelta = timedelta(minutes=5),
        downloads_per_minute: int = 10,
    ) -> None:
        if cache_size < 0:
            raise ValueError("cache_size must not be negative")
        if trust_roots is not None and not trust_roots:
            raise ValueError("trust_roots must not be empty")
        self._skill_id = skill_id
        self._clock = clock if clock is not None else _default_clock
        self._tolerance = tolerance
        # Forged requests must not make us download: a URL that failed is refused from
        # memory for ``failure_ttl``, requests for a URL being downloaded wait for that
        # one download, and downloads of new URLs are limited per minute.
        self._chains = CertificateChains(
            fetch=fetch if fetch is not None else fetch_certificate_chain,
            trust_roots=trust_roots,
            # Looked up when first needed: the module attribute may be replaced.
            default_roots=lambda: _default_trust_roots(),
            cache_size=cache_size,
            failure_ttl=failure_ttl,
            downloads_per_minute=downloads_per_minute,
        )

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Verify and return the parsed JSON envelope; raise VerificationError otherwise."""
        try:
            return self._verify(headers, body)
        except VerificationError as exc:
            logger.warning("Alexa request refused: %s", exc.reason)
            raise
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            IndexError,
            UnicodeError,
            OverflowError,
            RecursionError,
        ):
            # No chaining: the original message might quote request content.
            logger.warning("Alexa request refused: malformed request")
            raise VerificationError("malformed request") from None

    def _verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        cert_url = _header(headers, CERT_URL_HEADER)
        if cert_url is None:
            raise VerificationError(f"missing {CERT_URL_HEADER} header")
        signature_b64 = _header(headers, SIGNATURE_HEADER)
        if signature_b64 is None:
            raise VerificationError(f"missing {SIGNATURE_HEADER} header")
        url = _canonical_cert_url(cert_url)
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except (binascii.Error, ValueError):
            raise VerificationError("invalid signature encoding") from None
        if not signature:
            raise VerificationError("invalid signature encoding")

        # Everything that needs no network comes first, so that replayed or forged
        # requests cannot make us download anything: with the chain at hand the
        # signature is checked at once; without it, the timestamp and skill id first.
        now = _as_utc(self._clock())
        known = self._chains.known_key(url, now)
        if known is not None:
            _check_signature(known, signature, body)
        try:
            envelope = json.loads(body)
        except ValueError:
            raise VerificationError("body is not valid JSON") from None
        if not isinstance(envelope, dict):
            raise VerificationError("body is not a JSON object")
        timestamp = _parse_timestamp(envelope)
        if abs(now - timestamp) > self._tolerance_for(envelope):
            raise VerificationError("request timestamp outside tolerance")
        if self._skill_id is not None:
            application_id = _application_id(envelope)
            if application_id is None:
                raise VerificationError("missing application id")
            if application_id != self._skill_id:
                raise VerificationError("application id mismatch")

        if known is None:
            _check_signature(self._chains.public_key(url, now), signature, body)
        return envelope

    def _tolerance_for(self, envelope: Mapping[str, Any]) -> timedelta:
        """Alexa may deliver a skill event (``AlexaSkillEvent.*``, from the Alexa app)
        up to an hour after it happened; every other request within the tolerance."""
        request = envelope.get("request")
        kind = request.get("type") if isinstance(request, dict) else None
        if isinstance(kind, str) and kind.startswith("AlexaSkillEvent."):
            return max(self._tolerance, SKILL_EVENT_TOLERANCE)
        return self._tolerance
