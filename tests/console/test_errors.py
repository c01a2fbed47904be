"""Forms the console does not carry out are answered with post/redirect/get: a stale
CSRF token, an ended session, a role that may not, something gone. Each is sent (303)
to the page it came from, which says so once and has what was typed."""

from __future__ import annotations

import html
import re
import secrets
import uuid
from collections.abc import Callable

from flask import Flask

from skill.console.errors import GONE, SIGNED_OUT, STALE
from skill.records.callbacks import CallbackStatus
from skill.storage import Stores
from tests.console.conftest import Agent, MovableClock, sent_back_to_sign_in
from tests.console.test_queue import book

SignIn = Callable[[str], Agent]
NOTE = "Spoke to Sam: <wants> the refund by Friday & a call on Monday"


def outcome_note(page: str) -> str:
    """What the outcome form's note holds."""
    [note] = re.findall(
        r'<textarea id="outcome-note" name="note"[^>]*>(.*?)</textarea>', page, re.S
    )
    return html.unescape(note)


def test_a_note_sent_from_a_page_of_an_older_session_comes_back_to_its_page(
    console_app: Flask, demo_stores: Stores
) -> None:
    book(demo_stores, "sam", agent_id="a-maria", agent_name="Maria Schneider")
    maria = Agent(console_app.test_client())
    maria.login("maria")
    first_tab = maria.csrf
    assert maria.act("sam", "claim").status_code == 303
    maria.login("maria")  # signed in again in a second tab: a new session and token
    assert maria.csrf != first_tab

    sent = maria.client.post(
        "/console/callbacks/sam/outcome",
        data={
            "csrf": first_tab,
            "action_id": str(uuid.uuid4()),
            "outcome": "resolved",
            "note": NOTE,
        },
    )

    assert sent.status_code == 303
    assert sent.headers["Location"] == "/console/callbacks/sam"
    page = maria.page(sent.headers["Location"])
    assert page.status_code == 200
    assert page.text.count(html.escape(STALE)) == 1
    assert outcome_note(page.text) == NOTE  # the note as typed, to send again
    assert demo_stores.callbacks.get("sam").status is CallbackStatus.CLAIMED  # type: ignore[union-attr]
    reloaded = maria.page("/console/callbacks/sam").text
    assert STALE not in html.unescape(reloaded)  # said once
    assert outcome_note(reloaded) == ""
    # Sent again from the page it came back to, it is carried out.
    resent = maria.act("sam", "outcome", outcome="resolved", note=NOTE)
    assert resent.status_code == 303
    assert demo_stores.callbacks.get("sam").status is CallbackStatus.COMPLETED  # type: ignore[union-attr]


def test_a_long_note_comes_back_whole_and_the_session_survives(
    agent: SignIn, demo_stores: Stores
) -> None:
    book(demo_stores, "sam", agent_id="a-maria", agent_name="Maria Schneider")
    maria = agent("maria")
    maria.act("sam", "claim")
    long_note = ("Customer explained the whole story of the parcel. " * 40)[:2000]
    sent = maria.client.post(
        "/console/callbacks/sam/outcome", data={"csrf": "old", "note": long_note}
    )
    assert sent.status_code == 303
    cookie = sent.headers["Set-Cookie"]
    assert len(cookie) < 4096  # a browser keeps it, and with it the session
    assert outcome_note(maria.page("/console/callbacks/sam").text) == long_note


def test_a_note_no_cookie_can_hold_is_shortened_not_the_session_lost(
    agent: SignIn, demo_stores: Stores
) -> None:
    book(demo_stores, "sam", agent_id="a-maria", agent_name="Maria Schneider")
    maria = agent("maria")
    maria.act("sam", "claim")
    # Random-looking text that does not compress, every character escaped in JSON.
    unusual = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(2000))
    sent = maria.client.post(
        "/console/callbacks/sam/outcome", data={"csrf": "old", "note": unusual}
    )
    assert sent.status_code == 303
    assert len(sent.headers["Set-Cookie"]) < 4096
    page = maria.page("/console/callbacks/sam")
    assert page.status_code == 200  # still signed in
    kept = outcome_note(page.text)
    assert kept and unusual.startswith(kept)


def test_a_form_sent_after_the_session_ended_goes_to_the_sign_in_with_the_note(
    agent: SignIn, demo_stores: Stores, console_clock: MovableClock
) -> None:
    book(demo_stores, "sam", agent_id="a-maria", agent_name="Maria Schneider")
    maria = agent("maria")
    maria.act("sam", "claim")
    console_clock.advance(minutes=31)  # idle: the session has ended

    sent = maria.act("sam", "outcome", outcome="resolved", note=NOTE)

    assert sent_back_to_sign_in(sent)
    page = maria.page("/console/login").text
    assert html.escape(SIGNED_OUT) in page
    assert html.escape(NOTE) in page  # to copy after signing in
    assert demo_stores.callbacks.get("sam").status is CallbackStatus.CLAIMED  # type: ignore[union-attr]
    assert SIGNED_OUT not in html.unescape(maria.page("/console/login").text)


def test_a_form_about_a_callback_that_is_gone_goes_to_the_queue(agent: SignIn) -> None:
    maria = agent("maria")
    sent = maria.act("erased-meanwhile", "outcome", outcome="reached", note=NOTE)
    assert sent.status_code == 303 and sent.headers["Location"] == "/console/"
    queue = maria.page("/console/").text
    assert queue.count(html.escape(GONE)) == 1
    assert html.escape(NOTE) in queue
    assert GONE not in html.unescape(maria.page("/console/").text)


def test_a_stale_sign_out_goes_back_to_the_queue_and_signs_nobody_out(agent: SignIn) -> None:
    maria = agent("maria")
    sent = maria.client.post("/console/logout", data={"csrf": "old"})
    assert sent.status_code == 303 and sent.headers["Location"] == "/console/"
    assert html.escape(STALE) in maria.page("/console/").text  # still signed in


def test_an_address_with_an_id_far_too_long_goes_to_the_queue(agent: SignIn) -> None:
    maria = agent("maria")
    far_too_long = secrets.token_hex(3000)  # and not compressible
    sent = maria.client.post(f"/console/callbacks/{far_too_long}/outcome", data={"note": NOTE})
    assert sent.status_code == 303 and sent.headers["Location"] == "/console/"
    assert len(sent.headers["Set-Cookie"]) < 4096
    assert html.escape(STALE) in maria.page("/console/").text
