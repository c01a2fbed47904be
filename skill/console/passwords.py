"""Console passwords: werkzeug's scrypt, at a cost that is a setting.

New hashes are made with the configured method (``PASSWORD_HASH_METHOD``, in werkzeug's
notation; by default werkzeug's own, scrypt with n=32768, r=8, p=1). A check reads the
parameters from the stored hash, so hashes made before a change of cost still check.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable

from werkzeug.security import check_password_hash, generate_password_hash

DEFAULT_METHOD = "scrypt"


def hasher(method: str = DEFAULT_METHOD) -> Callable[[str], str]:
    """The function that hashes a new password with ``method``."""
    return functools.partial(generate_password_hash, method=method)


@functools.cache
def dummy_hash(method: str = DEFAULT_METHOD) -> str:
    """A hash of nothing anyone knows, made as new hashes are: checked when there is no
    hash to check, so every attempt to sign in costs the same."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def matches(password_hash: str | None, password: str, method: str = DEFAULT_METHOD) -> bool:
    """One hash computed per call: against ``password_hash``, or the dummy of ``method``
    (then always False)."""
    if password_hash is None:
        check_password_hash(dummy_hash(method), password)
        return False
    return check_password_hash(password_hash, password)
