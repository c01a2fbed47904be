"""The team's administration: add an agent with their login, change their profile, set a
password, lift a sign-in pause, disable a login; and an agent's change of their own
password. The command line (``python -m skill team``) and the console's Team page both
call these, so the same checks apply to both (:mod:`skill.rules.team`,
:mod:`skill.rules.passwords`).

Every change is one transaction with its audit entry and the guard of its action id
(:mod:`skill.storage.audit`): the console sends a form's id, so a resent form changes
nothing twice; the command line makes a fresh one. Passwords are hashed by the caller's
``hasher`` (the console's werkzeug scrypt), never stored or recorded as typed.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from skill.records import Money
from skill.records.callbacks import Agent
from skill.rules import team as profile
from skill.rules.logins import Attempts
from skill.rules.passwords import common_passwords, password_problem
from skill.rules.team import ProfileError, WorkingHours
from skill.storage.agents import LoginTaken, Member
from skill.storage.audit import AuditEntry, entry_put, guard_put
from skill.storage.errors import ConditionFailed, NotFound

if TYPE_CHECKING:
    from skill.storage import Stores
    from skill.storage.transaction import Write

# Shipped with the package; read once, when a password is first checked.
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "rules" / "common_passwords.txt"
# Who the audit trail names for a change made on the command line.
COMMAND_LINE = "command line"

Hasher = Callable[[str], str]
Value = TypeVar("Value")


class TeamError(Exception):
    """A change that cannot be made; ``message`` says why, in words for an admin."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidProfile(TeamError):
    """A value typed cannot be used (login, name, languages, authority, hours, zone)."""


class WeakPassword(TeamError):
    """The password is too short, too common, or the login or name."""


class UnknownLogin(TeamError):
    def __init__(self, login: str) -> None:
        super().__init__(f"There is no login {login!r}.")


class LoginExists(TeamError):
    def __init__(self, login: str) -> None:
        super().__init__(f"The login {login!r} exists already.")


class FormReused(TeamError):
    """The form's action id was used before for another change."""

    def __init__(self) -> None:
        super().__init__("This form was used before for something else: reload the page.")


@dataclass(frozen=True)
class Change:
    """Who changes the team, when, under which action id (a fresh one if not given)."""

    stores: Stores
    actor: str  # the admin's agent id, or COMMAND_LINE
    now: datetime
    action_id: str = ""

    def records(self, action: str, login: str, detail: str) -> list[Write]:
        """The audit entry and the action's guard, for the change's transaction."""
        entry = AuditEntry(self.now, self.actor, action, detail=f"{login}: {detail}")
        return [guard_put(self._id, self.now, f"{action} {login}"), entry_put(entry)]

    @functools.cached_property
    def _id(self) -> str:
        return self.action_id or str(uuid.uuid4())

    def done(self, action: str, login: str) -> bool:
        """Whether this very change was carried out before (a form sent twice)."""
        return bool(self.action_id) and self.stores.audit.carried_out(self._id) == (
            f"{action} {login}"
        )

    def write(self, action: str, login: str, apply: Callable[[], None]) -> None:
        """Carry out ``apply``; a form sent again is done already, an unknown login said."""
        try:
            apply()
            self.stores.roster.forget()  # this process's next turn reads the change
        except ConditionFailed as error:
            done = self.stores.audit.carried_out(self._id)
            if done == f"{action} {login}":
                return
            if done is not None:
                raise FormReused from error
            if isinstance(error, LoginTaken):
                raise LoginExists(login) from error
            if isinstance(error, NotFound):
                raise UnknownLogin(login) from error
            raise


@dataclass(frozen=True)
class Profile:
    """What an admin typed for an agent; None: not given (left as it is on a change)."""

    name: str | None = None
    languages: str | None = None
    authority: str | None = None
    currency: str | None = None
    admin: bool | None = None
    on_duty: bool | None = None
    direct_line: str | None = None
    email: str | None = None
    # Both, or "" for both to go back to the service team's hours.
    hours: str | None = None
    time_zone: str | None = None


@functools.cache
def _common() -> frozenset[str]:
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return common_passwords(lines)


def check_password(password: str, login: str, name: str) -> None:
    """WeakPassword if ``password`` may not be used for this agent."""
    problem = password_problem(password, login=login, name=name, common=_common())
    if problem is not None:
        raise WeakPassword(problem)


