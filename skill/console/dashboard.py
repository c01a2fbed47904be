"""The team lead's dashboard: how the team keeps its promises. For admins only, like
the audit trail it is drawn from.

Open callbacks now (the queue), and over the last 7 days (the audit trail): callbacks
resolved against the time promised (share on time, p50 and p90 lateness), promises made
and kept by remedy and by agent, what the remedies cost, and what the customers of those
callbacks said when asked how it went (:mod:`skill.rules.satisfaction`). Charts are SVG
drawn on the server (no script, no CDN), each with its numbers as a table; the rows
behind them are a CSV download.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Response

from skill.console import console_blueprint, services
from skill.console.auth import admin_required, page
from skill.console.story import day, moment
from skill.records.callbacks import Callback
from skill.rules.backlog import Closed, day_ends, open_at
from skill.rules.dates import local_today, zone
from skill.rules.satisfaction import Satisfaction, satisfaction
from skill.storage.audit import AuditEntry

DAYS = 7
# The audit trail holds every sign-in too: enough entries for a busy week's actions.
ENTRIES = 5000


@dataclass(frozen=True)
class Resolved:
    """One callback resolved in the period: when it was asked for, promised and done."""

    callback_id: str
    agent: str
    priority: str
    requested_at: datetime
    due_at: datetime
    resolved_at: datetime
    # What the customer said when asked how it went, 1 to 5; None: no answer (yet).
    score: int | None = None

    @property
    def minutes_late(self) -> int:
        return max(0, math.ceil((self.resolved_at - self.due_at).total_seconds() / 60))


@dataclass(frozen=True)
class Figures:
    """What the dashboard shows; every chart is a list of (label, number)."""

    open_by_state: list[tuple[str, int]]
    open_by_priority: list[tuple[str, int]]
    resolved_by_day: list[tuple[str, int]]
    resolved: list[Resolved]
    on_time_share: int | None  # percent
    p50_late: int | None  # minutes
    p90_late: int | None
    promised_by_remedy: list[tuple[str, int]]
    kept_by_remedy: list[tuple[str, int]]
    promised_by_agent: list[tuple[str, int]]
    kept_by_agent: list[tuple[str, int]]
    cost_by_remedy: list[tuple[str, str]]
    promises: list[AuditEntry] = field(default_factory=list)
    # Customer satisfaction of the callbacks resolved in the period.
    satisfaction: Satisfaction | None = None
    # Open at the end of each day (today: now), worked back (skill.rules.backlog).
    open_by_day: list[tuple[str, int]] = field(default_factory=list)
    open_at_day_end: list[tuple[datetime, int]] = field(default_factory=list)
    # The complaints that came to the team with a callback in these days.
    complaints_by_problem: list[tuple[str, int]] = field(default_factory=list)
    complaints: list[HandedComplaint] = field(default_factory=list)


@dataclass(frozen=True)
class HandedComplaint:
    """A complaint that came to the team with a callback: open now, or resolved."""

    callback: Callback
    problem: str  # "wrong item"
    resolved_at: datetime | None


def problem_of(callback: Callback) -> str | None:
    """The problem of the complaint the callback is about ("wrong item"), or None."""
    complaint = callback.context.get("complaint")
    if not isinstance(complaint, dict):
        return None
    return str(complaint.get("problem") or "other").replace("_", " ")


def window_start(today: date, time_zone: str) -> datetime:
    """When the first of the dashboard's days began, in the team's zone."""
    # The midnight that ended the day before them.
    [(_, start)] = day_ends(today - timedelta(days=DAYS), 1, time_zone)
    return start


def handed_complaints(
    open_callbacks: list[Callback], resolved: list[tuple[Callback, datetime]], since: datetime
) -> list[HandedComplaint]:
    """The complaints of the callbacks requested since ``since`` that are open now or
    were resolved: the ones the team can see without reading every complaint."""
    handed = [(c, None) for c in open_callbacks] + [(c, at) for c, at in resolved]
    return [
        HandedComplaint(c, problem, at)
        for c, at in sorted(handed, key=lambda pair: pair[0].requested_at)
        if c.requested_at >= since and (problem := problem_of(c)) is not None
    ]


def percentile(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile: the value at or below which ``share`` of them lie."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _remedy(detail: str) -> tuple[str, Decimal]:
    """ "refund 119.95 USD for order 1003" → ("refund", 119.95)."""
    words = detail.split()
    kind = words[0].replace("_", " ") if words else "other"
    try:
        amount = Decimal(words[1]) if len(words) > 1 else Decimal(0)
    except InvalidOperation:
        amount = Decimal(0)
    return kind, amount


def figures(
    open_callbacks: list[Callback],
    entries: list[AuditEntry],
    callbacks: dict[str, Callback],
    names: dict[str, str],
    now: datetime,
    today: date,
    time_zone: str = "UTC",
) -> Figures:
    """The dashboard's numbers from the queue and the week's audit trail, by the days of
    ``time_zone``."""
    states = Counter(
        "overdue" if c.due_at < now and c.claimed_by is None else c.status.value
        for c in open_callbacks
    )
    priorities = Counter(c.priority for c in open_callbacks)
    resolved = sorted(
        (
            Resolved(
                callback.callback_id,
                names.get(e.agent_id, e.agent_id),
                callback.priority,
                callback.requested_at,
                callback.due_at,
                e.at,
                callback.csat_score,
            )
            for e in entries
            if e.action == "outcome_resolved"
            and e.callback_id
            and (callback := callbacks.get(e.callback_id)) is not None
        ),
        key=lambda r: r.resolved_at,
    )
    per_day = Counter(r.resolved_at.astimezone(zone(time_zone)).date() for r in resolved)
    late = [r.minutes_late for r in resolved]
    grants = [e for e in entries if e.action == "grant"]
    kept = [e for e in entries if e.action == "fulfil"]
    cost: dict[str, Decimal] = {}
    for entry in grants:
        kind, amount = _remedy(entry.detail)
        words = entry.detail.split()
        key = f"{kind} ({words[2]})" if len(words) > 2 else kind  # per currency
        cost[key] = cost.get(key, Decimal(0)) + amount
    return Figures(
        open_by_state=[(s, states.get(s, 0)) for s in ("waiting", "overdue", "claimed")],
        open_by_priority=[(p, priorities.get(p, 0)) for p in ("urgent", "high", "normal")],
        resolved_by_day=[
            (day(d), per_day.get(d, 0))
            for d in (today - timedelta(days=back) for back in range(DAYS - 1, -1, -1))
        ],
        resolved=resolved,
        on_time_share=round(100 * late.count(0) / len(late)) if late else None,
        p50_late=percentile(late, 0.5),
        p90_late=percentile(late, 0.9),
        promised_by_remedy=sorted(Counter(_remedy(e.detail)[0] for e in grants).items()),
        kept_by_remedy=sorted(Counter(_remedy(e.detail)[0] for e in kept).items()),
        promised_by_agent=sorted(Counter(names.get(e.agent_id, "?") for e in grants).items()),
        kept_by_agent=sorted(Counter(names.get(e.agent_id, "?") for e in kept).items()),
        cost_by_remedy=[(k, str(v)) for k, v in sorted(cost.items())],
        promises=grants + kept,
        satisfaction=satisfaction(
            [callbacks[i] for i in sorted({r.callback_id for r in resolved})], names
        ),
        **_backlog(open_callbacks, callbacks, resolved, now, today, time_zone),
    )


def _backlog(
    open_callbacks: list[Callback],
    callbacks: dict[str, Callback],
    resolved: list[Resolved],
    now: datetime,
    today: date,
    time_zone: str,
) -> dict[str, Any]:
    """The open callbacks at each day's end, and the complaints handed to the team."""
    requested = [c.requested_at for c in open_callbacks]
    closed = [Closed(r.requested_at, r.resolved_at) for r in resolved]
    ends = [(d, min(end, now)) for d, end in day_ends(today, DAYS, time_zone)]
    counted = [(d, end, open_at(end, requested, closed)) for d, end in ends]
    done = [(callbacks[r.callback_id], r.resolved_at) for r in resolved]
    complaints = handed_complaints(open_callbacks, done, window_start(today, time_zone))
    return {
        "open_by_day": [(day(d), n) for d, _, n in counted],
        "open_at_day_end": [(end, n) for _, end, n in counted],
        "complaints_by_problem": sorted(Counter(c.problem for c in complaints).items()),
        "complaints": complaints,
    }


