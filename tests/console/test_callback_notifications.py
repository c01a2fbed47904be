"""The console's actions reach the notifier, which reads them from the table's stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.records.callbacks import Callback
from skill.storage import Stores
from tests.console.conftest import Agent, action_id_in
from tests.moto_in_process import on_the_embedded_server
from tests.stored import outbox

# On the embedded server: the notifier reads the stream.
dynamodb_endpoint = on_the_embedded_server()

SignIn = Callable[[str], Agent]


def test_every_action_reaches_the_notifier_also_a_promise_kept_from_the_overview(
    agent: SignIn,
    escalated: Callback,
    demo_stores: Stores,
    settings: Any,
    dynamodb: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from skill.adapters.delivery import LogPublisher
    from skill.devtools.demo.stream import StreamFollower
    from skill.speech import Renderer
    from skill.storage.client import dynamodb_streams_client

    arn = dynamodb.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    notifier = StreamFollower(
        dynamodb_streams_client(settings, local=True), arn, demo_stores, Renderer(), LogPublisher()
    )
    notifier.poll_once()  # the booking itself is not news here
    capsys.readouterr()

    maria = agent("maria")
    maria.act(escalated.callback_id, "claim")
    maria.act(
        escalated.callback_id, "grant", confirmed="yes", order="1003", remedy="shipping_refund"
    )
    form = action_id_in(maria.page("/console/promises").text)
    [promise] = demo_stores.promises.open_promises()
    maria.post(f"/console/commitments/{promise.complaint_id}/fulfil", form, confirmed="yes")
    notifier.poll_once()

    printed = capsys.readouterr().out
    assert "[notify team] Callback claimed: Alex" in printed
    assert "[notify team] Callback granted: Alex" in printed
    assert (
        "[notify team] Promise kept: shipping refund for order 1003 (4.95 USD): kept, "
        "marked by Maria Schneider." in printed
    )
    assert "0142" not in printed
    [kept] = [e for e in outbox(demo_stores) if e["event"] == "promise_kept"]
    # Whom to tell on Alexa: the customer's id and the agent's first name, no more.
    assert (kept["customer_id"], kept["agent_first_name"]) == ("c-alex", "Maria")
