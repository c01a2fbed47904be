"""Alexa's own requests, as real envelopes through POST /alexa: can we fulfil an intent,
the answer to a permission request, an error report, and the skill being disabled."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.storage import Stores
from tests.alexa import envelope, launch_request

USER = "amzn1.ask.account.REQUEST_TYPES"


def request(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "requestId": f"amzn1.echo-api.request.{kind}",
        "timestamp": "2026-11-23T15:00:00Z",
        "locale": fields.pop("locale", "en-US"),
        **fields,
    }


def post(client: FlaskClient, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/alexa", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    response: dict[str, Any] = answer.get_json()["response"]
    return response


def can_fulfill(client: FlaskClient, intent: str, **slots: str) -> dict[str, Any]:
    asked = request(
        "CanFulfillIntentRequest",
        intent={
            "name": intent,
            "slots": {name: {"name": name, "value": value} for name, value in slots.items()},
        },
    )
    return post(client, envelope(asked, user_id=USER))


def test_an_order_question_we_can_fulfil_with_its_slots(client: FlaskClient) -> None:
    response = can_fulfill(client, "OrderStatusIntent", orderNumber="1003")
    assert response["canFulfillIntent"] == {
        "canFulfill": "YES",
        "slots": {"orderNumber": {"canUnderstand": "YES", "canFulfill": "YES"}},
    }
    assert "outputSpeech" not in response


def test_a_slot_we_do_not_know_makes_it_maybe(client: FlaskClient) -> None:
    response = can_fulfill(client, "CallbackIntent", time="10:00", colour="blue")
    assert response["canFulfillIntent"]["canFulfill"] == "MAYBE"
    assert response["canFulfillIntent"]["slots"]["colour"] == {
        "canUnderstand": "NO",
        "canFulfill": "NO",
    }


@pytest.mark.parametrize("intent", ["PlayMusicIntent", "AMAZON.StopIntent", "ThanksIntent"])
def test_anything_else_we_cannot_fulfil(client: FlaskClient, intent: str) -> None:
    assert can_fulfill(client, intent)["canFulfillIntent"] == {"canFulfill": "NO"}


@pytest.mark.parametrize(
    ("status", "locale", "words"),
    [
        ("ACCEPTED", "en-US", "Now say: call me back"),
        ("DENIED", "en-US", "I won't use your profile number"),
        ("ACCEPTED", "de-DE", "Sag jetzt: Ruf mich zurück"),
        ("DENIED", "de-DE", "deine Profilnummer nutze ich nicht"),
    ],
)
def test_the_answer_to_the_number_permission_is_told_briefly(
    client: FlaskClient, status: str, locale: str, words: str
) -> None:
    answered = request(
        "Connections.Response",
        locale=locale,
        name="AskFor",
        status={"code": "200", "message": "OK"},
        token="",
        payload={"permissionScope": "alexa::profile:mobile_number:read", "status": status},
    )
    response = post(client, envelope(answered, user_id=USER))
    assert words in response["outputSpeech"]["ssml"]
    assert response["shouldEndSession"] is False


def test_an_error_report_gets_no_speech(client: FlaskClient) -> None:
    report = request(
        "System.ExceptionEncountered",
        error={"type": "INVALID_RESPONSE", "message": "bad SSML"},
        cause={"requestId": "amzn1.echo-api.request.earlier"},
    )
    response = post(client, envelope(report, user_id=USER))
    assert "outputSpeech" not in response
    assert "reprompt" not in response


def test_disabling_the_skill_forgets_this_alexa_user(
    client: FlaskClient, demo_stores: Stores
) -> None:
    post(client, envelope(launch_request(), user_id=USER))
    assert demo_stores.users.remembers(USER)
    disabled = request(
        "AlexaSkillEvent.SkillDisabled",
        eventCreationTime="2026-11-23T15:00:00Z",
        eventPublishingTime="2026-11-23T15:00:01Z",
    )
    body = envelope(disabled, user_id=USER)
    del body["session"]  # skill events come without a session
    response = post(client, body)
    assert "outputSpeech" not in response
    assert not demo_stores.users.remembers(USER)
