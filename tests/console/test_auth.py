"""Signing in and out: password hashes, the session cookie, CSRF, lockout, roles."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from skill.storage import Stores
from tests.console.conftest import Agent, MovableClock
from tests.faults import THROTTLING, FaultyTable, simulate_time

GENERIC = "Sign-in failed. Check your login and password."


def test_signed_out_pages_lead_to_the_sign_in(console_app: Flask) -> None:
    client = console_app.test_client()
    for path in ("/console/", "/console/mine", "/console/promises", "/console/audit"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/console/login"
    assert (
        client.get("/console/queue/rows", headers={"X-Requested-With": "fetch"}).status_code == 401
    )
    assert client.post("/console/callbacks/x/claim").status_code == 400  # no CSRF token


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


def test_wrong_password_and_unknown_login_get_the_same_words(console_app: Flask) -> None:
    wrong = Agent(console_app.test_client()).login("maria", "nope")
    unknown = Agent(console_app.test_client()).login("nobody", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC in wrong.text
    assert GENERIC in unknown.text


def test_a_failure_the_table_cannot_count_gets_the_same_words(
    console_app: Flask, demo_stores: Stores, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    table.fail("UpdateItem", THROTTLING)
    wrong = Agent(console_app.test_client()).login("maria", "nope")
    assert wrong.status_code == 401
    assert GENERIC in wrong.text
    stored = demo_stores.logins.get("maria")
    assert stored is not None and stored.failures == ()  # not counted, and not a crash


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
        assert browser.login("james", "guess").status_code == 401
        console_clock.advance(minutes=1)

    locked = browser.login("james")
    assert locked.status_code == 401
    assert GENERIC in locked.text
    stored = demo_stores.logins.get("james")
    assert stored is not None and len(stored.failures) == 5

    console_clock.advance(minutes=15)
    assert browser.login("james").status_code == 302
    stored = demo_stores.logins.get("james")
    assert stored is not None and stored.failures == ()


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

    missing = maria.client.post(path, data={"action_id": action_id})
    forged = maria.client.post(path, data={"action_id": action_id, "csrf": "forged"})
    assert missing.status_code == 400
    assert forged.status_code == 400
    assert demo_stores.callbacks.get(callback.callback_id).status.value == "waiting"  # type: ignore[union-attr]
    # The same form with the token goes through.
    assert maria.post(path, action_id).status_code == 303


def test_the_sign_in_form_itself_needs_the_token(console_app: Flask) -> None:
    client = console_app.test_client()
    response = client.post("/console/login", data={"login": "maria", "password": "maria-demo"})
    assert response.status_code == 400


def test_sign_out_ends_the_session(agent: Callable[[str], Agent]) -> None:
    maria = agent("maria")
    assert maria.post("/console/logout").status_code == 302
    assert maria.client.get("/console/").status_code == 302


def test_the_audit_trail_is_for_admins_only(console_app: Flask) -> None:
    maria = Agent(console_app.test_client())
    maria.login("maria")
    assert maria.page("/console/audit").status_code == 403
    priya = Agent(console_app.test_client())
    priya.login("priya")
    audit = priya.page("/console/audit")
    assert audit.status_code == 200
    assert re.search(r"<td>Maria Schneider</td><td>login</td>", audit.text)
    assert "Audit trail</a>" in audit.text
    assert "Audit trail</a>" not in maria.page("/console/").text


def test_pages_are_not_cached_nor_framed(agent: Callable[[str], Agent]) -> None:
    response = agent("maria").page("/console/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
