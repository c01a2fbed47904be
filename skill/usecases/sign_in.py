"""Signing in to the console, the session that follows, and signing out.

A sign-in attempt costs the same, and gets the same answer, whether the login is
unknown, paused or has a wrong password: one read of the login, one counting write
(refused by the table for an unknown name), one password hash (of a dummy when there is
nothing to check against) and one audit entry. The attempt is counted before its
password is checked, so parallel guesses cannot outrun the pause
(:mod:`skill.rules.logins`).

A session is the login, its session key and two times; the console keeps it in the
signed cookie. It is valid while the key is still the login's (signing out, or a new
password, removes it) and the session has neither reached its absolute lifetime nor
been idle too long.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from skill.rules.logins import (
    MAX_FAILURES,
    Attempts,
    checked,
    opens_window,
    pause_end,
    pauses,
    session_over,
)
from skill.storage.audit import AuditEntry
from skill.storage.errors import ConditionFailed, NotFound, StorageError

if TYPE_CHECKING:
    from skill.records.callbacks import Agent
    from skill.storage import Stores
    from skill.storage.agents import Login, LoginStore

log = logging.getLogger(__name__)

# Reads and writes one attempt may take when other attempts change the window meanwhile.
# Each failed try means another attempt was counted, and the window only moves forward
# (opened, filled, paused), so a few are enough; an attempt not counted is not checked.
COUNT_TRIES = 5


class PasswordCheck(Protocol):
    def __call__(self, password_hash: str | None, password: str, /) -> bool:
        """Whether ``password`` matches ``password_hash``. None: nothing to check against;
        the same work is done and the answer is False."""
        ...


@dataclass(frozen=True)
class Session:
    """A signed-in session, as the console's signed cookie holds it."""

    login: str
    key: str
    signed_in_at: datetime
    active_at: datetime


@dataclass(frozen=True)
class Counted:
    """One attempt, counted: the login (None: no such login) and its window after it."""

    login: Login | None
    attempts: Attempts


def _count(logins: LoginStore, name: str, now: datetime) -> Counted:
    """Count an attempt on ``name`` at ``now``; a count of 0 if it could not be counted."""
    login: Login | None = None
    for _ in range(COUNT_TRIES):
        login = logins.get(name)
        seen = login.attempts if login else Attempts()
        since = seen.since
        try:
            if since is None or opens_window(seen, now):
                # For an unknown name too: the table refuses it, after the same round trip.
                after = logins.open_window(name, seen, now)
            else:
                pause = pause_end(now) if pauses(seen.count + 1) else None
                after = logins.add_attempt(
                    name, since, pause_until=pause, fewer_than=MAX_FAILURES - 1
                )
        except ConditionFailed:
            if login is None:
                return Counted(None, Attempts())
            continue  # another attempt changed the window: read it again
        return Counted(login, after)
    log.warning("sign-in attempt not counted: the login's window kept changing")
    return Counted(login, Attempts())


def sign_in(
    stores: Stores, name: str, password: str, now: datetime, check: PasswordCheck
) -> Session | None:
    """The new session if ``password`` opens the login ``name`` at ``now``; else None.

    A :class:`~skill.storage.errors.StorageUnavailable` while counting means the
    attempt was neither counted nor checked, for any login alike.
    """
    counted = _count(stores.logins, name, now)
    login = counted.login
    right = _password_right(counted, password, check)  # for an unknown login too
    if login is not None and right:
        try:
            key = stores.logins.open_session(login.login, secrets.token_urlsafe(32))
        except NotFound:
            # Removed since it was read: no longer a login.
            _record_failure(stores, name, Counted(None, Attempts()), now)
            return None
        stores.audit.record(AuditEntry(now, login.agent_id, "login"))
        return Session(login.login, key, now, now)
    _record_failure(stores, name, counted, now)
    return None


def _password_right(counted: Counted, password: str, check: PasswordCheck) -> bool:
    """One password check, of the dummy when the login is unknown, paused or disabled."""
    login = counted.login
    allowed = login is not None and not login.disabled and checked(counted.attempts.count)
    return check(login.password_hash if login is not None and allowed else None, password)


def confirm_password(
    stores: Stores, name: str, password: str, now: datetime, check: PasswordCheck
) -> bool:
    """Whether a signed-in agent typed their password right, to confirm a change of it.

    Counted, checked and recorded like a sign-in attempt, so a session left open is no
    way to try passwords faster than the sign-in form.
    """
    counted = _count(stores.logins, name, now)
    right = _password_right(counted, password, check)
    if counted.login is not None and right:
        return True
    _record_failure(stores, name, counted, now)
    return False


def _record_failure(stores: Stores, name: str, counted: Counted, now: datetime) -> None:
    """An audit entry for a failed attempt: the login name typed, never the password."""
    attempts = counted.attempts
    action = "login_failed"
    if counted.login is None:
        why = "no such login"
    elif counted.login.disabled:
        why = "disabled"
    elif attempts.count == 0:
        why = "not counted, so not checked"
    elif not checked(attempts.count):
        why = "paused"
    elif pauses(attempts.count) and attempts.paused_until is not None:
        action = "login_paused"
        until = attempts.paused_until.astimezone(UTC)
        why = f"{attempts.count} failed sign-ins, paused until {until:%H:%M} UTC"
    else:
        why = "wrong password"
    try:
        # Nobody is signed in: the agent column stays empty, the name typed is the detail.
        stores.audit.record(AuditEntry(now, "", action, detail=f"login {name!r}: {why}"))
    except StorageError as error:
        # The attempt was counted; the answer stays the same either way.
        log.warning("failed sign-in not recorded: %s", type(error).__name__)


def session_agent(stores: Stores, session: Session, now: datetime) -> Agent | None:
    """The agent ``session`` belongs to, or None if it has ended."""
    if session_over(session.signed_in_at, session.active_at, now):
        return None
    login = stores.logins.get(session.login)
    if login is None or login.session_key is None or login.disabled:
        return None
    if not hmac.compare_digest(login.session_key, session.key):
        return None
    return stores.team.agent(login.agent_id)


def sign_out(stores: Stores, session: Session, agent: Agent, now: datetime) -> None:
    """End every session of the login: no cookie issued before is accepted again."""
    try:
        stores.logins.end_sessions(session.login, session.key)
    except ConditionFailed:
        return  # already ended
    stores.audit.record(AuditEntry(now, agent.agent_id, "logout"))
