"""Secrets from AWS Systems Manager Parameter Store (SecureString), read once at init.

The webhooks Lambda is given the parameters' names, not their values, so the secrets
never stand in the function's configuration as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def secure_parameters(ssm: Any, names: Iterable[str]) -> dict[str, str]:
    """Name -> decrypted value; a name with no parameter is left out (its route is off)."""
    wanted = sorted({name for name in names if name})
    found: dict[str, str] = {}
    # GetParameters takes ten names a call.
    for start in range(0, len(wanted), 10):
        answer = ssm.get_parameters(Names=wanted[start : start + 10], WithDecryption=True)
        for parameter in answer.get("Parameters", []):
            found[parameter["Name"]] = parameter["Value"]
    return found
