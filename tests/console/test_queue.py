"""The queue: what each row shows, its order, its own refresh, and "my callbacks"."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from skill.console.queue import time_left
from skill.records.callbacks import Callback, CallbackStatus
from skill.storage import Stores
from tests.conftest import MOMENT
from tests.console.conftest import Agent, MovableClock

Talk = Callable[..., Any]


def book(stores: Stores, callback_id: str, **changes: Any) -> Callback:
    values: dict[str, Any] = {
        "callback_id": callback_id,
        "owner": f"alexa:{callback_id}",
        "status": CallbackStatus.WAITING,
        "requested_at": MOMENT,
        "due_at": MOMENT + timedelta(minutes=30),
        "asap": True,
        "priority": "normal",
        "reason": "asked",
        "agent_id": "a-james",
        "agent_name": "James Carter",
        "channel": "phone",
        "locale": "en-US",
        "time_zone": "America/New_York",
        "phone": "+1 202 555 0177",
        "first_name": callback_id.capitalize(),
    }
    values.update(changes)
    callback = Callback(**values)
    stores.callbacks.create(callback, [])
    return callback


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="priority-[^"]*"[^>]*>(.*?)</tr>', html, re.S)


def test_a_booked_callback_shows_with_everything_an_agent_scans_for(
    talk: Talk, agent: Callable[[str], Agent]
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    page = agent("james").page("/console/")

    [row] = rows(page.text)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[:7] == [
        "Alex",
        "high",
        "delayed order 1003",
        "English (US)",
        "phone",
        "Maria Schneider",
        "in 10 min",
    ]
    assert "Claim" in cells[7]


def test_most_urgent_first_then_the_earliest_due(
    demo_stores: Stores, agent: Callable[[str], Agent]
) -> None:
    book(demo_stores, "later", due_at=MOMENT + timedelta(minutes=50))
    book(demo_stores, "sooner", due_at=MOMENT + timedelta(minutes=5))
    book(demo_stores, "urgent", priority="urgent", due_at=MOMENT + timedelta(hours=2))
    book(demo_stores, "high", priority="high", due_at=MOMENT + timedelta(hours=1))

    names = [
        re.search(r">(\w+)</a>", row)[1] for row in rows(agent("maria").page("/console/").text)
    ]  # type: ignore[index]
    assert names == ["Urgent", "High", "Sooner", "Later"]


def test_overdue_shows_in_red(
    demo_stores: Stores, agent: Callable[[str], Agent], console_clock: MovableClock
) -> None:
    book(demo_stores, "waiting")
    console_clock.advance(minutes=45)
    [row] = rows(agent("maria").page("/console/").text)
    assert '<td data-label="Promised time" class="overdue">15 min overdue</td>' in row


def test_the_rows_endpoint_serves_new_requests_without_a_page_load(
    talk: Talk, agent: Callable[[str], Agent]
) -> None:
    maria = agent("maria")
    page = maria.page("/console/")
    assert 'data-refresh="/console/queue/rows"' in page.text
    assert "No callbacks waiting." in page.text

    talk(token="demo-alex").say("CallbackIntent")
    fragment = maria.client.get("/console/queue/rows", headers={"X-Requested-With": "fetch"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert ">Alex</a>" in fragment.text


def test_my_callbacks_are_the_ones_held_or_named_for_me(
    demo_stores: Stores, agent: Callable[[str], Agent]
) -> None:
    book(demo_stores, "jamesnamed")
    book(demo_stores, "marianamed", agent_id="a-maria", agent_name="Maria Schneider")
    maria = agent("maria")
    page = maria.page("/console/mine")
    assert "Marianamed" in page.text
    assert "Jamesnamed" not in page.text

    maria.act("jamesnamed", "claim")
    page = maria.page("/console/mine")
    assert "Jamesnamed" in page.text and "Marianamed" in page.text


def test_time_left_reads_as_people_say_it() -> None:
    assert time_left(MOMENT + timedelta(minutes=9, seconds=30), MOMENT) == ("in 10 min", False)
    assert time_left(MOMENT + timedelta(hours=2, minutes=5), MOMENT) == ("in 2 h 5 min", False)
    assert time_left(MOMENT - timedelta(minutes=7), MOMENT) == ("7 min overdue", True)
    assert time_left(MOMENT - timedelta(minutes=75), MOMENT) == ("1 h 15 min overdue", True)
