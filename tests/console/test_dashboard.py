"""The team lead's dashboard against seeded work: callbacks resolved on time or late,
promises made and kept, each chart's numbers in its table, the rows as CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from skill.storage import Stores
from tests.conftest import MOMENT
from tests.console.conftest import Agent, MovableClock
from tests.console.test_confirmations import confirm_form
from tests.console.test_grant_limits import shoes_complaint
from tests.console.test_queue import book

SignIn = Callable[[str], Agent]
DOWNLOAD = "/console/dashboard.csv"


def numbers(html: str, chart: str) -> dict[str, str]:
    """A chart's table: label → number."""
    figure = html.split(f'id="{chart}-h"', 1)[1].split("</figure>", 1)[0]
    table = figure.split('<table class="numbers">', 1)[1]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table))


def test_the_dashboard_shows_how_the_team_kept_its_promises(
    agent: SignIn, demo_stores: Stores, console_clock: MovableClock
) -> None:
    due = MOMENT + timedelta(minutes=30)
    for name in ("anna", "ben", "cara"):
        book(demo_stores, name, due_at=due, agent_id="a-maria", agent_name="Maria Schneider")
    # Anna is called 20 minutes early, Ben 20 minutes late, Cara an hour late.
    for name, minutes in (("anna", 10), ("ben", 50), ("cara", 90)):
        console_clock.now = MOMENT + timedelta(minutes=minutes)
        maria = agent("maria")
        maria.act(name, "claim")
        assert maria.act(name, "outcome", outcome="resolved", note="sorted").status_code == 303
    shoes = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(shoes.callback_id, "claim")
    maria.act(
        shoes.callback_id, "grant", confirmed="yes", order="1003", remedy="voucher", amount="20"
    )
    [promise] = demo_stores.promises.open_promises()
    asked = maria.post(
        f"/console/commitments/{promise.complaint_id}/fulfil", maria.action_id("/console/promises")
    )
    maria.client.post(
        f"/console/commitments/{promise.complaint_id}/fulfil", data=confirm_form(asked.text)
    )

    priya = agent("priya")  # the team lead, an admin
    html = priya.page("/console/dashboard").text

    assert "<strong>3</strong> callbacks resolved" in html
    assert "<strong>33%</strong> by the time promised" in html
    assert "<strong>20 min</strong> late, median (p50)" in html
    assert "<strong>60 min</strong> late, p90" in html
    assert numbers(html, "open-state") == {"waiting": "0", "overdue": "0", "claimed": "1"}
    assert numbers(html, "resolved-day")["Mon 23 Nov 2026"] == "3"
    assert numbers(html, "promised-remedy") == {"voucher": "1"}
    assert numbers(html, "kept-remedy") == {"voucher": "1"}
    assert numbers(html, "promised-agent") == {"Maria Schneider": "1"}
    assert numbers(html, "cost-remedy") == {"voucher (USD)": "20.00"}
    # Each chart is drawn on the server: a bar per row of its table.
    chart = html.split('id="resolved-day-h"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('<rect x="128"') == 7

    download = priya.client.get("/console/dashboard.csv")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.text)))
    resolved = {r["callback"]: r["minutes late"] for r in rows if r["row"] == "resolved"}
    assert resolved == {"anna": "0", "ben": "20", "cara": "60"}
    assert [r["row"] for r in rows if r["row"].startswith("promise")] == [
        "promise made",
        "promise kept",
    ]
    assert {r["agent"] for r in rows if r["row"] != "open at day end"} == {"Maria Schneider"}


def test_only_admins_open_the_dashboard_and_its_rows(agent: SignIn) -> None:
    maria = agent("maria")  # an agent, not an admin
    for path in ("/console/dashboard", "/console/dashboard.csv"):
        refused = maria.page(path)
        assert refused.status_code == 403, path
        assert "Not for your role" in refused.text and "<nav" in refused.text
        assert "Maria Schneider" not in refused.text.split("</header>", 1)[1]
    assert ">Dashboard</a>" not in maria.page("/console/").text
    priya = agent("priya")
    assert ">Dashboard</a>" in priya.page("/console/").text
    assert priya.page("/console/dashboard").status_code == 200
    assert priya.client.get("/console/dashboard.csv").status_code == 200


