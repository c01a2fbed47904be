"""The console on the test table: the demo team with its logins, the skill beside it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from skill.clock import Clock
from skill.config import Settings
from skill.console import Console
from skill.demo.data import seed_logins
from skill.policy import load_policy
from skill.speech import Renderer
from skill.storage import Stores
from skill.web import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ACTION = re.compile(r'name="action_id" value="([^"]+)"')


@pytest.fixture
def console_app(skill: Any, settings: Settings, demo_stores: Stores, clock: Clock) -> Flask:
    seed_logins(demo_stores)
    console = Console(demo_stores, settings, Renderer(), clock, load_policy(settings.remedy_policy))
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

    def action_id(self, path: str) -> str:
        return ACTION.findall(self.page(path).text)[0]

    def post(self, path: str, action_id: str | None = None, **form: str) -> TestResponse:
        data = {"csrf": self.csrf, **form}
        if action_id is not None:
            data["action_id"] = action_id
        return self.client.post(path, data=data)

    def act(self, callback_id: str, action: str, **form: str) -> TestResponse:
        """Open the callback's page and submit one of its forms."""
        page = f"/console/callbacks/{callback_id}"
        return self.post(f"{page}/{action}", self.action_id(page), **form)


@pytest.fixture
def agent(console_app: Flask) -> Callable[[str], Agent]:
    """``agent("maria")``: a browser signed in as that demo login."""

    def sign_in(login: str) -> Agent:
        browser = Agent(console_app.test_client())
        assert browser.login(login).status_code == 302
        return browser

    return sign_in
