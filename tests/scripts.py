"""Conversation scripts: readable files of what a customer says and what Alexa answers.

::

    # Alex hears the late order first
    locale: en-US
    token: demo-alex

    customer: where is my order
    understood: OrderStatusIntent
    alexa: Order 1003, your running shoes, is running late
    session: open
    customer: yes
    alexa: coffee grinder
    card: Order 1003
    never: ticket
    session: ends

``customer:`` is typed into the chat matcher (empty: silence); ``alexa:`` must be part
of what Alexa says next, ``never:`` must not be; ``card:`` is part of the card;
``reprompt:`` part of the reprompt; ``understood:`` the intent the words resolved to;
``session:`` whether the session stays ``open`` or ``ends``.

``clock:`` before the first turn says when the conversation happens: an ISO time with
its offset, e.g. ``2026-11-24T01:30:00+01:00``. Without it, the tests' fixed Monday
afternoon (``tests.conftest.MOMENT``). ``consent:`` before the first turn is what the
customer answers when Alexa asks for a permission by voice (``accepted``, the default,
``denied`` or ``not_answered``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SCRIPTS = Path(__file__).with_name("conversations")
CHECKS = ("alexa", "never", "card", "reprompt", "understood", "session")


class ScriptError(Exception):
    """A script file that cannot be read; the message names file and line."""


@dataclass
class Step:
    says: str
    line: int
    checks: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Script:
    path: Path
    title: str
    locale: str = "en-US"
    token: str | None = None
    user: str = "amzn1.ask.account.SCRIPT"
    clock: datetime | None = None
    # The customer's answer when Alexa asks for a permission by voice.
    consent: str = "ACCEPTED"
    steps: list[Step] = field(default_factory=list)


def parse(path: Path) -> Script:
    script = Script(path=path, title=path.stem)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if script.title == path.stem:
                script.title = line.lstrip("# ").strip()
            continue
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key in ("locale", "token", "user") and not script.steps:
            setattr(script, key, value or None)
        elif key == "consent" and not script.steps:
            script.consent = value.upper()
        elif key == "clock" and not script.steps:
            script.clock = _moment(path, number, value)
        elif key == "customer":
            script.steps.append(Step(value, number))
        elif key in CHECKS:
            if not script.steps:
                raise ScriptError(f"{path.name}:{number}: '{key}' before any 'customer:'")
            if key == "session" and value not in ("open", "ends"):
                raise ScriptError(f"{path.name}:{number}: session is 'open' or 'ends'")
            script.steps[-1].checks.append((key, value, number))
        else:
            raise ScriptError(f"{path.name}:{number}: cannot read {raw!r}")
    if not script.steps:
        raise ScriptError(f"{path.name}: no 'customer:' line")
    return script


def _moment(path: Path, number: int, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ScriptError(f"{path.name}:{number}: clock is an ISO time with its offset")
    return moment


def all_scripts() -> list[Path]:
    return sorted(SCRIPTS.glob("*.txt"))
