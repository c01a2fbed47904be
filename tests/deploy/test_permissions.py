"""Each role allows what its function really calls: the DynamoDB operations of real
conversations, the notifier and the sweep, recorded on moto, against the template."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from skill.adapters.delivery import LogPublisher
from skill.adapters.proactive_events import LogProactiveEvents, PermissionRevoked
from skill.clock import fixed_clock
from skill.config import Settings
from skill.records import OrderStatus
from skill.rules.webhook_signatures import orders_signature, shopify_signature
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.codec import to_item
from skill.storage.orders import order_values
from skill.usecases.alexa_notifications import AlexaNotifier
from skill.usecases.notifier import deliver
from skill.usecases.overdue import sweep
from skill.usecases.sms_replies import ReplyOutcome, inbound_text, receive_reply
from skill.usecases.webhooks import Delivery, webhooks_for
from tests.alexa import Conversation
from tests.conftest import MOMENT
from tests.deploy.test_template import granted
from tests.rules.test_shopify_payloads import payload
from tests.stored import outbox
from tests.usecases.test_sms_replies import (
    REPLIED,
    RESOLVED,
    reply,
    resolved_with_question,
    sms_texting,
)

pytestmark = pytest.mark.deploy

Talk = Callable[..., Conversation]
# A transaction is authorised item by item, as the single-item actions.
TRANSACTION_ITEMS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


@pytest.fixture
def actions(dynamodb: Any) -> set[str]:
    """The IAM actions of every DynamoDB call made through the tests' client."""
    needed: set[str] = set()

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "TransactWriteItems":
            for item in params["TransactItems"]:
                needed.update(TRANSACTION_ITEMS[kind] for kind in item)
        elif model.name == "TransactGetItems":
            needed.add("dynamodb:GetItem")
        else:
            needed.add(f"dynamodb:{model.name}")

    dynamodb.meta.events.register("provide-client-params.dynamodb", record)
    return needed


def test_the_skill_role_covers_every_conversation_and_nothing_more(
    talk: Talk, actions: set[str], template: dict[str, Any]
) -> None:
    talk(token="demo-alex").say("OrderStatusIntent")
    guest = talk()
    guest.say("OrderStatusIntent", orderNumber="1003", postalCode="10115")
    complaint = talk(token="demo-alex")
    complaint.say("ComplaintIntent", problemType="late")
    complaint.say("AMAZON.YesIntent")
    complaint.say("RemedyChoiceIntent", remedy="shipping_refund")
    complaint.say("AMAZON.NoIntent")  # no to news on the speaker: the refusal is kept
    talk(token="demo-alex").say("CommitmentStatusIntent")
    feedback = talk()
    feedback.say("FeedbackIntent")
    feedback.say("FeedbackIntent", feedback="the app could be faster")
    talk(token="demo-alex").say("CallbackIntent", channel="text")
    cancel = talk(token="demo-alex")
    cancel.say("CancelCallbackIntent")
    cancel.say("AMAZON.YesIntent")

    allowed = granted(template, "SkillRole")
    assert actions <= allowed, actions - allowed
    # Nothing granted that none of these conversations needs.
    assert {a for a in allowed if a.startswith("dynamodb:")} == actions


def test_the_mcp_role_covers_every_tool_and_nothing_more(
    demo_stores: Stores, settings: Settings, actions: set[str], template: dict[str, Any]
) -> None:
    from skill.assistants.tools import Assistant
    from skill.policy import load_policy

    assistant = Assistant(
        demo_stores, settings, Renderer(), fixed_clock(MOMENT), load_policy(settings.remedy_policy)
    )
    assistant.list_orders("c-alex")
    assistant.order_status("c-alex", "1003")
    filed = assistant.file_complaint("c-alex", "1001", "damaged", "the lid is cracked")
    assistant.choose_remedy("c-alex", filed.complaint_id, "refund", "key-1")
    assistant.file_complaint("c-alex", "1002", "late", "")
    assistant.list_promises("c-alex")
    assistant.request_callback("c-alex", "about my shoes", None, None)
    assistant.callback_status("c-alex")
    assistant.cancel_callback("c-alex")
    assistant.what_do_you_know("c-alex")
    assistant.delete_my_data("c-alex", confirm=True)

    allowed = granted(template, "McpRole")
    assert actions <= allowed, actions - allowed
    assert {a for a in allowed if a.startswith("dynamodb:")} == actions


def test_the_notifier_and_sweep_roles_cover_their_calls(
    talk: Talk, demo_stores: Stores, dynamodb: Any, actions: set[str], template: dict[str, Any]
) -> None:
    talk(token="demo-alex").say("CallbackIntent", channel="text")
    [event] = [e for e in outbox(demo_stores) if e["event"] == "assigned"]
    actions.clear()
    updated: list[str] = []

    def record_key(params: dict[str, Any], **_: Any) -> None:
        updated.append(params["Key"]["PK"]["S"])

    dynamodb.meta.events.register("provide-client-params.dynamodb.UpdateItem", record_key)
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": to_item(event)}}
    deliver([record], demo_stores, Renderer(), LogPublisher())
    notifier = granted(template, "NotifierRole")
    assert actions and actions <= notifier
    # The role may update outbox items only (dynamodb:LeadingKeys): the delivery marks.
    assert len(updated) == 2
    assert all(key.startswith("OUTBOX#") for key in updated)

    actions.clear()
    sweep(demo_stores, LogPublisher(), MOMENT + timedelta(days=2), "America/New_York")
    overdue = granted(template, "OverdueRole")
    assert actions <= overdue
    assert {a for a in overdue if a.startswith("dynamodb:")} == actions


