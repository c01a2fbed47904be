"""What an agent's profile may hold, as typed by an admin: login, name, languages,
authority, working hours. Pure checks; each says what to type instead.

An agent's own working hours are written like ``SERVICE_HOURS`` and need their time
zone; without them the agent works the service team's hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from skill.rules.dates import known_zone
from skill.rules.service_hours import ServiceHours, ServiceHoursError

# The languages the skill speaks (the first part of each of skill.config.LOCALES).
LANGUAGES = ("en", "de")
# What an agent types to sign in: short, lower case, nothing a shell or a URL mangles.
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
LONGEST_NAME = 100
# Nobody may grant more alone than any single grant may be worth (skill.rules.grants).
LARGEST_AUTHORITY = Decimal("1000000")


class ProfileError(ValueError):
    """A value an admin typed cannot be used; the message says what to type."""


@dataclass(frozen=True)
class WorkingHours:
    """An agent's own hours, as stored: the text and its IANA time zone."""

    hours: str
    time_zone: str


def login_name(text: str) -> str:
    """The login as stored (lower case), or ProfileError."""
    login = text.strip().lower()
    if not _LOGIN.match(login):
        raise ProfileError(
            "A login has 2 to 40 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit."
        )
    return login


def full_name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > LONGEST_NAME:
        raise ProfileError(f"Enter the agent's name (at most {LONGEST_NAME} characters).")
    return name


def first_name(name: str) -> str:
    """What the skill says: "Maria will call you"."""
    return name.split(" ")[0]


def languages(text: str) -> tuple[str, ...]:
    """``"en,de"``: the languages in the order given, each once."""
    chosen: list[str] = []
    for part in re.split(r"[\s,]+", text.strip().lower()):
        if not part:
            continue
        if part not in LANGUAGES:
            raise ProfileError(
                f"Unknown language {part[:20]!r}: choose from {', '.join(LANGUAGES)} "
                "(comma-separated, e.g. en,de)."
            )
        if part not in chosen:
            chosen.append(part)
    if not chosen:
        raise ProfileError(f"Give at least one language: {', '.join(LANGUAGES)}.")
    return tuple(chosen)


def authority(text: str) -> Decimal:
    """The largest remedy the agent may grant alone: a number, zero or more, in cents."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if (
        not amount.is_finite()
        or amount < 0
        or amount > LARGEST_AUTHORITY
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise ProfileError(
            "Enter the authority as an amount like 250 or 99.50: zero or more, "
            f"at most {LARGEST_AUTHORITY:,}."
        )
    return amount


def currency(text: str) -> str:
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise ProfileError("Enter the currency as its three-letter code, e.g. USD or EUR.")
    return code


def working_hours(hours: str, time_zone: str) -> WorkingHours | None:
    """Both, checked, or neither (None: the service team's hours)."""
    hours, time_zone = hours.strip(), time_zone.strip()
    if not hours and not time_zone:
        return None
    if not hours or not time_zone:
        raise ProfileError(
            "Give working hours and their time zone together, e.g. "
            "'Mon-Fri 08:00-18:00' and Europe/Berlin."
        )
    try:
        ServiceHours.parse(hours)
    except ServiceHoursError as error:
        raise ProfileError(f"Working hours: {error}.") from error
    if not known_zone(time_zone) or ("/" not in time_zone and time_zone != "UTC"):
        raise ProfileError(
            f"Unknown time zone {time_zone[:40]!r}: give its IANA name, e.g. Europe/Berlin."
        )
    return WorkingHours(hours, time_zone)
