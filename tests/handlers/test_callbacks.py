"""A call back from a named human: one sentence from any state, told, changed, cancelled."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skill.storage import Stores
from skill.storage.codec import from_item
from tests.alexa import Conversation, Reply
from tests.conftest import MOMENT
from tests.factories import expensive_delivery
from tests.fake_alexa_api import FakeAlexaApi, trusted_fake
from tests.faults import SERVER_ERROR, THROTTLING, TIMEOUT, FaultyTable, simulate_time

Talk = Callable[..., Conversation]
UNLINKED = "amzn1.ask.account.UNLINKED"


@pytest.fixture
def alexa_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    with trusted_fake(tmp_path, monkeypatch) as api:
        yield api


def items(dynamodb: Any, table: str, kind: str) -> list[dict[str, Any]]:
    answer = dynamodb.scan(
        TableName=table,
        FilterExpression="kind = :kind",
        ExpressionAttributeValues={":kind": {"S": kind}},
        ConsistentRead=True,
    )
    return [from_item(raw) for raw in answer["Items"]]


@pytest.fixture
def stored(dynamodb: Any, settings: Any) -> Callable[[str], list[dict[str, Any]]]:
    """``stored("callback")``: the items of one kind now in the table."""
    return lambda kind: items(dynamodb, settings.table_name, kind)


def locks(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    answer = dynamodb.scan(TableName=table, ConsistentRead=True)
    return [from_item(raw) for raw in answer["Items"] if from_item(raw).get("SK") == "OPEN"]


def elicits(reply: Reply, slot: str) -> bool:
    return any(
        directive.get("type") == "Dialog.ElicitSlot" and directive.get("slotToElicit") == slot
        for directive in reply.directives
    )


# One sentence, a named agent, a time and the last digits ---------------------------


def test_linked_customer_hears_name_time_and_number_in_one_sentence(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    reply = talk(token="demo-alex").say("CallbackIntent")

    assert reply.speech.startswith(
        "Maria, who helped you last time, will call you on the number ending in 42 "
        "in about 10 minutes."
    )
    assert "ticket" not in reply.speech.lower()
    # Then, once, the reminder (skill.handlers.reminders).
    assert reply.speech.endswith("Shall I remind you five minutes before Maria calls?")
    assert not reply.end
    assert reply.card is not None
    assert reply.card["title"] == "Your call back from Maria Schneider"
    assert "+1 800 555 0121" in reply.card["content"]
    assert "maria.schneider@example.com" in reply.card["content"]
    [callback] = stored("callback")
    assert callback["agent_id"] == "a-maria"
    assert callback["owner"] == "customer:c-alex"
    assert callback["phone"] == "+1 212 555 0142"
    assert callback["status"] == "waiting"
    assert callback["due_at"] == "2026-11-23T15:10:00Z"
    # Alex has a delayed order and was helped five days ago: high priority.
    assert callback["priority"] == "high"
    context = callback["context"]
    assert {order["number"] for order in context["orders"]} == {"1001", "1002", "1003", "1004"}
    assert context["continuity"] is True
    assert sorted(event["event"] for event in stored("outbox")) == ["assigned", "requested"]


def test_german_customer_hears_it_in_german(talk: Talk) -> None:
    reply = talk(token="demo-alex", locale="de-DE").say("CallbackIntent")
    assert reply.speech.startswith(
        "Maria hat dir letztes Mal geholfen und ruft dich in etwa 10 Minuten unter der "
        "Nummer mit der Endung 42 an."
    )
    assert reply.card is not None and reply.card["title"] == "Dein Rückruf von Maria Schneider"


def test_asking_twice_keeps_one_callback_and_offers_a_change(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    again = talk(token="demo-alex").say("CallbackIntent")

    assert again.speech.startswith(
        "You already have a call back booked: Maria will call you on the number ending in 42"
    )
    assert "different time" in again.speech
    assert not again.end
    assert len(stored("callback")) == 1


def test_a_lock_the_index_does_not_show_yet_still_keeps_one_callback(
    talk: Talk, dynamodb: Any, settings: Any, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    # The account's query reads an index copy of the lock, which may lag a moment behind
    # a booking: as if it did, the lock leaves the index (the item itself stays).
    dynamodb.update_item(
        TableName=settings.table_name,
        Key={"PK": {"S": "OWNER#customer:c-alex"}, "SK": {"S": "OPEN"}},
        UpdateExpression="REMOVE GSI1PK, GSI1SK",
    )
    again = talk(token="demo-alex").say("CallbackIntent")

    assert again.speech.startswith(
        "You already have a call back booked: Maria will call you on the number ending in 42"
    )
    assert len(stored("callback")) == 1


def test_asking_again_with_a_time_moves_the_same_callback(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    conversation = talk(token="demo-alex")
    conversation.say("CallbackIntent")
    asked = conversation.say("AMAZON.YesIntent")
    assert elicits(asked, "time")
    assert "When would suit you better?" in asked.speech

    moved = conversation.say("CallbackIntent", time="17:00")

    assert moved.speech.startswith(
        "Done. Maria will now call you on the number ending in 42 today at 5 pm."
    )
    [callback] = stored("callback")
    assert callback["due_at"] == "2026-11-23T22:00:00Z"
    assert "rescheduled" in {event["event"] for event in stored("outbox")}


def test_a_closed_time_moves_the_booked_call_only_after_a_yes(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    booked = stored("callback")[0]["due_at"]
    conversation = talk(token="demo-alex")
    asked = conversation.say("CallbackIntent", time="23:00")

    assert asked.speech == (
        "We're closed then. Shall I move your call to tomorrow at 8 am instead? "
        "If not, it stays in about 10 minutes."
    )
    assert not asked.end
    assert stored("callback")[0]["due_at"] == booked  # nothing moved yet

    kept = conversation.say("AMAZON.NoIntent")
    assert kept.speech == "All right, everything stays as it is."
    assert stored("callback")[0]["due_at"] == booked

    again = talk(token="demo-alex")
    again.say("CallbackIntent", time="23:00")
    moved = again.say("AMAZON.YesIntent")
    assert "Maria will now call you on the number ending in 42 tomorrow at 8 am" in moved.speech
    assert stored("callback")[0]["due_at"] == "2026-11-24T13:00:00Z"


def test_a_time_answers_the_question_after_a_moved_booking(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    conversation = talk(token="demo-alex")
    offered = conversation.say("CallbackIntent", time="22:00")
    assert "Another time? Just tell me when." in offered.speech
    assert elicits(offered, "time")

    moved = conversation.say("CallbackIntent", day="2026-11-24", time="10:00")

    assert moved.speech.startswith("Done. Maria will now call you")
    assert stored("callback")[0]["due_at"] == "2026-11-24T15:00:00Z"


def test_text_me_instead_changes_the_channel_and_is_remembered(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]], demo_stores: Stores
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    reply = talk(token="demo-alex").say("CallbackIntent", channel="text")

    assert "Maria will now text you at the number ending in 42" in reply.speech
    [callback] = stored("callback")
    assert callback["channel"] == "sms"
    assert demo_stores.callbacks.owner_state("customer:c-alex").channel == "sms"
    # Next time, without saying how, the customer is texted again.
    conversation = talk(token="demo-alex")
    conversation.say("CancelCallbackIntent")
    conversation.say("AMAZON.YesIntent")
    again = talk(token="demo-alex").say("CallbackIntent")
    assert "will text you at the number ending in 42" in again.speech


def test_a_named_time_outside_hours_is_moved_to_the_next_opening(talk: Talk) -> None:
    reply = talk(token="demo-alex").say("CallbackIntent", time="22:00")
    # 22:00 in New York; the team works until 20:00, so tomorrow at eight.
    assert reply.speech.startswith("Our team is off at that time.")
    assert "will call you on the number ending in 42 tomorrow at 8 am" in reply.speech
    assert not reply.end  # "if another time suits you better, just tell me"


def test_tomorrow_at_ten(talk: Talk, stored: Callable[[str], list[dict[str, Any]]]) -> None:
    reply = talk(token="demo-alex").say("CallbackIntent", day="2026-11-24", time="10:00")
    assert "tomorrow at 10 am" in reply.speech
    assert stored("callback")[0]["due_at"] == "2026-11-24T15:00:00Z"


# From every state ----------------------------------------------------------------


def test_from_launch(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.launch()
    assert "Maria" in conversation.say("CallbackIntent").speech


def test_in_the_middle_of_an_order_verification(talk: Talk) -> None:
    conversation = talk(user_id=UNLINKED)
    asked = conversation.say("OrderStatusIntent", orderNumber="1003")
    assert elicits(asked, "postalCode")

    reply = conversation.say("CallbackIntent")

    # Unlinked and no consent: the permission card and the offer to say the number.
    assert "I need a phone number" in reply.speech
    assert reply.card == {
        "type": "AskForPermissionsConsent",
        "permissions": ["alexa::profile:mobile_number:read"],
    }
    assert elicits(reply, "phoneNumber")


def test_in_the_middle_of_a_complaint(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    conversation = talk(token="demo-alex")
    asked = conversation.say("ComplaintIntent", problemType="damaged")
    assert "Is this about order 1001" in asked.speech
    assert not asked.end

    reply = conversation.say("CallbackIntent")

    assert reply.speech.startswith("Maria, who helped you last time, will call you")
    assert len(stored("callback")) == 1


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_an_escalated_complaint_books_an_agent_allowed_to_grant_it(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]], locale: str, demo_stores: Stores
) -> None:
    expensive_delivery(demo_stores, MOMENT.date())
    conversation = talk(token="demo-alex", locale=locale)
    offer = conversation.say(
        "ComplaintIntent", problemType="damaged", orderNumber="1005", description="sole came off"
    )
    assert not offer.end

    booked = conversation.say("AMAZON.YesIntent")

    assert booked.speech.startswith("Maria")
    [callback] = stored("callback")
    assert callback["agent_id"] == "a-maria"  # 250 dollars of authority; the others 100
    assert callback["reason"] == "complaint_escalated"
    assert callback["priority"] == "urgent"
    context = callback["context"]
    assert context["handover"]["amount"] == "149.00"
    assert context["complaint"]["customer_words"] == "sole came off"
    assert context["complaint"]["order_number"] == "1005"
    assert context["complaint"]["problem"] == "damaged"


def test_declined_remedies_then_yes_to_a_human(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    conversation.say("AMAZON.NoIntent")  # no to the remedies: the callback offer
    booked = conversation.say("AMAZON.YesIntent")
    assert "Maria" in booked.speech
    [callback] = stored("callback")
    assert callback["reason"] == "remedy_declined"
    assert callback["priority"] == "high"


def test_after_help(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    assert "call me back" in conversation.say("AMAZON.HelpIntent").speech
    assert "Maria" in conversation.say("CallbackIntent").speech


def test_after_a_fallback(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("AMAZON.FallbackIntent")
    assert "Maria" in conversation.say("CallbackIntent").speech


def test_two_misunderstandings_offer_a_human_and_yes_books_it(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    conversation = talk(token="demo-alex")
    first = conversation.say("AMAZON.FallbackIntent")
    assert "call you back" not in first.speech
    second = conversation.say("AMAZON.FallbackIntent")
    assert "Would you like someone from our team to call you back?" in second.speech
    assert not second.end

    booked = conversation.say("AMAZON.YesIntent")

    assert "Maria" in booked.speech and "ending in 42" in booked.speech
    [callback] = stored("callback")
    assert callback["reason"] == "misunderstood"
    assert callback["context"]["misunderstandings"] == 2


def test_no_to_the_offer_keeps_the_conversation(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("AMAZON.FallbackIntent")
    conversation.say("AMAZON.FallbackIntent")
    reply = conversation.say("AMAZON.NoIntent")
    assert "just say: call me back" in reply.speech
    assert not reply.end


def test_locked_verification_offers_a_human_with_high_priority(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]], alexa_api: FakeAlexaApi
) -> None:
    alexa_api.state.mobile = {"countryCode": "1", "phoneNumber": "2125550177"}
    conversation = talk(user_id=UNLINKED, api_endpoint=alexa_api.endpoint, consent=True)
    for _ in range(3):
        reply = conversation.say("OrderStatusIntent", orderNumber="1003", postalCode="11111")
    assert "Shall someone from our team call you back?" in reply.speech

    booked = conversation.say("AMAZON.YesIntent")

    assert "ending in 77" in booked.speech
    [callback] = stored("callback")
    assert callback["reason"] == "verification_locked"
    assert callback["priority"] == "high"


# The phone number ----------------------------------------------------------------


def test_number_by_voice_is_read_back_as_its_last_digits(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    conversation = talk(user_id=UNLINKED)
    conversation.say("CallbackIntent")
    check = conversation.say("CallbackIntent", phoneNumber="2125550187")
    assert check.speech == "Thanks. That's the number ending in 87, right?"
    assert not stored("callback")

    booked = conversation.say("AMAZON.YesIntent")

    # Unlinked, nobody helped before: the least loaded English speaker on duty.
    assert booked.speech.startswith(
        "James from our service team will call you on the number ending in 87"
    )
    [callback] = stored("callback")
    assert callback["phone"] == "2125550187"
    assert callback["owner"].startswith("alexa:")
    assert UNLINKED not in str(callback)  # the Alexa user id itself is never stored


def test_no_to_the_read_back_asks_again(talk: Talk) -> None:
    conversation = talk(user_id=UNLINKED)
    conversation.say("CallbackIntent")
    conversation.say("CallbackIntent", phoneNumber="2125550187")
    again = conversation.say("AMAZON.NoIntent")
    assert elicits(again, "phoneNumber")


def test_a_number_too_short_is_asked_again(talk: Talk) -> None:
    conversation = talk(user_id=UNLINKED)
    conversation.say("CallbackIntent")
    reply = conversation.say("CallbackIntent", phoneNumber="5551")
    assert "didn't sound like a full phone number" in reply.speech
    assert elicits(reply, "phoneNumber")


def test_mobile_number_and_time_zone_from_alexa(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]], alexa_api: FakeAlexaApi
) -> None:
    alexa_api.state.mobile = {"countryCode": "49", "phoneNumber": "15123456733"}
    alexa_api.state.time_zone = "Europe/Berlin"
    conversation = talk(
        user_id=UNLINKED, locale="de-DE", api_endpoint=alexa_api.endpoint, consent=True
    )

    reply = conversation.say("CallbackIntent", day="2026-11-24", time="15:00")

    # 15:00 in Berlin, within the German team's hours in Berlin.
    assert "morgen um 15 Uhr unter der Nummer mit der Endung 33 an" in reply.speech
    assert reply.speech.startswith("Jonas aus unserem Serviceteam")
    [callback] = stored("callback")
    assert callback["phone"] == "+49 15123456733"
    assert callback["time_zone"] == "Europe/Berlin"
    assert callback["due_at"] == "2026-11-24T14:00:00Z"
    paths = [path for path, _ in alexa_api.state.requests]
    assert "/v2/accounts/~current/settings/Profile.mobileNumber" in paths
    assert "/v2/devices/amzn1.ask.device.TEST/settings/System.timeZone" in paths
    assert all(auth == "Bearer test-api-access-token" for _, auth in alexa_api.state.requests)


def test_permission_refused_by_alexa_falls_back_to_asking(
    talk: Talk, alexa_api: FakeAlexaApi
) -> None:
    conversation = talk(user_id=UNLINKED, api_endpoint=alexa_api.endpoint, consent=True)
    reply = conversation.say("CallbackIntent")  # the fake answers 403: no consent
    assert elicits(reply, "phoneNumber")
    assert reply.card is not None and reply.card["type"] == "AskForPermissionsConsent"


def test_email_without_an_address_calls_instead(talk: Talk) -> None:
    conversation = talk(user_id=UNLINKED)
    conversation.say("CallbackIntent", channel="email")
    conversation.say("CallbackIntent", phoneNumber="2125550187")
    reply = conversation.say("AMAZON.YesIntent")
    assert reply.speech.startswith("I have no e-mail address for you, so we'll call")


def test_email_for_a_linked_customer(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    reply = talk(token="demo-alex").say("CallbackIntent", channel="e-mail")
    assert "Maria, who helped you last time, will e-mail you in about 10 minutes." in reply.speech
    assert stored("callback")[0]["email"] == "alex@example.com"


# Status, cancel, the greeting --------------------------------------------------------


def test_status_tells_agent_time_and_place_in_line(talk: Talk) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    reply = talk(token="demo-alex").say("CallbackStatusIntent")
    assert reply.speech == (
        "Maria will call you on the number ending in 42 in about 10 minutes. You're next in line."
    )


def test_place_in_line_counts_those_called_first(talk: Talk) -> None:
    for number, user in enumerate(("A", "B")):
        conversation = talk(user_id=f"amzn1.ask.account.{user}")
        conversation.say("CallbackIntent", phoneNumber=f"212555010{number}")
        conversation.say("AMAZON.YesIntent")
    conversation = talk(user_id="amzn1.ask.account.C")
    conversation.say("CallbackIntent", phoneNumber="2125550109")
    conversation.say("AMAZON.YesIntent")
    reply = talk(user_id="amzn1.ask.account.C").say("CallbackStatusIntent")
    assert "There are 2 customers before you." in reply.speech


def test_status_without_a_callback_offers_one(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    reply = conversation.say("CallbackStatusIntent")
    assert "You don't have a call back booked" in reply.speech
    assert "Maria" in conversation.say("AMAZON.YesIntent").speech


def test_cancel_asks_first_then_cancels(
    talk: Talk, stored: Callable[[str], list[dict[str, Any]]], dynamodb: Any, settings: Any
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    conversation = talk(token="demo-alex", locale="de-DE")
    ask = conversation.say("CancelCallbackIntent")
    assert ask.speech == "Maria meldet sich in etwa 10 Minuten bei dir. Soll ich das absagen?"
    assert stored("callback")[0]["status"] == "waiting"

    done = conversation.say("AMAZON.YesIntent")

    assert done.speech.startswith("Erledigt, der Rückruf ist abgesagt.")
    [callback] = stored("callback")
    assert callback["status"] == "cancelled"
    assert "GSI1PK" not in callback  # out of the queue
    assert locks(dynamodb, settings.table_name) == []
    assert "cancelled" in {event["event"] for event in stored("outbox")}
    # A new one can be booked afterwards.
    assert "Maria" in talk(token="demo-alex").say("CallbackIntent").speech
    assert len(stored("callback")) == 2


def test_no_to_cancel_keeps_it(talk: Talk, stored: Callable[[str], list[dict[str, Any]]]) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    conversation = talk(token="demo-alex")
    conversation.say("CancelCallbackIntent")
    assert conversation.say("AMAZON.NoIntent").speech == "All right, everything stays as it is."
    assert stored("callback")[0]["status"] == "waiting"


def test_cancel_without_a_callback(talk: Talk) -> None:
    reply = talk(token="demo-alex").say("CancelCallbackIntent")
    assert reply.speech.startswith("You don't have a call back booked, so nobody will call you.")


def test_launch_mentions_the_open_callback_first(talk: Talk) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    greeting = talk(token="demo-alex").launch()
    assert greeting.speech.startswith(
        "Welcome to Menschmoment, Alex. Maria will call you on the number ending in 42 "
        "in about 10 minutes, as promised. Order 1003"
    )


# Honest failure --------------------------------------------------------------------


def test_a_throttled_table_is_admitted_and_nothing_is_half_written(
    talk: Talk,
    stored: Callable[[str], list[dict[str, Any]]],
    dynamodb: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    simulate_time(monkeypatch)  # retry sleeps add up without waiting
    table = FaultyTable(dynamodb)
    table.fail("TransactWriteItems", THROTTLING)

    reply = talk(token="demo-alex").say("CallbackIntent")

    assert len(table.attempts) == settings.dynamodb_max_attempts  # bounded retries
    assert reply.speech.startswith("I'm sorry, I couldn't book the call back just now")
    assert "+1 800 555 0199" in reply.speech
    assert "Maria" not in reply.speech
    assert stored("callback") == []
    assert stored("outbox") == []
    assert locks(dynamodb, settings.table_name) == []


def test_a_booking_whose_answer_was_lost_is_confirmed_though_every_read_after_is_slow(
    talk: Talk,
    stored: Callable[[str], list[dict[str, Any]]],
    dynamodb: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = simulate_time(monkeypatch)
    table = FaultyTable(dynamodb, clock)
    # The transaction is applied but its answer never arrives; botocore sends it again,
    # and from then on every read times out: no time is left to look the booking up.
    slow = {operation: TIMEOUT for operation in ("GetItem", "Query", "BatchGetItem")}
    table.lose_answer("TransactWriteItems", then=slow)

    reply = talk(token="demo-alex").say("CallbackIntent")

    assert len(stored("callback")) == 1
    assert "Maria, who helped you last time, will call you" in reply.speech
    assert "sorry" not in reply.speech.lower()


def test_a_booking_whose_every_answer_was_lost_is_never_denied_and_is_told_next_turn(
    talk: Talk,
    stored: Callable[[str], list[dict[str, Any]]],
    dynamodb: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = simulate_time(monkeypatch)
    table = FaultyTable(dynamodb, clock)
    # The transaction is applied but its answer never arrives; every attempt after it
    # times out as well: the skill cannot know whether the call back is booked.
    table.lose_answer("TransactWriteItems", then={"TransactWriteItems": TIMEOUT})

    reply = talk(token="demo-alex").say("CallbackIntent")

    assert len(stored("callback")) == 1
    assert reply.speech.startswith(
        "I'm sorry, I couldn't confirm the call back, but it may be booked."
    )
    assert "couldn't book" not in reply.speech
    assert "+1 800 555 0199" in reply.speech
    # The next turn tells the truth: the call back is booked, and not booked twice.
    table.heal()
    again = talk(token="demo-alex").say("CallbackIntent")
    assert again.speech.startswith("You already have a call back booked: Maria will call you")
    assert len(stored("callback")) == 1


def test_a_booking_that_never_reached_the_table_is_apologised_for(
    talk: Talk,
    stored: Callable[[str], list[dict[str, Any]]],
    dynamodb: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    simulate_time(monkeypatch)
    table = FaultyTable(dynamodb)
    table.fail("TransactWriteItems", SERVER_ERROR)  # answered every time: nothing applied

    reply = talk(token="demo-alex").say("CallbackIntent")

    assert reply.speech.startswith("I'm sorry, I couldn't book the call back just now")
    assert stored("callback") == []


def test_a_retried_request_books_once(
    client: Any, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    from tests.alexa import envelope, intent_request, parse_reply

    body = envelope(intent_request("CallbackIntent"), token="demo-alex")
    first = parse_reply(*_post(client, body))
    second = parse_reply(*_post(client, body))  # Alexa retries with the same request id

    assert "Maria" in first.speech
    assert second.speech == first.speech  # the same confirmation, not "you already have one"
    assert len(stored("callback")) == 1


def _post(client: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    answer = client.post("/alexa", json=body)
    return answer.status_code, answer.get_json()


def test_a_callback_costs_three_reads_and_one_transaction(
    talk: Talk, round_trips: list[str]
) -> None:
    reply = talk(token="demo-alex").say("CallbackIntent")
    # Maria helped Alex last time: the contact came with the account's query.
    assert "Maria, who helped you last time" in reply.speech
    # The token, the account with the customer's callbacks, the team and its queue;
    # then one transaction.
    assert round_trips == ["GetItem", "Query", "Query", "TransactWriteItems"]


def test_a_booking_never_assigns_an_agent_disabled_elsewhere_while_the_roster_is_kept(
    talk: Talk, demo_stores: Stores, dynamodb: Any, settings: Any
) -> None:
    demo_stores.roster.agents(MOMENT)  # this process remembers Maria on the team
    # The console of another process disables Maria.
    dynamodb.update_item(
        TableName=settings.table_name,
        Key={"PK": {"S": "AGENT#a-maria"}, "SK": {"S": "PROFILE"}},
        UpdateExpression="SET disabled = :yes, on_duty = :no",
        ExpressionAttributeValues={":yes": {"BOOL": True}, ":no": {"BOOL": False}},
    )

    reply = talk(token="demo-alex").say("CallbackIntent")

    assert "will call you" in reply.speech
    assert "Maria" not in reply.speech


def test_the_greeting_reads_the_open_callback_without_the_queue(
    talk: Talk, round_trips: list[str]
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    round_trips.clear()
    reply = talk(token="demo-alex").launch()
    assert "Maria" in reply.speech
    # The visit, the account (its query brings the lock along), the callback; the token
    # is known from the booking a moment ago (skill.adapters.identity).
    assert round_trips == ["UpdateItem", "Query", "GetItem"]


def test_a_greeting_without_a_callback_costs_the_visit_and_two_reads(
    talk: Talk, round_trips: list[str]
) -> None:
    reply = talk(token="demo-alex").launch()
    assert "Alex" in reply.speech and "call" not in reply.speech
    assert round_trips == ["UpdateItem", "GetItem", "Query"]


def test_the_greeting_of_an_unlinked_user_finds_their_callback_by_the_alexa_user(
    talk: Talk, round_trips: list[str]
) -> None:
    conversation = talk(user_id=UNLINKED)
    conversation.say("CallbackIntent", phoneNumber="2125550187")
    assert "James" in conversation.say("AMAZON.YesIntent").speech
    round_trips.clear()
    reply = talk(user_id=UNLINKED).launch()
    assert "James" in reply.speech
    # The visit, the Alexa user's callbacks, the callback.
    assert round_trips == ["UpdateItem", "Query", "GetItem"]


def test_asap_in_the_evening_is_the_next_morning(
    settings: Any, demo_stores: Stores, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    from skill.app import build_skill
    from skill.clock import fixed_clock
    from skill.web import create_app

    evening = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # Monday 20:30 in New York
    app = create_app(build_skill(settings, demo_stores, clock=fixed_clock(evening)), verifier=None)
    reply = Conversation(app.test_client(), token="demo-alex").say("CallbackIntent")

    assert reply.speech.startswith(
        "Our team is off right now. Maria, who helped you last time, will call you on the "
        "number ending in 42 tomorrow at 8 am."
    )
    assert stored("callback")[0]["due_at"] == "2026-11-24T13:00:00Z"
