"""Signing in and out, who is asking, CSRF tokens, and the pages' common response.

The session (a signed cookie: HttpOnly, SameSite, Secure outside the demo) holds the
agent id and a CSRF token. Every POST must send that token back in a form field or the
``X-CSRF-Token`` header. A failed sign-in always gets the same words, and costs the
same, whether the name is unknown, the password wrong or the login paused after
repeated failures (:mod:`skill.usecases.sign_in`).
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, abort, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from skill.console import console_blueprint, services
from skill.records import Agent
from skill.storage.audit import AuditEntry
from skill.storage.errors import StorageUnavailable
from skill.usecases.sign_in import sign_in

log = logging.getLogger(__name__)
View = TypeVar("View", bound=Callable[..., Any])


@functools.cache
def dummy_hash() -> str:
    """A hash of nothing anyone knows, made as new hashes are (werkzeug's default scrypt
    parameters): checked when there is no hash to check, so every attempt costs the same.
    Made when the console is installed, not at the first sign-in."""
    return generate_password_hash(secrets.token_hex(16))


def check_password(password_hash: str | None, password: str, /) -> bool:
    """One scrypt per call: against ``password_hash``, or the dummy (then always False)."""
    if password_hash is None:
        check_password_hash(dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


@console_blueprint.before_request
def check_csrf() -> None:
    """Every state change carries the session's token; anything else is refused."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        abort(400, description="missing or wrong CSRF token")


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


def signed_in_agent() -> Agent | None:
    agent_id = session.get("agent_id")
    if not isinstance(agent_id, str):
        return None
    return services().stores.team.agent(agent_id)


def login_required(view: View) -> View:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        agent = signed_in_agent()
        if agent is None:
            if request.method == "GET" and not request.headers.get("X-Requested-With"):
                return redirect(url_for("console.login"))
            abort(401)
        g.agent = agent
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


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
    return _sign_in_page()


def _sign_in_page(
    status: int = 200, *, name: str = "", failed: bool = False, unavailable: bool = False
) -> Response:
    return page("login", status=status, login_name=name, failed=failed, unavailable=unavailable)


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
        return _sign_in_page(503, name=name, unavailable=True)
    if signed_in is None:
        return _sign_in_page(401, name=name, failed=True)
    # A new session on sign-in: nothing chosen before it (a planted cookie) carries over.
    session.clear()
    session.permanent = True
    session["agent_id"] = signed_in.agent_id
    csrf_token()
    return redirect(url_for("console.queue_page"))


@console_blueprint.post("/logout")
def logout() -> Any:
    """Forget the session."""
    agent_id = session.get("agent_id")
    if isinstance(agent_id, str):
        console = services()
        console.stores.audit.record(AuditEntry(console.clock(), agent_id, "logout"))
    session.clear()
    return redirect(url_for("console.login"))