def test_the_dashboard_works_back_the_open_callbacks_of_each_day_in_the_teams_zone(
    agent: SignIn, demo_stores: Stores, console_clock: MovableClock
) -> None:
    def utc(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 11, day, hour, minute, tzinfo=UTC)

    wrong = {"complaint": {"problem": "wrong_item", "order_number": "1002"}}
    late = {"complaint": {"problem": "late", "order_number": "1003"}}
    book(demo_stores, "ancient", requested_at=utc(16, 14), context=late)  # before the week
    book(demo_stores, "waiting", requested_at=utc(17, 14))  # Tuesday
    book(demo_stores, "old", requested_at=utc(18, 14), context=wrong)  # Wednesday
    book(demo_stores, "night", requested_at=utc(19, 2))  # Wednesday, 21:00 in New York
    shoes_complaint(demo_stores)  # damaged, booked this morning
    # Old is resolved on Friday morning; Night late on Saturday evening in New York,
    # which is Sunday in UTC.
    for name, resolved_at in (("old", utc(20, 15)), ("night", utc(22, 4, 30))):
        console_clock.now = resolved_at
        maria = agent("maria")
        maria.act(name, "claim")
        assert maria.act(name, "outcome", outcome="resolved", note="done").status_code == 303
    console_clock.now = MOMENT  # Monday, 10:00 in New York

    html = agent("priya").page("/console/dashboard").text

    assert numbers(html, "open-day") == {
        "Tue 17 Nov 2026": "2",  # Ancient, Waiting
        "Wed 18 Nov 2026": "4",  # and Old, Night
        "Thu 19 Nov 2026": "4",
        "Fri 20 Nov 2026": "3",  # Old resolved
        "Sat 21 Nov 2026": "2",  # Night resolved before midnight in New York
        "Sun 22 Nov 2026": "2",
        "Mon 23 Nov 2026": "3",  # now: Ancient, Waiting, Shoes
    }
    assert numbers(html, "open-state") == {"waiting": "3", "overdue": "0", "claimed": "0"}
    resolved = numbers(html, "resolved-day")
    assert (resolved["Fri 20 Nov 2026"], resolved["Sat 21 Nov 2026"]) == ("1", "1")
    # Complaints of callbacks booked this week, open or resolved; not Ancient's.
    assert numbers(html, "complaint-problem") == {"damaged": "1", "wrong item": "1"}

    rows = list(csv.DictReader(io.StringIO(agent("priya").client.get(DOWNLOAD).text)))
    open_rows = [(r["done"], r["detail"]) for r in rows if r["row"] == "open at day end"]
    assert open_rows[0] == ("Wed 18 Nov 2026, 00:00 EST", "2")
    assert open_rows[-1] == ("Mon 23 Nov 2026, 10:00 EST", "3")  # today: now
    assert len(open_rows) == 7
    complaints = {r["callback"]: (r["detail"], r["done"]) for r in rows if r["row"] == "complaint"}
    assert complaints == {
        "old": ("wrong item", "Fri 20 Nov 2026, 10:00 EST"),
        "shoes": ("damaged", ""),
    }


def test_an_evening_in_new_york_is_already_tomorrow_in_utc_and_still_counts(
    agent: SignIn, demo_stores: Stores, console_clock: MovableClock
) -> None:
    book(demo_stores, "evening", requested_at=MOMENT, agent_id="a-maria")
    # 23:00 on Monday in New York: Tuesday 04:00 in UTC, the audit trail's day.
    console_clock.now = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    maria = agent("maria")
    maria.act("evening", "claim")
    assert maria.act("evening", "outcome", outcome="resolved", note="done").status_code == 303
    console_clock.advance(minutes=30)

    html = agent("priya").page("/console/dashboard").text

    assert "<strong>1</strong> callbacks resolved" in html
    assert numbers(html, "resolved-day")["Mon 23 Nov 2026"] == "1"
    assert numbers(html, "open-day")["Mon 23 Nov 2026"] == "0"
    assert numbers(html, "open-day")["Sun 22 Nov 2026"] == "0"
