"""The live queue's delay: how long after a customer books a call back by voice its row
shows in a queue page open in a browser.

    python -m bench.live_queue [--bookings N] [--poll SECONDS]

The demo as ``make run`` builds it (embedded DynamoDB, demo data, the console with its
page polling every ``skill.console.queue.POLL_SECONDS``), served on a loopback port; an
agent signed in on the queue page in Debian's chromium (Playwright, as the browser tests
drive it); N customers, each linked to an account of their own, say "call me back"
through ``POST /alexa`` one after another, at moments not in step with the page's
polling. Each delay runs from the request sent to the row shown in the page.
``--poll`` sets another polling interval (the browser tests poll every second).

Printed figures only: nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from werkzeug.serving import make_server

from skill.config import Settings
from skill.console import queue
from skill.devtools.demo.data import ALEX
from skill.storage import Stores
from skill.web.serve import start_demo
from tests.alexa import envelope, intent_request, plain

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
BOOKED = "will call you"


@dataclass(frozen=True)
class Result:
    poll_seconds: int
    delays: list[float]  # booking sent → row shown, seconds
    turns: list[float]  # the booking's own answer, seconds


def add_customers(stores: Stores, count: int) -> list[str]:
    """``count`` linked customers, each with a token, a first name and a phone number of
    their own (bookings per number and day are limited)."""
    tokens = []
    for number in range(count):
        customer = replace(
            ALEX,
            customer_id=f"c-live-{number}",
            first_name=f"Live{number}",
            phone=f"+1 212 555 {3000 + number}",
        )
        stores.orders.put_customer(customer)
        stores.tokens.put(f"live-{number}", customer.customer_id)
        tokens.append(f"live-{number}")
    return tokens


def book(base: str, token: str, number: int) -> None:
    """The customer says "call me back"; the answer must confirm it."""
    body = envelope(
        intent_request("CallbackIntent"),
        token=token,
        user_id=f"amzn1.ask.account.LIVE{number}",
        session_id=f"amzn1.echo-api.session.live-{uuid.uuid4()}",
    )
    request = urllib.request.Request(  # noqa: S310 (the server just started on loopback)
        f"{base}/alexa",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        heard = plain(json.load(answer)["response"]["outputSpeech"]["ssml"])
    if BOOKED not in heard:
        raise RuntimeError(f"booking {number} not confirmed: {heard!r}")


def run(bookings: int) -> Result:
    from playwright.sync_api import sync_playwright

    demo = start_demo(Settings.from_env().with_changes(table_name=f"live-{uuid.uuid4().hex[:8]}"))
    tokens = add_customers(demo.stores, bookings)
    http = make_server("127.0.0.1", 0, demo.app, threaded=True)
    serving = threading.Thread(target=http.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{http.server_port}"
    delays: list[float] = []
    turns: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            page = context.new_page()
            page.goto(f"{base}/console/login")
            page.get_by_label("Login").fill("maria")
            page.get_by_label("Password").fill("maria-demo")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Callback queue").wait_for()
            for number, token in enumerate(tokens):
                # Not in step with the page's polling: a different phase each time.
                time.sleep((0.37 + 0.61 * number) % queue.POLL_SECONDS)
                sent = time.monotonic()
                book(base, token, number)
                turns.append(time.monotonic() - sent)
                row = page.locator("#queue-rows tr", has_text=f"Live{number}")
                row.wait_for(timeout=(queue.POLL_SECONDS + 30) * 1000)
                delays.append(time.monotonic() - sent)
            context.close()
    finally:
        http.shutdown()
        http.server_close()
        demo.database.stop()
    return Result(queue.POLL_SECONDS, delays, turns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=10)
    parser.add_argument("--poll", type=int, default=queue.POLL_SECONDS)
    args = parser.parse_args()
    queue.POLL_SECONDS = args.poll  # what the queue page is rendered with
    if not CHROMIUM.exists():
        raise SystemExit("chromium is not installed: run `make setup`")
    result = run(args.bookings)
    print(
        f"live queue: {len(result.delays)} bookings, the page polling every {result.poll_seconds} s"
    )
    print(
        f"  booking to row shown: p50 {statistics.median(result.delays):.2f} s, "
        f"max {max(result.delays):.2f} s"
    )
    print(
        f"  the booking's own answer: p50 {statistics.median(result.turns):.3f} s, "
        f"max {max(result.turns):.3f} s"
    )
    print("  each: " + ", ".join(f"{d:.2f}" for d in result.delays))


if __name__ == "__main__":
    main()
