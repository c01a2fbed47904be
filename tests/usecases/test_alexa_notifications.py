"""Alexa notifications leave through the notifier: a callback set or moved, an order that
ships or arrives, to the customers who allowed them, checked by the fake Alexa API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.adapters.lwa import PROACTIVE_EVENTS_SCOPE, AccessTokens, SkillCredentials
from skill.adapters.proactive_events import AlexaSkillApi, LogProactiveEvents, ProactiveEvents
from skill.clock import Clock
from skill.config import Settings
from skill.devtools.demo.data import ALEX_ALEXA
from skill.devtools.demo.stream import StreamFollower
from skill.records.optins import AlexaOptIn
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_streams_client
from skill.usecases.alexa_notifications import AlexaNotifier
from skill.usecases.webhooks import webhooks_for
from skill.web import create_app
from tests.alexa import Conversation
from tests.conftest import MOMENT
from tests.fake_alexa_api import CLIENT_ID, CLIENT_SECRET, TOKEN, FakeAlexaApi, trusted_fake
from tests.moto_in_process import on_the_embedded_server
from tests.rules.test_shopify_payloads import payload
from tests.web.test_webhooks import SHOPIFY_SECRET, shopify

# On the embedded server: the stream.
dynamodb_endpoint = on_the_embedded_server()

Talk = Callable[..., Conversation]


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    with trusted_fake(tmp_path, monkeypatch) as fake:
        yield fake


@pytest.fixture
def alex(demo_stores: Stores, api: FakeAlexaApi) -> AlexaOptIn:
    """Alex's opt-in, with Alexa's API where the fake serves it."""
    opt_in = AlexaOptIn(ALEX_ALEXA.user_id, "en-US", api.endpoint, ALEX_ALEXA.permissions, "c-alex")
    demo_stores.optins.remember(opt_in, MOMENT)
    return opt_in


def _notifier_for(
    stores: Stores, api: FakeAlexaApi, clock: Clock = lambda: MOMENT
) -> AlexaNotifier:
    """The real client, with the timeout of every Alexa call, against the fake API."""
    timeout = Settings().alexa_api_timeout
    tokens = AccessTokens(
        SkillCredentials(CLIENT_ID, CLIENT_SECRET),
        PROACTIVE_EVENTS_SCOPE,
        timeout=timeout,
        token_url=api.endpoint + TOKEN,
        clock=clock,
    )
    sender = ProactiveEvents(
        AlexaSkillApi(tokens, timeout=timeout, extra_endpoints=[api.endpoint]), development=True
    )
    return AlexaNotifier(stores, Renderer(), sender, clock)


def follower(
    settings: Settings, dynamodb: Any, stores: Stores, api: FakeAlexaApi, clock: Clock
) -> StreamFollower:
    arn = dynamodb.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    alexa = _notifier_for(stores, api, clock)
    streams = dynamodb_streams_client(settings, local=True)
    follower = StreamFollower(streams, arn, stores, Renderer(), _Quiet(), clock=clock, alexa=alexa)
    follower.poll_once()  # the demo data itself is no news
    return follower


class _Quiet:
    def publish(self, notification: object) -> None:
        pass


@pytest.fixture
def notifier(
    settings: Settings, dynamodb: Any, demo_stores: Stores, api: FakeAlexaApi, alex: AlexaOptIn
) -> StreamFollower:
    return follower(settings, dynamodb, demo_stores, api, lambda: MOMENT)


def test_a_callback_booked_by_voice_is_confirmed_on_alexa(
    talk: Talk, notifier: StreamFollower, api: FakeAlexaApi, demo_stores: Stores
) -> None:
    talk(token="demo-alex").say("CallbackIntent", channel="phone")
    notifier.poll_once()

    [(path, body)] = api.state.events  # accepted: it passed Amazon's schema
    assert path == "/v1/proactiveEvents/stages/development"
    assert body["event"]["name"] == "AMAZON.Occasion.Updated"
    assert body["event"]["payload"]["state"] == {"confirmationStatus": "CONFIRMED"}
    assert body["localizedAttributes"] == [
        {"locale": "en-US", "subject": "your call back", "providerName": "Maria from Menschmoment"}
    ]
    assert body["relevantAudience"]["payload"]["user"] == "amzn1.ask.account.DEMO-ALEX"
    open_id = demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id
    callback = demo_stores.callbacks.get(str(open_id))
    assert callback is not None
    assert body["event"]["payload"]["occasion"]["bookingTime"] == callback.due_at.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert notifier.poll_once() == 0  # sent once


def test_a_moved_callback_updates_the_same_notification(
    talk: Talk, notifier: StreamFollower, api: FakeAlexaApi
) -> None:
    talk(token="demo-alex").say("CallbackIntent", channel="phone")
    notifier.poll_once()
    conversation = talk(token="demo-alex")
    conversation.say("CallbackIntent")
    conversation.say("AMAZON.YesIntent")
    conversation.say("CallbackIntent", time="17:00")
    notifier.poll_once()

    booked, moved = (body for _, body in api.state.events)
    assert moved["event"]["payload"]["state"] == {"confirmationStatus": "RESCHEDULED"}
    assert moved["event"]["payload"]["occasion"]["bookingTime"] == "2026-11-23T22:00:00Z"
    # The same reference id: Alexa replaces the confirmation the move outdates.
    assert moved["referenceId"] == booked["referenceId"]


@pytest.mark.parametrize(("event", "kind"), [("granted", "promised"), ("fulfilled", "kept")])
def test_a_promise_made_or_kept_by_the_agent_is_a_new_message(
    talk: Talk, demo_stores: Stores, api: FakeAlexaApi, alex: AlexaOptIn, event: str, kind: str
) -> None:
    from skill.storage.codec import to_item
    from skill.usecases.notifier import deliver
    from tests.stored import outbox

    talk(token="demo-alex").say("CallbackIntent", channel="phone")
    [assigned] = [e for e in outbox(demo_stores) if e["event"] == "assigned"]
    promise = {**assigned, "event": event, "PK": f"OUTBOX#act-7.{event}"}
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": to_item(promise)}}
    alexa = _notifier_for(demo_stores, api)

    deliver([record], demo_stores, Renderer(), _Quiet(), alexa=alexa)

    [(_, body)] = api.state.events
    assert body["event"]["name"] == "AMAZON.MessageAlert.Activated"
    assert body["referenceId"] == f"promise-act-7-{event}-{kind}"
    assert body["localizedAttributes"] == [
        {"locale": "en-US", "creatorName": "Maria from Menschmoment"}
    ]


def test_a_promise_kept_from_the_overview_is_a_new_message_for_its_customer(
    demo_stores: Stores, api: FakeAlexaApi, alex: AlexaOptIn
) -> None:
    from skill.storage.codec import to_item
    from skill.storage.outbox import OutboxEvent, outbox_values
    from skill.usecases.notifier import deliver

    # What the promises page writes when Maria marks Alex's promise kept: no callback.
    kept = OutboxEvent(
        "promise_kept",
        "",
        MOMENT,
        "a-maria",
        "",
        MOMENT,
        event_id="act-9.promise_kept",
        detail="shipping refund for order 1003 (4.95 USD): kept, marked by Maria Schneider.",
        customer_id="c-alex",
        agent_first_name="Maria",
    )
    item = to_item(outbox_values(kept))
    demo_stores.client.put_item(TableName=demo_stores.table, Item=item)
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": item}}
    alexa = _notifier_for(demo_stores, api)

    assert deliver([record], demo_stores, Renderer(), _Quiet(), alexa=alexa) == 2  # team, Alexa
    [(_, body)] = api.state.events
    assert body["event"]["name"] == "AMAZON.MessageAlert.Activated"
    assert body["referenceId"] == "promise-act-9-promise_kept-kept"
    assert body["localizedAttributes"] == [
        {"locale": "en-US", "creatorName": "Maria from Menschmoment"}
    ]
    assert body["relevantAudience"]["payload"]["user"] == alex.user_id
    # Delivered once: the stream's retry of the same record sends nothing again.
    assert deliver([record], demo_stores, Renderer(), _Quiet(), alexa=alexa) == 0
    assert len(api.state.events) == 1


def test_a_shopify_delivery_tells_the_customer_who_opted_in(
    skill: Any,
    settings: Settings,
    demo_stores: Stores,
    clock: Clock,
    notifier: StreamFollower,
    api: FakeAlexaApi,
) -> None:
    secrets = settings.with_changes(shopify_webhook_secret=SHOPIFY_SECRET)
    app = create_app(skill, verifier=None, webhooks=webhooks_for(secrets, demo_stores, clock))
    web: FlaskClient = app.test_client()
    delivered = payload("fulfillments_update")
    delivered.update(name="#1002.1", order_id=5940139499999)
    assert shopify(web, "fulfillments/update", delivered).status_code == 200

    assert notifier.poll_once() == 1
    [(_, body)] = api.state.events
    assert body["event"]["name"] == "AMAZON.OrderStatus.Updated"
    assert body["event"]["payload"]["state"]["status"] == "ORDER_DELIVERED"
    assert body["localizedAttributes"] == [{"locale": "en-US", "sellerName": "Menschmoment"}]
    assert body["referenceId"] == "order-1002-ORDER_DELIVERED"
    assert api.state.token_requests == 1


def test_an_order_change_outside_en_us_or_without_opt_in_sends_nothing(
    demo_stores: Stores, notifier: StreamFollower, api: FakeAlexaApi, alex: AlexaOptIn
) -> None:
    demo_stores.optins.remember(
        AlexaOptIn(alex.user_id, "en-GB", alex.api_endpoint, alex.permissions, "c-alex"), MOMENT
    )
    _ship(demo_stores, "1004")
    assert notifier.poll_once() == 0
    demo_stores.optins.forget(alex.user_id)
    _ship(demo_stores, "1004", status="delivered")
    assert notifier.poll_once() == 0
    assert api.state.events == []
    assert api.state.token_requests == 0


def test_a_revoked_permission_forgets_the_opt_in(
    demo_stores: Stores, notifier: StreamFollower, api: FakeAlexaApi, alex: AlexaOptIn
) -> None:
    api.state.revoked.add(alex.user_id)
    _ship(demo_stores, "1004")
    assert notifier.poll_once() == 0
    assert demo_stores.optins.get(alex.user_id) is None
    _ship(demo_stores, "1004", status="delivered")
    notifier.poll_once()
    # Once forgotten, Alexa is not asked again.
    assert [path for path, _ in api.state.requests if path != TOKEN].count(
        "/v1/proactiveEvents/stages/development"
    ) == 1


def test_a_failed_send_is_retried_from_the_stream(
    demo_stores: Stores, notifier: StreamFollower, api: FakeAlexaApi, alex: AlexaOptIn
) -> None:
    from skill.usecases.notifier import deliver

    records = _records_after(demo_stores, notifier, lambda: _ship(demo_stores, "1004"))
    alexa = notifier._alexa
    assert alexa is not None
    api.state.failures.append(503)
    with pytest.raises(Exception, match="503"):
        deliver(records, demo_stores, Renderer(), _Quiet(), alexa=alexa)
    assert deliver(records, demo_stores, Renderer(), _Quiet(), alexa=alexa) == 1
    assert [body["event"]["payload"]["state"]["status"] for _, body in api.state.events] == [
        "ORDER_SHIPPED"
    ]


def test_the_demo_prints_what_it_would_send(
    demo_stores: Stores, settings: Settings, dynamodb: Any, capsys: Any
) -> None:
    sender = LogProactiveEvents()
    arn = dynamodb.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    streams = dynamodb_streams_client(settings, local=True)
    alexa = AlexaNotifier(demo_stores, Renderer(), sender, lambda: MOMENT)
    follower = StreamFollower(streams, arn, demo_stores, Renderer(), _Quiet(), alexa=alexa)
    follower.poll_once()
    assert demo_stores.optins.for_customer("c-alex") == [ALEX_ALEXA]
    capsys.readouterr()
    _ship(demo_stores, "1004")
    follower.poll_once()
    out = capsys.readouterr().out
    assert out.startswith("[alexa notification AMAZON.OrderStatus.Updated en-US] ")
    assert '"status": "ORDER_SHIPPED"' in out and '{"sellerName": "Menschmoment"}' in out
    assert ALEX_ALEXA.user_id not in out


def _ship(stores: Stores, number: str, status: str = "shipped") -> None:
    from dataclasses import replace

    from skill.records import OrderStatus

    order = stores.orders.get(number)
    assert order is not None
    stores.orders.put_order(
        replace(order, status=OrderStatus(status), estimated_delivery=MOMENT.date() + timedelta(2))
    )


def _records_after(
    stores: Stores, notifier: StreamFollower, change: Callable[[], None]
) -> list[dict[str, Any]]:
    """The stream records a change makes, as the notifier Lambda would get them."""
    streams = notifier._streams
    shards = streams.describe_stream(StreamArn=notifier._arn)["StreamDescription"]["Shards"]
    iterators = [
        streams.get_shard_iterator(
            StreamArn=notifier._arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
        )["ShardIterator"]
        for shard in shards
    ]
    change()
    records: list[dict[str, Any]] = []
    for iterator in iterators:
        records.extend(streams.get_records(ShardIterator=iterator)["Records"])
    return records
