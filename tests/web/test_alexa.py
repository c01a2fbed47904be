"""POST /alexa: good envelopes answered, bad input refused with 400/413, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.alexa import envelope, launch_request, load_event, parse_reply


def test_healthz(client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    "event",
    [
        "launch",
        "launch_de",
        "order_status_linked",
        "order_status_linked_de",
        "order_status_unlinked",
        "callback_linked",
        "callback_linked_de",
        "complaint_linked",
        "commitments_linked",
    ],
)
def test_canned_events_are_answered(client: FlaskClient, event: str) -> None:
    answer = client.post("/alexa", json=load_event(event))
    reply = parse_reply(answer.status_code, answer.get_json())
    assert reply.speech
    assert answer.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("event", ["launch", "order_status_linked"])
def test_the_delay_of_1003_comes_first(client: FlaskClient, event: str) -> None:
    for suffix, words in (
        ("", "Order 1003, your running shoes, is late, sorry"),
        ("_de", "Bestellung 1003, die Laufschuhe, ist verspätet"),
    ):
        answer = client.post("/alexa", json=load_event(event + suffix))
        speech = parse_reply(200, answer.get_json()).speech
        others = [speech.find(n) for n in ("1001", "1002", "1004") if n in speech]
        assert words in speech
        assert all(speech.index("1003") < position for position in others)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "body is not valid JSON"),
        (b"\xff\xfe", "body is not valid JSON"),
        (b"", "body is not valid JSON"),
        (b"[1, 2]", "body is not a JSON object"),
        (b'{"hello": "world"}', "not an Alexa request envelope"),
        (
            b'{"version": "1.0", "request": {"type": "LaunchRequest"}}',
            "not an Alexa request envelope",
        ),
        (
            b'{"version": "1.0", "request": "LaunchRequest", "session": {}}',
            "not an Alexa request envelope",
        ),
        (
            b'{"version": 1, "request": {"type": "X", "requestId": "r"}, "session": {}}',
            "not an Alexa request envelope",
        ),
        (
            b'{"version": "1.0", "request": {"type": "X", "requestId": "r"}, "context": []}',
            "not an Alexa request envelope",
        ),
    ],
)
def test_malformed_bodies_get_400_with_a_short_json_reason(
    client: FlaskClient, body: bytes, reason: str
) -> None:
    answer = client.post("/alexa", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.get_json() == {"error": reason}


def test_wrongly_typed_fields_inside_an_envelope_are_refused_or_answered(
    client: FlaskClient,
) -> None:
    body: dict[str, Any] = envelope(launch_request())
    body["session"]["new"] = "sometimes"
    body["context"]["System"]["user"] = "not an object"
    answer = client.post("/alexa", data=json.dumps(body), content_type="application/json")
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        parse_reply(200, answer.get_json())


def test_oversized_body_gets_413(client: FlaskClient) -> None:
    body = json.dumps(envelope(launch_request())).encode() + b" " * (200 * 1024)
    answer = client.post("/alexa", data=body, content_type="application/json")
    assert answer.status_code == 413
    assert answer.get_json() == {"error": "request body too large"}


def test_get_on_alexa_is_not_allowed(client: FlaskClient) -> None:
    assert client.get("/alexa").status_code == 405


@pytest.mark.parametrize("request_type", ["LaunchRequest", "AudioPlayer.PlaybackStarted"])
def test_a_request_outside_a_session_is_answered(client: FlaskClient, request_type: str) -> None:
    body: dict[str, Any] = envelope(launch_request())
    del body["session"]
    body["request"]["type"] = request_type
    answer = client.post("/alexa", json=body)
    assert answer.status_code == 200
    parse_reply(200, answer.get_json())
