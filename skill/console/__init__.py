"""The agent console: a Flask blueprint under ``/console`` in the same web service.

Agents sign in, see the queue, claim a callback, call the customer and act: record the
outcome, grant a remedy within their authority, keep promises, reschedule or hand over.
Every page is server-rendered from ``templates/console/`` through the one jinja2
environment (:class:`skill.speech.Renderer`), so autoescaping covers it.

Modules: :mod:`.auth` (sign-in, session, CSRF, roles), :mod:`.queue` (the queue and
"my callbacks"), :mod:`.callback_page` (a callback's page), :mod:`.callbacks` (the
actions on it), :mod:`.overview` (promises across the team, the audit trail),
:mod:`.team` (the Team page, and every agent's own password), :mod:`.refusals`
(post/redirect/get for a form not carried out). The
actions themselves are use-cases over the stores, without Flask:
:mod:`skill.usecases.acts`, :mod:`skill.usecases.callback_work` and
:mod:`skill.usecases.promises`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, current_app

from skill.console import passwords
from skill.rules.logins import SESSION_LIFETIME

if TYPE_CHECKING:
    from skill.clock import Clock
    from skill.config import Settings
    from skill.rules.remedies import RemedyPolicy
    from skill.speech import Renderer
    from skill.storage import Stores

console_blueprint = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    static_folder=str(Path(__file__).with_name("static")),
    static_url_path="/static",
)


@dataclass(frozen=True)
class Console:
    """What the console's views work with."""

    stores: Stores
    settings: Settings
    renderer: Renderer
    clock: Clock
    policy: RemedyPolicy
    # Served over HTTPS: Secure cookies and Strict-Transport-Security. Not in the loopback
    # demo, which serves plain HTTP, where a Secure cookie would never come back.
    secure_cookies: bool = True


def install(app: Flask, console: Console) -> None:
    """Serve the console from ``app``: the session cookie and the blueprint."""
    # Without a configured key, one per start: gunicorn builds the app before forking,
    # so all workers share it; a restart signs agents out.
    app.secret_key = console.settings.console_secret or secrets.token_hex(32)
    app.config.update(
        SESSION_COOKIE_NAME="menschmoment_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=console.secure_cookies,
        SESSION_COOKIE_PATH="/console",
        # The signature's own limit; the session's lifetime and idle timeout are checked
        # on the console's clock (skill.console.auth).
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # Written when it changes, not with a fresh lifetime on every request.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.extensions["menschmoment.console"] = console
    # The view modules register their routes on the blueprint when imported.
    import skill.console.auth
    import skill.console.callbacks
    import skill.console.dashboard
    import skill.console.errors
    import skill.console.overview
    import skill.console.queue
    import skill.console.team

    app.session_interface = skill.console.auth.ConsoleSessions()
    # The dummy hash of failed sign-ins: made now, not in the first sign-in's time.
    passwords.dummy_hash(console.settings.password_hash_method)
    app.register_blueprint(console_blueprint)
    skill.console.errors.install_error_pages(app)


def services() -> Console:
    console: Console = current_app.extensions["menschmoment.console"]
    return console
