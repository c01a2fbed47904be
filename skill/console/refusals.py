"""Post/redirect/get for a form that was not carried out: the refusal or the mistake,
and what the agent typed, kept in the signed session for the one page the agent is sent
to, so reloading that page shows it and sends nothing again.

Short-lived: the next view of that page takes it out; a view of another page leaves it.
Passwords and tokens are never kept.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, redirect, session

from skill.console import services

# The session's key for it.
KEY = "refusal"
# Browsers drop a cookie above 4096 bytes, and with it the session: what was typed is
# shortened until the signed cookie stays below this.
COOKIE_BYTES = 3800
# Form fields never kept: tokens and passwords.
UNKEPT = ("csrf", "action_id", "password", "password_again", "current_password", "new_password")


def send_back(where: str, target: str, **message: Any) -> Response:
    """Keep ``message`` (JSON values) for the page ``where`` names and redirect there."""
    session[KEY] = {"where": where, "message": message}
    _fit_in_cookie(message)
    return redirect(target, code=303)  # type: ignore[return-value]


def _cookie_size() -> int:
    signer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    return len(signer.dumps(dict(session))) if signer is not None else 0


def _fit_in_cookie(message: dict[str, Any]) -> None:
    """Halve the longest value typed until the session fits its cookie."""
    typed = message.get("typed")
    while isinstance(typed, dict) and _cookie_size() > COOKIE_BYTES:
        longest = max(typed, key=lambda name: len(typed[name]), default=None)
        if longest is None or not typed[longest]:
            return
        typed[longest] = typed[longest][: len(typed[longest]) // 2]
        session.modified = True


def taken(where: str) -> dict[str, Any]:
    """What was kept for the page ``where`` names, taken out; {} if nothing."""
    kept = session.get(KEY)
    if not isinstance(kept, dict) or kept.get("where") != where:
        return {}
    session.pop(KEY, None)
    message = kept.get("message")
    if not isinstance(message, dict):
        return {}
    if isinstance(message.get("able"), list):
        # Kept by id: the colleagues as the team has them now.
        team = services().stores.team.get()
        named = [team.agent(str(i)) for i in message["able"]]
        message["able"] = [a for a in named if a is not None]
    return message


def kept_fields(form: Any, longest: int = 2000) -> dict[str, str]:
    """The form as typed, without tokens and passwords."""
    return {k: str(v)[:longest] for k, v in form.items() if k not in UNKEPT}
