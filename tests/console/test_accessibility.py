"""Every console page, checked by axe-core in chromium at a laptop's and a phone's width,
and in dark mode: no serious or critical violation, and nothing wider than the screen.

axe-core (``node_modules/axe-core``, ``npm ci``) is added to every document by the
browser itself before the page's own scripts run, so the console's strict
Content-Security-Policy stays as it is served.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.demo.data import seed_console
from skill.storage import Stores
from tests.conftest import MOMENT, ROOT
from tests.console import test_browser
from tests.console.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    book_callback,
    playwright_sync,
)

pytestmark = pytest.mark.browser

# The web service on a loopback port, as the other browser tests have it.
server = test_browser.server

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAPTOP, PHONE = 1366, 390
# What axe finds on each page, for the record (the test fails on serious or critical).
RESULTS = SCREENSHOTS / "axe-results.json"

AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def checked_page(tmp_path: Path) -> Iterator[Any]:
    """A chromium page that has axe-core in every document it loads."""
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: run `make setup`")
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci`")
    profile = tmp_path / "chromium-profile"
    with playwright_sync.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": LAPTOP, "height": 900},
        )
        # An init script runs before the page's own, outside its CSP.
        context.add_init_script(path=str(AXE))
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


def overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0: it fits)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


class Audit:
    """axe and the width check on each page visited, gathered for one assertion."""

    def __init__(self, page: Any, width: str) -> None:
        self.page = page
        self.width = width
        self.found: dict[str, list[dict[str, Any]]] = {}
        self.too_wide: dict[str, int] = {}

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.found[name] = self.page.evaluate(AXE_RUN)
        wider = overflow(self.page)
        if wider > 0:
            self.too_wide[name] = wider

    def serious(self) -> dict[str, list[dict[str, Any]]]:
        return {
            name: bad
            for name, violations in self.found.items()
            if (bad := [v for v in violations if v["impact"] in ("serious", "critical")])
        }

    def record(self) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        known = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        known[self.width] = self.found
        RESULTS.write_text(json.dumps(known, indent=1))


def sign_in(page: Any, base: str, login: str) -> None:
    page.goto(f"{base}/console/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(f"{login}-demo")
    page.get_by_role("button", name="Sign in").click()
    playwright_sync.expect(page.get_by_role("heading", name="Callback queue")).to_be_visible()


@pytest.mark.parametrize(
    ("width", "scheme"), [(LAPTOP, "light"), (PHONE, "light"), (LAPTOP, "dark")]
)
def test_every_page_passes_axe_and_fits_the_screen(
    server: str, checked_page: Any, demo_stores: Stores, width: int, scheme: str
) -> None:
    expect = playwright_sync.expect
    page = checked_page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)  # the system's preference, as the CSS reads it
    seed_console(demo_stores, MOMENT)
    book_callback(server)  # Alex, with orders: a remedy can be granted
    audit = Audit(page, f"{width}" if scheme == "light" else f"{width}-{scheme}")
    visit: Callable[[str, str], None] = lambda name, path: (  # noqa: E731
        page.goto(f"{server}{path}"),
        audit.check(name),
    )

    visit("sign-in", "/console/login")
    sign_in(page, server, "maria")
    audit.check("queue")
    page.screenshot(path=str(SCREENSHOTS / f"queue-{audit.width}.png"))
    visit("my callbacks", "/console/mine")
    visit("password", "/console/password")
    visit("detail before claim", "/console/callbacks/demo-sam")
    page.goto(f"{server}/console/")
    page.locator("#queue-rows a", has_text="Alex").first.click()
    page.get_by_role("button", name="Claim").first.click()
    expect(page.get_by_text("You have this callback now.")).to_be_visible()
    audit.check("detail after claim")
    page.screenshot(path=str(SCREENSHOTS / f"callback-{audit.width}.png"))
    page.get_by_label("Order", exact=True).select_option("1003")
    page.get_by_label("Remedy", exact=True).select_option("voucher")
    page.get_by_label("Amount", exact=False).fill("10")
    page.get_by_role("button", name="Promise it").click()
    expect(page.get_by_text("Voucher 10.00 USD on order 1003 for Alex?")).to_be_focused()
    audit.check("detail, grant to confirm")
    page.locator(".confirm").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"grant-confirm-{audit.width}.png"))
    page.get_by_role("button", name="Yes, promise it").click()
    expect(page.get_by_text("voucher 10.00 USD on order 1003 for Alex.")).to_be_focused()
    visit("promises", "/console/promises")
    page.get_by_role("button", name="Mark kept").first.click()
    expect(page.get_by_text("Mark kept: voucher 10.00 USD on order 1003 for Alex?")).to_be_visible()
    audit.check("promises, mark kept to confirm")
    visit("error 403 (audit trail)", "/console/audit")
    expect(page.get_by_role("heading", name="Not for your role")).to_be_visible()
    visit("error 404 (callback)", "/console/callbacks/no-such-callback")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    visit("error 404 (address)", "/console/no-such-page")
    page.get_by_role("link", name="Back to the queue").click()
    expect(page.get_by_role("heading", name="Callback queue")).to_be_visible()
    # A form sent with a token from an older session: signing in again in another tab.
    page.goto(f"{server}/console/callbacks/demo-sam")
    page.get_by_role("button", name="Claim").first.click()
    page.locator("input[name=csrf]").evaluate_all("all => all.forEach(i => { i.value = 'old' })")
    page.locator("#outcome-note").fill("Spoke to Sam")
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Record outcome").click()
    # Sent back to the callback's page, which says so, with the note as typed.
    expect(page.get_by_text("Your session changed:")).to_be_focused()
    expect(page.locator("#outcome-note")).to_have_value("Spoke to Sam")  # not lost
    expect(page.get_by_role("heading", name="Sam")).to_be_visible()
    audit.check("callback, stale form sent back")
    page.goto(f"{server}/console/")
    page.locator("input[name=csrf]").evaluate_all("all => all.forEach(i => { i.value = 'old' })")
    page.get_by_role("button", name="Set me away").click()
    expect(page.get_by_role("alert")).to_contain_text("Your session changed:")
    expect(page.get_by_role("alert")).to_be_focused()
    audit.check("queue, stale form sent back")
    page.goto(f"{server}/console/")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, server, "priya")
    visit("audit trail", "/console/audit")
    page.get_by_label("customer id", exact=False).fill("no-such-customer")
    page.get_by_role("button", name="Erase").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was erased")
    audit.check("audit, erase refused")
    page.get_by_label("customer id", exact=False).fill("1003")
    page.get_by_role("button", name="Erase").click()
    expect(page.get_by_text("Erase what the skill keeps about Alex")).to_be_focused()
    audit.check("audit, erase to confirm")
    visit("team", "/console/team")
    visit("team member", "/console/team/maria")
    visit("dashboard", "/console/dashboard")
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{audit.width}.png"))

    audit.record()
    assert audit.serious() == {}
    assert audit.too_wide == {}
