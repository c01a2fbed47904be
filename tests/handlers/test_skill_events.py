"""Alexa's skill events through POST /alexa: permissions granted, changed and taken back,
an account linked, the skill disabled; each changes whom the skill may notify."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from skill.records.optins import AlexaOptIn
from skill.storage import Stores
from tests.alexa import envelope, launch_request
from tests.handlers.test_requests import post, request

USER = "amzn1.ask.account.SKILL_EVENTS"
EU = "https://api.eu.amazonalexa.com"
NOTIFY = "alexa::devices:all:notifications:write"
MOBILE = "alexa::profile:mobile_number:read"


def event(
    kind: str, body: dict[str, Any], *, token: str | None = None, locale: str = "en-GB"
) -> dict[str, Any]:
    skill_event = request(
        f"AlexaSkillEvent.{kind}",
        locale=locale,
        eventCreationTime="2026-11-23T15:00:00Z",
        eventPublishingTime="2026-11-23T15:00:01Z",
        body=body,
    )
    sent = envelope(skill_event, user_id=USER, token=token, api_endpoint=EU)
    del sent["session"]  # skill events come without a session
    return sent


def granted(*scopes: str) -> dict[str, Any]:
    return {"acceptedPermissions": [{"scope": scope} for scope in scopes]}


def test_a_granted_permission_is_remembered_with_region_and_locale(
    client: FlaskClient, demo_stores: Stores
) -> None:
    response = post(client, event("SkillPermissionAccepted", granted(NOTIFY), token="demo-alex"))
    assert "outputSpeech" not in response
    assert demo_stores.optins.get(USER) == AlexaOptIn(
        USER, "en-GB", EU, frozenset({NOTIFY}), customer_id="c-alex"
    )
    assert AlexaOptIn(USER, "en-GB", EU, frozenset({NOTIFY}), "c-alex") in (
        demo_stores.optins.for_customer("c-alex")
    )


def test_a_changed_permission_keeps_what_is_left_and_forgets_when_nothing_is(
    client: FlaskClient, demo_stores: Stores
) -> None:
    post(client, event("SkillPermissionAccepted", granted(NOTIFY, MOBILE)))
    opt_in = demo_stores.optins.get(USER)
    # Only what notifications need is kept; the mobile number is asked for each call back.
    assert opt_in is not None and opt_in.permissions == frozenset({NOTIFY})
    post(client, event("SkillPermissionChanged", granted(NOTIFY), locale="de-DE"))
    opt_in = demo_stores.optins.get(USER)
    assert opt_in is not None and opt_in.locale == "de-DE"
    post(client, event("SkillPermissionChanged", granted(MOBILE)))
    assert demo_stores.optins.get(USER) is None


def test_an_account_linked_later_ties_the_opt_in_to_the_customer(
    client: FlaskClient, demo_stores: Stores
) -> None:
    post(client, event("SkillPermissionAccepted", granted(NOTIFY)))
    assert demo_stores.optins.for_customer("c-sam") == []
    post(client, event("SkillAccountLinked", {"accessToken": "demo-sam"}))
    [opt_in] = demo_stores.optins.for_customer("c-sam")
    assert opt_in.user_id == USER and opt_in.permissions == frozenset({NOTIFY})


def test_an_account_linked_without_an_opt_in_stores_nothing(
    client: FlaskClient, demo_stores: Stores
) -> None:
    post(client, event("SkillAccountLinked", {"accessToken": "demo-sam"}))
    assert demo_stores.optins.get(USER) is None


def test_disabling_the_skill_forgets_the_opt_in_too(
    client: FlaskClient, demo_stores: Stores
) -> None:
    post(client, envelope(launch_request(), user_id=USER))
    post(client, event("SkillPermissionAccepted", granted(NOTIFY)))
    post(
        client, event("SkillDisabled", {"userInformation": {"persistenceStatus": "NOT_PERSISTED"}})
    )
    assert demo_stores.optins.get(USER) is None
    assert not demo_stores.users.remembers(USER)
