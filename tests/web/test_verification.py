"""Request verification rule by rule, against a throw-away test PKI (``tests/pki.py``).

The same threats over HTTP, through the app and a real server: ``test_threat_matrix.py``.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import inspect
import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import Store

from skill.web import verification
from skill.web.verification import RequestVerifier, VerificationError, fetch_certificate_chain
from tests.pki import (
    BASE,
    EXPIRED_URL,
    GARBAGE_URL,
    LEAF_LIFETIME,
    NOT_YET_VALID_URL,
    SHORT_INTERMEDIATE_URL,
    UNREACHABLE_URL,
    UNTRUSTED_URL,
    VALID_URL,
    WILDCARD_SAN_URL,
    WRONG_SAN_URL,
    Pki,
    encode,
    iso,
    make_pki,
    pem,
)

NOW = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
LEAF_NOT_AFTER = NOW + LEAF_LIFETIME


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki(NOW)


# --- collaborators ------------------------------------------------------------------------------


@dataclass
class FakeFetch:
    chains: dict[str, bytes]
    calls: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        try:
            return self.chains[url]
        except KeyError:
            raise OSError(f"unreachable: {url}") from None


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    verifier: RequestVerifier
    fetch: FakeFetch
    clock: Clock
    pki: Pki

    def headers(
        self,
        body: bytes,
        url: str = VALID_URL,
        key: rsa.RSAPrivateKey | None = None,
    ) -> dict[str, str]:
        signature = (key or self.pki.leaf_key).sign(body, padding.PKCS1v15(), hashes.SHA256())
        return {
            "SignatureCertChainUrl": url,
            "Signature-256": base64.b64encode(signature).decode("ascii"),
        }


def envelope(
    timestamp: str | None = None,
    *,
    app_id: str | None = SKILL_ID,
    where: str = "context",
) -> dict[str, Any]:
    request: dict[str, Any] = {"type": "LaunchRequest", "requestId": "amzn1.echo-api.request.1"}
    request["timestamp"] = timestamp if timestamp is not None else "2026-11-23T10:00:00Z"
    data: dict[str, Any] = {"version": "1.0", "request": request, "context": {"System": {}}}
    if app_id is not None:
        application = {"applicationId": app_id}
        if where == "context":
            data["context"]["System"]["application"] = application
        else:
            data["session"] = {"new": True, "application": application}
    return data


MakeHarness = Callable[..., Harness]


@pytest.fixture
def make_harness(pki: Pki) -> MakeHarness:
    def make(**kwargs: Any) -> Harness:
        fetch = FakeFetch(pki.chains)
        clock = Clock()
        kwargs.setdefault("skill_id", SKILL_ID)
        verifier = RequestVerifier(trust_roots=[pki.root], fetch=fetch, clock=clock, **kwargs)
        return Harness(verifier, fetch, clock, pki)

    return make


@pytest.fixture
def harness(make_harness: MakeHarness) -> Harness:
    return make_harness()


def refused(h: Harness, headers: Any, body: bytes, reason: str) -> None:
    with pytest.raises(VerificationError) as info:
        h.verifier.verify(headers, body)
    assert reason in info.value.reason
    assert str(info.value) == info.value.reason


# --- the happy path -----------------------------------------------------------------------------


def test_valid_request_returns_envelope(harness: Harness) -> None:
    data = envelope()
    body = encode(data)
    assert harness.verifier.verify(harness.headers(body), body) == data
    assert harness.fetch.calls == [VALID_URL]


def test_header_names_are_case_insensitive_in_a_plain_dict(harness: Harness) -> None:
    body = encode(envelope())
    headers = {name.lower(): value for name, value in harness.headers(body).items()}
    assert harness.verifier.verify(headers, body)["version"] == "1.0"


def test_flask_headers_object_is_accepted(harness: Harness) -> None:
    from werkzeug.datastructures import Headers

    body = encode(envelope())
    headers = Headers([(name.upper(), value) for name, value in harness.headers(body).items()])
    assert harness.verifier.verify(headers, body)["version"] == "1.0"  # type: ignore[arg-type]


def test_application_id_falls_back_to_session(harness: Harness) -> None:
    data = envelope(where="session")
    del data["context"]
    body = encode(data)
    assert harness.verifier.verify(harness.headers(body), body) == data


def test_skill_id_none_skips_application_check(make_harness: MakeHarness) -> None:
    h = make_harness(skill_id=None)
    body = encode(envelope(app_id="amzn1.ask.skill.someone-else"))
    assert h.verifier.verify(h.headers(body), body)["version"] == "1.0"


# --- headers and certificate URL ----------------------------------------------------------------


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_header_is_refused(harness: Harness, missing: str) -> None:
    body = encode(envelope())
    headers = harness.headers(body)
    del headers[missing]
    refused(harness, headers, body, f"missing {missing}")
    assert harness.fetch.calls == []


def test_blank_header_counts_as_missing(harness: Harness) -> None:
    body = encode(envelope())
    headers = harness.headers(body) | {"Signature-256": "  "}
    refused(harness, headers, body, "missing Signature-256")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "scheme"),
        ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", "scheme"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "host"),
        ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "host"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/echo.api/../x/cert.pem", "path"),
        ("https://s3.amazonaws.com/echo.api", "path"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port"),
        ("https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem", "certificate URL"),
        ("https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem", "user info"),
        ("https://user:pw@s3.amazonaws.com/echo.api/echo-api-cert.pem", "user info"),
    ],
)
def test_bad_certificate_url_is_refused_without_download(
    harness: Harness, url: str, reason: str
) -> None:
    body = encode(envelope())
    refused(harness, harness.headers(body, url=url), body, reason)
    assert harness.fetch.calls == []


@pytest.mark.parametrize(
    "url",
    [
        VALID_URL,
        "https://s3.amazonaws.com:443/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    ],
)
def test_equivalent_certificate_urls_fetch_the_canonical_url(harness: Harness, url: str) -> None:
    body = encode(envelope())
    harness.verifier.verify(harness.headers(body, url=url), body)
    assert harness.fetch.calls == [VALID_URL]


# --- certificate chain --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (EXPIRED_URL, "certificate expired"),
        (NOT_YET_VALID_URL, "certificate not yet valid"),
        (WRONG_SAN_URL, "certificate subject mismatch"),
        (WILDCARD_SAN_URL, "certificate subject mismatch"),
        (UNTRUSTED_URL, "certificate chain untrusted"),
        (GARBAGE_URL, "certificate chain malformed"),
        (UNREACHABLE_URL, "certificate chain unavailable"),
    ],
)
def test_bad_certificate_chain_is_refused(harness: Harness, url: str, reason: str) -> None:
    body = encode(envelope())
    refused(harness, harness.headers(body, url=url), body, reason)
    assert harness.fetch.calls == [url]


def test_chain_without_the_intermediate_is_untrusted(make_harness: MakeHarness, pki: Pki) -> None:
    h = make_harness()
    leaf_only = x509.load_pem_x509_certificates(pki.chains[VALID_URL])[0]
    h.fetch.chains = {VALID_URL: pem(leaf_only)}
    body = encode(envelope())
    refused(h, h.headers(body), body, "certificate chain untrusted")


# --- signature ----------------------------------------------------------------------------------


def test_signature_by_another_key_is_refused(harness: Harness) -> None:
    body = encode(envelope())
    headers = harness.headers(body, key=harness.pki.attacker_key)
    refused(harness, headers, body, "invalid signature")


def test_body_changed_after_signing_is_refused(harness: Harness) -> None:
    body = encode(envelope())
    headers = harness.headers(body)
    refused(harness, headers, body.replace(b"LaunchRequest", b"IntentRequest"), "invalid signature")


def test_signature_over_reserialised_json_is_refused(harness: Harness) -> None:
    # The signature covers the raw bytes, not their JSON meaning.
    body = encode(envelope())
    headers = harness.headers(body)
    refused(harness, headers, json.dumps(envelope(), indent=1).encode(), "invalid signature")


@pytest.mark.parametrize("value", ["not base64!", "abc", "####", "AAAA"])
def test_bad_signature_encoding_is_refused_without_download(harness: Harness, value: str) -> None:
    body = encode(envelope())
    headers = harness.headers(body) | {"Signature-256": value}
    reason = "invalid signature" if value == "AAAA" else "invalid signature encoding"
    with pytest.raises(VerificationError) as info:
        harness.verifier.verify(headers, body)
    assert info.value.reason.startswith(reason)
    assert harness.fetch.calls == ([VALID_URL] if value == "AAAA" else [])


# --- body, timestamp, application id ------------------------------------------------------------


@pytest.mark.parametrize("offset", [-149, 149, -150, 150, 0])
def test_timestamp_within_tolerance_passes(harness: Harness, offset: int) -> None:
    body = encode(envelope(iso(NOW + timedelta(seconds=offset))))
    assert harness.verifier.verify(harness.headers(body), body)["version"] == "1.0"


@pytest.mark.parametrize("offset", [-151, 151, -86400, 86400])
def test_timestamp_outside_tolerance_is_refused_without_download(
    harness: Harness, offset: int
) -> None:
    body = encode(envelope(iso(NOW + timedelta(seconds=offset))))
    refused(harness, harness.headers(body), body, "timestamp outside tolerance")
    assert harness.fetch.calls == []


def test_timestamp_with_offset_and_fraction_is_understood(harness: Harness) -> None:
    body = encode(envelope("2026-11-23T11:00:00.123+01:00"))
    assert harness.verifier.verify(harness.headers(body), body)["version"] == "1.0"


@pytest.mark.parametrize(("offset", "passes"), [(-3599, True), (-3600, True), (-3601, False)])
def test_a_skill_event_may_arrive_up_to_an_hour_late(
    harness: Harness, offset: int, passes: bool
) -> None:
    data = envelope(iso(NOW + timedelta(seconds=offset)))
    data["request"]["type"] = "AlexaSkillEvent.SkillPermissionAccepted"
    body = encode(data)
    if passes:
        assert harness.verifier.verify(harness.headers(body), body)["version"] == "1.0"
    else:
        refused(harness, harness.headers(body), body, "timestamp outside tolerance")


def test_tolerance_is_configurable(make_harness: MakeHarness) -> None:
    h = make_harness(tolerance=timedelta(seconds=10))
    body = encode(envelope(iso(NOW - timedelta(seconds=11))))
    refused(h, h.headers(body), body, "timestamp outside tolerance")


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d["request"].pop("timestamp"), "missing request timestamp"),
        (lambda d: d.pop("request"), "missing request timestamp"),
        (lambda d: d.update(request="LaunchRequest"), "missing request timestamp"),
        (lambda d: d["request"].update(timestamp="yesterday"), "invalid request timestamp"),
        (lambda d: d["request"].update(timestamp=1795428000000), "invalid request timestamp"),
        (lambda d: d["request"].update(timestamp=""), "invalid request timestamp"),
    ],
)
def test_missing_or_garbled_timestamp_is_refused(
    harness: Harness, mutate: Callable[[dict[str, Any]], object], reason: str
) -> None:
    data = envelope()
    mutate(data)
    body = encode(data)
    refused(harness, harness.headers(body), body, reason)
    assert harness.fetch.calls == []


def test_wrong_skill_id_is_refused_without_download(harness: Harness) -> None:
    body = encode(envelope(app_id="amzn1.ask.skill.someone-else"))
    refused(harness, harness.headers(body), body, "application id mismatch")
    assert harness.fetch.calls == []


@pytest.mark.parametrize("app_id", [None, "", 42])
def test_missing_application_id_is_refused(harness: Harness, app_id: object) -> None:
    data = envelope(app_id=None)
    if app_id is not None:
        data["context"]["System"]["application"] = {"applicationId": app_id}
    body = encode(data)
    refused(harness, harness.headers(body), body, "missing application id")


def test_context_application_id_wins_over_session(harness: Harness) -> None:
    data = envelope(app_id="amzn1.ask.skill.someone-else")
    data["session"] = {"application": {"applicationId": SKILL_ID}}
    body = encode(data)
    refused(harness, harness.headers(body), body, "application id mismatch")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'"LaunchRequest"', "not a JSON object"),
    ],
)
def test_non_json_body_is_refused(harness: Harness, body: bytes, reason: str) -> None:
    refused(harness, harness.headers(body), body, reason)
    assert harness.fetch.calls == []


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        encode(envelope("0001-01-01T00:00:00+01:00")),
    ],
    ids=["deeply-nested", "timestamp-overflow"],
)
def test_unexpected_errors_become_malformed_request(harness: Harness, body: bytes) -> None:
    refused(harness, harness.headers(body), body, "malformed request")


# --- cache --------------------------------------------------------------------------------------


def test_cached_chain_is_not_downloaded_again(harness: Harness) -> None:
    for _ in range(3):
        body = encode(envelope())
        harness.verifier.verify(harness.headers(body), body)
    assert harness.fetch.calls == [VALID_URL]


def test_cached_chain_still_checks_every_signature(harness: Harness) -> None:
    body = encode(envelope())
    harness.verifier.verify(harness.headers(body), body)
    forged = harness.headers(body, key=harness.pki.attacker_key)
    refused(harness, forged, body, "invalid signature")
    assert harness.fetch.calls == [VALID_URL]


def test_cache_entry_expires_with_the_leaf(harness: Harness) -> None:
    body = encode(envelope())
    harness.verifier.verify(harness.headers(body), body)

    harness.clock.now = LEAF_NOT_AFTER  # still valid at the last instant
    body = encode(envelope(iso(harness.clock.now)))
    harness.verifier.verify(harness.headers(body), body)
    assert harness.fetch.calls == [VALID_URL]

    harness.clock.now = LEAF_NOT_AFTER + timedelta(seconds=1)
    body = encode(envelope(iso(harness.clock.now)))
    refused(harness, harness.headers(body), body, "certificate expired")
    assert harness.fetch.calls == [VALID_URL, VALID_URL]


def test_cache_entry_expires_with_an_earlier_expiring_intermediate(harness: Harness) -> None:
    body = encode(envelope())
    harness.verifier.verify(harness.headers(body, url=SHORT_INTERMEDIATE_URL), body)

    harness.clock.now = NOW + timedelta(days=5, seconds=1)
    body = encode(envelope(iso(harness.clock.now)))
    refused(harness, harness.headers(body, url=SHORT_INTERMEDIATE_URL), body, "untrusted")
    assert harness.fetch.calls == [SHORT_INTERMEDIATE_URL, SHORT_INTERMEDIATE_URL]


def test_cache_is_bounded_lru(make_harness: MakeHarness, pki: Pki) -> None:
    h = make_harness(cache_size=1)
    other = BASE + "copy.pem"
    h.fetch.chains = pki.chains | {other: pki.chains[VALID_URL]}
    body = encode(envelope())
    for url in (VALID_URL, VALID_URL, other, other, VALID_URL):
        h.verifier.verify(h.headers(body, url=url), body)
    assert h.fetch.calls == [VALID_URL, other, VALID_URL]


def test_cache_size_zero_disables_caching(make_harness: MakeHarness) -> None:
    h = make_harness(cache_size=0)
    body = encode(envelope())
    for _ in range(2):
        h.verifier.verify(h.headers(body), body)
    assert h.fetch.calls == [VALID_URL, VALID_URL]


def test_a_failed_chain_is_remembered_for_a_while(harness: Harness) -> None:
    body = encode(envelope())
    for _ in range(2):
        refused(harness, harness.headers(body, url=UNTRUSTED_URL), body, "untrusted")
    assert harness.fetch.calls == [UNTRUSTED_URL]
    harness.clock.now += timedelta(minutes=5)
    fresh = encode(envelope("2026-11-23T10:05:00Z"))
    refused(harness, harness.headers(fresh, url=UNTRUSTED_URL), fresh, "untrusted")
    assert harness.fetch.calls == [UNTRUSTED_URL, UNTRUSTED_URL]


def test_fifty_forged_requests_cause_one_download_at_most(harness: Harness) -> None:
    """A known skill id, a fresh timestamp, a certificate URL of the right form that does
    not exist, a signature by anyone: fifty of them, some at once."""
    body = encode(envelope())
    missing = "https://s3.amazonaws.com/echo.api/forged.pem"
    headers = harness.headers(body, url=missing, key=rsa.generate_private_key(65537, 2048))
    reasons: list[str] = []

    def forge() -> None:
        for _ in range(10):
            with pytest.raises(VerificationError) as info:
                harness.verifier.verify(headers, body)
            reasons.append(info.value.reason)

    threads = [threading.Thread(target=forge) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert harness.fetch.calls == [missing]
    assert reasons == ["certificate chain unavailable"] * 50


def test_forged_requests_with_ever_new_urls_are_limited_per_minute(harness: Harness) -> None:
    body = encode(envelope())
    for n in range(50):
        url = f"https://s3.amazonaws.com/echo.api/forged-{n}.pem"
        refused(harness, harness.headers(body, url=url), body, "certificate chain unavailable")
    assert len(harness.fetch.calls) == 10
    # The genuine chain is still fetched once the minute is over.
    harness.clock.now += timedelta(minutes=1)
    fresh = encode(envelope("2026-11-23T10:01:00Z"))
    assert harness.verifier.verify(harness.headers(fresh), fresh)["version"] == "1.0"


def test_with_the_chain_at_hand_the_signature_is_checked_first(harness: Harness) -> None:
    body = encode(envelope())
    harness.verifier.verify(harness.headers(body), body)
    forged = encode(envelope("2020-01-01T00:00:00Z", app_id="amzn1.ask.skill.other"))
    other_key = rsa.generate_private_key(65537, 2048)
    refused(harness, harness.headers(forged, key=other_key), forged, "invalid signature")
    assert harness.fetch.calls == [VALID_URL]


def test_concurrent_requests_share_one_verifier(harness: Harness) -> None:
    body = encode(envelope())
    headers = harness.headers(body)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(20):
                harness.verifier.verify(headers, body)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert harness.fetch.calls == [VALID_URL]


# --- construction, defaults, logging ------------------------------------------------------------


def test_default_trust_roots_are_loaded_lazily_once(
    monkeypatch: pytest.MonkeyPatch, pki: Pki
) -> None:
    loads: list[int] = []

    def fake_roots() -> list[x509.Certificate]:
        loads.append(1)
        return [pki.root]

    monkeypatch.setattr(verification, "_default_trust_roots", fake_roots)
    fetch = FakeFetch(pki.chains)
    verifier = RequestVerifier(skill_id=SKILL_ID, fetch=fetch, clock=Clock(), cache_size=0)
    assert loads == []
    body = encode(envelope())
    signature = pki.leaf_key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    headers = {
        "SignatureCertChainUrl": VALID_URL,
        "Signature-256": base64.b64encode(signature).decode("ascii"),
    }
    for _ in range(2):
        verifier.verify(headers, body)
    assert loads == [1]


def test_default_trust_roots_come_from_a_real_bundle() -> None:
    # Also proves that the bundle's non-RFC-5280 roots load without a warning
    # (pytest turns warnings into errors here).
    roots = verification._default_trust_roots()
    assert len(roots) > 50
    Store(roots)


def test_invalid_construction_arguments() -> None:
    with pytest.raises(ValueError, match="cache_size"):
        RequestVerifier(skill_id=None, cache_size=-1)
    with pytest.raises(ValueError, match="trust_roots"):
        RequestVerifier(skill_id=None, trust_roots=[])


def test_refusals_are_logged_without_request_content(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    body = encode(envelope(app_id="amzn1.ask.skill.someone-else"))
    with caplog.at_level(logging.WARNING, logger=verification.__name__):
        refused(harness, harness.headers(body), body, "application id mismatch")
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert "application id mismatch" in caplog.text
    assert "someone-else" not in caplog.text
    assert "LaunchRequest" not in caplog.text


# --- default fetcher ----------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    payloads: ClassVar[dict[str, tuple[bytes, bool]]] = {
        "/small": (b"x" * 65536, True),
        "/big": (b"x" * 65537, True),
        "/big-no-length": (b"x" * 200_000, False),
    }

    # Set when the test ends, so that a handler holding a connection open lets go.
    release: ClassVar[threading.Event] = threading.Event()

    def do_GET(self) -> None:
        if self.path == "/endless":
            self._endless()
            return
        if self.path == "/silent":
            self.release.wait(timeout=30)
            return
        if self.path not in self.payloads:
            self.send_error(404)
            return
        payload, with_length = self.payloads[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/x-pem-file")
        if with_length:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        # The client may stop reading at its limit, as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)

    def _endless(self) -> None:
        """A hostile server: no Content-Length, and data until the client hangs up."""
        self.send_response(200)
        self.end_headers()
        chunk = b"x" * 65536
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            # Bounded (1 GiB) so a client that never stops cannot keep the test running.
            for _ in range(16384):
                if self.release.is_set():
                    break
                self.wfile.write(chunk)
        self.__class__.endless_stopped.set()

    endless_stopped: ClassVar[threading.Event] = threading.Event()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")
    _Handler.release.clear()
    _Handler.endless_stopped.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _Handler.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def test_default_fetcher_returns_body_up_to_the_limit(local_server: str) -> None:
    assert fetch_certificate_chain(local_server + "/small") == b"x" * 65536


@pytest.mark.parametrize("path", ["/big", "/big-no-length"])
def test_default_fetcher_refuses_bodies_over_64_kib(local_server: str, path: str) -> None:
    with pytest.raises(OSError, match="too large"):
        fetch_certificate_chain(local_server + path)


def test_default_fetcher_stops_reading_an_endless_body(local_server: str) -> None:
    with pytest.raises(OSError, match="too large"):
        fetch_certificate_chain(local_server + "/endless")
    # The server noticed the hang-up long before its 1 GiB were sent.
    assert _Handler.endless_stopped.wait(timeout=30)
    assert not _Handler.release.is_set()


def test_default_fetcher_gives_up_on_a_server_that_does_not_answer(local_server: str) -> None:
    with pytest.raises(OSError, match="timed out"):
        fetch_certificate_chain(local_server + "/silent", timeout=0.2)


def test_default_fetcher_timeout_is_short() -> None:
    # Alexa waits about 8 s for the whole turn; the first request after a restart
    # also downloads the chain.
    default = inspect.signature(fetch_certificate_chain).parameters["timeout"].default
    assert 0 < default <= 3


def test_default_fetcher_errors_are_oserrors(local_server: str) -> None:
    with pytest.raises(OSError, match="404"):
        fetch_certificate_chain(local_server + "/missing")
    with pytest.raises(OSError, match="scheme"):
        fetch_certificate_chain("file:///etc/passwd")
    with pytest.raises(OSError, match="ValueError"):
        fetch_certificate_chain("http://[::1")
