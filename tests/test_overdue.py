"""The overdue sweep on moto: late callbacks and promises reach the team once a day."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from skill.adapters.delivery import LogPublisher
from skill.config import Settings
from skill.records.complaints import CommitmentStatus
from skill.storage import Stores
from skill.usecases.overdue import SweepResult, sweep
from tests.alexa import Conversation
from tests.conftest import MOMENT
from tests.moto_in_process import on_the_embedded_server
from tests.storage.test_complaints import commitment, complaint
from tests.stored import outbox
from tests.team_inbox import entry_environment, team_inbox

# On the embedded server: the team inbox reads the stream.
dynamodb_endpoint = on_the_embedded_server()

ROOT = Path(__file__).resolve().parent.parent
ZONE = "America/New_York"
Talk = Callable[..., Conversation]


def test_nothing_is_overdue_in_the_demo(demo_stores: Stores) -> None:
    publisher = LogPublisher()
    assert sweep(demo_stores, publisher, MOMENT, ZONE) == SweepResult(0, 0, 0)
    assert publisher.sent == []


def test_a_late_callback_is_reminded_once_a_day_until_it_is_closed(
    talk: Talk, demo_stores: Stores
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    [callback_id] = {e["callback_id"] for e in outbox(demo_stores)}
    due = demo_stores.callbacks.get(callback_id)
    assert due is not None
    publisher = LogPublisher()

    assert sweep(demo_stores, publisher, due.due_at, ZONE).sent == 0  # not late yet
    first = sweep(demo_stores, publisher, due.due_at + timedelta(hours=1), ZONE)
    again = sweep(demo_stores, publisher, due.due_at + timedelta(hours=2), ZONE)
    next_day = sweep(demo_stores, publisher, due.due_at + timedelta(days=1), ZONE)

    assert (first.callbacks, first.sent) == (1, 1)
    assert (again.callbacks, again.sent) == (1, 0)  # the same day: no repeat
    assert next_day.sent == 1
    [message, _] = publisher.sent
    assert message.audience == "team"
    assert message.subject == "Callback overdue: Maria Schneider"
    assert callback_id in message.text and "60 minutes ago" in message.text
    # Not even the number's last digits (the callback's id is random hex and may hold them).
    assert "0142" not in message.text.replace(callback_id, "")

    demo_stores.callbacks.cancel(due, due.due_at, [])
    later = sweep(demo_stores, publisher, due.due_at + timedelta(days=2), ZONE)
    assert later == SweepResult(0, 0, 0)


def test_a_promise_past_its_day_is_reminded_until_it_is_fulfilled(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late")
    conversation.say("AMAZON.YesIntent")
    conversation.say("RemedyChoiceIntent", remedy="shipping_refund")
    [promise] = demo_stores.promises.open_promises()
    publisher = LogPublisher()

    on_the_day = sweep(demo_stores, publisher, _noon(promise.due), ZONE)
    day_after = sweep(demo_stores, publisher, _noon(promise.due + timedelta(days=1)), ZONE)

    assert on_the_day.commitments == 0
    assert (day_after.commitments, day_after.sent) == (1, 1)
    [message] = publisher.sent
    assert message.subject == "Promise overdue: order 1003"
    assert "shipping refund of 4.95 USD" in message.text

    demo_stores.promises.set_commitment_status(promise.complaint_id, CommitmentStatus.FULFILLED)
    later = sweep(demo_stores, publisher, _noon(promise.due + timedelta(days=2)), ZONE)
    assert later.commitments == 0


def test_the_day_of_a_promise_is_the_shops_day(demo_stores: Stores) -> None:
    demo_stores.complaints.record(
        complaint("k1"), replace(commitment("k1"), due=date(2026, 11, 22))
    )
    # 02:00 UTC on the 23rd is still the 22nd in New York, already the 23rd in Berlin.
    night = MOMENT.replace(hour=2)
    assert sweep(demo_stores, LogPublisher(), night, ZONE).commitments == 0
    assert sweep(demo_stores, LogPublisher(), night, "Europe/Berlin").commitments == 1


@pytest.mark.slow  # two fresh Python processes
def test_the_lambda_entry_sweeps_and_publishes_to_the_team_topic(
    settings: Settings, stores: Stores
) -> None:
    inbox = team_inbox(str(settings.dynamodb_endpoint), name=f"team-{settings.table_name}")
    topic, sqs, queue = inbox.topic, inbox.sqs, inbox.queue
    # Due long ago, so the entry's own clock finds it overdue whatever the day.
    stores.complaints.record(complaint("k7"), replace(commitment("k7"), due=date(2020, 1, 31)))
    code = "import json, overdue_function; print(json.dumps(overdue_function.handler({}, None)))"
    env = entry_environment(settings, topic)

    def run() -> dict[str, int]:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        answer: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
        return answer

    assert run() == {"callbacks": 0, "commitments": 1, "sent": 1}
    assert run() == {"callbacks": 0, "commitments": 1, "sent": 0}
    [message] = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert json.loads(message["Body"])["Subject"] == "Promise overdue: order 77"


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)  # noon in New York
