"""Customer satisfaction in the console: a callback resolved, its customer asked once at
the next visit, the score on the callback's page and on the team lead's dashboard."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from skill.config import Settings
from skill.console.story import moment
from skill.devtools.demo.stream import StreamFollower
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_streams_client
from skill.usecases.sms_replies import ReplyOutcome, inbound_text, receive_reply
from tests.alexa import Conversation
from tests.conftest import MOMENT
from tests.console.conftest import Agent, MovableClock
from tests.console.test_dashboard import numbers
from tests.console.test_queue import book
from tests.moto_in_process import on_the_embedded_server
from tests.test_notifier import follower
from tests.usecases.test_sms_replies import reply, sms_texting

# On the embedded server: the stream follower reads the stream.
dynamodb_endpoint = on_the_embedded_server()

SignIn = Callable[[str], Agent]
Talk = Callable[..., Conversation]


def resolve_sams_callback(demo_stores: Stores, agent: SignIn, clock: MovableClock) -> str:
    """Maria calls Sam (linked, token demo-sam) back and resolves it, an hour before
    Sam opens the skill again (the skill's clock says MOMENT)."""
    book(
        demo_stores,
        "sam-cb",
        owner="customer:c-sam",
        customer_id="c-sam",
        first_name="Sam",
        agent_id="a-maria",
        agent_name="Maria Schneider",
        requested_at=MOMENT - timedelta(hours=2),
        due_at=MOMENT - timedelta(hours=1, minutes=30),
    )
    clock.now = MOMENT - timedelta(hours=1)
    maria = agent("maria")
    maria.act("sam-cb", "claim")
    assert maria.act("sam-cb", "outcome", outcome="resolved", note="sorted").status_code == 303
    return "sam-cb"


def test_asked_once_and_the_score_is_on_the_callback_page(
    agent: SignIn, talk: Talk, demo_stores: Stores, console_clock: MovableClock, settings: Settings
) -> None:
    callback_id = resolve_sams_callback(demo_stores, agent, console_clock)
    console_clock.now = MOMENT + timedelta(minutes=5)
    maria = agent("maria")
    before = maria.page(f"/console/callbacks/{callback_id}").text
    assert "Satisfaction" not in before  # not asked yet

    visit = talk(token="demo-sam")
    asked = visit.launch()
    assert "Did Maria sort it out? Say a number from one to five." in asked.speech
    waiting = maria.page(f"/console/callbacks/{callback_id}").text
    assert "Asked by voice on " + moment(MOMENT, settings.service_zone_for("en-US")) in waiting
    assert "no answer yet" in waiting

    thanked = visit.say("OrderStatusIntent", orderNumber="4")
    assert "Thank you. Maria and the team will see your score." in thanked.speech

    page = maria.page(f"/console/callbacks/{callback_id}")
    assert page.status_code == 200
    when = moment(MOMENT, settings.service_zone_for("en-US"))
    assert f"Customer said <strong>4 of 5</strong> on {when}" in page.text
    # The next visit does not ask again.
    assert "sort it out" not in talk(token="demo-sam").launch().speech


def test_a_number_out_of_range_is_asked_again_once_and_nothing_is_stored(
    agent: SignIn, talk: Talk, demo_stores: Stores, console_clock: MovableClock
) -> None:
    callback_id = resolve_sams_callback(demo_stores, agent, console_clock)
    visit = talk(token="demo-sam")
    visit.launch()
    again = visit.say("OrderStatusIntent", orderNumber="7")
    assert "Please say a number from one to five" in again.speech
    moved_on = visit.say("SatisfactionIntent", score="9")
    assert "No problem. What can I do for you?" in moved_on.speech
    callback = demo_stores.callbacks.get(callback_id)
    assert callback is not None
    assert callback.csat_asked_at == MOMENT and callback.csat_score is None


def test_the_dashboard_shows_satisfaction_per_agent_and_in_the_csv(
    agent: SignIn, talk: Talk, demo_stores: Stores, console_clock: MovableClock
) -> None:
    resolve_sams_callback(demo_stores, agent, console_clock)
    # A guest's callback, resolved by James: never asked, so not counted.
    book(demo_stores, "guest-cb", requested_at=MOMENT - timedelta(hours=2))
    james = agent("james")
    james.act("guest-cb", "claim")
    james.act("guest-cb", "outcome", outcome="resolved", note="done")
    visit = talk(token="demo-sam")
    visit.launch()
    visit.say("SatisfactionIntent", score="4")
    console_clock.now = MOMENT + timedelta(minutes=5)

    priya = agent("priya")
    html = priya.page("/console/dashboard").text

    assert "<strong>1</strong> responses of 1 asked" in html
    assert "<strong>4.0</strong> average of 5" in html
    assert numbers(html, "csat-score") == {"1": "0", "2": "0", "3": "0", "4": "1", "5": "0"}
    by_agent = html.split('id="csat-agent-h"', 1)[1].split("</figure>", 1)[0]
    assert '<th scope="row">Maria Schneider</th><td>1</td><td>4.0</td>' in by_agent
    assert "James Carter" not in by_agent
    # Drawn on the server: a bar per score.
    chart = html.split('id="csat-score-h"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('<rect x="128"') == 5

    rows = list(csv.DictReader(io.StringIO(priya.client.get("/console/dashboard.csv").text)))
    scores = {r["callback"]: r["score"] for r in rows if r["row"] == "resolved"}
    assert scores == {"sam-cb": "4", "guest-cb": ""}


def test_a_customer_who_chose_sms_is_asked_once_by_text(
    agent: SignIn,
    talk: Talk,
    demo_stores: Stores,
    settings: Settings,
    dynamodb: Any,
) -> None:
    notifier, publisher = follower(settings, dynamodb, demo_stores)
    talk(token="demo-alex").say("CallbackIntent", channel="text")
    callback_id = demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id
    assert callback_id is not None
    maria = agent("maria")
    maria.act(callback_id, "claim")
    maria.act(callback_id, "outcome", outcome="resolved", note="sorted")
    notifier.poll_once()

    texts = [n.text for n in publisher.sent if n.audience == "customer"]
    question = (
        "Thank you for talking to Maria. Did Maria sort it out? "
        "Reply with a number from one to five."
    )
    assert texts.count(question) == 1
    assert not any("satisfaction" in n.subject for n in publisher.sent if n.audience == "team")
    callback = demo_stores.callbacks.get(callback_id)
    assert callback is not None and callback.csat_asked_by == "sms"
    # Asked by text: the next visit does not ask again.
    assert "sort it out" not in talk(token="demo-alex").launch().speech
    assert notifier.poll_once() == 0


def test_a_customers_text_reply_is_the_score_on_the_callback_page_and_dashboard(
    agent: SignIn,
    talk: Talk,
    demo_stores: Stores,
    settings: Settings,
    dynamodb: Any,
    console_clock: MovableClock,
) -> None:
    """Alex chose SMS: the question is texted when Maria resolves the call back, and
    Alex's reply, as two-way SMS publishes it, is the score the team sees."""
    arn = dynamodb.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    streams = dynamodb_streams_client(settings, local=True)
    talk(token="demo-alex").say("CallbackIntent", channel="text")
    callback_id = demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id
    assert callback_id is not None
    maria = agent("maria")
    maria.act(callback_id, "claim")
    with sms_texting() as texting:
        notifier = StreamFollower(streams, arn, demo_stores, Renderer(), texting.publisher)
        notifier.poll_once()  # the booking's texts
        maria.act(callback_id, "outcome", outcome="resolved", note="sorted")
        notifier.poll_once()
        assert texting.sms is not None
        question = texting.sms.state.sent[-1]
    assert question["MessageBody"].endswith("Reply with a number from one to five.")
    message_id = f"m-{len(texting.sms.state.sent)}"  # what the SMS API answered

    answer = inbound_text(reply("four", previous=message_id, number="+12125550142"))
    assert receive_reply(demo_stores, answer, MOMENT) is ReplyOutcome.SCORED

    page = maria.page(f"/console/callbacks/{callback_id}").text
    when = moment(MOMENT, settings.service_zone_for("en-US"))
    assert f"Customer said <strong>4 of 5</strong> on {when}" in page
    html = agent("priya").page("/console/dashboard").text
    assert "<strong>1</strong> responses of 1 asked" in html
