"""A throw-away PKI shaped like Amazon's request-signing chain, and requests signed with it.

``make_pki(now)`` builds a root, an intermediate and one certificate chain per threat
(expired, wrong name, untrusted root, ...), each under its own certificate URL. The
tests inject ``pki.root`` as the only trust root and serve ``pki.chains`` by URL, in
process (a fake fetcher) or to a real server (``write_chains`` and
``tests/serve_with_test_ca.py``). The benchmark uses the same chain.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

BASE = "https://s3.amazonaws.com/echo.api/"
VALID_URL = BASE + "echo-api-cert.pem"
EXPIRED_URL = BASE + "expired.pem"
NOT_YET_VALID_URL = BASE + "not-yet-valid.pem"
WRONG_SAN_URL = BASE + "wrong-san.pem"
WILDCARD_SAN_URL = BASE + "wildcard-san.pem"
UNTRUSTED_URL = BASE + "untrusted.pem"
GARBAGE_URL = BASE + "garbage.pem"
UNREACHABLE_URL = BASE + "missing.pem"
SHORT_INTERMEDIATE_URL = BASE + "short-intermediate.pem"
LEAF_LIFETIME = timedelta(days=30)
INTERMEDIATE_LIFETIME_SHORT = timedelta(days=5)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ca_certificate(
    subject: str,
    key: rsa.RSAPrivateKey,
    now: datetime,
    issuer: x509.Certificate | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None,
    not_after: datetime | None = None,
) -> x509.Certificate:
    """A realistic CA certificate: the web-PKI profile the verifier insists on."""
    signer = issuer_key or key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=365))
        .not_valid_after(not_after or now + timedelta(days=3650))
        .add_extension(
            x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0),
            critical=True,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
            critical=False,
        )
    return builder.sign(signer, hashes.SHA256())


def leaf_certificate(
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    *,
    not_before: datetime,
    not_after: datetime,
    dns_names: tuple[str, ...] = ("echo-api.amazon.com",),
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(dns_names[0]))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in dns_names]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass(frozen=True)
class Pki:
    now: datetime
    root: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    attacker_key: rsa.RSAPrivateKey
    chains: dict[str, bytes]

    @property
    def leaf_not_after(self) -> datetime:
        return self.now + LEAF_LIFETIME

    def headers(
        self, body: bytes, url: str = VALID_URL, key: rsa.RSAPrivateKey | None = None
    ) -> dict[str, str]:
        """The headers Alexa would send: the certificate URL and the body's signature."""
        return {
            "SignatureCertChainUrl": url,
            "Signature-256": sign(key or self.leaf_key, body),
        }


def sign(key: rsa.RSAPrivateKey, body: bytes) -> str:
    signature = key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def make_pki(now: datetime) -> Pki:
    """Certificates valid around ``now``, one chain per certificate URL above."""
    root_key, intermediate_key, leaf_key, attacker_key, rogue_key = (new_key() for _ in range(5))
    root = ca_certificate("Test Root CA", root_key, now)
    intermediate = ca_certificate("Test Intermediate CA", intermediate_key, now, root, root_key)
    rogue_root = ca_certificate("Rogue Root CA", rogue_key, now)
    # Same key, different name: an intermediate that expires long before its leaf.
    short_intermediate = ca_certificate(
        "Short-lived Intermediate CA",
        intermediate_key,
        now,
        root,
        root_key,
        not_after=now + INTERMEDIATE_LIFETIME_SHORT,
    )

    def leaf(
        issuer: x509.Certificate = intermediate,
        issuer_key: rsa.RSAPrivateKey = intermediate_key,
        *,
        not_before: datetime = now - timedelta(days=10),
        not_after: datetime = now + LEAF_LIFETIME,
        dns_names: tuple[str, ...] = ("echo-api.amazon.com",),
    ) -> x509.Certificate:
        return leaf_certificate(
            leaf_key,
            issuer,
            issuer_key,
            not_before=not_before,
            not_after=not_after,
            dns_names=dns_names,
        )

    return Pki(
        now=now,
        root=root,
        leaf_key=leaf_key,
        attacker_key=attacker_key,
        chains={
            VALID_URL: pem(leaf(), intermediate),
            EXPIRED_URL: pem(
                leaf(not_before=now - timedelta(days=60), not_after=now - timedelta(days=1)),
                intermediate,
            ),
            NOT_YET_VALID_URL: pem(
                leaf(not_before=now + timedelta(days=1), not_after=now + timedelta(days=60)),
                intermediate,
            ),
            WRONG_SAN_URL: pem(leaf(dns_names=("other.example.com",)), intermediate),
            WILDCARD_SAN_URL: pem(leaf(dns_names=("*.amazon.com",)), intermediate),
            UNTRUSTED_URL: pem(leaf(rogue_root, rogue_key), rogue_root),
            GARBAGE_URL: b"-----BEGIN CERTIFICATE-----\nnot a certificate\n",
            SHORT_INTERMEDIATE_URL: pem(
                leaf(short_intermediate, intermediate_key), short_intermediate
            ),
        },
    )


def write_chains(pki: Pki, folder: Path) -> None:
    """``root.pem`` and one file per certificate URL, named as the URL's last segment."""
    (folder / "root.pem").write_bytes(pem(pki.root))
    for url, chain in pki.chains.items():
        (folder / url.removeprefix(BASE)).write_bytes(chain)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def encode(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")
