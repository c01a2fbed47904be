"""The console in a real browser: Debian's chromium driven by Playwright, a real server.

One walk through what an agent does: sign in, watch a callback booked through
``POST /alexa`` appear in the queue without a reload, claim it, see the ``tel:`` link,
grant a remedy, record the outcome, sign out. ``make setup`` installs chromium.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from skill.config import Settings
from skill.console import Console, queue
from skill.devtools.demo.data import seed_logins
from skill.policy import load_policy
from skill.speech import Renderer
from skill.storage import Stores
from skill.web import create_app
from tests.alexa import envelope, intent_request
from tests.conftest import MOMENT
from tests.console.conftest import MovableClock
from tests.console.test_queue import book
from tests.stored import outbox

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(tempfile.gettempdir()) / "menschmoment-console"


@pytest.fixture
def server(
    skill: Any,
    settings: Settings,
    demo_stores: Stores,
    console_clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """The web service on a loopback port, as the demo serves it (plain HTTP)."""
    # The page asks for fresh rows every second instead of every five: a shorter walk.
    monkeypatch.setattr(queue, "POLL_SECONDS", 1)
    seed_logins(demo_stores)
    console = Console(
        demo_stores,
        settings,
        Renderer(),
        console_clock,
        load_policy(settings.remedy_policy),
        secure_cookies=False,
    )
    app: Flask = create_app(skill, verifier=None, console=console)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=5)


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: run `make setup`")
    profile = tmp_path / "chromium-profile"
    with playwright_sync.sync_playwright() as playwright:
        # A fresh profile per test: Playwright passes it as --user-data-dir.
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1100, "height": 900},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(10_000)
            yield page
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


def book_callback(base: str) -> None:
    """Alex says "call me back" to the skill, through the real web service."""
    body = envelope(intent_request("CallbackIntent"), token="demo-alex")
    request = urllib.request.Request(
        f"{base}/alexa",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        speech = json.load(answer)["response"]["outputSpeech"]["ssml"]
    assert "Maria" in speech


def test_an_agent_works_a_callback_from_sign_in_to_sign_out(
    server: str, browser_page: Any, demo_stores: Stores
) -> None:
    expect = playwright_sync.expect
    page = browser_page
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto(f"{server}/console/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Login").fill("maria")
    page.get_by_label("Password").fill("maria-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Callback queue")).to_be_visible()
    expect(page.get_by_text("No callbacks waiting.")).to_be_visible()

    # A marker on the window survives only if the page is not loaded again.
    page.evaluate("window.stillTheSamePage = true")
    book_callback(server)
    row = page.locator("#queue-rows tr", has_text="Alex")
    expect(row).to_contain_text("Maria Schneider")
    expect(row).to_contain_text("in 10 min")
    assert page.evaluate("window.stillTheSamePage") is True
    page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

    row.get_by_role("button", name="Claim the callback for Alex").click()
    expect(page.get_by_text("You have this callback now.")).to_be_visible()
    phone = page.locator("a.tel")
    expect(phone).to_have_attribute("href", "tel:+12125550142")
    expect(phone).to_have_text("+1 212 555 0142")

    page.get_by_label("Order", exact=True).select_option("1003")
    page.get_by_label("Remedy", exact=True).select_option("voucher")
    page.get_by_label("Amount", exact=False).fill("10")
    page.get_by_role("button", name="Promise it").click()
    expect(page.get_by_text("Voucher 10.00 USD on order 1003 for Alex?")).to_be_focused()
    page.get_by_role("button", name="Yes, promise it").click()
    expect(page.get_by_text("Promise made; the customer hears it")).to_be_visible()
    expect(page.locator("section[aria-labelledby=history]")).to_contain_text("voucher 10.00 USD")
    page.screenshot(path=str(SCREENSHOTS / "detail.png"), full_page=True)

    page.get_by_label("Resolved").check()
    page.locator("#outcome-note").fill("Voucher given, customer happy")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_text("Resolved: the callback is completed.")).to_be_visible()
    expect(page.locator("a.tel")).to_have_count(0)  # no longer held: no number

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    [commitment] = demo_stores.complaints.history("c-alex").commitments
    assert commitment.amount is not None and str(commitment.amount.amount) == "10.00"
    [callback] = [
        c
        for c in (demo_stores.callbacks.get(e["callback_id"]) for e in outbox(demo_stores))
        if c is not None
    ][:1]
    assert callback.status.value == "completed"


def test_an_admin_adds_an_agent_who_then_changes_their_own_password(
    server: str, browser_page: Any, demo_stores: Stores
) -> None:
    expect = playwright_sync.expect
    page = browser_page
    SCREENSHOTS.mkdir(exist_ok=True)

    def sign_in(login: str, password: str) -> None:
        page.goto(f"{server}/console/login")
        page.get_by_label("Login").fill(login)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    sign_in("priya", "priya-demo")
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    page.get_by_label("Login").fill("lea")
    page.get_by_label("Name, as customers hear it").fill("Lea Fischer")
    page.get_by_label("Languages").fill("de,en")
    page.get_by_label("Authority").fill("150")
    page.get_by_label("Password (at least 12 characters").fill("tulpen-am-kanal-42")
    page.get_by_label("The same password again").fill("tulpen-am-kanal-42")
    page.get_by_role("button", name="Add the agent").click()
    expect(page.get_by_text("Agent added. They can sign in now.")).to_be_visible()
    expect(page.get_by_role("heading", name="Lea Fischer")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "team-member.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    sign_in("lea", "tulpen-am-kanal-42")
    expect(page.get_by_role("heading", name="Callback queue")).to_be_visible()
    page.get_by_role("link", name="Password").click()
    page.get_by_label("Current password").fill("tulpen-am-kanal-42")
    page.get_by_label("New password", exact=True).fill("rote-fahrrad-klingel-7")
    page.get_by_label("The new password again").fill("rote-fahrrad-klingel-7")
    page.get_by_role("button", name="Change the password").click()
    expect(page.get_by_text("Your password was changed")).to_be_visible()

    sign_in("lea", "tulpen-am-kanal-42")
    expect(page.get_by_text("Sign-in failed.")).to_be_visible()
    sign_in("lea", "rote-fahrrad-klingel-7")
    expect(page.get_by_role("heading", name="Callback queue")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Lea Fischer")
    actions = [e.action for e in demo_stores.audit.recent(MOMENT.date())]
    assert {"team_add", "password_change"} <= set(actions)


def test_a_note_typed_before_signing_in_again_in_another_tab_is_kept(
    server: str, browser_page: Any, demo_stores: Stores
) -> None:
    expect = playwright_sync.expect
    page = browser_page
    book(demo_stores, "sam", agent_id="a-maria", agent_name="Maria Schneider")

    def sign_in(tab: Any) -> None:
        tab.goto(f"{server}/console/login")
        tab.get_by_label("Login").fill("maria")
        tab.get_by_label("Password").fill("maria-demo")
        tab.get_by_role("button", name="Sign in").click()
        expect(tab.get_by_role("heading", name="Callback queue")).to_be_visible()

    sign_in(page)
    page.goto(f"{server}/console/callbacks/sam")
    page.get_by_role("button", name="Claim").first.click()
    expect(page.get_by_text("You have this callback now.")).to_be_visible()
    page.locator("#outcome-note").fill("Spoke to Sam, refund by Friday")
    page.get_by_label("Resolved").check()
    sign_in(page.context.new_page())  # a second tab: a new session and token

    page.get_by_role("button", name="Record outcome").click()

    said = page.get_by_text("Your session changed: this form came from a page opened before")
    expect(said).to_be_focused()
    assert page.url == f"{server}/console/callbacks/sam"  # a page fetched with GET
    expect(page.locator("#outcome-note")).to_have_value("Spoke to Sam, refund by Friday")
    assert demo_stores.callbacks.get("sam").status.value == "claimed"  # type: ignore[union-attr]
    page.reload()  # sends nothing again, and says it no more
    expect(page.get_by_role("heading", name="Sam")).to_be_visible()
    expect(said).to_have_count(0)
    page.locator("#outcome-note").fill("Spoke to Sam, refund by Friday")
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_text("Resolved: the callback is completed.")).to_be_visible()
    assert demo_stores.callbacks.get("sam").status.value == "completed"  # type: ignore[union-attr]
