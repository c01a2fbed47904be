"""A reminder's life with its call back: set by voice, moved when the call moves,
deleted when it is cancelled; the notifier does the last two with the skill's LWA token,
against the fake Alexa API, which checks every body against Amazon's schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.adapters.lwa import REMINDERS_SCOPE, AccessTokens, SkillCredentials
from skill.adapters.proactive_events import AlexaSkillApi
from skill.adapters.reminders_api import SessionReminders, SkillReminders
from skill.app import build_skill
from skill.clock import Clock
from skill.config import Settings
from skill.devtools.demo.stream import StreamFollower
from skill.rules.reminders import REMINDERS_PERMISSION
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_streams_client
from skill.usecases.callback_reminders import ReminderKeeper
from skill.web import create_app
from tests.alexa import Conversation
from tests.conftest import MOMENT
from tests.fake_alexa_api import CLIENT_ID, CLIENT_SECRET, TOKEN, FakeAlexaApi, trusted_fake
from tests.moto_in_process import on_the_embedded_server

# On the embedded server: the stream.
dynamodb_endpoint = on_the_embedded_server()


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    with trusted_fake(tmp_path, monkeypatch) as fake:
        fake.state.time_zone = "America/Chicago"
        yield fake


@pytest.fixture
def conversation(
    settings: Settings, demo_stores: Stores, clock: Clock, api: FakeAlexaApi
) -> Conversation:
    reminders = SessionReminders(timeout=settings.alexa_api_timeout, extra_endpoints=[api.endpoint])
    app = create_app(
        build_skill(settings, demo_stores, clock=clock, reminders=reminders), verifier=None
    )
    app.testing = True
    return Conversation(
        app.test_client(),
        token="demo-alex",
        api_endpoint=api.endpoint,
        scopes={REMINDERS_PERMISSION: "GRANTED"},
    )


@pytest.fixture
def notifier(
    settings: Settings, dynamodb: Any, demo_stores: Stores, api: FakeAlexaApi
) -> StreamFollower:
    """The notifier with the real reminders client and LWA tokens, against the fake."""
    timeout = settings.alexa_api_timeout
    tokens = AccessTokens(
        SkillCredentials(CLIENT_ID, CLIENT_SECRET),
        REMINDERS_SCOPE,
        timeout=timeout,
        token_url=api.endpoint + TOKEN,
        clock=lambda: MOMENT,
    )
    client = SkillReminders(AlexaSkillApi(tokens, timeout=timeout, extra_endpoints=[api.endpoint]))
    keeper = ReminderKeeper(demo_stores, Renderer(), client, lambda: MOMENT)
    arn = dynamodb.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    streams = dynamodb_streams_client(settings, local=True)
    follower = StreamFollower(
        streams, arn, demo_stores, Renderer(), _Quiet(), clock=lambda: MOMENT, reminders=keeper
    )
    follower.poll_once()  # the demo data
    return follower


class _Quiet:
    def publish(self, notification: object) -> None:
        pass


def test_the_reminder_follows_the_call_back_moved_then_cancelled(
    conversation: Conversation, notifier: StreamFollower, api: FakeAlexaApi
) -> None:
    conversation.say("CallbackIntent")
    conversation.say("AMAZON.YesIntent")
    [(alert_token, created)] = api.state.reminders.items()
    assert created["trigger"]["scheduledTime"] == "2026-11-23T09:05:00.000"
    notifier.poll_once()
    assert [call[0] for call in api.state.reminder_calls] == ["POST"]  # a booking moves nothing

    # The customer moves the call to five in the afternoon, their time.
    moved = conversation.say("CallbackIntent", time="17:00")
    assert "5 pm" in moved.speech
    notifier.poll_once()
    assert api.state.reminders[alert_token]["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2026-11-23T16:55:00.000",
        "timeZoneId": "America/Chicago",
    }
    # Out of session: the skill's own token, of the reminders scope.
    assert api.state.tokens[api.state.requests[-1][1].removeprefix("Bearer ")] == REMINDERS_SCOPE

    conversation.say("CancelCallbackIntent")
    conversation.say("AMAZON.YesIntent")
    notifier.poll_once()
    assert api.state.reminders == {}
    assert [call[0] for call in api.state.reminder_calls] == ["POST", "PUT", "DELETE"]
    # Each event moves the reminder once, however often the stream hands it over.
    assert notifier.poll_once() == 0


def test_a_failed_move_is_retried_by_the_stream(
    conversation: Conversation, notifier: StreamFollower, api: FakeAlexaApi
) -> None:
    conversation.say("CallbackIntent")
    conversation.say("AMAZON.YesIntent")
    conversation.say("CallbackIntent", time="17:00")
    api.state.failures.append(503)
    with pytest.raises(Exception, match="503"):
        notifier.poll_once()
    assert [call[0] for call in api.state.reminder_calls] == ["POST"]


def test_the_demo_prints_the_reminder_set_by_voice_and_moved_in_the_console(
    settings: Settings, dynamodb: Any, demo_stores: Stores, clock: Clock, capsys: Any
) -> None:
    """What `make run` shows: the offer in the chat, then [alexa reminder …] lines."""
    import uuid
    from datetime import timedelta

    from skill.adapters.reminders_api import LogReminders
    from skill.devtools.chat import Chat, Matcher
    from skill.devtools.models import load
    from skill.usecases.acts import Act
    from skill.usecases.callback_work import claim, reschedule

    reminders = LogReminders()
    app = create_app(
        build_skill(settings, demo_stores, clock=clock, reminders=reminders), verifier=None
    )
    web = app.test_client()
    arn = dynamodb.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    keeper = ReminderKeeper(demo_stores, Renderer(), reminders, lambda: MOMENT)
    follower = StreamFollower(
        dynamodb_streams_client(settings, local=True),
        arn,
        demo_stores,
        Renderer(),
        _Quiet(),
        clock=lambda: MOMENT,
        reminders=keeper,
    )
    follower.poll_once()
    chat = Chat(
        lambda body: web.post("/alexa", json=body).get_json(),
        Matcher(load("en-US"), today=MOMENT.date),
        token="demo-alex",
        now=lambda: MOMENT,
    )
    capsys.readouterr()

    booked = chat.say("call me back")
    assert booked.speech.count("remind") == 1
    done = chat.say("yes")
    assert done.speech.startswith("Done")
    created = capsys.readouterr().out
    assert created.startswith("[alexa reminder created demo-reminder-1 en-US] ")
    assert "Maria from Menschmoment calls you in five minutes." in created

    callback_id = str(demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id)
    maria = demo_stores.team.agent("a-maria")
    assert maria is not None
    callback = demo_stores.callbacks.get(callback_id)
    assert callback is not None
    claim(Act(demo_stores, maria, MOMENT, str(uuid.uuid4())), callback)
    claimed = demo_stores.callbacks.get(callback_id)
    assert claimed is not None
    later = MOMENT + timedelta(hours=2)
    reschedule(Act(demo_stores, maria, MOMENT, str(uuid.uuid4())), claimed, later, "busy now")
    follower.poll_once()
    moved = capsys.readouterr().out
    assert moved.startswith("[alexa reminder updated demo-reminder-1 en-US] ")