class _Revoked:
    """Alexa's answer when the customer took the permission back."""

    def send(self, endpoint: str, body: dict[str, Any]) -> None:
        raise PermissionRevoked("revoked", 403)


def test_the_notifier_role_covers_alexa_notifications(
    talk: Talk, demo_stores: Stores, dynamodb: Any, actions: set[str], template: dict[str, Any]
) -> None:
    talk(token="demo-alex").say("CallbackIntent", channel="phone")
    [event] = [e for e in outbox(demo_stores) if e["event"] == "assigned"]
    order = demo_stores.orders.get("1004")
    assert order is not None
    old, new = order_values(order), order_values(replace(order, status=OrderStatus.SHIPPED))
    actions.clear()
    alexa = AlexaNotifier(demo_stores, Renderer(), LogProactiveEvents(), fixed_clock(MOMENT))
    records = [
        {"eventName": "INSERT", "dynamodb": {"NewImage": to_item(event)}},
        {"eventName": "MODIFY", "dynamodb": {"OldImage": to_item(old), "NewImage": to_item(new)}},
    ]
    # The team, the callback on Alexa, the order on Alexa.
    assert deliver(records, demo_stores, Renderer(), LogPublisher(), alexa=alexa) == 3
    revoked = AlexaNotifier(demo_stores, Renderer(), _Revoked(), fixed_clock(MOMENT))
    deliver(records[1:], demo_stores, Renderer(), LogPublisher(), alexa=revoked)
    assert demo_stores.optins.for_customer("c-alex") == []
    assert {"dynamodb:Query", "dynamodb:DeleteItem"} <= actions
    assert actions <= granted(template, "NotifierRole")


def test_the_webhooks_role_covers_every_topic_and_nothing_more(
    demo_stores: Stores, settings: Settings, actions: set[str], template: dict[str, Any]
) -> None:
    secrets = settings.with_changes(shopify_webhook_secret="s", orders_webhook_secret="o")
    hooks = webhooks_for(secrets, demo_stores, fixed_clock(MOMENT))

    def shopify(topic: str, fixture: str) -> int:
        body = json.dumps(payload(fixture)).encode()
        headers = {"x-shopify-topic": topic, "x-shopify-hmac-sha256": shopify_signature("s", body)}
        return hooks.shopify(Delivery(headers, body)).status

    assert shopify("orders/create", "orders_create") == 200
    assert shopify("fulfillments/update", "fulfillments_update") == 200
    assert shopify("orders/updated", "orders_updated") == 200  # older: skipped
    records = b'{"type": "customer", "id": "c-kim", "name": "Kim", "locale": "en-US", ' \
        b'"postal_code": "60614"}\n'  # fmt: skip
    signed = {"x-menschmoment-signature": orders_signature("o", records)}
    assert hooks.orders(Delivery(signed, records)).status == 200
    allowed = granted(template, "WebhooksRole")
    assert actions <= allowed, actions - allowed
    assert {a for a in allowed if a.startswith("dynamodb:")} == actions


def test_the_notifier_and_reply_roles_cover_a_texted_question_and_its_reply(
    demo_stores: Stores, dynamodb: Any, actions: set[str], template: dict[str, Any]
) -> None:
    """The notifier keeps the satisfaction question's message id (PutItem on an item of
    its own); the reply function reads it and scores the callback, and may do no more."""
    keys: list[tuple[str, str]] = []

    def record_key(params: dict[str, Any], model: Any, **_: Any) -> None:
        item = params.get("Key") or params.get("Item")
        if item:
            keys.append((model.name, item["PK"]["S"]))

    dynamodb.meta.events.register("provide-client-params.dynamodb", record_key)
    with sms_texting() as texting:
        records = resolved_with_question(demo_stores)
        actions.clear()
        keys.clear()
        deliver(records, demo_stores, Renderer(), texting.publisher, fixed_clock(RESOLVED))
    assert "dynamodb:PutItem" in actions
    assert actions <= granted(template, "NotifierRole")
    assert [key for name, key in keys if name == "PutItem"] == ["SMSREPLY#m-1"]

    actions.clear()
    keys.clear()
    assert receive_reply(demo_stores, inbound_text(reply("4")), REPLIED) is ReplyOutcome.SCORED
    allowed = granted(template, "SmsReplyRole")
    assert {a for a in allowed if a.startswith("dynamodb:")} == actions
    # Within the role's conditions (dynamodb:LeadingKeys).
    assert {name for name, _ in keys} == {"GetItem", "UpdateItem"}
    assert all(key.startswith("SMSREPLY#") for name, key in keys if name == "GetItem")
    assert all(key.startswith("CALLBACK#") for name, key in keys if name == "UpdateItem")
