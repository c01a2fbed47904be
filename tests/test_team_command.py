"""``python -m skill team …``: a shop's agents and their console logins, first admin
included, on the configured table."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from werkzeug.security import check_password_hash

from skill.__main__ import main
from skill.config import Settings
from skill.storage import Stores
from skill.storage.team import TeamStore
from tests.stored import items

GOOD = "tulpen-am-kanal-42"


@pytest.fixture
def environ(settings: Settings, dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings the command reads, for the test's own table (without an endpoint:
    moto in this process)."""
    if settings.dynamodb_endpoint:
        monkeypatch.setenv("DYNAMODB_ENDPOINT", settings.dynamodb_endpoint)
    else:
        monkeypatch.delenv("DYNAMODB_ENDPOINT", raising=False)
    for name, value in {
        "TABLE_NAME": settings.table_name,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "PASSWORD_HASH_METHOD": settings.password_hash_method,
    }.items():
        monkeypatch.setenv(name, value)
    return settings


def team(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    """Run ``python -m skill team …`` in this process: exit status, stdout, stderr."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as exited:
        main(["team", *argv])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def add_maria(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = team(
        monkeypatch,
        capsys,
        "add",
        "Maria",
        "--name",
        "Maria Schneider",
        "--languages",
        "en,de",
        "--authority",
        "250",
        "--admin",
        "--line",
        "+49 30 1234567",
        "--hours",
        "Mon-Fri 08:00-18:00",
        "--time-zone",
        "Europe/Berlin",
        "--password-stdin",
        stdin=GOOD + "\n",
    )
    assert code == 0, err
    return out


def stored(stores: Stores, kind: str, key: str, value: str) -> dict[str, Any]:
    [item] = [i for i in items(stores, kind) if i[key] == value]
    return item


def test_add_stores_the_agent_and_a_scrypt_login(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = add_maria(monkeypatch, capsys)
    assert out.strip() == (
        "added maria: Maria Schneider, admin, languages en,de, may grant 250 USD, on duty, "
        "Mon-Fri 08:00-18:00 (Europe/Berlin)"
    )
    login = stored(stores, "login", "login", "maria")
    assert login["agent_id"] == "a-maria"
    assert login["password_hash"].startswith("scrypt:")
    assert check_password_hash(login["password_hash"], GOOD)
    agent = stored(stores, "agent", "agent_id", "a-maria")
    assert agent["name"] == "Maria Schneider"
    assert agent["first_name"] == "Maria"
    assert agent["languages"] == ["en", "de"]
    assert agent["authority_amount"] == 250
    assert agent["role"] == "admin"
    assert agent["on_duty"] is True
    assert agent["direct_line"] == "+49 30 1234567"
    assert agent["hours"] == "Mon-Fri 08:00-18:00"
    assert agent["time_zone"] == "Europe/Berlin"
    # A booking sees her on the team.
    assert [a.name for a in TeamStore(stores.client, stores.table).get().agents] == [
        "Maria Schneider"
    ]
    [entry] = items(stores, "audit")
    assert entry["action"] == "team_add"
    assert entry["agent_id"] == "command line"
    assert GOOD not in str(entry)
    assert "1234567" not in entry["detail"]


def test_a_second_add_of_the_same_login_is_refused_and_changes_nothing(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_maria(monkeypatch, capsys)
    before = stored(stores, "agent", "agent_id", "a-maria")
    code, out, err = team(
        monkeypatch,
        capsys,
        "add",
        "maria",
        "--name",
        "Maria Other",
        "--languages",
        "en",
        "--authority",
        "10",
        "--password-stdin",
        stdin="another-long-password\n",
    )
    assert code == 1
    assert out == ""
    assert err.strip() == "menschmoment: The login 'maria' exists already."
    assert stored(stores, "agent", "agent_id", "a-maria") == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--languages", "en,fr"], "Unknown language 'fr': choose from en, de"),
        (["--hours", "Mon-Fri 18:00-08:00", "--time-zone", "Europe/Berlin"], "Working hours:"),
        (["--hours", "Mon-Fri 08:00-18:00", "--time-zone", "Mars/Olympus"], "Unknown time zone"),
        (["--hours", "Mon-Fri 08:00-18:00"], "Give working hours and their time zone together"),
        (["--authority", "-5"], "Enter the authority as an amount"),
    ],
)
def test_add_with_a_value_it_cannot_use_says_which_and_stores_nothing(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    base = {"--name": "Jo Example", "--languages": "en", "--authority": "100"}
    for flag, value in zip(options[::2], options[1::2], strict=True):
        base[flag] = value
    argv = [part for pair in base.items() for part in pair]
    code, _, err = team(
        monkeypatch, capsys, "add", "jo", *argv, "--password-stdin", stdin=GOOD + "\n"
    )
    assert code == 1
    assert message in err
    assert items(stores, "login") == []
    assert items(stores, "agent") == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-one", "at least 12 characters"),
        ("Password2026!", "too common"),
        ("maria schneider", "must not be the login or the agent's name"),
    ],
)
def test_a_weak_password_is_refused_before_anything_is_stored(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    password: str,
    message: str,
) -> None:
    code, _, err = team(
        monkeypatch,
        capsys,
        "add",
        "maria",
        "--name",
        "Maria Schneider",
        "--languages",
        "en",
        "--authority",
        "250",
        "--password-stdin",
        stdin=password + "\n",
    )
    assert code == 1
    assert message in err
    assert items(stores, "login") == []


def test_the_password_prompt_asks_twice_and_refuses_two_different_ones(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    typed = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    argv = ["add", "jo", "--name", "Jo Example", "--languages", "en", "--authority", "1"]
    code, _, err = team(monkeypatch, capsys, *argv)
    assert code == 1
    assert "the two passwords differ" in err
    assert items(stores, "login") == []
    typed = iter([GOOD, GOOD])
    code, _, err = team(monkeypatch, capsys, *argv)
    assert code == 0, err
    assert check_password_hash(stored(stores, "login", "login", "jo")["password_hash"], GOOD)


def test_list_shows_the_team_without_hashes_or_contact_details(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_maria(monkeypatch, capsys)
    code, out, _ = team(
        monkeypatch,
        capsys,
        "add",
        "jonas",
        "--name",
        "Jonas Weber",
        "--languages",
        "de",
        "--authority",
        "100",
        "--currency",
        "eur",
        "--off-duty",
        "--email",
        "jonas@example.com",
        "--password-stdin",
        stdin="rote-fahrrad-klingel\n",
    )
    assert code == 0
    code, out, _ = team(monkeypatch, capsys, "list")
    assert code == 0
    lines = [line.split("  ") for line in out.splitlines()]
    assert [[cell.strip() for cell in line if cell.strip()] for line in lines] == [
        ["LOGIN", "NAME", "LANGUAGES", "AUTHORITY", "ADMIN", "ON DUTY", "DISABLED", "LOCKED"],
        ["jonas", "Jonas Weber", "de", "100 EUR", "no", "no", "no", "no"],
        ["maria", "Maria Schneider", "en,de", "250 USD", "yes", "yes", "no", "no"],
    ]
    assert "scrypt" not in out
    assert "1234567" not in out
    assert "example.com" not in out


def test_update_changes_what_is_given_and_keeps_the_rest(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_maria(monkeypatch, capsys)
    code, out, err = team(
        monkeypatch,
        capsys,
        "update",
        "maria",
        "--authority",
        "300",
        "--languages",
        "de",
        "--no-admin",
        "--off-duty",
        "--no-hours",
    )
    assert code == 0, err
    assert out.strip() == (
        "updated maria: Maria Schneider, agent, languages de, may grant 300 USD, off duty, "
        "service hours"
    )
    agent = stored(stores, "agent", "agent_id", "a-maria")
    assert (agent["authority_amount"], agent["languages"], agent["role"]) == (300, ["de"], "agent")
    assert agent["on_duty"] is False
    assert "hours" not in agent
    assert "time_zone" not in agent
    assert agent["direct_line"] == "+49 30 1234567"
    assert agent["name"] == "Maria Schneider"
    code, _, err = team(
        monkeypatch, capsys, "update", "maria", "--hours", "Sat 09:00-14:00", "--time-zone", "UTC"
    )
    assert code == 0, err
    agent = stored(stores, "agent", "agent_id", "a-maria")
    assert (agent["hours"], agent["time_zone"]) == ("Sat 09:00-14:00", "UTC")
    updates = [e["detail"] for e in items(stores, "audit") if e["action"] == "team_update"]
    assert sorted(updates) == sorted(
        [
            "maria: languages de; authority 300 USD; role agent; on duty: False; service hours",
            "maria: hours Sat 09:00-14:00 (UTC)",
        ]
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["update", "nobody", "--authority", "5"],
        ["disable", "nobody"],
        ["enable", "nobody"],
        ["unlock", "nobody"],
        ["password", "nobody", "--password-stdin"],
    ],
)
def test_an_unknown_login_is_named_and_the_exit_status_is_one(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    code, out, err = team(monkeypatch, capsys, *argv, stdin=GOOD + "\n")
    assert code == 1
    assert out == ""
    assert err.strip() == "menschmoment: There is no login 'nobody'."
    assert items(stores, "audit") == []


def test_password_sets_a_new_hash_and_ends_the_sessions(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_maria(monkeypatch, capsys)
    stores.logins.open_session("maria", "a-session-key")
    code, out, err = team(
        monkeypatch, capsys, "password", "maria", "--password-stdin", stdin="neue-tulpen-am-see\n"
    )
    assert code == 0, err
    assert "neue-tulpen" not in out
    login = stored(stores, "login", "login", "maria")
    assert check_password_hash(login["password_hash"], "neue-tulpen-am-see")
    assert login["password_hash"].startswith(environ.password_hash_method + "$")
    assert "session_key" not in login
    code, _, err = team(
        monkeypatch, capsys, "password", "maria", "--password-stdin", stdin="qwertyuiop123\n"
    )
    assert code == 1
    assert "too common" in err
    assert check_password_hash(
        stored(stores, "login", "login", "maria")["password_hash"], "neue-tulpen-am-see"
    )


def test_unlock_lifts_a_pause_and_list_shows_it_first(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_maria(monkeypatch, capsys)
    # Five failed sign-ins, as the console counts them, just now.
    from datetime import UTC, datetime

    from skill.usecases.sign_in import sign_in

    now = datetime.now(UTC)
    for _ in range(5):
        assert sign_in(stores, "maria", "wrong", now, lambda h, p: False) is None
    _, out, _ = team(monkeypatch, capsys, "list")
    assert "until " in out.splitlines()[1]
    code, out, err = team(monkeypatch, capsys, "unlock", "maria")
    assert code == 0, err
    assert out.strip() == "maria may sign in again"
    login = stored(stores, "login", "login", "maria")
    assert not {"failed_attempts", "failed_since", "paused_until"} & set(login)
    _, out, _ = team(monkeypatch, capsys, "list")
    assert out.splitlines()[1].rstrip().endswith("no")


def test_disable_ends_sign_ins_and_takes_the_agent_off_the_team(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_maria(monkeypatch, capsys)
    stores.logins.open_session("maria", "a-session-key")
    code, out, err = team(monkeypatch, capsys, "disable", "maria")
    assert code == 0, err
    login = stored(stores, "login", "login", "maria")
    assert login["disabled"] is True
    assert "session_key" not in login
    agent = stored(stores, "agent", "agent_id", "a-maria")
    assert (agent["disabled"], agent["on_duty"]) == (True, False)
    assert TeamStore(stores.client, stores.table).get().agents == []
    _, out, _ = team(monkeypatch, capsys, "list")
    assert out.splitlines()[1].split()[-3:] == ["no", "yes", "no"]


def test_enable_lets_a_disabled_login_sign_in_and_keeps_the_agent_off_duty(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_maria(monkeypatch, capsys)
    code, out, err = team(monkeypatch, capsys, "enable", "maria")
    assert (code, out) == (1, "")
    assert "maria is not disabled." in err
    assert team(monkeypatch, capsys, "disable", "maria")[0] == 0
    code, out, err = team(monkeypatch, capsys, "enable", "maria")
    assert code == 0, err
    assert out == "enabled maria: may sign in; off duty until set on\n"
    assert "disabled" not in stored(stores, "login", "login", "maria")
    agent = stored(stores, "agent", "agent_id", "a-maria")
    assert "disabled" not in agent and agent["on_duty"] is False
    [back] = TeamStore(stores.client, stores.table).get().agents
    assert (back.agent_id, back.on_duty) == ("a-maria", False)
    assert team(monkeypatch, capsys, "update", "maria", "--on-duty")[0] == 0
    [back] = TeamStore(stores.client, stores.table).get().agents
    assert (back.agent_id, back.on_duty) == ("a-maria", True)
    actions = [e["action"] for e in items(stores, "audit") if e["action"].startswith("team_")]
    assert actions.count("team_enable") == 1


def test_a_login_written_by_hand_joins_the_list_with_a_new_password(
    environ: Settings,
    stores: Stores,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The two items a shop wrote by hand before the command existed."""
    from skill.devtools.demo.data import PRIYA
    from skill.storage.codec import to_item

    TeamStore(stores.client, stores.table).put_agent(PRIYA)
    login = {"PK": "LOGIN#priya", "SK": "LOGIN", "kind": "login", "login": "priya"}
    stores.client.put_item(
        TableName=stores.table,
        Item=to_item({**login, "agent_id": PRIYA.agent_id, "password_hash": "scrypt:old"}),
    )
    _, out, _ = team(monkeypatch, capsys, "list")
    assert len(out.splitlines()) == 1  # the heading only
    code, _, err = team(
        monkeypatch, capsys, "password", "priya", "--password-stdin", stdin=GOOD + "\n"
    )
    assert code == 0, err
    _, out, _ = team(monkeypatch, capsys, "list")
    assert out.splitlines()[1].split()[:3] == ["priya", "Priya", "Patel"]
