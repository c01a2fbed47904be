"""The console on the test table: the demo team with its logins, the skill beside it."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from skill.config import Settings
from skill.console import Console
from skill.console.auth import begin_session
from skill.devtools.demo.data import seed_logins
from skill.policy import load_policy
from skill.records.callbacks import Callback
from skill.speech import Renderer
from skill.storage import Stores
from skill.usecases.sign_in import Session
from skill.web import create_app
from tests.conftest import MOMENT, PASSWORD_HASH_METHOD, written_once
from tests.factories import expensive_delivery

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ACTION = re.compile(r'name="action_id" value="([^"]+)"')


def sent_back_to_sign_in(response: TestResponse) -> bool:
    """A sign-in that failed: redirected (303) to the form, which says so."""
    return response.status_code == 303 and response.headers["Location"] == "/console/login"


class MovableClock:
    """The console's clock; tests move it forward (lockouts, overdue callbacks)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def console_clock() -> MovableClock:
    return MovableClock(MOMENT)


@pytest.fixture
def console_app(
    skill: Any,
    settings: Settings,
    demo_stores: Stores,
    console_clock: MovableClock,
    renderer: Renderer,
) -> Flask:
    written_once(demo_stores, "logins", lambda stores: seed_logins(stores, PASSWORD_HASH_METHOD))
    console = Console(
        demo_stores, settings, renderer, console_clock, load_policy(settings.remedy_policy)
    )
    app = create_app(skill, verifier=None, console=console)
    app.testing = True
    return app


class Agent:
    """A signed-in browser: its own cookies, and the tokens its pages carry."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, login: str, password: str | None = None) -> TestResponse:
        self.csrf = CSRF.findall(self.client.get("/console/login").text)[0]
        response = self.client.post(
            "/console/login",
            data={"login": login, "password": password or f"{login}-demo", "csrf": self.csrf},
        )
        if response.status_code == 302:
            self.csrf = CSRF.findall(self.client.get("/console/").text)[0]
        return response

    def page(self, path: str) -> TestResponse:
        response = self.client.get(path)
        tokens = CSRF.findall(response.text)
        if tokens:
            self.csrf = tokens[0]
        return response

    def landed(self, response: TestResponse) -> TestResponse:
        """Where a form's 303 sends the browser: the page saying what came of the form."""
        assert response.status_code == 303, response.status_code
        return self.page(response.headers["Location"])

    def action_id(self, path: str) -> str:
        return ACTION.findall(self.page(path).text)[0]

    def post(self, path: str, action_id: str | None = None, **form: str) -> TestResponse:
        data = {"csrf": self.csrf, **form}
        if action_id is not None:
            data["action_id"] = action_id
        return self.client.post(path, data=data)

    def act(self, callback_id: str, action: str, **form: str) -> TestResponse:
        """Submit one of the callback page's forms, with a fresh action id as the page
        would give it (tests of repeated submissions take the id from the page)."""
        return self.post(f"/console/callbacks/{callback_id}/{action}", str(uuid.uuid4()), **form)


@pytest.fixture
def agent(
    console_app: Flask, demo_stores: Stores, console_clock: MovableClock
) -> Callable[[str], Agent]:
    """``agent("maria")``: a browser signed in as that demo agent, now.

    The session is written directly, as a sign-in would leave it (the login's session
    key, the cookie): scrypt makes each real sign-in cost a tenth of a second, and
    test_auth.py covers signing in itself.
    """

    def sign_in(login: str) -> Agent:
        browser = Agent(console_app.test_client())
        key = demo_stores.logins.open_session(login, secrets.token_urlsafe(32))
        now = console_clock()
        with browser.client.session_transaction() as session:
            session.permanent = True
            begin_session(session, Session(login, key, now, now))
            session["csrf"] = browser.csrf = secrets.token_urlsafe(32)
        return browser

    return sign_in


def action_id_in(html: str) -> str:
    """The first form's action id on a page."""
    return ACTION.findall(html)[0]


@pytest.fixture
def escalated(talk: Any, demo_stores: Stores) -> Callback:
    """Alex's espresso machine ($149) arrived damaged: above the skill's limit, so a call."""
    expensive_delivery(demo_stores, MOMENT.date())
    conversation = talk(token="demo-alex")
    conversation.say(
        "ComplaintIntent",
        problemType="damaged",
        orderNumber="1005",
        description="the sole came off <script>alert(1)</script>",
    )
    booked = conversation.say("AMAZON.YesIntent")
    assert "will call you" in booked.speech
    [callback] = demo_stores.queue.open_callbacks()
    return callback