def _week() -> tuple[Figures, str, dict[str, str]]:
    console = services()
    now = console.clock()
    zone = console.settings.service_time_zone
    today = local_today(now, zone)
    since = window_start(today, zone)
    # The trail is kept by UTC day: every UTC day the team's days touch.
    utc_today = now.astimezone(UTC).date()
    touched = (utc_today - since.astimezone(UTC).date()).days + 1
    entries = [e for e in console.stores.audit.recent(utc_today, touched, ENTRIES) if e.at >= since]
    wanted = {e.callback_id for e in entries if e.action == "outcome_resolved" and e.callback_id}
    callbacks = {i: c for i in wanted if (c := console.stores.callbacks.get(i)) is not None}
    names = {a.agent_id: a.name for a in console.stores.team.get().agents}
    shown = figures(
        console.stores.queue.open_callbacks(), entries, callbacks, names, now, today, zone
    )
    return shown, zone, names


@console_blueprint.get("/dashboard")
@admin_required
def dashboard_page() -> Response:
    """Charts of the queue and of promises kept, each with its table."""
    shown, zone, _names = _week()
    return page("dashboard", figures=shown, zone=zone, days=DAYS)


@console_blueprint.get("/dashboard.csv")
@admin_required
def dashboard_csv() -> Response:
    """The rows behind the charts: each callback resolved, each promise made or kept."""
    shown, zone, names = _week()
    out = io.StringIO()
    table = csv.writer(out)
    table.writerow(
        [
            "row",
            "callback",
            "agent",
            "priority",
            "requested",
            "promised",
            "done",
            "minutes late",
            "detail",
            "score",
        ]
    )
    for r in shown.resolved:
        table.writerow(
            [
                "resolved",
                r.callback_id,
                _cell(r.agent),
                r.priority,
                moment(r.requested_at, zone),
                moment(r.due_at, zone),
                moment(r.resolved_at, zone),
                r.minutes_late,
                "",
                "" if r.score is None else r.score,
            ]
        )
    for e in shown.promises:
        table.writerow(
            [
                "promise made" if e.action == "grant" else "promise kept",
                e.callback_id or "",
                _cell(names.get(e.agent_id, e.agent_id)),
                "",
                "",
                "",
                moment(e.at, zone),
                "",
                e.detail,
                "",
            ]
        )
    for end, count in shown.open_at_day_end:
        table.writerow(["open at day end", "", "", "", "", "", moment(end, zone), "", count, ""])
    for c in shown.complaints:
        table.writerow(
            [
                "complaint",
                c.callback.callback_id,
                _cell(c.callback.agent_name),
                c.callback.priority,
                moment(c.callback.requested_at, zone),
                moment(c.callback.due_at, zone),
                moment(c.resolved_at, zone) if c.resolved_at else "",
                "",
                c.problem,
                "",
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=menschmoment-week.csv"},
    )


def _cell(text: str) -> str:
    """A name as a spreadsheet reads it: never as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
