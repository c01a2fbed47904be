"""The team's agents as a warm process remembers them for a short while: the roster.

Agents change a few times a day (the console, ``python -m skill team``); what a turn
asks of the roster alone is the team's hours, to place a moved call back or an agent's
retry. Such a turn takes the roster read at most :data:`ROSTER_LIFETIME` ago in this
process instead of a query. A booking never does: it reads the roster fresh with the
queue in the same query (:meth:`skill.storage.team.TeamStore.get`), so an agent
disabled a moment ago in another process is never assigned, and that read renews the
roster here. A change made through this process's stores forgets it at once.
Why 30 seconds are acceptable: docs/decisions/0014-roster-kept-briefly.md.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skill.records.callbacks import Agent
    from skill.storage.team import TeamStore

ROSTER_LIFETIME = timedelta(seconds=30)


class Roster:
    """The agents, read at most ``lifetime`` ago (by the turn's clock), or read now."""

    def __init__(self, team: TeamStore, lifetime: timedelta = ROSTER_LIFETIME) -> None:
        self._team = team
        self._lifetime = lifetime
        self._lock = threading.Lock()  # gunicorn serves turns on threads
        self._agents: tuple[Agent, ...] | None = None
        self._read_at: datetime | None = None

    def agents(self, now: datetime) -> tuple[Agent, ...]:
        with self._lock:
            agents, read_at = self._agents, self._read_at
        if agents is not None and read_at is not None and read_at <= now < read_at + self._lifetime:
            return agents
        fresh = tuple(self._team.get().agents)
        self.remember(fresh, now)
        return fresh

    def remember(self, agents: Sequence[Agent], now: datetime) -> None:
        """The agents as a query read them at ``now`` (a booking's, say)."""
        with self._lock:
            self._agents, self._read_at = tuple(agents), now

    def forget(self) -> None:
        """The team changed: the next turn reads it."""
        with self._lock:
            self._agents = self._read_at = None
