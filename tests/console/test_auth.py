"""Signing in and out: password hashes, the session cookie, CSRF, pauses, roles, and how
long a session lasts."""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from skill.config import Settings
from skill.console import Console
from skill.console.errors import SIGN_IN_EXPIRED, SIGNED_OUT, STALE
from skill.storage import Stores
from skill.storage.client import dynamodb_client
from skill.web import create_app
from tests.console.conftest import Agent, MovableClock, sent_back_to_sign_in
from tests.faults import THROTTLING, FaultyTable, simulate_time
from tests.stored import items

GENERIC = "Sign-in failed. Check your login and password."
ENDED = "You were signed out: after 30 minutes without activity"
COOKIE = "menschmoment_console"
POLL = {"X-Requested-With": "fetch"}


def stored_login(stores: Stores, login: str) -> dict[str, Any]:
    """The login's item as the table holds it."""
    [item] = [i for i in items(stores, "login") if i["login"] == login]
    return item


def audit_rows(stores: Stores) -> list[dict[str, Any]]:
    return sorted(items(stores, "audit"), key=lambda row: str(row["SK"]))


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, int, int, int]]:
    """Every scrypt computed, as (salt, n, r, p): werkzeug's hashing goes through it."""
    calls: list[tuple[bytes, int, int, int]] = []
    real = hashlib.scrypt

    def counted(password: bytes, *, salt: bytes, n: int, r: int, p: int, **more: Any) -> bytes:
        calls.append((salt, n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, **more)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return calls


def salt_of(stores: Stores, login: str) -> bytes:
    stored = stores.logins.get(login)
    assert stored is not None
    return stored.password_hash.split("$")[1].encode()


def the_cookie(browser: Agent) -> str:
    cookie = browser.client.get_cookie(COOKIE, path="/console")
    assert cookie is not None
    return cookie.value


def cookie_end(browser: Agent) -> datetime:
    """When the browser forgets the session cookie (its Expires)."""
    cookie = browser.client.get_cookie(COOKIE, path="/console")
    assert cookie is not None and cookie.expires is not None
    return cookie.expires


def with_cookie(app: Flask, value: str) -> Agent:
    """Another browser that sends ``value`` as its session cookie (a copied cookie)."""
    other = Agent(app.test_client())
    other.client.set_cookie(COOKIE, value, path="/console")
    return other


def app_with(console_app: Flask, **changes: Any) -> Flask:
    """The same skill with the test's console, changed (another client, the demo's HTTP)."""
    console: Console = console_app.extensions["menschmoment.console"]
    app = create_app(
        console_app.extensions["menschmoment.skill"],
        verifier=None,
        console=replace(console, **changes),
    )
    app.testing = True
    return app


def signed_out(response: TestResponse) -> bool:
    return response.status_code == 302 and response.headers["Location"] == "/console/login"


def test_signed_out_pages_lead_to_the_sign_in(console_app: Flask) -> None:
    client = console_app.test_client()
    for path in ("/console/", "/console/mine", "/console/promises", "/console/audit"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/console/login"
    assert (
        client.get("/console/queue/rows", headers={"X-Requested-With": "fetch"}).status_code == 401
    )
    sent = client.post("/console/callbacks/x/claim", data={"note": "Called, no answer"})
    assert sent_back_to_sign_in(sent)  # no session, so no CSRF token either
    page = client.get("/console/login").text
    assert SIGNED_OUT in page and "Called, no answer" in page


def test_a_demo_login_opens_the_queue_with_a_safe_cookie(console_app: Flask) -> None:
    browser = Agent(console_app.test_client())
    response = browser.login("maria")

    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie  # outside the demo
    assert "Path=/console" in cookie
    queue = browser.page("/console/")
    assert queue.status_code == 200
    assert "Maria Schneider" in queue.text
    assert "Callback queue" in queue.text


def test_passwords_are_stored_as_hashes(console_app: Flask, demo_stores: Stores) -> None:
    stored = demo_stores.logins.get("maria")
    assert stored is not None
    assert stored.agent_id == "a-maria"
    assert stored.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert "maria-demo" not in stored.password_hash


def test_unknown_paused_and_wrong_logins_get_the_same_page(
    console_app: Flask, console_clock: MovableClock
) -> None:
    for _ in range(5):
        Agent(console_app.test_client()).login("jonas", "guess")
    console_clock.advance(minutes=1)

    browsers = {kind: Agent(console_app.test_client()) for kind in ("unknown", "paused", "wrong")}
    answers = {
        "unknown": browsers["unknown"].login("nobody", "nope"),
        "paused": browsers["paused"].login("jonas", "jonas-demo"),
        "wrong": browsers["wrong"].login("maria", "nope"),
    }
    assert all(sent_back_to_sign_in(answer) for answer in answers.values())
    pages = {kind: browsers[kind].landed(answer) for kind, answer in answers.items()}
    for page in pages.values():
        assert GENERIC in page.text

    def without_name_and_token(page: TestResponse, name: str) -> str:
        return re.sub(r'name="csrf" value="[^"]+"', "", page.text).replace(name, "NAME")

    assert (
        without_name_and_token(pages["unknown"], "nobody")
        == without_name_and_token(pages["paused"], "jonas")
        == without_name_and_token(pages["wrong"], "maria")
    )


def test_unknown_paused_and_wrong_logins_each_compute_one_scrypt_of_the_same_cost(
    console_app: Flask, demo_stores: Stores, scrypt_calls: list[tuple[bytes, int, int, int]]
) -> None:
    for _ in range(5):
        Agent(console_app.test_client()).login("jonas", "guess")
    maria, jonas = salt_of(demo_stores, "maria"), salt_of(demo_stores, "jonas")

    costs = {}
    for kind, login, password in [
        ("unknown", "nobody", "nope"),
        ("paused", "jonas", "jonas-demo"),  # the right password, while paused
        ("wrong", "maria", "nope"),
        ("right", "maria", "maria-demo"),
    ]:
        scrypt_calls.clear()
        Agent(console_app.test_client()).login(login, password)
        assert len(scrypt_calls) == 1, kind
        [(salt, *cost)] = scrypt_calls
        costs[kind] = tuple(cost)
        if kind in ("wrong", "right"):
            assert salt == maria
        else:  # nothing to check against: a dummy of the same cost
            assert salt not in (maria, jonas), kind
    assert set(costs.values()) == {(1024, 8, 1)}  # the test settings' method


def test_a_sign_in_the_table_cannot_count_is_not_checked(
    console_app: Flask, demo_stores: Stores, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    table.fail("UpdateItem", THROTTLING)
    for login, password in (("maria", "maria-demo"), ("nobody", "nope")):
        browser = Agent(console_app.test_client())
        sent = browser.login(login, password)
        assert sent_back_to_sign_in(sent)
        answer = browser.landed(sent)
        assert "Sign-in is not possible just now" in answer.text
        assert f'value="{login}"' in answer.text
        assert GENERIC not in answer.text
    assert "failed_attempts" not in stored_login(demo_stores, "maria")
    assert not [row for row in audit_rows(demo_stores) if row["action"] == "login"]


def test_a_table_that_does_not_answer_is_said_so(
    agent: Callable[[str], Agent], dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    table.fail("Query", THROTTLING)
    response = agent("maria").page("/console/")
    assert response.status_code == 503
    assert "could not be loaded just now" in response.text
    assert "Try again" not in response.text  # nothing to send again


def test_five_failures_pause_the_login_even_for_the_right_password(
    console_app: Flask, console_clock: MovableClock, demo_stores: Stores
) -> None:
    browser = Agent(console_app.test_client())
    for _ in range(5):
        assert sent_back_to_sign_in(browser.login("james", "guess"))
        console_clock.advance(minutes=1)

    sent = browser.login("james")
    assert sent_back_to_sign_in(sent)
    locked = browser.landed(sent)
    assert GENERIC in locked.text
    assert GENERIC not in browser.page("/console/login").text  # said once
    assert stored_login(demo_stores, "james")["failed_attempts"] == 6

    console_clock.advance(minutes=15)
    assert browser.login("james").status_code == 302
    assert "failed_attempts" not in stored_login(demo_stores, "james")


@pytest.mark.slow  # twelve threads, 37 sign-ins, five scrypt checks
def test_parallel_guesses_are_all_counted_and_only_five_are_checked(
    console_app: Flask,
    console_clock: MovableClock,
    settings: Settings,
    scrypt_calls: list[tuple[bytes, int, int, int]],
) -> None:
    """36 wrong passwords from 12 threads at once, then the right one."""
    # moto answers one request at a time; with twelve threads hashing on a small machine
    # an answer can take longer than the production read timeout (1 s), and botocore
    # would send an ADD that was already applied again, counting it twice (the safe way
    # to be wrong). A patient client keeps the count exact, so it shows none was lost.
    patient = Stores(
        dynamodb_client(settings.with_changes(dynamodb_read_timeout=60), local=True),
        settings.table_name,
    )
    app = app_with(console_app, stores=patient)
    start = threading.Barrier(12)

    def guess_three_times(thread: int) -> list[int]:
        statuses = []
        for round_ in range(3):
            browser = Agent(app.test_client())
            start.wait(timeout=60)
            answer = browser.login("james", f"guess-{thread}-{round_}")
            statuses.append(answer.status_code if sent_back_to_sign_in(answer) else 0)
        return statuses

    with ThreadPoolExecutor(12) as pool:
        statuses = [s for batch in pool.map(guess_three_times, range(12)) for s in batch]

    assert statuses == [303] * 36
    assert stored_login(patient, "james")["failed_attempts"] == 36
    checked = [call for call in scrypt_calls if call[0] == salt_of(patient, "james")]
    assert len(checked) == 5  # the rest were refused unchecked

    browser = Agent(app.test_client())
    sent = browser.login("james")
    assert sent_back_to_sign_in(sent)
    refused = browser.landed(sent)
    assert GENERIC in refused.text
    assert stored_login(patient, "james")["failed_attempts"] == 37

    console_clock.advance(minutes=15)
    assert Agent(app.test_client()).login("james").status_code == 302


def test_failed_sign_ins_and_pauses_are_in_the_audit_trail_without_passwords(
    console_app: Flask, console_clock: MovableClock, demo_stores: Stores
) -> None:
    for login, password in [
        *[("james", f"secret-guess-{number}") for number in range(5)],
        ("james", "james-demo"),  # paused
        ("nobody", "secret-guess-x"),
    ]:
        Agent(console_app.test_client()).login(login, password)
        console_clock.advance(seconds=1)  # the trail's order

    rows = audit_rows(demo_stores)
    assert [(row["action"], row["detail"]) for row in rows] == [
        *[("login_failed", "login 'james': wrong password")] * 4,
        ("login_paused", "login 'james': 5 failed sign-ins, paused until 15:15 UTC"),
        ("login_failed", "login 'james': paused"),
        ("login_failed", "login 'nobody': no such login"),
    ]
    assert {row["agent_id"] for row in rows} == {""}  # nobody was signed in
    assert not [row for row in rows if "secret-guess" in str(row) or "-demo" in str(row)]

    priya = Agent(console_app.test_client())
    priya.login("priya")
    audit = priya.page("/console/audit").text
    assert "login paused" in audit
    assert "login &#39;james&#39;: 5 failed sign-ins, paused until 15:15 UTC" in audit


def test_four_failures_do_not_lock(console_app: Flask) -> None:
    browser = Agent(console_app.test_client())
    for _ in range(4):
        browser.login("jonas", "guess")
    assert browser.login("jonas").status_code == 302


def test_a_form_without_the_session_token_is_refused(
    agent: Callable[[str], Agent], talk: Callable[..., Any], demo_stores: Stores
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    [callback] = demo_stores.queue.open_callbacks()
    maria = agent("maria")
    action_id = maria.action_id(f"/console/callbacks/{callback.callback_id}")
    path = f"/console/callbacks/{callback.callback_id}/claim"

    for token in ({}, {"csrf": "forged"}):  # missing, forged
        refused = maria.client.post(path, data={"action_id": action_id, **token})
        assert refused.status_code == 303
        assert refused.headers["Location"] == f"/console/callbacks/{callback.callback_id}"
        assert html.escape(STALE) in maria.page(refused.headers["Location"]).text
    assert demo_stores.callbacks.get(callback.callback_id).status.value == "waiting"  # type: ignore[union-attr]
    # The same form with the token goes through.
    assert maria.post(path, action_id).status_code == 303


def test_the_sign_in_form_itself_needs_the_token(console_app: Flask) -> None:
    client = console_app.test_client()
    response = client.post("/console/login", data={"login": "maria", "password": "maria-demo"})
    assert sent_back_to_sign_in(response)
    page = client.get("/console/login").text
    assert SIGN_IN_EXPIRED in page
    assert 'value="maria"' in page and "maria-demo" not in page
    assert client.get("/console/").status_code == 302  # not signed in


def test_sign_out_ends_the_session(agent: Callable[[str], Agent]) -> None:
    maria = agent("maria")
    assert maria.post("/console/logout").status_code == 302
    assert maria.client.get("/console/").status_code == 302


def test_after_sign_out_a_copy_of_the_cookie_gets_the_sign_in_page(
    console_app: Flask, console_clock: MovableClock, demo_stores: Stores
) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    old_cookie, old_token = the_cookie(maria), maria.csrf
    copied = with_cookie(console_app, old_cookie)
    assert copied.page("/console/").status_code == 200  # the copy works, for now

    console_clock.advance(seconds=1)  # the trail's order
    assert maria.post("/console/logout").status_code == 302
    assert signed_out(copied.client.get("/console/"))
    assert ENDED in copied.page("/console/login").text
    poll = with_cookie(console_app, old_cookie).client.get("/console/queue/rows", headers=POLL)
    assert poll.status_code == 401
    assert [row["action"] for row in audit_rows(demo_stores)] == ["login", "logout"]

    # Signed in again, the old cookie cannot sign the new session out either.
    console_clock.advance(seconds=1)
    maria.login("maria")
    stale = with_cookie(console_app, old_cookie)
    stale.csrf = old_token
    assert stale.post("/console/logout").status_code == 302
    assert maria.page("/console/").status_code == 200
    assert [row["action"] for row in audit_rows(demo_stores)] == ["login", "logout", "login"]


def test_a_new_password_ends_every_session(console_app: Flask, demo_stores: Stores) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    stored = demo_stores.logins.get("maria")
    assert stored is not None
    demo_stores.logins.put("maria", stored.agent_id, stored.password_hash)  # written again
    assert signed_out(maria.client.get("/console/"))


def test_thirty_minutes_without_an_action_sign_the_agent_out(
    console_app: Flask, console_clock: MovableClock
) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    console_clock.advance(minutes=29)
    assert maria.page("/console/").status_code == 200  # an action: idle from here
    console_clock.advance(minutes=29)
    assert maria.page("/console/mine").status_code == 200
    console_clock.advance(minutes=31)
    assert signed_out(maria.client.get("/console/"))
    assert ENDED in maria.page("/console/login").text


def test_a_poll_is_answered_but_does_not_count_as_an_action(
    console_app: Flask, console_clock: MovableClock
) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    console_clock.advance(minutes=29)
    poll = maria.client.get("/console/queue/rows", headers=POLL)
    assert poll.status_code == 200
    assert "Set-Cookie" not in poll.headers
    console_clock.advance(minutes=1)  # 30 minutes after signing in, 1 after the poll
    assert maria.client.get("/console/queue/rows", headers=POLL).status_code == 401
    assert signed_out(maria.client.get("/console/"))


@pytest.mark.slow
def test_the_queue_polling_every_five_seconds_does_not_keep_the_session_alive(
    console_app: Flask, console_clock: MovableClock
) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    assert maria.page("/console/").status_code == 200
    polls = []
    for _ in range(30 * 60 // 5 - 1):  # up to 29:55
        console_clock.advance(seconds=5)
        answer = maria.client.get("/console/queue/rows", headers=POLL)
        polls.append(answer.status_code)
        assert "Set-Cookie" not in answer.headers  # the cookie is left as it is
    assert set(polls) == {200}

    console_clock.advance(seconds=5)  # 30 minutes after the last action
    assert maria.client.get("/console/queue/rows", headers=POLL).status_code == 401
    # The page reloads itself on a 401 and finds the sign-in form.
    assert signed_out(maria.client.get("/console/"))
    assert ENDED in maria.page("/console/login").text


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(
    console_app: Flask, console_clock: MovableClock
) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    for _ in range(12 * 60 // 25):  # an action every 25 minutes, to 11:40
        console_clock.advance(minutes=25)
        assert maria.page("/console/").status_code == 200
    console_clock.advance(minutes=20)
    assert signed_out(maria.client.get("/console/"))


def test_the_cookie_is_written_on_sign_in_and_actions_and_keeps_its_end(
    console_app: Flask, console_clock: MovableClock
) -> None:
    maria = Agent(console_app.test_client())
    signed_in = maria.login("maria")
    assert "Set-Cookie" in signed_in.headers
    first_end = cookie_end(maria)

    assert "Set-Cookie" not in maria.client.get("/console/").headers  # within the minute
    assert "Set-Cookie" not in maria.client.get("/console/queue/rows", headers=POLL).headers
    for _ in range(6 * 60 // 20):  # six hours of work
        console_clock.advance(minutes=20)
        assert "Set-Cookie" in maria.client.get("/console/").headers  # the action, recorded
    later_end = cookie_end(maria)
    # Still the end of the twelve hours from sign-in, not twelve fresh hours.
    assert (first_end - later_end).total_seconds() > 5 * 3600


def test_https_is_required_outside_the_demo(
    console_app: Flask, agent: Callable[[str], Agent]
) -> None:
    production = console_app.test_client()
    assert (
        production.get("/console/login").headers["Strict-Transport-Security"] == "max-age=31536000"
    )
    assert "Strict-Transport-Security" in agent("maria").page("/console/").headers

    demo = app_with(console_app, secure_cookies=False).test_client()
    login_page = demo.get("/console/login")
    assert login_page.status_code == 200
    assert "Strict-Transport-Security" not in login_page.headers
    assert "Secure" not in login_page.headers["Set-Cookie"]


def test_the_audit_trail_is_for_admins_only(console_app: Flask) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    assert maria.page("/console/audit").status_code == 403
    priya = Agent(console_app.test_client())
    priya.login("priya")
    audit = priya.page("/console/audit")
    assert audit.status_code == 200
    assert re.search(r">Maria Schneider</td><td[^>]*>login</td>", audit.text)
    assert "Audit trail</a>" in audit.text
    assert "Audit trail</a>" not in maria.page("/console/").text


def test_pages_are_not_cached_nor_framed(agent: Callable[[str], Agent]) -> None:
    response = agent("maria").page("/console/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
