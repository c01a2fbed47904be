"""Signing in and out, who is asking, CSRF tokens, and the pages' common response.

The session (a signed cookie: HttpOnly, SameSite, Secure outside the demo) holds the
login, its session key, when it signed in and when the agent last did something, and a
CSRF token. Every request checks the key against the login's item and the times against
the session's lifetime and idle timeout (:mod:`skill.usecases.sign_in`); the queue's
background poll does not count as doing something. Every POST must send the CSRF token
back in a form field or the ``X-CSRF-Token`` header.

A failed sign-in always gets the same words, and costs the same, whether the name is
unknown, the password wrong or the login paused after repeated failures. It is sent back
to the sign-in form (303) with the name typed, never the password, so a reload sends
no password again.
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
import uuid
from collections.abc import Callable, MutableMapping
from datetime import datetime
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    get_flashed_messages,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.exceptions import BadRequest

from skill.clock import system_clock
from skill.console import Console, console_blueprint, passwords, services
from skill.console.refusals import send_back, taken
from skill.console.story import day, language_name, moment
from skill.records.callbacks import Agent
from skill.rules.logins import SESSION_LIFETIME, activity_to_record
from skill.storage.errors import StorageUnavailable
from skill.usecases.sign_in import Session, session_agent, sign_in, sign_out

log = logging.getLogger(__name__)
View = TypeVar("View", bound=Callable[..., Any])

# HTTPS only, for a year, once a browser has seen the console over HTTPS.
HSTS = "max-age=31536000"
# The message the sign-in form gets after a session ended.
ENDED = "session-ended"
# ... and after the agent changed their own password, which ends every session.
PASSWORD_CHANGED = "password-changed"  # noqa: S105 (a message key, no password)


def check_password(password_hash: str | None, password: str, /) -> bool:
    """One hash per call: against ``password_hash``, or a dummy made as new hashes are
    (then always False), so every attempt costs the same."""
    return passwords.matches(password_hash, password, services().settings.password_hash_method)


def new_password_hash(password: str, /) -> str:
    """``password`` hashed as the settings say new passwords are."""
    return passwords.hasher(services().settings.password_hash_method)(password)


class ConsoleSessions(SecureCookieSessionInterface):
    """Flask's signed cookie, written only when the session changed (sign-in, an action
    recorded, sign-out), and expiring when the session's absolute lifetime ends, not a
    fresh lifetime from every write."""

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        started = _time(session.get("signed_in_at"))
        if not session.permanent or started is None:
            return None  # signed out: the CSRF token of the sign-in form, for this visit
        console: Console = app.extensions["menschmoment.console"]
        left = started + SESSION_LIFETIME - console.clock()
        # The browser counts on the machine's clock: the rest of the lifetime from now.
        return system_clock() + left


def begin_session(cookie: MutableMapping[str, Any], signed_in: Session) -> None:
    """Write a new session into the (cleared) cookie: what :func:`current_session` reads."""
    cookie["login"] = signed_in.login
    cookie["key"] = signed_in.key
    cookie["signed_in_at"] = signed_in.signed_in_at.isoformat()
    cookie["active_at"] = signed_in.active_at.isoformat()


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def current_session() -> Session | None:
    """The session the cookie claims (signed, so not forged; maybe ended)."""
    login, key = session.get("login"), session.get("key")
    signed_in_at, active_at = _time(session.get("signed_in_at")), _time(session.get("active_at"))
    if not isinstance(login, str) or not isinstance(key, str):
        return None
    if signed_in_at is None or active_at is None:
        return None
    return Session(login, key, signed_in_at, active_at)


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


class StaleForm(BadRequest):
    """A form without this session's CSRF token: forged, or typed on a page opened
    before the agent signed in again (:mod:`skill.console.errors` says which to do)."""


@console_blueprint.before_request
def check_csrf() -> None:
    """Every state change carries the session's token; anything else is refused."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise StaleForm("missing or wrong CSRF token")


@console_blueprint.after_request
def security_headers(response: Response) -> Response:
    # Pages carry personal data: never cached, never framed, no inline script.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if services().secure_cookies:
        # Served over HTTPS (everywhere but the loopback demo): never over plain HTTP again.
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def page(name: str, status: int = 200, **data: Any) -> Response:
    """A console page with what every page needs: the agent and the CSRF token."""
    html = services().renderer.page(
        name,
        agent=g.get("agent"),
        csrf=csrf_token(),
        url_for=url_for,
        # Each form gets its own action id: a second submission of it changes nothing.
        new_action_id=lambda: str(uuid.uuid4()),
        # One format for every time and date, always with its zone; languages by name.
        moment=moment,
        day=day,
        language_name=language_name,
        team_zone=services().settings.service_time_zone,
        **data,
    )
    return Response(html, status=status, mimetype="text/html")


