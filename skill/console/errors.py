"""What the console answers when a page cannot be shown or a form not carried out: a
console page like the others (the navigation, a heading, what happened and a way back),
never a bare server page.

Post/redirect/get for forms too: a form sent with a token from an older session (the
agent signed in again in another tab), after the session ended, by a role that may not
send it, or about something that no longer exists is not carried out; the agent is sent
(303) to the page the form came from, which says so once and has what was typed in it,
so a note is not lost and a reload sends nothing again (:mod:`skill.console.refusals`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, g, request, url_for
from werkzeug.exceptions import HTTPException

from skill.console import console_blueprint
from skill.console.auth import StaleForm, page, security_headers, signed_in_agent
from skill.console.refusals import UNKEPT, kept_fields, send_back

# What each status means to an agent.
_EXPLAINED = {
    400: ("This could not be done", "The request was incomplete. Nothing was changed."),
    401: ("You were signed out", "Your session ended, so nothing was changed. Sign in again."),
    403: ("Not for your role", "This page is for admins of the console."),
    404: ("Not found", "There is no such page: it may have been removed or erased."),
    405: ("Not possible here", "This address cannot be used that way."),
}
# What the page a refused form is sent back to says about it, once.
STALE = (
    "Your session changed: this form came from a page opened before you last signed in, "
    "so nothing was changed. Check what you typed and send it again."
)
SIGNED_OUT = "You were signed out, so nothing was changed. Sign in and send it again."
SIGN_IN_EXPIRED = "The sign-in form had expired, so you were not signed in. Please sign in again."
NOT_YOUR_ROLE = "Not for your role: only admins of the console may do that. Nothing was changed."
GONE = "That is no longer there: it may have been removed or erased. Nothing was changed."
# The statuses a form is sent back for, and what its page then says.
_SENT_BACK = {401: SIGNED_OUT, 403: NOT_YOUR_ROLE, 404: GONE}
# The longest callback id or login in an address of ours.
LONGEST_ID = 100
# Fields of buttons and hidden inputs, not typed: not shown as "what you typed".
_NOT_TYPED = ("on_duty", "confirmed", "callback_id")


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


@dataclass(frozen=True)
class Origin:
    """The page a form was sent from: the key its message is kept under, its address,
    which of its forms it was, and whether only admins may open it."""

    where: str
    target: str
    form: str = ""
    admins_only: bool = False


def _queue() -> Origin:
    return Origin("queue", url_for("console.queue_page"))


def _an_id(text: str) -> bool:
    # Ours are short; a longer one would not fit the session's cookie with its message.
    return 0 < len(text) <= LONGEST_ID


def origin(status: int) -> Origin:
    """Where a form sent to this address came from (the console sends no Referer), or
    the queue; for a 404, the page that lists what is gone."""
    parts = request.path.strip("/").split("/")[1:]  # after "console"
    kept_from = request.form.get("callback_id", "").strip()
    match parts:
        case ["login"]:
            return Origin("login", url_for("console.login"))
        case ["callbacks", callback_id, form] if status != 404 and _an_id(callback_id):
            target = url_for("console.callback_page", callback_id=callback_id)
            return Origin(f"callback:{callback_id}", target, form)
        case ["commitments", _, "fulfil"] if _an_id(kept_from) and status != 404:
            target = url_for("console.callback_page", callback_id=kept_from)
            return Origin(f"callback:{kept_from}", target, "fulfil")
        case ["commitments", _, "fulfil"]:
            return Origin("promises", url_for("console.promises_page"))
        case ["customers", "erase"]:
            return Origin("audit", url_for("console.audit_page"), admins_only=True)
        case ["team", login, form] if status != 404 and _an_id(login):
            target = url_for("console.member_page", login=login)
            return Origin(f"member:{login}", target, form, admins_only=True)
        case ["team", *_]:
            return Origin("team", url_for("console.team_page"), admins_only=True)
        case ["password"]:
            return Origin("password", url_for("console.own_password_page"))
    return _queue()


def sent_back(status: int, message: str) -> Response:
    """Post/redirect/get for a form not carried out: to the page it came from (the
    sign-in form if nobody is signed in, the queue if that page is not for the agent's
    role), saying ``message`` once, with the form as typed."""
    agent = g.get("agent") or signed_in_agent(action=False)
    came_from = origin(status)
    if came_from.where == "login":
        message = SIGN_IN_EXPIRED
    elif agent is None:
        message = SIGNED_OUT
        came_from = Origin("login", url_for("console.login"))
    elif came_from.admins_only and agent.role != "admin":
        came_from = _queue()
    typed = kept_fields(request.form)
    if came_from.where in ("login", "queue"):
        # Shown to copy into the form again; the sign-in form keeps the login typed.
        login = typed.pop("login", "")
        shown = {k: v for k, v in typed.items() if k not in _NOT_TYPED and v.strip()}
        return send_back(came_from.where, came_from.target, said=message, name=login, typed=shown)
    if came_from.where == "audit":
        typed_id = typed.get("customer_id", "")
        return send_back("audit", came_from.target, invalid=message, typed_id=typed_id)
    return send_back(
        came_from.where, came_from.target, invalid=message, form=came_from.form, typed=typed
    )


@console_blueprint.errorhandler(StaleForm)
def stale_form(error: StaleForm) -> Response:
    if request.method == "POST":
        return sent_back(400, STALE)
    return error_page(
        400,
        "Your session changed",
        "This form came from a page opened before you last signed in, so it was not "
        "carried out and nothing was changed. Reload the page and send it again.",
    )


@console_blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response | HTTPException:
    status = error.code or 500
    if request.method == "POST" and request.url_rule is not None and status in _SENT_BACK:
        return sent_back(status, _SENT_BACK[status])
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