def _checked(check: Callable[[], Value]) -> Value:
    try:
        return check()
    except ProfileError as error:
        raise InvalidProfile(str(error)) from error


def _hours(given: Profile) -> WorkingHours | None:
    return _checked(lambda: profile.working_hours(given.hours or "", given.time_zone or ""))


def _contact(text: str | None, what: str) -> str:
    value = " ".join((text or "").split())
    if len(value) > 100:
        raise InvalidProfile(f"The {what} may have at most 100 characters.")
    return value


def new_member(stores: Stores, login: str, given: Profile) -> Member:
    """The agent ``login`` and ``given`` describe, checked, not stored: InvalidProfile,
    or LoginExists if the login is taken (a last check is the write's condition)."""
    name = _checked(lambda: profile.login_name(login))
    full = _checked(lambda: profile.full_name(given.name or ""))
    agent = Agent(
        agent_id=f"a-{name}",
        name=full,
        first_name=profile.first_name(full),
        direct_line=_contact(given.direct_line, "direct line"),
        email=_contact(given.email, "e-mail address"),
        languages=_checked(lambda: profile.languages(given.languages or "")),
        authority=Money(
            _checked(lambda: profile.authority(given.authority or "")),
            _checked(lambda: profile.currency(given.currency or "USD")),
        ),
        on_duty=True if given.on_duty is None else given.on_duty,
        role="admin" if given.admin else "agent",
    )
    hours = _hours(given)
    if hours is not None:
        agent = replace(agent, hours=hours.hours, time_zone=hours.time_zone)
    if stores.logins.get(name) is not None:
        raise LoginExists(name)
    return Member(name, agent, hours, disabled=False, attempts=Attempts())


def add(change: Change, login: str, given: Profile, password: str, hasher: Hasher) -> Member:
    """A new agent with their login; everything checked before anything is stored."""
    try:
        new = new_member(change.stores, login, given)
    except LoginExists as error:
        if change.done("team_add", login.strip().lower()):
            return member(change.stores, login)  # this form, sent again
        raise error
    check_password(password, new.login, new.agent.name)
    hashed = hasher(password)
    detail = f"added {_described(new.agent, new.hours)}"
    change.write(
        "team_add",
        new.login,
        lambda: change.stores.logins.add_member(
            new.login, new.agent, hashed, change.records("team_add", new.login, detail)
        ),
    )
    return new


def _described(agent: Agent, hours: WorkingHours | None) -> str:
    """An agent's profile for the audit trail: no phone number, no e-mail address."""
    where = f"{hours.hours} ({hours.time_zone})" if hours else "service hours"
    return (
        f"{agent.name}, {agent.role}, languages {','.join(agent.languages)}, authority "
        f"{agent.authority.amount} {agent.authority.currency}, "
        f"{'on duty' if agent.on_duty else 'off duty'}, {where}"
    )


def member(stores: Stores, login: str) -> Member:
    found = stores.logins.member(login) if login.strip() else None
    if found is None:
        raise UnknownLogin(login.strip().lower())
    return found


def members(stores: Stores) -> list[Member]:
    return stores.logins.members()


def _stored(current: Member) -> dict[str, Any]:
    """The agent's item's values that an update may change."""
    agent = current.agent
    return {
        "name": agent.name,
        "first_name": agent.first_name,
        "languages": list(agent.languages),
        "authority_amount": agent.authority.amount,
        "authority_currency": agent.authority.currency,
        "role": agent.role,
        "on_duty": agent.on_duty,
        "direct_line": agent.direct_line,
        "email": agent.email,
        "hours": agent.hours,
        "time_zone": agent.time_zone,
    }


# How the audit trail names a change; contact details without their values.
_SAID = {
    "name": "name {name}",
    "languages": "languages {languages}",
    "authority_amount": "authority {authority_amount} {authority_currency}",
    "authority_currency": "authority {authority_amount} {authority_currency}",
    "role": "role {role}",
    "on_duty": "on duty: {on_duty}",
    "direct_line": "direct line changed",
    "email": "e-mail address changed",
    "hours": "{working}",
    "time_zone": "{working}",
}


