"""No personal data in any log line, whatever the customer says or the table fails at.

Conversations through every feature, with personal data in the slots (phone numbers,
e-mail addresses, postcodes, names) and a failing table on top, are logged at DEBUG as
production configures the loggers (skill.logs.configure_logging: libraries at WARNING);
every line, formatted as production writes it, is then searched for that data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from skill.logs import JsonFormatter
from tests.alexa import Conversation
from tests.faults import SERVER_ERROR, FaultyTable, simulate_time

Talk = Callable[..., Conversation]
UNLINKED = "amzn1.ask.account.PRIVATEPERSON"
PERSONAL = [
    # Said by the customer.
    "+49 170 5550123",
    "0170 5550123",
    "5550123",
    "jo.doe@example.org",
    "99999",
    "Jo Doe",
    # From the demo data: Alex's phone, e-mail, postcode, name; the agents' lines.
    "555 0142",
    "alex@example.com",
    "10115",
    "Alex",
    "Schneider",
    "maria.schneider@example.com",
    # Identifiers of the person and their account.
    "PRIVATEPERSON",
    "TESTUSER",
    "demo-alex",
]


def conversations(talk: Talk) -> None:
    alex = talk(token="demo-alex")
    alex.launch()
    alex.say("OrderStatusIntent")
    alex.say("ComplaintIntent", problemType="damaged", orderNumber="1001")
    alex.say("AMAZON.YesIntent")
    alex.say("ComplaintIntent", description="call me on +49 170 5550123 or jo.doe@example.org")
    alex.say("RemedyChoiceIntent", remedy="refund")
    talk(token="demo-alex").say("CallbackIntent", phoneNumber="0170 5550123")
    talk(token="demo-alex").say("CommitmentStatusIntent")
    stranger = talk(user_id=UNLINKED)
    stranger.say("OrderStatusIntent", orderNumber="1003", postalCode="99999")
    stranger.say("OrderStatusIntent", orderNumber="1003", postalCode="10115")
    talk(user_id=UNLINKED).say("CallbackIntent", phoneNumber="+49 170 5550123")
    talk(user_id=UNLINKED).say("FeedbackIntent", feedback="I am Jo Doe, jo.doe@example.org")
    talk(user_id=UNLINKED).say("AMAZON.FallbackIntent")


@pytest.fixture
def production_levels(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything of ours at DEBUG, the libraries at WARNING (caplog.set_level would
    lower its own handler to the last level set, so the libraries are set directly)."""
    libraries = [logging.getLogger(name) for name in ("botocore", "boto3", "urllib3", "werkzeug")]
    before = [library.level for library in libraries]
    for library in libraries:
        library.setLevel(logging.WARNING)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for library, level in zip(libraries, before, strict=True):
        library.setLevel(level)


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def test_conversations_log_no_personal_data(
    talk: Talk, production_levels: pytest.LogCaptureFixture
) -> None:
    conversations(talk)

    logged = lines(production_levels)
    # Every turn logs a line: the scan saw the turns that carried the personal data.
    for intent in ("CallbackIntent", "ComplaintIntent", "FeedbackIntent", "OrderStatusIntent"):
        assert any(f'"intent": "{intent}"' in line for line in logged)
    assert [line for line in logged if any(value in line for value in PERSONAL)] == []


def test_failures_log_no_personal_data(
    talk: Talk,
    production_levels: pytest.LogCaptureFixture,
    dynamodb: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    simulate_time(monkeypatch)
    table = FaultyTable(dynamodb)
    for operation in ("TransactWriteItems", "PutItem", "UpdateItem"):
        table.fail(operation, SERVER_ERROR)

    conversations(talk)

    logged = lines(production_levels)
    assert any('"level": "ERROR"' in line or '"level": "WARNING"' in line for line in logged)
    assert [line for line in logged if any(value in line for value in PERSONAL)] == []
