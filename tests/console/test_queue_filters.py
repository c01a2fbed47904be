"""Searching and filtering the queue, and agents setting themselves on duty or away."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from skill.storage import Stores
from tests.conftest import MOMENT
from tests.console.conftest import Agent
from tests.console.test_queue import book, rows

SignIn = Callable[[str], Agent]


def names(html: str) -> list[str]:
    return [re.findall(r'data-key="open-[^"]+">([^<]+)</a>', row)[0] for row in rows(html)]


def test_search_by_name_order_number_and_the_phones_last_digits(
    agent: SignIn, demo_stores: Stores
) -> None:
    book(demo_stores, "anna", context={"orders": [{"number": "2001", "status": "shipped"}]})
    book(demo_stores, "ben", phone="+1 202 555 0142")
    james = agent("james")

    assert names(james.page("/console/?q=ann").text) == ["Anna"]
    assert names(james.page("/console/?q=2001").text) == ["Anna"]
    assert names(james.page("/console/?q=0142").text) == ["Ben"]
    assert names(james.page("/console/?q=42").text) == ["Ben"]
    assert names(james.page("/console/?q=nobody").text) == []
    # The page's own refresh keeps the search.
    assert 'data-refresh="/console/queue/rows?q=2001"' in james.page("/console/?q=2001").text
    polled = james.client.get("/console/queue/rows?q=2001", headers={"X-Requested-With": "fetch"})
    assert names(polled.text) == ["Anna"]


def test_filters_by_language_priority_overdue_and_mine(agent: SignIn, demo_stores: Stores) -> None:
    book(demo_stores, "anna")
    book(demo_stores, "dora", locale="de-DE", time_zone="Europe/Berlin", priority="high")
    book(demo_stores, "lena", due_at=MOMENT - timedelta(minutes=5), agent_id="a-maria")
    james = agent("james")

    assert names(james.page("/console/?language=de").text) == ["Dora"]
    assert names(james.page("/console/?priority=high").text) == ["Dora"]
    assert names(james.page("/console/?overdue=1").text) == ["Lena"]
    assert sorted(names(james.page("/console/?mine=1").text)) == ["Anna", "Dora"]
    assert "Show all" in james.page("/console/?overdue=1").text


def test_the_title_counts_the_waiting_callbacks(agent: SignIn, demo_stores: Stores) -> None:
    book(demo_stores, "anna")
    book(demo_stores, "ben")
    page = agent("james").page("/console/").text
    assert "<title>(2) Queue · Menschmoment</title>" in page
    assert "2 open, 2 waiting" in page


DUTY_FORM = re.compile(
    r'/console/duty"[^>]*>\s*<input[^>]*>\s*<input type="hidden" name="action_id" value="([^"]+)"'
)


def test_an_agent_sets_themselves_away_and_on_duty_again(
    agent: SignIn, demo_stores: Stores
) -> None:
    james = agent("james")
    page = james.page("/console/").text
    assert "Set me away" in page

    away = james.post("/console/duty", DUTY_FORM.findall(page)[0], on_duty="no")

    assert away.status_code == 303
    assert not demo_stores.team.get().agent("a-james").on_duty
    page = james.page("/console/").text
    assert "Set me on duty" in page
    back = james.post("/console/duty", DUTY_FORM.findall(page)[0], on_duty="yes")
    assert back.status_code == 303
    assert demo_stores.team.get().agent("a-james").on_duty
