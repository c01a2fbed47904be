"""The queue of waiting and claimed callbacks, and "my callbacks".

The page polls ``/console/queue/rows`` (the table body as HTML) every few seconds, so
a new request shows up without a reload; see ``static/console.js``. A poll is not
something the agent did: it does not keep an idle session alive.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from flask import Response, g, request, url_for

from skill.console import console_blueprint, services
from skill.console.auth import login_required, page, poll_login_required
from skill.console.refusals import taken
from skill.console.story import language_name, moment, why
from skill.records.callbacks import Callback, CallbackStatus
from skill.storage.team import Team

# How often the queue page asks for fresh rows (the page's script reads it).
POLL_SECONDS = 5


@dataclass(frozen=True)
class Filters:
    """What the agent narrowed the queue to: a search (name, order number, the phone's
    last digits), a language, a priority, only overdue ones, only their own."""

    search: str = ""
    language: str = ""
    priority: str = ""
    overdue: bool = False
    mine: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str], mine: bool) -> Filters:
        return cls(
            search=args.get("q", "").strip()[:60],
            language=args.get("language", "").strip()[:10],
            priority=args.get("priority", "").strip()[:10],
            overdue=args.get("overdue") == "1",
            mine=mine or args.get("mine") == "1",
        )

    def query(self) -> dict[str, str]:
        """The filters as the address's query, for the page's own refresh."""
        given = {
            "q": self.search,
            "language": self.language,
            "priority": self.priority,
            "overdue": "1" if self.overdue else "",
            "mine": "1" if self.mine else "",
        }
        return {k: v for k, v in given.items() if v}


def _orders_of(callback: Callback) -> set[str]:
    numbers = set()
    orders = callback.context.get("orders")
    if isinstance(orders, list):
        numbers |= {str(o.get("number")) for o in orders if isinstance(o, dict)}
    for part in ("complaint", "handover"):
        given = callback.context.get(part)
        if isinstance(given, dict) and given.get("order_number"):
            numbers.add(str(given["order_number"]))
    return numbers


def found(callback: Callback, search: str) -> bool:
    """The search names the customer, one of their orders, or ends their phone number."""
    wanted = search.strip().lower()
    if not wanted:
        return True
    if wanted in (callback.first_name or "guest").lower():
        return True
    if wanted in _orders_of(callback):
        return True
    digits = "".join(ch for ch in wanted if ch.isdigit())
    phone = "".join(ch for ch in callback.phone or "" if ch.isdigit())
    return len(digits) >= 2 and digits == wanted.replace(" ", "") and phone.endswith(digits)


@dataclass(frozen=True)
class QueueRow:
    callback_id: str
    first_name: str
    reason: str
    language: str
    channel: str
    priority: str
    agent_name: str  # the customer's named contact
    holder: str | None  # who has claimed it
    time_left: str
    overdue: bool
    mine: bool
    due: str  # the promised time in the team's zone
    language_code: str
    summary: str  # "Alex, high, delayed order 1003": what a new row is announced as


def time_left(due: datetime, now: datetime) -> tuple[str, bool]:
    """ "in 12 min", "in 2 h 5 min", "7 min overdue": how long until the promised time."""
    minutes = math.ceil((due - now).total_seconds() / 60)
    overdue = minutes < 0
    span = abs(minutes)
    text = f"{span // 60} h {span % 60} min" if span >= 60 else f"{span} min"
    return (f"{text} overdue", True) if overdue else (f"in {text}", False)


def rows(
    callbacks: list[Callback], team: Team, agent_id: str, now: datetime, time_zone: str = "UTC"
) -> list[QueueRow]:
    """One row per callback, in the order given (the index's: priority, then due time)."""
    result = []
    for callback in callbacks:
        left, overdue = time_left(callback.due_at, now)
        holder = team.agent(callback.claimed_by) if callback.claimed_by else None
        result.append(
            QueueRow(
                callback_id=callback.callback_id,
                first_name=callback.first_name or "Guest",
                reason=why(callback),
                language=language_name(callback.locale),
                channel=callback.channel,
                priority=callback.priority,
                agent_name=callback.agent_name,
                holder=holder.name if holder else None,
                time_left=left,
                overdue=overdue,
                mine=agent_id in (callback.claimed_by, callback.agent_id),
                due=moment(callback.due_at, time_zone),
                language_code=callback.locale.split("-")[0],
                summary=f"{callback.first_name or 'Guest'}, {callback.priority}, {why(callback)}",
            )
        )
    return result


def _queue(filters: Filters) -> list[QueueRow]:
    console = services()
    team = console.stores.team.get()
    open_callbacks = console.stores.queue.open_callbacks()
    me = g.agent.agent_id
    now = console.clock()
    chosen = [
        c
        for c in open_callbacks
        if (
            not filters.mine
            or c.claimed_by == me
            or (c.status is CallbackStatus.WAITING and c.agent_id == me)
        )
        and found(c, filters.search)
        and (not filters.language or c.locale.split("-")[0] == filters.language)
        and (not filters.priority or c.priority == filters.priority)
        and (not filters.overdue or c.due_at < now)
    ]
    return rows(chosen, team, me, now, console.settings.service_time_zone)


def _page(mine_only: bool, said: str = "", typed: dict[str, str] | None = None) -> Response:
    filters = Filters.from_args(request.args, mine_only)
    shown = _queue(filters)
    query = urlencode(filters.query())
    refresh = url_for("console.queue_rows") + (f"?{query}" if query else "")
    return page(
        "queue",
        rows=shown,
        mine_only=mine_only,
        filters=filters,
        filtered=filters.query() != ({"mine": "1"} if mine_only else {}),
        waiting=sum(1 for r in shown if r.holder is None),
        refresh=refresh,
        poll=POLL_SECONDS,
        # A form not carried out (skill.console.errors): what it says, and what was typed.
        said=said,
        typed=typed or {},
    )


@console_blueprint.get("/")
@login_required
def queue_page() -> Response:
    """Every open callback, most urgent first."""
    sent = taken("queue")
    typed = sent.get("typed")
    return _page(False, str(sent.get("said", "")), typed if isinstance(typed, dict) else None)


@console_blueprint.get("/mine")
@login_required
def mine_page() -> Response:
    """The callbacks the signed-in agent holds or is named for."""
    return _page(True)


@console_blueprint.get("/queue/rows")
@poll_login_required
def queue_rows() -> Response:
    """The queue table's body, for the page to swap in."""
    filters = Filters.from_args(request.args, False)
    return page("queue_rows", rows=_queue(filters), mine_only=filters.mine)
