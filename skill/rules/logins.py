"""Console sign-in: when a login is paused, and how long a signed-in session lasts.

**Pauses.** The attempts on a login are counted in windows. The first attempt opens a
window of 15 minutes; every attempt counts, and the table adds each one atomically, so
attempts sent in parallel are all counted. Only the first five of a window have their
password checked: the one that makes five pauses the login for 15 minutes (unless its
password is right, which clears the count), and every attempt after it is refused
unchecked until the pause ends. A successful sign-in clears the count::

    attempt  1    2    3    4    5                6 ...                 next attempt
             |----|----|----|----|================|===== paused =======|--------->
             window opens        fifth: pause     refused, counted     a new window
             (15 min)            begins (15 min)                       (count 1)

An attempt is counted before its password is checked, so even parallel guesses get at
most five checks per window.

**Sessions.** A session ends 12 hours after its sign-in whatever happens, and after 30
minutes without an action of the agent. What the queue page fetches in the background
is not an action; an action is recorded at most once a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
MAX_FAILURES = 5

# A session's absolute lifetime: a working day and some, never longer.
SESSION_LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(minutes=30)
# Actions closer together than this are recorded once (the session cookie is rewritten).
ACTIVITY_STEP = timedelta(minutes=1)


@dataclass(frozen=True)
class Attempts:
    """A login's sign-in attempts in its current window, as stored with the login."""

    count: int = 0
    since: datetime | None = None  # the window's first attempt
    paused_until: datetime | None = None


def locked_until(attempts: Attempts, now: datetime) -> datetime | None:
    """When the login opens again, or None if it is not paused at ``now``."""
    if attempts.paused_until is not None and now < attempts.paused_until:
        return attempts.paused_until
    return None


def opens_window(attempts: Attempts, now: datetime) -> bool:
    """Whether an attempt at ``now`` starts a new window (and a count of one)."""
    if attempts.since is None:
        return True
    if attempts.paused_until is not None:
        return now >= attempts.paused_until
    return now >= attempts.since + WINDOW


def pauses(count: int) -> bool:
    """Whether the ``count``-th attempt of a window pauses the login (or it already is)."""
    return count >= MAX_FAILURES


def pause_end(now: datetime) -> datetime:
    """The end of a pause that begins at ``now``."""
    return now + LOCK


def checked(count: int) -> bool:
    """Whether the ``count``-th attempt of a window may have its password checked.

    0 is an attempt the table could not count: it is not checked either.
    """
    return 1 <= count <= MAX_FAILURES


def session_over(signed_in_at: datetime, active_at: datetime, now: datetime) -> bool:
    """Whether a session signed in at ``signed_in_at``, last active at ``active_at``,
    has ended at ``now``."""
    return now >= signed_in_at + SESSION_LIFETIME or now >= active_at + IDLE_TIMEOUT


def activity_to_record(active_at: datetime, now: datetime) -> bool:
    """Whether an action at ``now`` is recorded as the session's latest activity."""
    return now - active_at >= ACTIVITY_STEP
