"""The Reminders API client against the fake Alexa API: created in session, moved and
deleted out of session with the skill's LWA token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skill.adapters.lwa import REMINDERS_SCOPE, AccessTokens, SkillCredentials
from skill.adapters.proactive_events import AlexaApiError, AlexaSkillApi, PermissionRevoked
from skill.adapters.reminders_api import LogReminders, SessionReminders, SkillReminders
from skill.rules.reminders import ReminderNotice, reminder_body
from tests.fake_alexa_api import CLIENT_ID, CLIENT_SECRET, SESSION_TOKEN, FakeAlexaApi, trusted_fake

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    with trusted_fake(tmp_path, monkeypatch) as fake:
        yield fake


def body(due: datetime = DUE) -> dict[str, object]:
    notice = ReminderNotice(due, "America/New_York", "en-US", "Maria calls in five minutes.")
    return reminder_body(notice, NOW)


def skill_side(api: FakeAlexaApi) -> SkillReminders:
    tokens = AccessTokens(
        SkillCredentials(CLIENT_ID, CLIENT_SECRET),
        REMINDERS_SCOPE,
        timeout=1.5,
        token_url=f"{api.endpoint}/auth/o2/token",
        clock=lambda: NOW,
    )
    return SkillReminders(AlexaSkillApi(tokens, timeout=1.5, extra_endpoints=[api.endpoint]))


def test_created_in_session_then_moved_and_deleted_out_of_session(api: FakeAlexaApi) -> None:
    session = SessionReminders(timeout=1.5, extra_endpoints=[api.endpoint])
    alert = session.create(api.endpoint, SESSION_TOKEN, body())
    assert api.state.reminders[alert]["trigger"]["scheduledTime"] == "2026-11-23T16:55:00.000"

    skill = skill_side(api)
    skill.update(api.endpoint, alert, body(DUE + timedelta(hours=1)))
    assert api.state.reminders[alert]["trigger"]["scheduledTime"] == "2026-11-23T17:55:00.000"
    skill.delete(api.endpoint, alert)
    assert alert not in api.state.reminders
    # Deleted again (a retried record): gone is gone, not an error.
    skill.delete(api.endpoint, alert)
    assert [call[0] for call in api.state.reminder_calls] == ["POST", "PUT", "DELETE"]


def test_without_the_grant_creating_is_refused(api: FakeAlexaApi) -> None:
    session = SessionReminders(timeout=1.5, extra_endpoints=[api.endpoint])
    with pytest.raises(PermissionRevoked):
        session.create(api.endpoint, "not-granted", body())
    assert api.state.reminders == {}


def test_a_body_amazon_would_refuse_is_an_error(api: FakeAlexaApi) -> None:
    session = SessionReminders(timeout=1.5, extra_endpoints=[api.endpoint])
    broken = body()
    broken["pushNotification"] = {"status": "LOUD"}
    with pytest.raises(AlexaApiError) as raised:
        session.create(api.endpoint, SESSION_TOKEN, broken)
    assert raised.value.status == 400


def test_the_token_goes_only_to_alexa(api: FakeAlexaApi) -> None:
    session = SessionReminders(timeout=1.5)
    with pytest.raises(ValueError, match="not an Alexa API endpoint"):
        session.create("https://example.com", SESSION_TOKEN, body())


def test_the_demo_prints_what_would_be_sent(capsys: pytest.CaptureFixture[str]) -> None:
    reminders = LogReminders()
    alert = reminders.create("https://api.amazonalexa.com", "token", body())
    reminders.update("https://api.amazonalexa.com", alert, body(DUE + timedelta(hours=1)))
    reminders.delete("https://api.amazonalexa.com", alert)
    assert capsys.readouterr().out.splitlines() == [
        f"[alexa reminder created {alert} en-US] 2026-11-23T16:55:00.000 America/New_York: "
        "Maria calls in five minutes.",
        f"[alexa reminder updated {alert} en-US] 2026-11-23T17:55:00.000 America/New_York: "
        "Maria calls in five minutes.",
        f"[alexa reminder deleted {alert}]",
    ]
