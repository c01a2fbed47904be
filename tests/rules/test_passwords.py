"""The console's password rule: long enough, not common, not the login or the name."""

from __future__ import annotations

import pytest

from skill.rules.passwords import MIN_LENGTH, common_passwords, password_problem
from skill.usecases.team import COMMON_PASSWORDS_FILE

COMMON = common_passwords(["# a comment", "", "password", "Sommer", "qwertyuiop12"])


def problem(password: str, login: str = "maria", name: str = "Maria Schneider") -> str | None:
    return password_problem(password, login=login, name=name, common=COMMON)


def test_twelve_characters_are_the_least() -> None:
    assert problem("x" * (MIN_LENGTH - 1) + "") == "The password needs at least 12 characters."
    assert problem("tulpen-am-k") is not None
    assert problem("tulpen-am-ka") is None
    assert problem("y" * 201) == "The password may have at most 200 characters."


@pytest.mark.parametrize(
    "password",
    ["qwertyuiop12", "QWERTYUIOP12", "Password2026!", "P@ssw0rd-12345", "2026sommer!!!!"],
)
def test_common_passwords_are_refused_dressed_up_too(password: str) -> None:
    assert problem(password) == "That password is too common: choose one that others do not use."


@pytest.mark.parametrize(
    "password", ["maria schneider", "MariaSchneider", "maria-schneider-2026", "maria1234567890"]
)
def test_the_login_and_the_name_are_refused(password: str) -> None:
    assert problem(password) == "The password must not be the login or the agent's name."


def test_a_passphrase_with_a_common_word_inside_is_fine() -> None:
    assert problem("my password is a teapot") is None
    assert problem("sommer in der stadt") is None


def test_the_shipped_list_is_read_as_the_rule_compares_it() -> None:
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        shipped = common_passwords(lines)
    assert 1000 < len(shipped) < 5000
    assert {"password", "passwort", "qwertyuiop", "iloveyou", "123456789012"} <= shipped
    assert not any(entry.startswith("#") for entry in shipped)
    assert password_problem("Passwort123456", login="x1", name="X", common=shipped) is not None
