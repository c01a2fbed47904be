"""Every script under tests/conversations/, through the chat matcher and POST /alexa."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.adapters.reminders_api import LogReminders
from skill.app import build_skill
from skill.clock import fixed_clock
from skill.config import LOCALES, Settings
from skill.devtools.chat import Answer, Chat, Matcher
from skill.devtools.demo.data import resolve_kims_callback
from skill.devtools.models import load
from skill.logs import LIBRARIES, JsonFormatter
from skill.rules.dates import zone
from skill.storage import Stores
from skill.web import create_app
from tests.conftest import MOMENT
from tests.scripts import Script, ScriptError, all_scripts, parse

# Every script, through the chat matcher and through POST /alexa.
pytestmark = pytest.mark.slow
# Speech is short: about 30 words for a typical answer, never more than this.
MOST_WORDS = 45


def run(script: Script, client: FlaskClient) -> list[str]:
    """Play the script; returns the failures, each with its line.

    ``client`` serves a skill whose clock says the script's moment (:func:`client_at`).
    """
    moment = script.clock or MOMENT
    # Alexa resolves "tomorrow" on the device's calendar.
    today = moment.astimezone(zone(Settings().time_zone_for(script.locale))).date()

    def post(envelope: dict[str, Any]) -> dict[str, Any]:
        answer = client.post("/alexa", json=envelope)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        body: dict[str, Any] = answer.get_json()
        return body

    matcher = Matcher(load(script.locale), today=lambda: today)
    chat = Chat(
        post,
        matcher,
        token=script.token,
        user_id=script.user,
        now=lambda: moment,
        consent=script.consent,
    )
    failures: list[str] = []
    for step in script.steps:
        answer = chat.say(step.says)
        failures.extend(_check(script, step.says, answer, step.checks))
        words = len(answer.speech.split())
        if words > MOST_WORDS:
            failures.append(
                f"{script.path.name}:{step.line} (customer: {step.says!r}): "
                f"{words} words, at most {MOST_WORDS}: {answer.speech!r}"
            )
    return failures


def client_at(moment: datetime, settings: Settings, stores: Stores) -> FlaskClient:
    """The web service of a skill whose clock says ``moment``."""
    # Reminders as `make run` sets them: printed, since no Alexa API is reachable here.
    skill = build_skill(settings, stores, clock=fixed_clock(moment), reminders=LogReminders())
    app = create_app(skill, verifier=None)
    app.testing = True
    return app.test_client()


def _check(
    script: Script, says: str, answer: Answer, checks: list[tuple[str, str, int]]
) -> list[str]:
    card = f"{answer.card_title or ''}: {answer.card_text or ''}"
    problems = []
    for key, expected, line in checks:
        where = f"{script.path.name}:{line} (customer: {says!r})"
        if key == "alexa" and expected not in answer.speech:
            problems.append(f"{where}: expected {expected!r} in {answer.speech!r}")
        elif key == "never" and expected in answer.speech:
            problems.append(f"{where}: {expected!r} must not be in {answer.speech!r}")
        elif key == "card" and expected not in card:
            problems.append(f"{where}: expected {expected!r} in card {card!r}")
        elif key == "reprompt" and expected not in (answer.reprompt or ""):
            problems.append(f"{where}: expected {expected!r} in reprompt {answer.reprompt!r}")
        elif key == "understood" and answer.intent != expected:
            problems.append(f"{where}: understood as {answer.intent}, not {expected}")
        elif key == "session" and (expected == "ends") != answer.end:
            state = "ended" if answer.end else "stayed open"
            problems.append(f"{where}: the session {state}, expected {expected}")
    return problems


# What the demo customers are, and what they say in the scripts: none of it may appear
# in a log line as production writes it.
PERSONAL = (
    "Alex", "Ruth", "Lena", "Sam", "10115", "94110", "SW1A", "0142", "0958", "5550187",
    "5550188", "12345678", "example.com", "demo-alex", "demo-ruth", "demo-lena", "the lid",
    "der griff", "lovely service", "die app ist super", "the app could be faster",
    "Kim", "demo-kim", "0163",
)  # fmt: skip


@pytest.mark.parametrize("path", all_scripts(), ids=lambda path: path.stem)
def test_conversation(
    path: Path,
    settings: Settings,
    demo_stores: Stores,
    caplog: pytest.LogCaptureFixture,
) -> None:
    script = parse(path)
    assert script.locale in LOCALES
    # Kim's call back, resolved the day before, as `make run` seeds it (seed_console).
    resolve_kims_callback(demo_stores, MOMENT - timedelta(days=1))
    client = client_at(script.clock or MOMENT, settings, demo_stores)
    # Logging as configure_logging() sets it up in production, at its most talkative.
    # (set_level also sets the capturing handler's level, so the root's DEBUG comes last.)
    for library in LIBRARIES:
        caplog.set_level(logging.WARNING, logger=library)
    caplog.set_level(logging.DEBUG)
    failures = run(script, client)
    assert not failures, "\n".join(failures)
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    assert any('"message": "turn"' in line for line in lines)  # the turns were logged
    leaks = [(word, line) for line in lines for word in PERSONAL if re.search(rf"\b{word}\b", line)]
    assert not leaks, leaks


def test_there_are_enough_scripts_in_every_locale() -> None:
    scripts = [parse(path) for path in all_scripts()]
    assert len(scripts) >= 60
    for locale in LOCALES:
        assert sum(script.locale == locale for script in scripts) >= 12, locale


def test_a_broken_script_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("locale: en-US\nalexa: hello\n", encoding="utf-8")
    with pytest.raises(ScriptError, match=r"broken.txt:2: 'alexa' before any 'customer:'"):
        parse(broken)
    broken.write_text("customer: hi\nsession: maybe\n", encoding="utf-8")
    with pytest.raises(ScriptError, match=r"broken.txt:2: session is 'open' or 'ends'"):
        parse(broken)
    broken.write_text("clock: 2026-11-24T01:30\ncustomer: hi\n", encoding="utf-8")
    with pytest.raises(ScriptError, match=r"broken.txt:1: clock is an ISO time with its offset"):
        parse(broken)


def test_a_failing_expectation_is_reported_with_its_line(
    tmp_path: Path, client: FlaskClient
) -> None:
    script = tmp_path / "wrong.txt"
    script.write_text(
        "token: demo-alex\ncustomer: where is my order\nalexa: Order 9999\nsession: ends\n",
        encoding="utf-8",
    )
    failures = run(parse(script), client)
    assert failures[0].startswith("wrong.txt:3 (customer: 'where is my order'): expected")
    assert "wrong.txt:4" in failures[1]  # the list of orders leaves the session open
