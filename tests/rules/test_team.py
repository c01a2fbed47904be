"""What an admin may type for an agent: login, name, languages, authority, hours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from skill.config import LOCALES
from skill.rules.team import (
    LANGUAGES,
    ProfileError,
    WorkingHours,
    authority,
    currency,
    first_name,
    full_name,
    languages,
    login_name,
    working_hours,
)


def test_logins_are_short_lower_case_and_plain() -> None:
    assert login_name(" Maria.S ") == "maria.s"
    for bad in ("m", "-maria", "maria schneider", "märia", "x" * 41, "a/b"):
        with pytest.raises(ProfileError, match="A login has 2 to 40 characters"):
            login_name(bad)


def test_names_are_tidied_and_the_first_name_is_what_the_skill_says() -> None:
    assert full_name("  Maria   Schneider ") == "Maria Schneider"
    assert first_name("Maria Schneider") == "Maria"
    with pytest.raises(ProfileError):
        full_name("   ")


def test_the_languages_are_those_the_skill_speaks() -> None:
    assert set(LANGUAGES) == {locale.split("-")[0] for locale in LOCALES}
    assert languages("EN, de,en") == ("en", "de")
    with pytest.raises(ProfileError, match="Unknown language 'fr': choose from en, de"):
        languages("en,fr")
    with pytest.raises(ProfileError, match="at least one language"):
        languages(" , ")


def test_authority_is_an_amount_from_zero_in_cents() -> None:
    assert authority("250") == Decimal(250)
    assert authority("99.50") == Decimal("99.50")
    assert authority("0") == 0
    for bad in ("-1", "ten", "1.005", "NaN", "Infinity", "1e9", ""):
        with pytest.raises(ProfileError, match="Enter the authority"):
            authority(bad)
    assert currency(" eur ") == "EUR"
    with pytest.raises(ProfileError):
        currency("euro")


def test_working_hours_come_with_their_zone_or_not_at_all() -> None:
    assert working_hours("Mon-Fri 08:00-18:00", "Europe/Berlin") == WorkingHours(
        "Mon-Fri 08:00-18:00", "Europe/Berlin"
    )
    assert working_hours(" ", "") is None
    with pytest.raises(ProfileError, match="together"):
        working_hours("Mon-Fri 08:00-18:00", "")
    with pytest.raises(ProfileError, match="together"):
        working_hours("", "Europe/Berlin")
    with pytest.raises(ProfileError, match="Working hours: closing before opening"):
        working_hours("Mon 18:00-08:00", "Europe/Berlin")
    with pytest.raises(ProfileError, match="Working hours: cannot read"):
        working_hours("weekdays", "Europe/Berlin")
    for zone in ("Mars/Olympus", "EST", "../etc/passwd"):
        with pytest.raises(ProfileError, match="Unknown time zone"):
            working_hours("Mon 08:00-18:00", zone)
