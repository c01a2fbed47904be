"""The queue of waiting and claimed callbacks, and "my callbacks".

The page polls ``/console/queue/rows`` (the table body as HTML) every few seconds, so
a new request shows up without a reload; see ``static/console.js``. A poll is not
something the agent did: it does not keep an idle session alive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import Response, g, request

from skill.console import console_blueprint, services
from skill.console.auth import login_required, page, poll_login_required
from skill.records import Callback, CallbackStatus
from skill.storage.team import Team

# How often the queue page asks for fresh rows (the page's script reads it).
POLL_SECONDS = 5


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


def time_left(due: datetime, now: datetime) -> tuple[str, bool]:
    """ "in 12 min", "in 2 h 5 min", "7 min overdue": how long until the promised time."""
    minutes = math.ceil((due - now).total_seconds() / 60)
    overdue = minutes < 0
    span = abs(minutes)
    text = f"{span // 60} h {span % 60} min" if span >= 60 else f"{span} min"
    return (f"{text} overdue", True) if overdue else (f"in {text}", False)


def rows(callbacks: list[Callback], team: Team, agent_id: str, now: datetime) -> list[QueueRow]:
    """One row per callback, in the order given (the index's: priority, then due time)."""
    result = []
    for callback in callbacks:
        left, overdue = time_left(callback.due_at, now)
        holder = team.agent(callback.claimed_by) if callback.claimed_by else None
        result.append(
            QueueRow(
                callback_id=callback.callback_id,
                first_name=callback.first_name or "Guest",
                reason=callback.reason.replace("_", " "),
                language=str(callback.context.get("language") or callback.locale),
                channel=callback.channel,
                priority=callback.priority,
                agent_name=callback.agent_name,
                holder=holder.name if holder else None,
                time_left=left,
                overdue=overdue,
                mine=agent_id in (callback.claimed_by, callback.agent_id),
            )
        )
    return result


def _queue(only_mine: bool) -> list[QueueRow]:
    console = services()
    team = console.stores.team.get()
    open_callbacks = console.stores.queue.open_callbacks()
    me = g.agent.agent_id
    if only_mine:
        open_callbacks = [
            c
            for c in open_callbacks
            if c.claimed_by == me or (c.status is CallbackStatus.WAITING and c.agent_id == me)
        ]
    return rows(open_callbacks, team, me, console.clock())


@console_blueprint.get("/")
@login_required
def queue_page() -> Response:
    """Every open callback, most urgent first."""
    return page("queue", rows=_queue(False), mine_only=False, poll=POLL_SECONDS)


@console_blueprint.get("/mine")
@login_required
def mine_page() -> Response:
    """The callbacks the signed-in agent holds or is named for."""
    return page("queue", rows=_queue(True), mine_only=True, poll=POLL_SECONDS)


@console_blueprint.get("/queue/rows")
@poll_login_required
def queue_rows() -> Response:
    """The queue table's body, for the page to swap in."""
    mine_only = request.args.get("mine") == "1"
    return page("queue_rows", rows=_queue(mine_only), mine_only=mine_only)
