"""The certificate chains Alexa signs requests with: downloaded, checked and kept.

A chain is downloaded from the (already checked) certificate URL, its leaf must be valid
now and name ``echo-api.amazon.com``, and the chain must lead to a trusted root. Checked
chains are kept until their first certificate expires.

Forged requests must not make us download: a URL that failed is refused from memory for
a while, requests for a URL being downloaded wait for that one download, and downloads
of new URLs are limited per minute (:class:`CertificateChains`).
"""

from __future__ import annotations

import http.client
import ssl
import threading
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509_verification

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
class CheckedChain:
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


def default_trust_roots() -> list[x509.Certificate]:
    """The roots of certifi's CA bundle, else of the system's."""
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


def _san_dns_names(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return san.value.get_values_for_type(x509.DNSName)


def validate_chain(
    pem: bytes, now: datetime, store: Callable[[], x509_verification.Store]
) -> CheckedChain:
    """The leaf's key, if ``pem`` is a chain valid now for Alexa from a root in ``store``."""
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
        .store(store())
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
    return CheckedChain(public_key=public_key, not_valid_after=expiry)


class CertificateChains:
    """The public keys of the chains at certificate URLs: checked once, then kept."""

    def __init__(
        self,
        *,
        fetch: Callable[[str], bytes],
        trust_roots: Sequence[x509.Certificate] | None,
        default_roots: Callable[[], list[x509.Certificate]] = default_trust_roots,
        cache_size: int,
        failure_ttl: timedelta,
        downloads_per_minute: int,
    ) -> None:
        self._fetch = fetch
        self._trust_roots = list(trust_roots) if trust_roots is not None else None
        self._default_roots = default_roots
        self._cache_size = cache_size
        self._cache: OrderedDict[str, CheckedChain] = OrderedDict()
        self._failures: OrderedDict[str, _Failure] = OrderedDict()
        self._failure_ttl = failure_ttl
        self._flights: dict[str, _Flight] = {}
        self._downloads: list[datetime] = []
        self._downloads_per_minute = downloads_per_minute
        self._lock = threading.Lock()
        self._store: x509_verification.Store | None = None

    def known_key(self, url: str, now: datetime) -> rsa.RSAPublicKey | None:
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

    def public_key(self, url: str, now: datetime) -> rsa.RSAPublicKey:
        """Download and check the chain at ``url`` (once, however many ask at a time)."""
        with self._lock:
            flight = self._flights.get(url)
            leader = flight is None
            if flight is None:
                flight = self._flights[url] = _Flight()
        if not leader:
            # Another request is downloading this URL: its result is ours.
            flight.done.wait(timeout=10)
            known = self.known_key(url, now)
            if known is None:
                raise VerificationError("certificate chain unavailable")
            return known
        try:
            # Download outside the lock: a slow fetch must not stall other requests.
            entry = validate_chain(self._download(url, now), now, self._trust_store)
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

    def _trust_store(self) -> x509_verification.Store:
        with self._lock:
            if self._store is None:
                roots = self._trust_roots
                if roots is None:
                    roots = self._default_roots()
                if not roots:
                    # A deployment problem, not a bad request: the web layer logs it as
                    # an error (the client still gets its 400).
                    raise RuntimeError("no trust roots available for Alexa request verification")
                self._store = x509_verification.Store(roots)
            return self._store
