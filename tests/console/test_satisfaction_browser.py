"""Customer satisfaction in a real browser: Maria resolves Sam's callback in the console,
Sam is asked once at the next visit (``POST /alexa`` on the same server) and says four,
and the score shows on the callback's page and on the dashboard, which axe-core finds
free of serious or critical violations at a laptop's and a phone's width."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from typing import Any

import pytest

from skill.config import Settings
from skill.console.story import moment
from skill.storage import Stores
from tests.alexa import envelope, intent_request, launch_request
from tests.conftest import MOMENT
from tests.console import test_browser
from tests.console.test_accessibility import LAPTOP, PHONE, Audit, checked_page, sign_in
from tests.console.test_browser import playwright_sync
from tests.console.test_queue import book

pytestmark = pytest.mark.browser

# The web service on a loopback port, and chromium with axe-core in every document.
server = test_browser.server
__all__ = ["checked_page", "server"]


def say(base: str, body: dict[str, Any]) -> dict[str, Any]:
    """One request to the skill through the real web service; Alexa's answer."""
    request = urllib.request.Request(
        f"{base}/alexa",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        reply: dict[str, Any] = json.load(answer)
    return reply


def speech(reply: dict[str, Any]) -> str:
    return str(reply["response"]["outputSpeech"]["ssml"])


def test_satisfaction_asked_once_is_shown_in_the_console(
    server: str, checked_page: Any, demo_stores: Stores, settings: Settings
) -> None:
    expect = playwright_sync.expect
    page = checked_page
    book(
        demo_stores,
        "sam-cb",
        owner="customer:c-sam",
        customer_id="c-sam",
        first_name="Sam",
        agent_id="a-maria",
        agent_name="Maria Schneider",
        requested_at=MOMENT - timedelta(minutes=30),
    )
    page.set_viewport_size({"width": LAPTOP, "height": 900})
    sign_in(page, server, "maria")
    page.goto(f"{server}/console/callbacks/sam-cb")
    page.get_by_role("button", name="Claim").first.click()
    expect(page.get_by_text("You have this callback now.")).to_be_visible()
    page.locator("#outcome-note").fill("Refund sorted on the phone")
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Record outcome").click()
    page.wait_for_load_state("load")

    launch = say(server, envelope(launch_request(), token="demo-sam"))
    assert "Did Maria sort it out? Say a number from one to five." in speech(launch)
    answer = envelope(
        intent_request("OrderStatusIntent", orderNumber="4"),
        token="demo-sam",
        attributes=launch["sessionAttributes"],
        new=False,
    )
    assert "Thank you." in speech(say(server, answer))
    assert "sort it out" not in speech(say(server, envelope(launch_request(), token="demo-sam")))

    said = f"Customer said 4 of 5 on {moment(MOMENT, settings.service_zone_for('en-US'))}"
    for width in (LAPTOP, PHONE):
        audit = Audit(page, f"{width}")
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server}/console/callbacks/sam-cb")
        expect(page.locator("dd.csat")).to_have_text(said)
        audit.check("callback with its satisfaction")
        assert audit.serious() == {}
        assert audit.too_wide == {}

    page.goto(f"{server}/console/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server, "priya")
    for width in (LAPTOP, PHONE):
        audit = Audit(page, f"{width}")
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server}/console/dashboard")
        expect(
            page.get_by_role("heading", name="Customer satisfaction", exact=False).first
        ).to_be_visible()
        expect(page.get_by_text("responses of 1 asked")).to_be_visible()
        scores = page.locator('[aria-labelledby="csat-score-h"] table')
        expect(scores.get_by_role("row", name="4 1")).to_be_visible()
        by_agent = page.locator('[aria-labelledby="csat-agent-h"] table')
        expect(by_agent.get_by_role("row", name="Maria Schneider 1 4.0")).to_be_visible()
        audit.check("dashboard with satisfaction")
        assert audit.serious() == {}
        assert audit.too_wide == {}
