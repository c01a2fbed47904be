"""DynamoDB throttling, 5xx and timeouts on every write path.

For each path and fault: the customer hears an apology, never the confirmation; the
table holds exactly what it held before the turn (nothing, not half a record, was
written); the client gave up after its configured attempts; and the turn, retries and
timeouts included, took no longer than :func:`turn_time_bound` allows, which stays
under Alexa's 8 seconds. Time is simulated (tests/faults.py), so nothing here waits
or times anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from skill.config import Settings
from skill.storage.deadline import ALEXA_WAITS, longest_retry_sleep, turn_time_bound
from tests.alexa import Conversation, Reply
from tests.faults import FAULTS, THROTTLING, TIMEOUT, Fault, FaultyTable, simulate_time

# Every write path meets every kind of fault.
pytestmark = pytest.mark.slow

Talk = Callable[..., Conversation]
GUESSER = "amzn1.ask.account.GUESSER"


@dataclass(frozen=True)
class WritePath:
    name: str
    operation: str
    prepare: Callable[[Conversation], object]
    write: Callable[[Conversation], Reply]
    confirmation: str  # words only a stored result may be announced with
    token: str | None = "demo-alex"
    user_id: str = "amzn1.ask.account.TESTUSER"

    def __str__(self) -> str:
        return self.name


def _remedy_offered(talk: Conversation) -> None:
    talk.say("ComplaintIntent", problemType="late")
    talk.say("AMAZON.YesIntent")


def _booked_and_cancel_asked(talk: Conversation) -> None:
    talk.say("CallbackIntent")
    talk.say("CancelCallbackIntent")


def _booked_and_change_asked(talk: Conversation) -> None:
    talk.say("CallbackIntent")
    talk.say("CallbackIntent")
    talk.say("AMAZON.YesIntent")


WRITE_PATHS = [
    WritePath(
        "remedy granted: complaint and commitment",
        "TransactWriteItems",
        _remedy_offered,
        lambda talk: talk.say("RemedyChoiceIntent", remedy="shipping_refund"),
        "Done",
    ),
    WritePath(
        "complaint handed to the team",
        "TransactWriteItems",
        lambda talk: talk.say("ComplaintIntent", problemType="late", orderNumber="1003"),
        lambda talk: talk.say("AMAZON.NoIntent"),
        "noted your complaint",
    ),
    WritePath(
        "callback booked",
        "TransactWriteItems",
        lambda talk: None,
        lambda talk: talk.say("CallbackIntent"),
        "will call you",
    ),
    WritePath(
        "callback cancelled",
        "TransactWriteItems",
        _booked_and_cancel_asked,
        lambda talk: talk.say("AMAZON.YesIntent"),
        "cancelled",
    ),
    WritePath(
        "callback moved",
        "TransactWriteItems",
        _booked_and_change_asked,
        lambda talk: talk.say("CallbackIntent", time="17:00"),
        "will now call you",
    ),
    WritePath(
        "anonymous feedback",
        "PutItem",
        lambda talk: talk.say("FeedbackIntent"),
        lambda talk: talk.say("FeedbackIntent", feedback="the app could be faster"),
        "passed that on",
        token=None,
    ),
    WritePath(
        "per-user profile: a failed verification counted",
        "UpdateItem",
        lambda talk: None,
        lambda talk: talk.say("OrderStatusIntent", orderNumber="1003", postalCode="99999"),
        "couldn't match",
        token=None,
        user_id=GUESSER,
    ),
    WritePath(
        "per-user profile: the visit recorded at launch",
        "UpdateItem",
        lambda talk: None,
        lambda talk: talk.launch(),
        "Welcome",
    ),
]


def snapshot(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


@pytest.mark.parametrize("path", WRITE_PATHS, ids=str)
def test_without_a_fault_the_path_writes_and_confirms(
    path: WritePath, talk: Talk, dynamodb: Any, settings: Settings
) -> None:
    """The scenarios below really write: without the fault, the table changes."""
    conversation = talk(token=path.token, user_id=path.user_id)
    path.prepare(conversation)
    before = snapshot(dynamodb, settings.table_name)
    reply = path.write(conversation)
    assert path.confirmation in reply.speech
    assert snapshot(dynamodb, settings.table_name) != before


@pytest.mark.parametrize("fault", FAULTS, ids=str)
@pytest.mark.parametrize("path", WRITE_PATHS, ids=str)
def test_a_failed_write_is_admitted_and_leaves_nothing(
    path: WritePath,
    fault: Fault,
    talk: Talk,
    dynamodb: Any,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = talk(token=path.token, user_id=path.user_id)
    path.prepare(conversation)
    before = snapshot(dynamodb, settings.table_name)
    clock = simulate_time(monkeypatch)
    table = FaultyTable(dynamodb, clock)
    table.fail(path.operation, fault)

    reply = path.write(conversation)

    table.heal()
    assert path.confirmation not in reply.speech
    assert "sorry" in reply.speech.lower()
    assert reply.end  # nothing left hanging: the customer is pointed to people
    assert snapshot(dynamodb, settings.table_name) == before
    assert 1 <= len(table.attempts) <= settings.dynamodb_max_attempts
    if fault is not TIMEOUT:
        # Throttling and 5xx are retried up to the configured number of attempts.
        assert len(table.attempts) == settings.dynamodb_max_attempts
    assert clock.elapsed <= turn_time_bound(settings)


@pytest.mark.parametrize("fault", [THROTTLING, TIMEOUT], ids=str)
def test_a_turn_whose_calls_all_fail_still_answers_in_time(
    fault: Fault,
    talk: Talk,
    dynamodb: Any,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bad turn: the customer is identified (GetItem), then every other read and the
    write of a callback request fail slowly."""
    clock = simulate_time(monkeypatch)
    table = FaultyTable(dynamodb, clock)
    for operation in ("Query", "PutItem", "UpdateItem", "TransactWriteItems"):
        table.fail(operation, fault)

    reply = talk(token="demo-alex").say("CallbackIntent")

    assert "sorry" in reply.speech.lower()
    assert "will call you" not in reply.speech
    assert clock.elapsed <= turn_time_bound(settings)
    if fault is TIMEOUT:
        # Two attempts of 2 s used 4 s of the 5 s budget: the deadline refused a third,
        # which the client's retry mode alone would have sent.
        assert len(table.attempts) == 2 < settings.dynamodb_max_attempts


def test_the_configured_worst_case_is_inside_alexas_limit() -> None:
    settings = Settings()
    attempt = settings.dynamodb_connect_timeout + settings.dynamodb_read_timeout
    # One attempt must fit into the budget, or no turn could ever read the table.
    assert settings.dynamodb_turn_budget >= attempt
    # Throttled twice: sleeps of up to 1 s and 2 s.
    assert longest_retry_sleep(settings) == 2.0
    assert turn_time_bound(settings) == 7.0
    assert turn_time_bound(settings) < ALEXA_WAITS


def test_more_attempts_would_break_the_bound() -> None:
    """The bound follows the configuration: retrying much more would not fit."""
    greedy = Settings(dynamodb_max_attempts=5, dynamodb_turn_budget=6.0)
    assert longest_retry_sleep(greedy) == 8.0
    assert turn_time_bound(greedy) > ALEXA_WAITS
