"""Console passwords: hashed at the configured cost, werkzeug's scrypt by default."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from skill.config import Settings
from skill.console import passwords


def scrypt_costs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    calls: list[tuple[int, int, int]] = []
    real = hashlib.scrypt

    def counted(password: bytes, *, salt: bytes, n: int, r: int, p: int, **more: Any) -> bytes:
        calls.append((n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, **more)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return calls


@pytest.mark.slow
def test_by_default_new_passwords_take_werkzeugs_scrypt_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    method = Settings.from_env({}).password_hash_method
    made = passwords.hasher(method)("tulpen-am-see-42")
    assert made.startswith("scrypt:32768:8:1$")
    passwords.dummy_hash(method)  # made when the console is installed
    costs = scrypt_costs(monkeypatch)
    assert passwords.matches(made, "tulpen-am-see-42", method)
    assert not passwords.matches(None, "tulpen-am-see-42", method)
    assert costs == [(32768, 8, 1), (32768, 8, 1)]


def test_a_configured_method_makes_new_hashes_and_old_ones_still_check() -> None:
    settings = Settings.from_env({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    old = passwords.hasher()("tulpen-am-see-42")
    new = passwords.hasher(settings.password_hash_method)("tulpen-am-see-42")
    assert new.startswith("pbkdf2:sha256:1000$")
    assert passwords.dummy_hash(settings.password_hash_method).startswith("pbkdf2:sha256:1000$")
    for made in (old, new):
        assert passwords.matches(made, "tulpen-am-see-42", settings.password_hash_method)
        assert not passwords.matches(made, "tulpen-am-see-43", settings.password_hash_method)
