"""The skill's token from LWA and the Proactive Events client, against the fake Alexa API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skill.adapters.lwa import (
    PROACTIVE_EVENTS_SCOPE,
    AccessTokens,
    SkillCredentials,
    TokenUnavailable,
)
from skill.adapters.proactive_events import (
    AlexaApiError,
    AlexaSkillApi,
    PermissionRevoked,
    ProactiveEvents,
    UnknownEndpoint,
    checked_endpoint,
)
from skill.records import OrderStatus
from skill.rules.alexa_events import Audience, OrderNotice, order_status_event
from tests.fake_alexa_api import (
    CLIENT_ID,
    CLIENT_SECRET,
    PROACTIVE_DEVELOPMENT,
    PROACTIVE_LIVE,
    TOKEN,
    FakeAlexaApi,
    trusted_fake,
)

START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
USER = "amzn1.ask.account.ALEX"


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    with trusted_fake(tmp_path, monkeypatch) as fake:
        yield fake


def tokens(api: FakeAlexaApi, clock: Clock, secret: str = CLIENT_SECRET) -> AccessTokens:
    return AccessTokens(
        SkillCredentials(CLIENT_ID, secret),
        PROACTIVE_EVENTS_SCOPE,
        timeout=1.5,
        token_url=api.endpoint + TOKEN,
        clock=clock,
    )


def events(api: FakeAlexaApi, clock: Clock, *, development: bool = True) -> ProactiveEvents:
    client = AlexaSkillApi(tokens(api, clock), timeout=1.5, extra_endpoints=[api.endpoint])
    return ProactiveEvents(client, development=development)


def body(number: str = "1002") -> dict[str, object]:
    notice = OrderNotice(number, OrderStatus.SHIPPED, "Example Shop")
    built = order_status_event(notice, Audience(USER, "en-US"), START)
    assert built is not None
    return built


@pytest.mark.slow
def test_fifty_sends_fetch_one_token(api: FakeAlexaApi) -> None:
    sender = events(api, Clock())
    for number in range(50):
        sender.send(api.endpoint, body(str(number)))
    assert api.state.token_requests == 1
    assert len(api.state.events) == 50
    assert {path for path, _ in api.state.events} == {PROACTIVE_DEVELOPMENT}


def test_the_live_stage_posts_to_the_live_path(api: FakeAlexaApi) -> None:
    events(api, Clock(), development=False).send(api.endpoint, body())
    assert [path for path, _ in api.state.events] == [PROACTIVE_LIVE]


def test_threads_that_need_a_token_together_wait_for_one_fetch(api: FakeAlexaApi) -> None:
    sender = events(api, Clock())
    threads = [
        threading.Thread(target=sender.send, args=(api.endpoint, body(str(n)))) for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert api.state.token_requests == 1
    assert len(api.state.events) == 8


def test_a_token_is_renewed_a_minute_before_it_ends(api: FakeAlexaApi) -> None:
    clock = Clock()
    sender = events(api, clock)
    sender.send(api.endpoint, body("1"))
    clock.now = START + timedelta(minutes=58, seconds=59)
    sender.send(api.endpoint, body("2"))
    assert api.state.token_requests == 1
    clock.now = START + timedelta(minutes=59)
    sender.send(api.endpoint, body("3"))
    assert api.state.token_requests == 2
    assert [request[1] for request in api.state.requests if request[0] != TOKEN] == [
        "Bearer Atc|fake-1",
        "Bearer Atc|fake-1",
        "Bearer Atc|fake-2",
    ]


def test_a_refused_token_is_replaced_and_the_event_sent_once(api: FakeAlexaApi) -> None:
    sender = events(api, Clock())
    sender.send(api.endpoint, body("1"))
    api.state.tokens.clear()  # LWA revoked it before its time
    sender.send(api.endpoint, body("2"))
    assert api.state.token_requests == 2
    assert [event["referenceId"] for _, event in api.state.events] == [
        "order-1-ORDER_SHIPPED",
        "order-2-ORDER_SHIPPED",
    ]


def test_a_revoked_permission_is_its_own_error(api: FakeAlexaApi) -> None:
    api.state.revoked.add(USER)
    with pytest.raises(PermissionRevoked) as raised:
        events(api, Clock()).send(api.endpoint, body())
    assert raised.value.status == 403
    assert api.state.events == []


def test_a_failed_send_raises_for_a_retry_that_then_succeeds(api: FakeAlexaApi) -> None:
    sender = events(api, Clock())
    api.state.failures.append(503)
    with pytest.raises(AlexaApiError) as raised:
        sender.send(api.endpoint, body())
    assert raised.value.status == 503
    assert not isinstance(raised.value, PermissionRevoked)
    sender.send(api.endpoint, body())
    assert len(api.state.events) == 1


def test_a_body_the_schema_refuses_is_an_error(api: FakeAlexaApi) -> None:
    wrong = body()
    wrong["expiryTime"] = wrong["timestamp"]
    with pytest.raises(AlexaApiError) as raised:
        events(api, Clock()).send(api.endpoint, wrong)
    assert raised.value.status == 400


def test_wrong_credentials_give_no_token(api: FakeAlexaApi) -> None:
    with pytest.raises(TokenUnavailable, match="401"):
        tokens(api, Clock(), secret="guessed").token()


def test_an_unreachable_lwa_gives_no_token() -> None:
    unreachable = AccessTokens(
        SkillCredentials(CLIENT_ID, CLIENT_SECRET),
        PROACTIVE_EVENTS_SCOPE,
        timeout=0.5,
        token_url="https://127.0.0.1:9/auth/o2/token",
    )
    with pytest.raises(TokenUnavailable):
        unreachable.token()


@pytest.mark.parametrize(
    "endpoint",
    ["https://api.amazonalexa.com.example.net", "http://api.amazonalexa.com", "https://evil"],
)
def test_the_token_goes_to_alexa_only(api: FakeAlexaApi, endpoint: str) -> None:
    with pytest.raises(UnknownEndpoint):
        events(api, Clock()).send(endpoint, body())
    assert api.state.token_requests == 0


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://api.amazonalexa.com",
        "https://api.eu.amazonalexa.com/",
        "https://api.fe.amazonalexa.com",
    ],
)
def test_each_region_endpoint_is_alexa(endpoint: str) -> None:
    assert checked_endpoint(endpoint) == endpoint.rstrip("/")