@console_blueprint.errorhandler(StorageUnavailable)
def storage_unavailable(error: StorageUnavailable) -> Response:
    """The table did not answer: nothing is confirmed, and the agent may try again."""
    log.warning("console request failed: %s", type(error).__name__)
    retry: dict[str, str] = {}
    if request.method == "POST" and request.form.get("action_id"):
        # Only a form with an action id is safe to send again: its guard applies it
        # once, even if the first attempt was stored after all and only the answer lost.
        retry = {name: value for name, value in request.form.items() if name != "csrf"}
    return page("unavailable", status=503, saving=request.method == "POST", retry=retry)


def signed_in_agent(*, action: bool) -> Agent | None:
    """The agent of a session that has not ended; an ended one is forgotten.

    ``action``: the request is something the agent did, which keeps the session from
    going idle (recorded in the cookie at most once a minute).
    """
    current = current_session()
    if current is None:
        return None
    console = services()
    now = console.clock()
    agent = session_agent(console.stores, current, now)
    if agent is None:
        # Forget it; the sign-in form then says why it is shown.
        session.clear()
        flash(ENDED)
        return None
    if action and activity_to_record(current.active_at, now):
        session["active_at"] = now.isoformat()
    return agent


def _signed_in(view: View, *, action: bool) -> View:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        agent = signed_in_agent(action=action)
        if agent is None:
            if request.method == "GET" and not request.headers.get("X-Requested-With"):
                return redirect(url_for("console.login"))
            abort(401)
        g.agent = agent
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def login_required(view: View) -> View:
    """For what an agent does: signed in, and the session kept from going idle."""
    return _signed_in(view, action=True)


def poll_login_required(view: View) -> View:
    """For what a page fetches by itself (the queue's poll): signed in, but it does not
    keep the session alive, so a queue left open still goes idle."""
    return _signed_in(view, action=False)


def admin_required(view: View) -> View:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.agent.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


@console_blueprint.get("/login")
def login() -> Response:
    """The sign-in form."""
    said = get_flashed_messages()
    sent = taken("login")
    return _sign_in_page(
        name=str(sent.get("name", "")),
        failed=sent.get("failed") is True,
        unavailable=sent.get("unavailable") is True,
        ended=ENDED in said,
        changed=PASSWORD_CHANGED in said,
        sent_back=sent,
    )


def _sign_in_page(
    *,
    name: str = "",
    failed: bool = False,
    ended: bool = False,
    unavailable: bool = False,
    changed: bool = False,
    sent_back: dict[str, Any] | None = None,
) -> Response:
    kept = sent_back or {}
    return page(
        "login",
        login_name=name,
        failed=failed,
        ended=ended,
        unavailable=unavailable,
        changed=changed,
        # A form not carried out (skill.console.errors): what it says, and what was typed.
        said=str(kept.get("said", "")),
        typed=kept.get("typed") if isinstance(kept.get("typed"), dict) else {},
    )


@console_blueprint.post("/login")
def login_post() -> Any:
    """Count the attempt, check the password; a fresh session on success."""
    console = services()
    now = console.clock()
    name = request.form.get("login", "").strip().lower()[:100]
    password = request.form.get("password", "")
    try:
        signed_in = sign_in(console.stores, name, password, now, check_password)
    except StorageUnavailable as error:
        # The table did not answer (an attempt it could not count is not checked): the
        # same words for every login, known or not.
        log.warning("sign-in not possible: %s", type(error).__name__)
        return send_back("login", url_for("console.login"), name=name, unavailable=True)
    if signed_in is None:
        return send_back("login", url_for("console.login"), name=name, failed=True)
    # A new session on sign-in: nothing chosen before it (a planted cookie) carries over.
    session.clear()
    session.permanent = True
    begin_session(session, signed_in)
    csrf_token()
    return redirect(url_for("console.queue_page"))


@console_blueprint.post("/logout")
def logout() -> Any:
    """End the login's sessions (the cookie is refused from now on) and forget this one."""
    current = current_session()
    if current is not None:
        console = services()
        now = console.clock()
        agent = session_agent(console.stores, current, now)
        if agent is not None:
            sign_out(console.stores, current, agent, now)
    session.clear()
    return redirect(url_for("console.login"))
