"""The satisfaction question at launch and its answer, through the skill: what the
customer hears and what it costs in DynamoDB round trips."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from skill.devtools.demo.data import resolve_kims_callback
from skill.storage import Stores
from tests.alexa import Conversation
from tests.conftest import MOMENT

Talk = Callable[..., Conversation]


@pytest.fixture(autouse=True)
def kims_callback_resolved(demo_stores: Stores) -> None:
    """Kim's call back, resolved by Maria the day before, as `make run` seeds it."""
    resolve_kims_callback(demo_stores, MOMENT - timedelta(days=1))


def test_a_launch_without_a_resolved_callback_reads_no_more(
    talk: Talk, round_trips: list[str]
) -> None:
    reply = talk(token="demo-alex").launch()
    assert "sort it out" not in reply.speech
    # The visit, the token, the account: as before, nothing added for the question.
    assert round_trips == ["UpdateItem", "GetItem", "Query"]


def test_the_question_costs_one_write_at_launch_and_the_score_one_more(
    talk: Talk, round_trips: list[str], demo_stores: Stores
) -> None:
    conversation = talk(token="demo-kim")
    asked = conversation.launch()
    assert asked.speech == (
        "Welcome to Menschmoment, Kim. Did Maria sort it out? Say a number from one to five."
    )
    assert asked.reprompt_text == "Say a number from one to five, or ask me something else."
    assert round_trips == ["UpdateItem", "GetItem", "Query", "TransactWriteItems"]
    round_trips.clear()

    thanked = conversation.say("SatisfactionIntent", score="5")

    assert thanked.speech.startswith("Thank you. Maria and the team will see your score.")
    assert not thanked.end
    assert round_trips == ["UpdateItem"]
    callback = demo_stores.callbacks.get("demo-kim")
    assert callback is not None
    assert (callback.csat_score, callback.csat_at, callback.csat_asked_by) == (5, MOMENT, "voice")


@pytest.mark.parametrize("intent", ["AMAZON.YesIntent", "AMAZON.NoIntent"])
def test_yes_or_no_is_asked_about_once_more(talk: Talk, intent: str) -> None:
    conversation = talk(token="demo-kim")
    conversation.launch()
    again = conversation.say(intent)
    assert again.speech.startswith("Please say a number from one to five")
    assert conversation.say("OrderStatusIntent", orderNumber="2").speech.startswith(
        "Thank you, and I'm sorry it wasn't better."
    )


def test_an_order_number_is_a_question_not_a_score(talk: Talk, demo_stores: Stores) -> None:
    conversation = talk(token="demo-kim")
    conversation.launch()
    reply = conversation.say("OrderStatusIntent", orderNumber="1003")
    assert "number from one to five" not in reply.speech
    callback = demo_stores.callbacks.get("demo-kim")
    assert callback is not None and callback.csat_score is None
