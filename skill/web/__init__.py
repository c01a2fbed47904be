"""The web service: ``POST /alexa`` for Alexa, ``GET /healthz``, the console at ``/console``,
the order webhooks under ``/webhooks``, the MCP endpoint for AI assistants at ``/mcp``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask

from skill.web.alexa import alexa_blueprint

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

    from skill.assistants.server import Endpoint
    from skill.console import Console
    from skill.usecases.webhooks import Webhooks
    from skill.web.verification import RequestVerifier

# Alexa's requests are a few kilobytes; anything near this is not from Alexa.
MAX_BODY_BYTES = 128 * 1024


def create_app(
    skill: CustomSkill,
    *,
    verifier: RequestVerifier | None,
    console: Console | None = None,
    webhooks: Webhooks | None = None,
    assistants: Endpoint | Callable[[], Endpoint] | None = None,
) -> Flask:
    """``verifier=None`` only for the loopback demo: every request is then trusted.

    With ``console``, the agent console is served under ``/console``; with ``webhooks``,
    the order webhooks (each checks its own signature, the demo's too); with
    ``assistants`` (or a function building it at the first request), the MCP endpoint
    and its metadata are handed to its ASGI app (:mod:`skill.assistants.bridge`) on the
    same port.
    """
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["menschmoment.skill"] = skill
    app.extensions["menschmoment.verifier"] = verifier
    app.register_blueprint(alexa_blueprint)
    if console is not None:
        from skill.console import install

        install(app, console)
    if webhooks is not None:
        from skill.web.webhooks import webhooks_blueprint

        app.extensions["menschmoment.webhooks"] = webhooks
        app.register_blueprint(webhooks_blueprint)
    if assistants is not None:
        from skill.assistants import PREFIXES
        from skill.assistants.bridge import AsgiRunner, WsgiDispatcher

        if callable(assistants):
            build = assistants

            def built() -> tuple[Any, Any]:
                endpoint = build()
                return endpoint.app, endpoint.lifespan

            runner = AsgiRunner.later(built)
        else:
            runner = AsgiRunner(assistants.app, assistants.lifespan)
        app.extensions["menschmoment.assistants"] = runner
        app.wsgi_app = WsgiDispatcher(app.wsgi_app, runner, PREFIXES)  # type: ignore[method-assign]
    return app
