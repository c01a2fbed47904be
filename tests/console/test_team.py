"""The Team page: admins add and change agents, set passwords, lift pauses, disable
logins, each audited; every agent changes their own password."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from werkzeug.security import check_password_hash

from skill.console.errors import GONE, NOT_YOUR_ROLE, STALE
from skill.storage import Stores
from tests.console.conftest import ACTION, Agent, MovableClock, sent_back_to_sign_in
from tests.stored import items

GOOD = "tulpen-am-kanal-42"


def new_agent(**fields: str) -> dict[str, str]:
    form = {
        "login": "lea",
        "name": "Lea Fischer",
        "languages": "de,en",
        "authority": "150",
        "currency": "EUR",
        "direct_line": "+49 30 5550199",
        "email": "lea@example.de",
        "hours": "Mon-Thu 09:00-17:00",
        "time_zone": "Europe/Berlin",
        "on_duty": "yes",
        "password": GOOD,
        "password_again": GOOD,
    }
    return {**form, **fields}


def audit(stores: Stores, action: str) -> list[dict[str, Any]]:
    return [entry for entry in items(stores, "audit") if entry["action"] == action]


def stored(stores: Stores, kind: str, key: str, value: str) -> dict[str, Any]:
    [item] = [i for i in items(stores, kind) if i.get(key) == value]
    return item


def error_of(text: str) -> str:
    [message] = re.findall(r'<p class="error" role="alert">(.*?)</p>', text, re.S)
    return html.unescape(message)


def test_the_admin_adds_an_agent_who_can_sign_in(
    agent: Callable[[str], Agent], demo_stores: Stores, console_app: Flask
) -> None:
    priya = agent("priya")
    page = priya.page("/console/team")
    assert page.status_code == 200
    assert "Maria Schneider" in page.text
    assert "maria-demo" not in page.text and "scrypt" not in page.text

    answer = priya.post("/console/team", ACTION.findall(page.text)[0], **new_agent())

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/console/team/lea?done=added")
    shown = priya.page(answer.headers["Location"]).text
    assert "Agent added. They can sign in now." in shown
    profile = stored(demo_stores, "agent", "agent_id", "a-lea")
    assert profile["name"] == "Lea Fischer"
    assert (profile["authority_amount"], profile["authority_currency"]) == (150, "EUR")
    assert (profile["hours"], profile["time_zone"]) == ("Mon-Thu 09:00-17:00", "Europe/Berlin")
    assert profile["role"] == "agent" and profile["on_duty"] is True
    login = stored(demo_stores, "login", "login", "lea")
    assert check_password_hash(login["password_hash"], GOOD)
    [entry] = audit(demo_stores, "team_add")
    assert entry["agent_id"] == "a-priya"
    assert entry["detail"].startswith("lea: added Lea Fischer, agent, languages de,en")
    assert GOOD not in str(entry) and "5550199" not in str(entry)
    assert Agent(console_app.test_client()).login("lea", GOOD).status_code == 302


def test_a_form_sent_twice_adds_once(agent: Callable[[str], Agent], demo_stores: Stores) -> None:
    priya = agent("priya")
    action_id = priya.action_id("/console/team")
    assert priya.post("/console/team", action_id, **new_agent()).status_code == 303
    assert priya.post("/console/team", action_id, **new_agent()).status_code == 303
    assert len(audit(demo_stores, "team_add")) == 1
    # Another form with a fresh id for the same login: taken.
    again = priya.post("/console/team", str(uuid.uuid4()), **new_agent())
    again = priya.landed(again)
    assert error_of(again.text) == "The login 'lea' exists already."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "kurz", "password_again": "kurz"}, "at least 12 characters"),
        (
            {"password": "Passwort2026!", "password_again": "Passwort2026!"},
            "That password is too common",
        ),
        (
            {"password": "lea fischer 2026", "password_again": "lea fischer 2026"},
            "must not be the login or the agent's name",
        ),
        ({"password_again": GOOD + "!"}, "The two passwords differ"),
        ({"languages": "en,fr"}, "Unknown language 'fr'"),
        ({"time_zone": "Europe/Atlantis"}, "Unknown time zone 'Europe/Atlantis'"),
        ({"hours": "Mon-Fri 17:00-09:00"}, "Working hours: closing before opening"),
        ({"authority": "ten"}, "Enter the authority as an amount"),
    ],
)
def test_what_cannot_be_used_is_refused_with_the_form_as_typed(
    agent: Callable[[str], Agent], demo_stores: Stores, fields: dict[str, str], message: str
) -> None:
    priya = agent("priya")
    answer = priya.post("/console/team", priya.action_id("/console/team"), **new_agent(**fields))
    answer = priya.landed(answer)
    assert message in error_of(answer.text)
    assert 'value="Lea Fischer"' in answer.text
    assert GOOD not in answer.text and "Passwort2026" not in answer.text
    assert [i for i in items(demo_stores, "login") if i["login"] == "lea"] == []
    assert audit(demo_stores, "team_add") == []


def test_names_are_escaped_on_the_team_page(
    agent: Callable[[str], Agent], demo_stores: Stores
) -> None:
    priya = agent("priya")
    name = '<script>alert("x")</script> Ann'
    answer = priya.post(
        "/console/team", priya.action_id("/console/team"), **new_agent(login="ann", name=name)
    )
    assert answer.status_code == 303
    page = priya.page("/console/team").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Ann" in page


def test_agents_get_403_on_every_team_route_and_change_nothing(
    agent: Callable[[str], Agent], demo_stores: Stores
) -> None:
    maria = agent("maria")
    maria.page("/console/")
    assert maria.page("/console/team").status_code == 403
    assert maria.page("/console/team/james").status_code == 403
    for path, form in [
        ("/console/team", new_agent()),
        ("/console/team/james/profile", {"authority": "9999"}),
        ("/console/team/james/password", {"password": GOOD, "password_again": GOOD}),
        ("/console/team/james/unlock", {}),
        ("/console/team/james/disable", {}),
        ("/console/team/james/enable", {}),
    ]:
        refused = maria.post(path, str(uuid.uuid4()), **form)
        assert refused.status_code == 303, path
        assert refused.headers["Location"] == "/console/", path  # the team's pages are not hers
        assert maria.page("/console/").text.count(html.escape(NOT_YOUR_ROLE)) == 1, path
        assert NOT_YOUR_ROLE not in maria.page("/console/").text  # said once
    assert [e for e in items(demo_stores, "audit") if e["action"].startswith("team_")] == []
    assert "Team</a>" not in maria.page("/console/").text


def test_every_team_change_needs_the_csrf_token(
    agent: Callable[[str], Agent], demo_stores: Stores
) -> None:
    priya = agent("priya")
    action_id = priya.action_id("/console/team")
    sent = priya.client.post("/console/team", data={"action_id": action_id, **new_agent()})
    assert sent.status_code == 303 and sent.headers["Location"] == "/console/team"
    again = priya.page("/console/team").text
    assert error_of(again) == STALE
    assert 'value="lea"' in again and "Lea Fischer" in again  # the form as typed
    assert GOOD not in again  # never the password
    disabled = priya.client.post(
        "/console/team/james/disable", data={"action_id": str(uuid.uuid4())}
    )
    assert disabled.status_code == 303 and disabled.headers["Location"] == "/console/team/james"
    assert error_of(priya.page("/console/team/james").text) == STALE
    assert items(demo_stores, "audit") == []
    assert demo_stores.logins.get("james") is not None
    assert not demo_stores.logins.get("james").disabled  # type: ignore[union-attr]


def test_the_admin_changes_an_agents_profile_and_the_trail_says_what(
    agent: Callable[[str], Agent], demo_stores: Stores
) -> None:
    priya = agent("priya")
    page = priya.page("/console/team/james").text
    form = {
        "name": "James Carter",
        "languages": "en,de",
        "authority": "175",
        "currency": "USD",
        "direct_line": "+44 20 7946 0122",
        "email": "james.carter@example.com",
        "hours": "Sat-Sun 10:00-16:00",
        "time_zone": "America/Chicago",
        "admin": "",
    }  # on_duty unticked: off duty
    answer = priya.post("/console/team/james/profile", ACTION.findall(page)[0], **form)
    assert answer.status_code == 303
    assert "Changes saved." in priya.page(answer.headers["Location"]).text
    profile = stored(demo_stores, "agent", "agent_id", "a-james")
    assert profile["languages"] == ["en", "de"]
    assert profile["authority_amount"] == 175
    assert profile["on_duty"] is False
    assert (profile["hours"], profile["time_zone"]) == ("Sat-Sun 10:00-16:00", "America/Chicago")
    [entry] = audit(demo_stores, "team_update")
    assert entry["detail"] == (
        "james: languages en,de; authority 175 USD; on duty: False; "
        "hours Sat-Sun 10:00-16:00 (America/Chicago)"
    )
    # The same values again: nothing to change, said so.
    again = priya.post("/console/team/james/profile", str(uuid.uuid4()), **form)
    again = priya.landed(again)
    assert "Nothing to change" in error_of(again.text)


def test_an_admin_cannot_disable_or_demote_themselves(
    agent: Callable[[str], Agent], demo_stores: Stores
) -> None:
    priya = agent("priya")
    page = priya.page("/console/team/priya").text
    assert "Disable this login" not in page
    refused = priya.post("/console/team/priya/disable", str(uuid.uuid4()))
    refused = priya.landed(refused)
    assert "You cannot disable your own login" in error_of(refused.text)
    demoted = priya.post(
        "/console/team/priya/profile",
        str(uuid.uuid4()),
        name="Priya Patel",
        languages="en",
        authority="500",
        currency="USD",
    )
    demoted = priya.landed(demoted)
    assert "You cannot take away your own admin role" in error_of(demoted.text)
    assert stored(demo_stores, "agent", "agent_id", "a-priya")["role"] == "admin"


def test_an_unknown_login_is_404(agent: Callable[[str], Agent]) -> None:
    priya = agent("priya")
    priya.page("/console/team")
    assert priya.page("/console/team/nobody").status_code == 404
    gone = priya.post("/console/team/nobody/unlock", str(uuid.uuid4()))
    assert gone.status_code == 303 and gone.headers["Location"] == "/console/team"
    assert error_of(priya.page("/console/team").text) == GONE


def test_the_admin_resets_a_password_and_ends_the_agents_sessions(
    agent: Callable[[str], Agent], demo_stores: Stores, console_app: Flask
) -> None:
    james = agent("james")
    assert james.page("/console/").status_code == 200
    priya = agent("priya")
    action_id = priya.action_id("/console/team/james")
    weak = priya.post(
        "/console/team/james/password",
        action_id,
        password="james-carter",
        password_again="james-carter",
    )
    weak = priya.landed(weak)
    assert error_of(weak.text) == "The password must not be the login or the agent's name."
    answer = priya.post(
        "/console/team/james/password", action_id, password=GOOD, password_again=GOOD
    )
    assert answer.status_code == 303
    assert james.page("/console/").status_code == 302  # signed out
    assert sent_back_to_sign_in(Agent(console_app.test_client()).login("james"))
    assert Agent(console_app.test_client()).login("james", GOOD).status_code == 302
    [entry] = audit(demo_stores, "team_password")
    assert entry["detail"] == "james: new password set"


def test_the_admin_lifts_a_pause_and_disables_a_login(
    agent: Callable[[str], Agent],
    demo_stores: Stores,
    console_app: Flask,
    console_clock: MovableClock,
) -> None:
    for _ in range(5):
        Agent(console_app.test_client()).login("jonas", "guess")
    priya = agent("priya")
    team_page = priya.page("/console/team").text
    # 15:15 UTC, in the console's one format for times: the team's zone, named.
    assert "paused until Mon 23 Nov 2026, 10:15 EST" in team_page
    page = priya.page("/console/team/jonas").text
    assert "Paused after failed sign-ins until Mon 23 Nov 2026, 10:15 EST." in page
    [unlock_id] = re.findall(
        r'action="/console/team/jonas/unlock">\s*<input[^>]+>\s*'
        r'<input type="hidden" name="action_id" value="([^"]+)"',
        page,
    )
    assert priya.post("/console/team/jonas/unlock", unlock_id).status_code == 303
    assert Agent(console_app.test_client()).login("jonas").status_code == 302
    jonas = agent("jonas")
    assert jonas.page("/console/").status_code == 200

    assert priya.post("/console/team/jonas/disable", str(uuid.uuid4())).status_code == 303
    assert jonas.page("/console/").status_code == 302
    assert sent_back_to_sign_in(Agent(console_app.test_client()).login("jonas"))
    assert "a-jonas" not in {a.agent_id for a in demo_stores.team.get().agents}
    assert "disabled" in priya.page("/console/team").text
    assert [e["detail"] for e in audit(demo_stores, "team_unlock")] == [
        "jonas: sign-in pause lifted"
    ]
    assert [e["detail"] for e in audit(demo_stores, "team_disable")] == ["jonas: disabled"]
    failed = [e for e in audit(demo_stores, "login_failed") if "disabled" in e["detail"]]
    assert failed

    page = priya.page("/console/team/jonas").text
    [enable_id] = re.findall(
        r'action="/console/team/jonas/enable">\s*<input[^>]+>\s*'
        r'<input type="hidden" name="action_id" value="([^"]+)"',
        page,
    )
    enabled = priya.post("/console/team/jonas/enable", enable_id)
    assert enabled.status_code == 303
    assert "Login enabled" in priya.page(enabled.headers["Location"]).text
    assert Agent(console_app.test_client()).login("jonas").status_code == 302
    assert {a.agent_id: a.on_duty for a in demo_stores.team.get().agents}["a-jonas"] is False
    assert [e["detail"] for e in audit(demo_stores, "team_enable")] == ["jonas: enabled"]
    again = priya.post("/console/team/jonas/enable", str(uuid.uuid4()))
    again = priya.landed(again)
    assert "jonas is not disabled." in error_of(again.text)


def test_an_agent_changes_their_own_password(
    agent: Callable[[str], Agent], demo_stores: Stores, console_app: Flask
) -> None:
    maria = agent("maria")
    action_id = maria.action_id("/console/password")
    answer = maria.post(
        "/console/password",
        action_id,
        current_password="maria-demo",
        new_password=GOOD,
        password_again=GOOD,
    )
    assert answer.status_code == 303
    login_page = maria.page(answer.headers["Location"]).text
    assert "Your password was changed" in login_page
    assert maria.page("/console/").status_code == 302  # every session ended
    assert sent_back_to_sign_in(Agent(console_app.test_client()).login("maria"))
    assert Agent(console_app.test_client()).login("maria", GOOD).status_code == 302
    [entry] = audit(demo_stores, "password_change")
    assert (entry["agent_id"], entry["detail"]) == ("a-maria", "maria: changed their own password")


@pytest.mark.parametrize(
    ("fields", "counted", "message"),
    [
        (
            {"current_password": "wrong"},
            True,
            "Your current password was not right, so nothing changed.",
        ),
        (
            {"new_password": "qwertyuiop123", "password_again": "qwertyuiop123"},
            False,
            "That password is too common",
        ),
        (
            {"new_password": "short", "password_again": "short"},
            False,
            "The password needs at least 12 characters.",
        ),
        ({"password_again": "something-else"}, False, "The two new passwords differ"),
    ],
)
def test_an_own_password_change_is_refused_with_a_clear_message(
    agent: Callable[[str], Agent],
    demo_stores: Stores,
    fields: dict[str, str],
    counted: bool,
    message: str,
) -> None:
    maria = agent("maria")
    before = stored(demo_stores, "login", "login", "maria")["password_hash"]
    form = {"current_password": "maria-demo", "new_password": GOOD, "password_again": GOOD}
    sent = maria.post("/console/password", maria.action_id("/console/password"), **form | fields)
    # What the session keeps for the page it lands on holds no password.
    with maria.client.session_transaction("/console/") as session:
        kept = str(session["refusal"])
    assert message in kept
    assert all(p not in kept for p in ("maria-demo", GOOD, "something-else", "short"))
    answer = maria.landed(sent)
    assert message in error_of(answer.text)
    assert stored(demo_stores, "login", "login", "maria")["password_hash"] == before
    assert maria.page("/console/").status_code == 200  # still signed in
    assert audit(demo_stores, "password_change") == []
    if counted:  # counted like a failed sign-in
        assert [e["detail"] for e in audit(demo_stores, "login_failed")] == [
            "login 'maria': wrong password"
        ]