def update(change: Change, login: str, given: Profile) -> Member:
    """Change what ``given`` names and differs from what is stored; the rest stays.
    Returns the agent as changed."""
    current = member(change.stores, login)
    before = _stored(current)
    after = dict(before)
    if given.name is not None:
        full = _checked(lambda: profile.full_name(given.name or ""))
        after |= {"name": full, "first_name": profile.first_name(full)}
    if given.languages is not None:
        after["languages"] = list(_checked(lambda: profile.languages(given.languages or "")))
    if given.authority is not None:
        after["authority_amount"] = _checked(lambda: profile.authority(given.authority or ""))
    if given.currency is not None:
        after["authority_currency"] = _checked(lambda: profile.currency(given.currency or ""))
    if given.admin is not None:
        if not given.admin and current.agent.agent_id == change.actor:
            raise InvalidProfile("You cannot take away your own admin role: ask another admin.")
        after["role"] = "admin" if given.admin else "agent"
    if given.on_duty is not None:
        after["on_duty"] = given.on_duty
    if given.direct_line is not None:
        after["direct_line"] = _contact(given.direct_line, "direct line")
    if given.email is not None:
        after["email"] = _contact(given.email, "e-mail address")
    if given.hours is not None or given.time_zone is not None:
        hours = _hours(given)
        after["hours"] = hours.hours if hours else None
        after["time_zone"] = hours.time_zone if hours else None
    changed = [field for field, value in after.items() if value != before[field]]
    if not changed:
        raise InvalidProfile("Nothing to change: every value given is the one stored.")
    changes = {field: after[field] for field in changed if after[field] is not None}
    removed = [field for field in changed if after[field] is None]
    working = f"hours {after['hours']} ({after['time_zone']})" if after["hours"] else ""
    shown = {
        **after,
        "languages": ",".join(after["languages"]),
        "working": working or "service hours",
    }
    said = dict.fromkeys(_SAID[field].format(**shown) for field in changed if field in _SAID)
    detail = "; ".join(said)
    name = current.login
    change.write(
        "team_update",
        name,
        lambda: change.stores.logins.update_profile(
            current.agent.agent_id, changes, removed, change.records("team_update", name, detail)
        ),
    )
    return member(change.stores, name)


def reset_password(change: Change, login: str, password: str, hasher: Hasher) -> None:
    """An admin sets a new password: the agent's sessions end, a pause is lifted."""
    current = member(change.stores, login)
    check_password(password, current.login, current.agent.name)
    hashed = hasher(password)
    _set_password(change, current, hashed, "team_password", "new password set")


def change_own_password(
    change: Change,
    agent: Agent,
    login: str,
    new_password: str,
    hasher: Hasher,
) -> None:
    """An agent's new password, after the console confirmed their current one
    (:func:`skill.usecases.sign_in.confirm_password`). Their sessions end with it."""
    current = member(change.stores, login)
    if current.agent.agent_id != agent.agent_id:
        raise UnknownLogin(login)
    check_password(new_password, current.login, current.agent.name)
    hashed = hasher(new_password)
    _set_password(change, current, hashed, "password_change", "changed their own password")


def _set_password(change: Change, current: Member, hashed: str, action: str, detail: str) -> None:
    name = current.login
    change.write(
        action,
        name,
        lambda: change.stores.logins.set_password(
            name, hashed, change.records(action, name, detail)
        ),
    )


def lift_pause(change: Change, login: str) -> None:
    """Sign-in opens at once again after failed attempts."""
    name = member(change.stores, login).login
    change.write(
        "team_unlock",
        name,
        lambda: change.stores.logins.lift_pause(
            name, change.records("team_unlock", name, "sign-in pause lifted")
        ),
    )


def disable(change: Change, login: str) -> None:
    """The login no longer signs in, its sessions end, its agent gets no callbacks."""
    current = member(change.stores, login)
    if current.agent.agent_id == change.actor:
        raise InvalidProfile("You cannot disable your own login: ask another admin.")
    name = current.login
    change.write(
        "team_disable",
        name,
        lambda: change.stores.logins.disable(
            name, current.agent.agent_id, change.records("team_disable", name, "disabled")
        ),
    )


def enable(change: Change, login: str) -> None:
    """A disabled login signs in again; its agent comes back off duty, so no callback
    reaches them before they or an admin say they are working."""
    current = member(change.stores, login)
    if not current.disabled:
        raise InvalidProfile(f"{current.login} is not disabled.")
    name = current.login
    change.write(
        "team_enable",
        name,
        lambda: change.stores.logins.enable(
            name, current.agent.agent_id, change.records("team_enable", name, "enabled")
        ),
    )
