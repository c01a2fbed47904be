"""Verification of Alexa requests sent to a self-hosted skill endpoint.

Implements the checks Amazon requires for HTTPS endpoints: certificate URL,
certificate chain (trusted, valid now, SAN ``echo-api.amazon.com``),
RSA-SHA256 signature over the raw body, timestamp tolerance and, in addition,
the skill's application id.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
import logging
import posixpath
import ssl
import threading
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509_verification

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
ECHO_API_DNS_NAME = "echo-api.amazon.com"

_PEM_END = b"-----END CERTIFICATE-----"


class VerificationError(Exception):
    """A request that must be refused with HTTP 400.

    ``reason`` is short, safe to return to the client and to log (no personal data).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _CachedChain:
    public_key: rsa.RSAPublicKey
    not_valid_after: datetime


@dataclass(frozen=True)
class _Failure:
    """A certificate URL that could not be used, remembered until ``until``."""

    reason: str
    until: datetime


class _Flight:
    """One download of a URL that later requests for the same URL wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()


def fetch_certificate_chain(url: str, *, timeout: float = 2.0, limit: int = 65536) -> bytes:
    """Download ``url`` and return its body; refuse bodies larger than ``limit`` bytes.

    Any failure raises ``OSError`` (or a subclass such as ``urllib.error.URLError``).
    """
    try:
        if urlsplit(url).scheme.lower() not in ("https", "http"):
            raise OSError("unsupported certificate URL scheme")
        return _read_limited(url, timeout=timeout, limit=limit)
    except (http.client.HTTPException, ValueError) as exc:
        # Normalise the few non-OSError failures urllib can raise.
        raise OSError(f"certificate chain download failed: {type(exc).__name__}") from exc


def _read_limited(url: str, *, timeout: float, limit: int) -> bytes:
    chunks: list[bytes] = []
    received = 0
    # Scheme checked by the caller (http only ever reaches here from tests).
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise OSError("certificate chain too large")
        # Count what actually arrives: a missing or lying Content-Length must not help.
        while received <= limit:
            chunk: bytes = response.read(limit + 1 - received)
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    if received > limit:
        raise OSError("certificate chain too large")
    return b"".join(chunks)


def _default_clock() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    # Naive datetimes are taken to be UTC, which is what Alexa and cryptography use.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _load_pem_bundle(data: bytes) -> list[x509.Certificate]:
    """Load every certificate of a CA bundle, skipping ones cryptography cannot parse.

    System bundles occasionally contain a certificate cryptography rejects; one bad
    entry must not make every other root unusable.
    """
    certs: list[x509.Certificate] = []
    # Some widely trusted roots (e.g. Go Daddy and Starfield G2) have non-positive
    # serial numbers; cryptography warns about each on load. Dropping them could break
    # a future Amazon chain, so the warning is silenced for this one-off load.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in data.split(_PEM_END):
            if b"-----BEGIN CERTIFICATE-----" not in block:
                continue
            try:
                certs.append(x509.load_pem_x509_certificate(block + _PEM_END))
            except ValueError:
                continue
    return certs


def _default_trust_roots() -> list[x509.Certificate]:
    path: str | None
    try:
        import certifi
    except ImportError:
        path = ssl.get_default_verify_paths().cafile
    else:
        path = certifi.where()
    if path is None:
        raise RuntimeError("no CA bundle found for Alexa request verification")
    with open(path, "rb") as handle:
        return _load_pem_bundle(handle.read())


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


def _san_dns_names(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return san.value.get_values_for_type(x509.DNSName)


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
        self._trust_roots = list(trust_roots) if trust_roots is not None else None
        self._fetch = fetch if fetch is not None else fetch_certificate_chain
        self._clock = clock if clock is not None else _default_clock
        self._tolerance = tolerance
        self._cache_size = cache_size
        self._cache: OrderedDict[str, _CachedChain] = OrderedDict()
        # Forged requests must not make us download: a URL that failed is refused from
        # memory for ``failure_ttl``, requests for a URL being downloaded wait for that
        # one download, and downloads of new URLs are limited per minute.
        self._failures: OrderedDict[str, _Failure] = OrderedDict()
        self._failure_ttl = failure_ttl
        self._flights: dict[str, _Flight] = {}
        self._downloads: list[datetime] = []
        self._downloads_per_minute = downloads_per_minute
        self._lock = threading.Lock()
        self._store: x509_verification.Store | None = None

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
        known = self._cached_key(url, now)
        if known is not None:
            _check_signature(known, signature, body)
        try:
            envelope = json.loads(body)
        except ValueError:
            raise VerificationError("body is not valid JSON") from None
        if not isinstance(envelope, dict):
            raise VerificationError("body is not a JSON object")
        timestamp = _parse_timestamp(envelope)
        if abs(now - timestamp) > self._tolerance:
            raise VerificationError("request timestamp outside tolerance")
        if self._skill_id is not None:
            application_id = _application_id(envelope)
            if application_id is None:
                raise VerificationError("missing application id")
            if application_id != self._skill_id:
                raise VerificationError("application id mismatch")

        if known is None:
            _check_signature(self._public_key_for(url, now), signature, body)
        return envelope

    def _cached_key(self, url: str, now: datetime) -> rsa.RSAPublicKey | None:
        """The public key of a chain already checked; a remembered failure is refused."""
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None:
                if now <= cached.not_valid_after:
                    self._cache.move_to_end(url)
                    return cached.public_key
                del self._cache[url]
            failure = self._failures.get(url)
            if failure is not None:
                if now < failure.until:
                    raise VerificationError(failure.reason)
                del self._failures[url]
        return None

    def _public_key_for(self, url: str, now: datetime) -> rsa.RSAPublicKey:
        with self._lock:
            flight = self._flights.get(url)
            leader = flight is None
            if flight is None:
                flight = self._flights[url] = _Flight()
        if not leader:
            # Another request is downloading this URL: its result is ours.
            flight.done.wait(timeout=10)
            known = self._cached_key(url, now)
            if known is None:
                raise VerificationError("certificate chain unavailable")
            return known
        try:
            # Download outside the lock: a slow fetch must not stall other requests.
            entry = self._validate_chain(self._download(url, now), now)
        except VerificationError as error:
            with self._lock:
                self._failures[url] = _Failure(error.reason, now + self._failure_ttl)
                while len(self._failures) > max(self._cache_size, 32):
                    self._failures.popitem(last=False)
            raise
        finally:
            with self._lock:
                del self._flights[url]
            flight.done.set()
        if self._cache_size:
            with self._lock:
                self._cache[url] = entry
                self._cache.move_to_end(url)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return entry.public_key

    def _download(self, url: str, now: datetime) -> bytes:
        with self._lock:
            recent = [t for t in self._downloads if now - t < timedelta(minutes=1)]
            if len(recent) >= self._downloads_per_minute:
                raise VerificationError("certificate chain unavailable")
            self._downloads = [*recent, now]
        try:
            return self._fetch(url)
        except Exception:
            # Any failure of the (possibly injected) fetcher means the same to the client.
            raise VerificationError("certificate chain unavailable") from None

    def _validate_chain(self, pem: bytes, now: datetime) -> _CachedChain:
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise VerificationError("certificate chain malformed") from None
        leaf, intermediates = chain[0], chain[1:]
        # The verifier below checks all of this too; checking the leaf first gives
        # distinct reasons, and the exact-SAN check is stricter than RFC 6125
        # matching (which would also accept a wildcard such as *.amazon.com).
        if now < leaf.not_valid_before_utc:
            raise VerificationError("certificate not yet valid")
        if now > leaf.not_valid_after_utc:
            raise VerificationError("certificate expired")
        if ECHO_API_DNS_NAME not in (name.lower() for name in _san_dns_names(leaf)):
            raise VerificationError("certificate subject mismatch")
        verifier = (
            x509_verification.PolicyBuilder()
            .store(self._trust_store())
            .time(now)
            .build_server_verifier(x509.DNSName(ECHO_API_DNS_NAME))
        )
        try:
            validated = verifier.verify(leaf, intermediates)
        except x509_verification.VerificationError:
            raise VerificationError("certificate chain untrusted") from None
        public_key = leaf.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise VerificationError("certificate key unsupported")
        # Normally the leaf expires first, but an intermediate expiring earlier must
        # end the cache entry as well.
        expiry = min(cert.not_valid_after_utc for cert in validated)
        return _CachedChain(public_key=public_key, not_valid_after=expiry)

    def _trust_store(self) -> x509_verification.Store:
        with self._lock:
            if self._store is None:
                roots = self._trust_roots
                if roots is None:
                    roots = _default_trust_roots()
                if not roots:
                    # A deployment problem, not a bad request: the web layer logs it as
                    # an error (the client still gets its 400).
                    raise RuntimeError("no trust roots available for Alexa request verification")
                self._store = x509_verification.Store(roots)
            return self._store
