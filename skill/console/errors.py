"""What the console answers when a page cannot be shown: a console page like the others
(the navigation, a heading, what happened and a way back), never a bare server page.

A form sent with a token from an older session (the agent signed in again in another
tab) or after the session ended is not carried out; the page shows what was typed in it,
so a note is not lost, and links back to where it was typed.
"""

from __future__ import annotations

from flask import Flask, Response, g, request, url_for
from werkzeug.exceptions import HTTPException

from skill.console import console_blueprint
from skill.console.auth import StaleForm, page, security_headers, signed_in_agent
from skill.console.refusals import UNKEPT

# What each status means to an agent.
_EXPLAINED = {
    400: ("This could not be done", "The request was incomplete. Nothing was changed."),
    401: ("You were signed out", "Your session ended, so nothing was changed. Sign in again."),
    403: ("Not for your role", "This page is for admins of the console."),
    404: ("Not found", "There is no such page: it may have been removed or erased."),
    405: ("Not possible here", "This address cannot be used that way."),
}


def _typed() -> list[tuple[str, str]]:
    """What the agent had typed into the form, to copy into it again."""
    if request.method != "POST":
        return []
    return [
        (name.replace("_", " "), value[:2000])
        for name, value in request.form.items()
        if name not in UNKEPT and value.strip()
    ]


def _way_back() -> tuple[str, str]:
    """The page the form was sent from, as far as its address tells."""
    parts = request.path.strip("/").split("/")
    if len(parts) >= 3 and parts[:2] == ["console", "callbacks"] and request.method == "POST":
        return url_for("console.callback_page", callback_id=parts[2]), "Back to the callback"
    return url_for("console.queue_page"), "Back to the queue"


def error_page(status: int, heading: str, explanation: str) -> Response:
    if "agent" not in g and status not in (401,):
        # Not signed in, or a routing error before any view: the navigation if we can.
        agent = signed_in_agent(action=False)
        if agent is not None:
            g.agent = agent
    back, back_label = _way_back()
    return page(
        "error",
        status=status,
        heading=heading,
        explanation=explanation,
        typed_fields=_typed(),
        back=back,
        back_label=back_label,
        signed_out=status == 401,
    )


@console_blueprint.errorhandler(StaleForm)
def stale_form(error: StaleForm) -> Response:
    return error_page(
        400,
        "Your session changed",
        "This form came from a page opened before you last signed in, so it was not "
        "carried out and nothing was changed. Reload the page and send it again.",
    )


@console_blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response | HTTPException:
    status = error.code or 500
    if status not in _EXPLAINED:
        return error
    heading, explanation = _EXPLAINED[status]
    return error_page(status, heading, explanation)


def install_error_pages(app: Flask) -> None:
    """Addresses under /console that match no page get the console's page too."""

    def not_routed(error: HTTPException) -> Response | HTTPException:
        if not request.path.startswith("/console"):
            return error
        answer = http_error(error)
        # Outside the blueprint's routes its after_request does not run.
        return security_headers(answer) if isinstance(answer, Response) else answer

    app.register_error_handler(404, not_routed)
    app.register_error_handler(405, not_routed)
