"""The queue in chromium: it updates while a row has keyboard focus, announces only what
is new, counts the waiting callbacks in the tab's title, and finds by search.

The delay from a booking to its row is measured (the test server polls every second)
and written to ``live-delay.json`` beside the screenshots.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import timedelta
from typing import Any

import pytest

from skill.devtools.demo.data import seed_console
from skill.storage import Stores
from tests.conftest import MOMENT
from tests.console import test_browser
from tests.console.test_accessibility import sign_in
from tests.console.test_browser import SCREENSHOTS, book_callback, playwright_sync
from tests.console.test_queue import book

pytestmark = pytest.mark.browser

server = test_browser.server
browser_page = test_browser.browser_page


def test_the_queue_updates_under_focus_and_announces_what_is_new(
    server: str, browser_page: Any, demo_stores: Stores
) -> None:
    expect = playwright_sync.expect
    page = browser_page
    seed_console(demo_stores, MOMENT)  # Sam and a German guest are waiting
    sign_in(page, server, "maria")
    expect(page).to_have_title("(2) Queue · Menschmoment")
    claim_sam = page.get_by_role("button", name="Claim the callback for Sam")
    claim_sam.focus()

    book_callback(server)  # Alex, whose order 1003 is delayed

    expect(page.locator("#queue-rows tr", has_text="Alex")).to_be_visible()
    expect(page.locator("#queue-live")).to_have_text("New: Alex, high, delayed order 1003.")
    expect(page).to_have_title("(3) Queue · Menschmoment")
    expect(claim_sam).to_be_focused()  # the update did not take the focus away
    # Most urgent first: the guest, Alex, Sam. k moves up a row, j down.
    page.keyboard.press("k")
    expect(page.locator("#queue-rows a", has_text="Alex")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator("#queue-rows a", has_text="Sam")).to_be_focused()

    delays = []
    for n in range(5):
        page.wait_for_timeout(300 * n)  # not in step with the page's polling
        booked = time.monotonic()
        book(demo_stores, f"walk-in-{n}", due_at=MOMENT + timedelta(minutes=50 + n))
        page.locator(f"#queue-rows tr[data-id=walk-in-{n}]").wait_for()
        delays.append(time.monotonic() - booked)
    SCREENSHOTS.mkdir(exist_ok=True)
    measured = {
        "poll_seconds": 1,
        "p50": round(statistics.median(delays), 2),
        "max": round(max(delays), 2),
        "samples": [round(d, 2) for d in delays],
    }
    (SCREENSHOTS / "live-delay.json").write_text(json.dumps(measured))
    assert max(delays) < 5  # one poll, and the machine's load
    expect(page.locator("#queue-live")).to_have_text(
        "New: Walk-in-4, normal, asked for a call back."
    )
    expect(page).to_have_title("(8) Queue · Menschmoment")


def test_search_and_filters_narrow_the_queue(
    server: str, browser_page: Any, demo_stores: Stores
) -> None:
    expect = playwright_sync.expect
    page = browser_page
    seed_console(demo_stores, MOMENT)
    book_callback(server)
    sign_in(page, server, "maria")

    page.keyboard.press("/")
    expect(page.locator("#queue-q")).to_be_focused()
    page.keyboard.type("1003")
    page.keyboard.press("Enter")
    expect(page.locator("#queue-rows tr[data-id]")).to_have_count(1)
    expect(page.locator("#queue-rows")).to_contain_text("Alex")

    page.get_by_role("link", name="Show all").click()
    page.get_by_label("Language").select_option("de")
    page.get_by_label("Only overdue").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#queue-rows tr[data-id]")).to_have_count(1)
    expect(page.locator("#queue-rows")).to_contain_text("Guest")
