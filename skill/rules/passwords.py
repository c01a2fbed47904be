"""Which console passwords are accepted: the same rule for the command line and the console.

A password has at least 12 characters, is not one of the common passwords (a list the
caller reads once and passes in), and is not the agent's login or name. Common words
dressed up do not pass either: the comparison ignores case, digits and symbols at
either end, and the usual letter swaps (``P@ssw0rd2026!`` is ``password``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_LENGTH = 12
# Longer than any passphrase anyone types; a hash of megabytes is only work for the host.
MAX_LENGTH = 200

_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SPACES = re.compile(r"[\s._-]+")
_SWAPS = str.maketrans({"@": "a", "4": "a", "0": "o", "3": "e", "1": "i", "!": "i", "$": "s"})


def _forms(text: str) -> set[str]:
    """``text`` as compared: lower case, its core without digits and symbols at the
    ends, and both with the usual letter swaps undone and spaces and dashes left out."""
    lower = text.strip().lower()
    core = _ENDS.sub("", lower)
    forms = {lower, core, lower.translate(_SWAPS), core.translate(_SWAPS)}
    forms |= {_SPACES.sub("", form) for form in forms}
    return {form for form in forms if form}


def common_passwords(lines: Iterable[str]) -> frozenset[str]:
    """The list as the rule compares it: lower case, comments and blank lines left out."""
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, login: str, name: str, common: frozenset[str]) -> str | None:
    """What is wrong with ``password`` for the agent ``login`` called ``name``, in words
    for them; None if it may be used."""
    if len(password) < MIN_LENGTH:
        return f"The password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password may have at most {MAX_LENGTH} characters."
    forms = _forms(password)
    personal = _forms(login) | _forms(name) | {_SPACES.sub("", name.strip().lower())}
    if forms & personal:
        return "The password must not be the login or the agent's name."
    if forms & common:
        return "That password is too common: choose one that others do not use."
    return None
