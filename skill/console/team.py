"""The Team page (admins): the agents and their logins; add an agent, change one, set a
new password, lift a sign-in pause, disable a login. And every agent's own password.

The changes are :mod:`skill.usecases.team`, the same the command line makes; each form
has its own action id, and each change is audited in its transaction. A form that
cannot be used sends the admin back to its page (303), which says what to type instead
and has what was typed, passwords left out (:mod:`skill.console.refusals`).
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from flask import Response, abort, flash, g, redirect, request, session, url_for

from skill.console import console_blueprint, services
from skill.console.auth import (
    PASSWORD_CHANGED,
    admin_required,
    check_password,
    current_session,
    login_required,
    new_password_hash,
    page,
)
from skill.console.refusals import kept_fields, send_back, taken
from skill.rules.logins import locked_until
from skill.usecases import team
from skill.usecases.sign_in import confirm_password

# What the page says after a change; only these words, never text from the address.
DONE = {
    "added": "Agent added. They can sign in now.",
    "updated": "Changes saved.",
    "password": "New password set; the agent's sessions have ended.",
    "unlocked": "Sign-in pause lifted.",
    "disabled": "Login disabled; the agent gets no more callbacks.",
    "enabled": "Login enabled; the agent is off duty until someone sets them on duty.",
}
WRONG_CURRENT = (
    "Your current password was not right, so nothing changed. After repeated failures, "
    "sign-in is paused for 15 minutes."
)


def _change() -> team.Change:
    action_id = request.form.get("action_id", "")
    try:
        uuid.UUID(action_id)
    except ValueError:
        raise team.InvalidProfile(
            "This form is incomplete: reload the page and try again."
        ) from None
    console = services()
    return team.Change(console.stores, g.agent.agent_id, console.clock(), action_id)


def _typed() -> dict[str, str]:
    return kept_fields(request.form)


def _field(name: str) -> str:
    return request.form.get(name, "")[:500]


def _profile() -> team.Profile:
    """The profile form as sent: every field, checkboxes unticked when absent."""
    return team.Profile(
        name=_field("name"),
        languages=_field("languages"),
        authority=_field("authority"),
        currency=_field("currency") or "USD",
        admin=request.form.get("admin") == "yes",
        on_duty=request.form.get("on_duty") == "yes",
        direct_line=_field("direct_line"),
        email=_field("email"),
        hours=_field("hours"),
        time_zone=_field("time_zone"),
    )


def _new_password() -> str:
    password = request.form.get("password", "")
    if password != request.form.get("password_again", ""):
        raise team.WeakPassword("The two passwords differ: type the same one twice.")
    return password


def _login(login: str) -> str:
    if not 0 < len(login) <= 100:
        abort(404)
    return login


@console_blueprint.get("/team")
@admin_required
def team_page() -> Response:
    """Every agent with their login, and the form to add one."""
    return _team_page(**taken("team"))


def _team_page(**message: Any) -> Response:
    console = services()
    return page(
        "team",
        members=team.members(console.stores),
        paused=_paused_until,
        done=DONE.get(request.args.get("done", ""), ""),
        **{"invalid": None, "typed": {}, **message},
    )


def _paused_until(member: Any) -> Any:
    return locked_until(member.attempts, services().clock())


@console_blueprint.post("/team")
@admin_required
def add_post() -> Response:
    """A new agent and their login."""
    try:
        added = team.add(_change(), _field("login"), _profile(), _new_password(), new_password_hash)
    except team.TeamError as error:
        target = url_for("console.team_page")
        return send_back("team", target, invalid=error.message, typed=_typed())
    return _done(added.login, "added")


@console_blueprint.get("/team/<login>")
@admin_required
def member_page(login: str) -> Response:
    """One agent: their profile, password, sign-in pause, and disabling them."""
    name = _login(login)
    return _member_page(name, **taken(f"member:{name}"))


def _member_page(login: str, **message: Any) -> Response:
    try:
        member = team.member(services().stores, login)
    except team.UnknownLogin:
        abort(404)
    return page(
        "team_member",
        member=member,
        paused_until=_paused_until(member),
        done=DONE.get(request.args.get("done", ""), ""),
        **{"invalid": None, "form": "", "typed": {}, **message},
    )


def _member_action(login: str, form: str, act: Any, done: str) -> Response:
    """Carry out one form of an agent's page; a mistake gets the page again, saying so."""
    try:
        act()
    except team.UnknownLogin:
        abort(404)
    except team.TeamError as error:
        target = url_for("console.member_page", login=login)
        return send_back(
            f"member:{login}", target, invalid=error.message, form=form, typed=_typed()
        )
    return _done(login, done)


def _done(login: str, done: str) -> Response:
    # Post/redirect/get: reloading the page afterwards sends nothing again.
    target = url_for("console.member_page", login=login, done=done)
    return redirect(target, code=303)  # type: ignore[return-value]


@console_blueprint.post("/team/<login>/profile")
@admin_required
def profile_post(login: str) -> Response:
    """Name, languages, authority, hours, role, on duty, contact details."""
    name = _login(login)
    return _member_action(
        name, "profile", lambda: team.update(_change(), name, _profile()), "updated"
    )


@console_blueprint.post("/team/<login>/password")
@admin_required
def password_post(login: str) -> Response:
    """A new password the admin gives the agent (their sessions end)."""
    name = _login(login)
    return _member_action(
        name,
        "password",
        lambda: team.reset_password(_change(), name, _new_password(), new_password_hash),
        "password",
    )


@console_blueprint.post("/team/<login>/unlock")
@admin_required
def unlock_post(login: str) -> Response:
    """Lift a pause after failed sign-ins."""
    name = _login(login)
    return _member_action(name, "unlock", lambda: team.lift_pause(_change(), name), "unlocked")


@console_blueprint.post("/team/<login>/disable")
@admin_required
def disable_post(login: str) -> Response:
    """No more sign-ins, sessions or callbacks for this login."""
    name = _login(login)
    return _member_action(name, "disable", lambda: team.disable(_change(), name), "disabled")


@console_blueprint.post("/team/<login>/enable")
@admin_required
def enable_post(login: str) -> Response:
    """A disabled login signs in again; its agent stays off duty until set on."""
    name = _login(login)
    return _member_action(name, "enable", lambda: team.enable(_change(), name), "enabled")


@console_blueprint.get("/password")
@login_required
def own_password_page() -> Response:
    """Every agent: the form to change their own password."""
    return page("password", **{"invalid": None, **taken("password")})


@console_blueprint.post("/password")
@login_required
def own_password_post() -> Response:
    """The current password, then the new one twice; every session ends with it."""
    console = services()
    signed_in = current_session()
    assert signed_in is not None  # login_required saw it
    now = console.clock()
    try:
        change = _change()
        new = request.form.get("new_password", "")
        if new != request.form.get("password_again", ""):
            raise team.WeakPassword("The two new passwords differ: type the same one twice.")
        team.check_password(new, signed_in.login, g.agent.name)
        # Checked last: a wrong one counts as a failed sign-in.
        current = request.form.get("current_password", "")
        if not confirm_password(console.stores, signed_in.login, current, now, check_password):
            return _password_back(WRONG_CURRENT)
        team.change_own_password(change, g.agent, signed_in.login, new, new_password_hash)
    except team.TeamError as error:
        return _password_back(error.message)
    session.clear()
    flash(PASSWORD_CHANGED)
    return redirect(url_for("console.login"), code=303)  # type: ignore[return-value]


def _password_back(message: str) -> Response:
    # Nothing typed is kept: the form holds only passwords.
    return send_back("password", url_for("console.own_password_page"), invalid=message)


@console_blueprint.post("/duty")
@login_required
def duty_post() -> Response:
    """Every agent sets themselves on duty or away: only agents on duty are given
    callbacks, and the wait estimate the skill tells customers counts them."""
    signed_in = current_session()
    assert signed_in is not None  # login_required saw it
    on_duty = request.form.get("on_duty") == "yes"
    # Already so (a second click), or a form sent twice: the page shows the state.
    with contextlib.suppress(team.TeamError):
        team.update(_change(), signed_in.login, team.Profile(on_duty=on_duty))
    return redirect(url_for("console.queue_page"), code=303)  # type: ignore[return-value]
