"""Complaints by voice: what the customer hears, what is stored, and what a human gets."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient

from skill.app import build_skill
from skill.config import Settings
from skill.policy import load_policy
from skill.records import Money
from skill.records.complaints import (
    Commitment,
    CommitmentStatus,
    Complaint,
    ComplaintStatus,
    Owner,
    ProblemType,
    RemedyKind,
)
from skill.rules.remedies import ProblemRule
from skill.storage import Stores
from skill.web import create_app
from tests.alexa import Conversation, Reply, envelope, intent_request, parse_reply
from tests.conftest import MOMENT
from tests.factories import expensive_delivery
from tests.faults import TIMEOUT, FaultyTable, simulate_time

Talk = Callable[..., Conversation]
ALEX = "c-alex"

CALLBACK = {
    "en-US": "Shall I have someone from our team call you back?",
    "de-DE": "Soll dich jemand aus unserem Team zurückrufen?",
}


def items(dynamodb: Any, settings: Settings, kind: str) -> list[dict[str, Any]]:
    scanned = dynamodb.scan(TableName=settings.table_name)["Items"]
    return [item for item in scanned if item.get("kind", {}).get("S") == kind]


def elicited(reply: Reply, slot: str) -> bool:
    return any(
        d.get("type") == "Dialog.ElicitSlot" and d.get("slotToElicit") == slot
        for d in reply.directives
    )


def handover(reply: Reply) -> dict[str, Any]:
    value: dict[str, Any] = reply.body["sessionAttributes"]["handover"]
    return value


def assert_callback_offer(reply: Reply, locale: str = "en-US") -> None:
    assert reply.speech.endswith(CALLBACK[locale])
    assert not reply.end
    assert reply.reprompt_text == CALLBACK[locale]
    assert reply.body["sessionAttributes"]["awaiting"] == "callback_offer"


# --- the demo: a late order and a damaged one, then "what did you promise me" ----------

LATE = {
    "en-US": (
        "I'm sorry to hear that. Is this about order 1003, your running shoes?",
        "I'm sorry about the delay with your running shoes. "
        "I can refund the shipping cost of 4 dollars 95, or give you a voucher of 10 dollars. "
        "Which would you like?",
        "Done: your shipping refund of 4 dollars 95 will be on your card by Thursday. "
        "Once again, I'm sorry for the trouble. "
        "Shall I tell you on this speaker when it's done?",
        "Order 1003: your shipping refund of 4 dollars 95 will be on your card by "
        "Thursday. I arranged it myself.",
    ),
    "de-DE": (
        "Das tut mir leid. Geht es um Bestellung 1003, die Laufschuhe?",
        "Es tut mir leid, dass deine Bestellung so spät dran ist. "
        "Ich kann dir die Versandkosten von 4,95 Dollar erstatten, oder dir "
        "einen Gutschein über 10 Dollar geben. Was ist dir lieber?",
        "Erledigt: deine Versandkosten-Erstattung von 4,95 Dollar ist bis Donnerstag auf "
        "deinem Konto. Und noch einmal: Das tut mir leid. "
        "Soll ich dir auf diesem Lautsprecher Bescheid sagen, wenn es erledigt ist?",
        "Zu Bestellung 1003: deine Versandkosten-Erstattung von 4,95 Dollar ist bis "
        "Donnerstag auf deinem Konto. Das habe ich selbst veranlasst.",
    ),
}


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_late_order_gets_the_shipping_refund_and_the_promise_is_told_later(
    talk: Talk, locale: str, demo_stores: Stores
) -> None:
    proposal, offer, done, later = LATE[locale]
    conversation = talk(token="demo-alex", locale=locale)

    first = conversation.say("ComplaintIntent", problemType="late")
    assert first.speech == proposal
    assert not first.end and first.reprompt_text
    second = conversation.say("AMAZON.YesIntent")
    # Lateness speaks for itself: no "what happened?" before the remedies.
    assert second.speech == offer
    assert not second.end
    third = conversation.say("RemedyChoiceIntent", remedy="shipping_refund")
    assert third.speech == done
    # News of it on this speaker is offered once: the session waits for yes or no.
    assert not third.end
    assert third.card is not None and "4" in third.card["content"]

    history = demo_stores.complaints.history(ALEX)
    assert [c.kind for c in history.commitments] == [RemedyKind.SHIPPING_REFUND]
    commitment = history.commitments[0]
    assert commitment.amount == Money(Decimal("4.95"), "USD")
    assert commitment.due == date(2026, 11, 26)  # Thursday
    assert commitment.owner is Owner.SKILL
    assert commitment.status is CommitmentStatus.PROMISED
    assert [(c.order_number, c.status) for c in history.complaints] == [
        ("1003", ComplaintStatus.RESOLVED)
    ]

    asked = talk(token="demo-alex", locale=locale).say("CommitmentStatusIntent")
    assert asked.speech == later
    assert asked.end


@pytest.mark.parametrize(
    ("locale", "offer", "done"),
    [
        (
            "en-US",
            "I'm sorry your coffee grinder arrived damaged. "
            "I can replace your coffee grinder for free, or refund the "
            "49 dollars 90 you paid. Which would you like?",
            "Done: your refund of 49 dollars 90 will be on your card by Thursday.",
        ),
        (
            "de-DE",
            "Es tut mir leid, dass deine Bestellung beschädigt angekommen ist. "
            "Ich kann dir kostenlos Ersatz schicken, oder dir die "
            "49,90 Dollar erstatten, die du bezahlt hast. Was ist dir lieber?",
            "Erledigt: deine Erstattung von 49,90 Dollar ist bis Donnerstag auf deinem Konto.",
        ),
    ],
)
def test_damaged_order_customer_tells_what_happened_and_chooses_the_refund(
    talk: Talk, locale: str, offer: str, done: str, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex", locale=locale)
    proposal = conversation.say("ComplaintIntent", problemType="damaged")
    assert "1001" in proposal.speech  # the most recent delivery
    asked = conversation.say("AMAZON.YesIntent")
    assert elicited(asked, "description")
    assert not asked.end
    offered = conversation.say("ComplaintIntent", description="the lid is cracked & <loose>")
    assert offered.speech == offer
    granted = conversation.say("RemedyChoiceIntent", remedy="refund")
    assert granted.speech.startswith(done)

    history = demo_stores.complaints.history(ALEX)
    (complaint,) = history.complaints
    # The customer's own words are kept for the agent, exactly.
    assert complaint.description == "the lid is cracked & <loose>"
    assert complaint.problem is ProblemType.DAMAGED
    assert complaint.locale == locale
    (commitment,) = history.commitments
    assert commitment.kind is RemedyKind.REFUND
    assert commitment.amount == Money(Decimal("49.90"), "USD")


def test_the_customer_may_choose_a_replacement(talk: Talk, demo_stores: Stores) -> None:
    conversation = talk(token="demo-alex")
    conversation.say(
        "ComplaintIntent", problemType="wrong_item", orderNumber="1001", description="socks"
    )
    reply = conversation.say("RemedyChoiceIntent", remedy="replacement")
    assert reply.speech.startswith(
        "Done: a replacement for your coffee grinder will be on its way to you by tomorrow."
    )
    (commitment,) = demo_stores.complaints.history(ALEX).commitments
    assert commitment.kind is RemedyKind.REPLACEMENT
    assert commitment.amount is None
    assert commitment.due == date(2026, 11, 24)


def test_a_resolved_slot_value_names_the_problem(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    request = intent_request("ComplaintIntent", problemType="smashed")
    request["intent"]["slots"]["problemType"]["resolutions"] = {
        "resolutionsPerAuthority": [
            {
                "authority": "amzn1.er-authority.echo-sdk.test.ProblemType",
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": "damaged", "id": "damaged"}}],
            }
        ]
    }
    reply = conversation.send(request)
    assert reply.speech == "I'm sorry to hear that. Is this about order 1001, your coffee grinder?"


def test_yes_with_two_remedies_asks_which_and_an_unoffered_one_is_not_granted(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    which = conversation.say("AMAZON.YesIntent")
    assert which.speech.startswith("Just tell me which you'd like:")
    assert not which.end
    unoffered = conversation.say("RemedyChoiceIntent", remedy="replacement")
    assert unoffered.speech.startswith("Just tell me which you'd like:")
    assert demo_stores.complaints.history(ALEX).commitments == []
    voucher = conversation.say("RemedyChoiceIntent", remedy="voucher")
    assert voucher.speech.startswith("Done: your voucher of 10 dollars is in your account today.")


def test_an_altered_session_cannot_grant_what_the_policy_does_not(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="damaged", orderNumber="1001", description="x")
    # The session is the customer's device's to send: claim a voucher and another order.
    conversation.attributes["complaint"]["offered"].append("voucher")
    conversation.attributes["complaint"]["order"] = "1002"
    reply = conversation.say("RemedyChoiceIntent", remedy="voucher")
    # Order 1002 has not arrived, so nothing qualifies: people decide, nothing is granted.
    assert_callback_offer(reply)
    assert "voucher" not in reply.speech
    assert demo_stores.complaints.history(ALEX).commitments == []


# --- escalations: every dead end offers a human ----------------------------------------


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_above_the_skill_limit_goes_to_an_agent_with_high_priority(
    talk: Talk, locale: str, demo_stores: Stores
) -> None:
    expensive_delivery(demo_stores, MOMENT.date())
    conversation = talk(token="demo-alex", locale=locale)
    reply = conversation.say(
        "ComplaintIntent", problemType="damaged", orderNumber="1005", description="sole came off"
    )
    assert_callback_offer(reply, locale)
    given = handover(reply)
    assert given["reason"] == "complaint_escalated"
    assert given["priority"] == "high"
    assert given["order_number"] == "1005"
    assert (given["amount"], given["currency"]) == ("149.00", "USD")
    (complaint,) = demo_stores.complaints.history(ALEX).complaints
    assert given["complaint_id"] == complaint.complaint_id
    assert complaint.status is ComplaintStatus.WITH_TEAM
    assert complaint.description == "sole came off"
    assert demo_stores.complaints.history(ALEX).commitments == []


def test_over_the_skills_cap_a_person_decides_and_nothing_is_granted(
    talk: Talk, demo_stores: Stores
) -> None:
    """The policy lets the skill grant one customer two remedies in 90 days."""
    from dataclasses import replace

    third = replace(expensive_delivery(demo_stores, MOMENT.date()), number="1006")
    demo_stores.orders.put_order(replace(third, total=Money(Decimal("39.00"), "USD")))
    first = talk(token="demo-alex")
    first.say("ComplaintIntent", problemType="late", orderNumber="1003")
    assert "Done" in first.say("RemedyChoiceIntent", remedy="voucher").speech
    second = talk(token="demo-alex")
    second.say("ComplaintIntent", problemType="damaged", orderNumber="1001", description="x")
    assert "Done" in second.say("RemedyChoiceIntent", remedy="refund").speech

    third_talk = talk(token="demo-alex")
    offer = third_talk.say(
        "ComplaintIntent", problemType="damaged", orderNumber="1006", description="cracked"
    )
    reply = third_talk.say("RemedyChoiceIntent", remedy="refund")

    assert "refund the 39 dollars" in offer.speech  # offered, as the order qualifies
    assert_callback_offer(reply)
    assert "Done" not in reply.speech
    given = handover(reply)
    assert (given["reason"], given["priority"]) == ("complaint_escalated", "high")
    assert given["order_number"] == "1006"
    history = demo_stores.complaints.history(ALEX)
    assert len(history.commitments) == 2
    assert {c.order_number for c in history.commitments} == {"1003", "1001"}


def test_a_repeated_complaint_about_the_same_order_goes_to_an_agent(
    talk: Talk, demo_stores: Stores
) -> None:
    first = talk(token="demo-alex")
    first.say("ComplaintIntent", problemType="damaged", orderNumber="1001", description="dent")
    first.say("RemedyChoiceIntent", remedy="replacement")

    again = talk(token="demo-alex").say(
        "ComplaintIntent", problemType="damaged", orderNumber="1001", description="dent again"
    )
    assert "caused trouble again" in again.speech
    assert_callback_offer(again)
    given = handover(again)
    assert (given["priority"], given["amount"]) == ("high", "49.90")
    assert len(demo_stores.complaints.history(ALEX).commitments) == 1


@pytest.mark.parametrize(
    ("problem", "reason", "priority"),
    [
        ("other", "problem_other", "normal"),
        ("service", "complaint_escalated", "normal"),
        ("billing", "complaint_escalated", "high"),
    ],
)
def test_problems_the_policy_leaves_to_people(
    talk: Talk, problem: str, reason: str, priority: str, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex", locale="de-DE")
    first = conversation.say("ComplaintIntent", problemType=problem)
    if problem == "billing":
        assert "Bestellung 1004" in first.speech  # the most recently placed order
        first = conversation.say("AMAZON.YesIntent")
    assert elicited(first, "description")
    reply = conversation.say("ComplaintIntent", description="niemand hat mir geantwortet")
    assert "Ich habe alles für unser Team notiert" in reply.speech
    assert_callback_offer(reply, "de-DE")
    given = handover(reply)
    assert (given["reason"], given["priority"]) == (reason, priority)
    (complaint,) = demo_stores.complaints.history(ALEX).complaints
    assert complaint.description == "niemand hat mir geantwortet"


def test_declining_the_remedies_offers_a_callback(talk: Talk, demo_stores: Stores) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    reply = conversation.say("AMAZON.NoIntent")
    assert reply.speech.startswith("Understood. I've noted your complaint for our team")
    assert_callback_offer(reply)
    given = handover(reply)
    assert given["reason"] == "remedy_declined"
    assert (given["amount"], given["currency"]) == ("10.00", "USD")
    (complaint,) = demo_stores.complaints.history(ALEX).complaints
    assert complaint.status is ComplaintStatus.WITH_TEAM
    # "No" to the callback offer: nothing booked, and the door stays open.
    declined = conversation.say("AMAZON.NoIntent")
    assert declined.speech.startswith("All right. If you'd like to talk to someone later")
    assert demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id is None


def test_an_order_not_in_the_account_offers_a_callback(talk: Talk, demo_stores: Stores) -> None:
    reply = talk(token="demo-alex").say("ComplaintIntent", problemType="late", orderNumber="4711")
    assert reply.speech.startswith("I couldn't find order 4711.")
    assert_callback_offer(reply)
    assert handover(reply)["reason"] == "unknown_order"
    assert handover(reply)["order_number"] == "4711"
    assert demo_stores.complaints.history(ALEX).complaints == []


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-US", "I don't see any orders in your account."),
        ("de-DE", "In deinem Konto sehe ich keine Bestellungen."),
    ],
)
def test_a_customer_without_orders_is_offered_a_callback(
    talk: Talk, locale: str, words: str
) -> None:
    reply = talk(token="demo-sam", locale=locale).say("ComplaintIntent", problemType="missing")
    assert reply.speech.startswith(words)
    assert_callback_offer(reply, locale)
    assert handover(reply)["reason"] == "unknown_order"


# --- the dialogue: asking for what is missing, without making it a form ---------------


def test_no_to_the_proposed_order_asks_for_the_number(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    asked = conversation.say("ComplaintIntent")
    assert elicited(asked, "problemType")
    assert asked.speech.startswith("I'm sorry something went wrong")
    proposal = conversation.say("ComplaintIntent", problemType="missing")
    assert "order 1001" in proposal.speech
    which = conversation.say("AMAZON.NoIntent")
    assert elicited(which, "orderNumber")
    assert which.speech.startswith("Which order is it about?")
    words = conversation.say("ComplaintIntent", orderNumber="1002")
    assert elicited(words, "description")
    kept = words.directives[0]["updatedIntent"]["slots"]
    assert kept["problemType"]["value"] == "missing"
    assert kept["orderNumber"]["value"] == "1002"
    # 1002 is on its way and not yet due: where it is, no money, and a person if wanted.
    answer = conversation.say("ComplaintIntent", description="the box was empty")
    assert "rain jacket, is on its way" in answer.speech
    assert "If it hasn't come by then, tell me" in answer.speech
    assert "dollars" not in answer.speech
    assert_callback_offer(answer)


def test_an_empty_description_is_fine_and_stored_as_none(
    talk: Talk, demo_stores: Stores, dynamodb: Any, settings: Settings
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="damaged", orderNumber="1001")
    offer = conversation.say("ComplaintIntent", description="   ")
    assert "Which would you like?" in offer.speech
    conversation.say("RemedyChoiceIntent", remedy="refund")
    (complaint,) = demo_stores.complaints.history(ALEX).complaints
    assert complaint.description == ""
    assert "description" not in items(dynamodb, settings, "complaint")[0]


def test_no_to_what_happened_skips_the_words(talk: Talk) -> None:
    conversation = talk(token="demo-alex", locale="de-DE")
    conversation.say("ComplaintIntent", problemType="wrong_item", orderNumber="1001")
    offer = conversation.say("AMAZON.NoIntent")
    assert offer.speech.startswith("Es tut mir leid, dass du den falschen Artikel bekommen hast.")
    assert not offer.end


def test_help_while_asked_what_happened_keeps_asking(talk: Talk) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="damaged", orderNumber="1001")
    help_ = conversation.say("AMAZON.HelpIntent")
    assert help_.speech.startswith("Tell me in a few words what happened")
    assert elicited(help_, "description")
    offer = conversation.say("ComplaintIntent", description="it rattles")
    assert "Which would you like?" in offer.speech


def test_help_while_choosing_keeps_the_choice_open(talk: Talk, demo_stores: Stores) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    assert "Tell me which remedy" in conversation.say("AMAZON.HelpIntent").speech
    done = conversation.say("RemedyChoiceIntent", remedy="voucher")
    assert done.speech.startswith("Done: your voucher of 10 dollars")


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_an_unlinked_customer_verifies_the_order_first(
    talk: Talk, locale: str, demo_stores: Stores
) -> None:
    conversation = talk(locale=locale)
    first = conversation.say("ComplaintIntent", problemType="late")
    assert elicited(first, "orderNumber")
    second = conversation.say("ComplaintIntent", orderNumber="1003")
    assert elicited(second, "postalCode")
    offer = conversation.say("ComplaintIntent", orderNumber="1003", postalCode="10115")
    assert ("4 dollars 95" if locale == "en-US" else "4,95 Dollar") in offer.speech
    conversation.say("RemedyChoiceIntent", remedy="shipping_refund")
    # Stored for the order's customer, so it shows when they ask with a linked account.
    assert len(demo_stores.complaints.history(ALEX).commitments) == 1


def test_an_unlinked_customer_who_cannot_verify_is_offered_a_callback(talk: Talk) -> None:
    conversation = talk(user_id="amzn1.ask.account.GUEST")
    retry = conversation.say(
        "ComplaintIntent", problemType="missing", orderNumber="1003", postalCode="99999"
    )
    assert "couldn't match" in retry.speech
    assert elicited(retry, "orderNumber")
    dead_end = conversation.say("ComplaintIntent", orderNumber="1003", postalCode="99998")
    assert "running shoes" not in dead_end.speech
    assert_callback_offer(dead_end)
    assert handover(dead_end)["reason"] == "unknown_order"


# --- granting exactly once, or not at all ------------------------------------------------


def choice_envelope(client: FlaskClient) -> dict[str, Any]:
    """The envelope of a "the refund, please" turn, ready to be sent more than once."""
    conversation = Conversation(client, token="demo-alex")
    conversation.say("ComplaintIntent", problemType="damaged", orderNumber="1001", description="x")
    return envelope(
        intent_request("RemedyChoiceIntent", remedy="refund"),
        token="demo-alex",
        attributes=copy.deepcopy(conversation.attributes),
        new=False,
        session_id=conversation.session_id,
    )


def test_a_retried_request_grants_once_and_confirms_the_same(
    client: FlaskClient, dynamodb: Any, settings: Settings
) -> None:
    body = choice_envelope(client)
    first = parse_reply(200, client.post("/alexa", json=body).get_json())
    retried = parse_reply(200, client.post("/alexa", json=body).get_json())
    assert first.speech.startswith("Done: your refund of 49 dollars 90")
    assert retried.speech == first.speech
    assert len(items(dynamodb, settings, "commitment")) == 1
    assert len(items(dynamodb, settings, "complaint")) == 1


def test_a_second_yes_does_not_grant_again(talk: Talk, dynamodb: Any, settings: Settings) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    before = copy.deepcopy(conversation.attributes)
    conversation.say("RemedyChoiceIntent", remedy="voucher")
    # The same "yes" again in the session, and once more as if the device re-sent it.
    conversation.say("AMAZON.YesIntent")
    conversation.attributes = before
    conversation.new = False
    again = conversation.say("RemedyChoiceIntent", remedy="shipping_refund")
    # The complaint was settled with the voucher; a different second choice changes nothing.
    assert again.speech.startswith("Done: your voucher of 10 dollars")
    (commitment,) = items(dynamodb, settings, "commitment")
    assert commitment["remedy"] == {"S": "voucher"}


def test_granting_is_one_transaction(talk: Talk, round_trips: list[str]) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    round_trips.clear()
    conversation.say("RemedyChoiceIntent", remedy="voucher")
    # Who is asking is known from the turn before (skill.adapters.identity). Their orders
    # (the offer is re-checked) with their complaints and promises so far; what the order
    # carries already (its running total, none yet: so those promises count) with whether
    # this Alexa user allowed or refused news on the speaker; then one write for it all.
    assert round_trips == ["Query", "BatchGetItem", "TransactWriteItems"]


def test_promises_kept_before_the_running_totals_count_from_the_accounts_query(
    talk: Talk, demo_stores: Stores, round_trips: list[str]
) -> None:
    """The policy lets the skill grant one customer two remedies in 90 days; two were
    stored before running totals were kept, so no total counts them."""
    for number in ("1001", "1002"):
        demo_stores.complaints.record(
            complaint(number, ComplaintStatus.RESOLVED),
            promise(number, MOMENT.date(), CommitmentStatus.PROMISED, Owner.SKILL),
        )
    conversation = talk(token="demo-alex")
    offer = conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    round_trips.clear()
    reply = conversation.say("RemedyChoiceIntent", remedy="voucher")

    # The account, whose query brought the two promises; the totals (none yet); whether
    # an earlier attempt stored this grant (the complaint, by its key); the complaint
    # for the team. No query of the history besides.
    assert round_trips == ["Query", "BatchGetItem", "Query", "TransactWriteItems"]
    assert "voucher" in offer.speech
    assert "Done" not in reply.speech
    assert_callback_offer(reply)
    assert handover(reply)["reason"] == "complaint_escalated"
    assert {c.order_number for c in demo_stores.complaints.history(ALEX).commitments} == {
        "1001",
        "1002",
    }


def test_a_grant_whose_answer_was_lost_is_confirmed_though_every_read_after_is_slow(
    talk: Talk, dynamodb: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    # The grant is applied but its answer never arrives; botocore sends it again, and
    # from then on every read times out: no time is left to look the grant up.
    slow = {operation: TIMEOUT for operation in ("GetItem", "Query", "BatchGetItem")}
    table.lose_answer("TransactWriteItems", then=slow)

    reply = conversation.say("RemedyChoiceIntent", remedy="voucher")

    assert len(items(dynamodb, settings, "commitment")) == 1
    assert reply.speech.startswith("Done: your voucher of 10 dollars")


def test_a_grant_whose_every_answer_was_lost_is_never_denied_and_is_told_next_turn(
    talk: Talk, dynamodb: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    # The grant is applied but its answer never arrives; every attempt after it times
    # out as well: the skill cannot know whether the voucher is stored.
    table.lose_answer("TransactWriteItems", then={"TransactWriteItems": TIMEOUT})

    reply = conversation.say("RemedyChoiceIntent", remedy="voucher")

    assert len(items(dynamodb, settings, "commitment")) == 1
    assert reply.speech.startswith("I'm sorry, I couldn't confirm that just now, but it may")
    assert "nothing has been arranged" not in reply.speech
    table.heal()
    again = talk(token="demo-alex").say("CommitmentStatusIntent")
    assert "voucher of 10 dollars" in again.speech
    assert len(items(dynamodb, settings, "commitment")) == 1


def test_a_storage_failure_confirms_nothing_and_writes_nothing(
    talk: Talk, dynamodb: Any, settings: Settings
) -> None:
    def fail(**kwargs: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
            "TransactWriteItems",
        )

    conversation = talk(token="demo-alex", locale="de-DE")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    dynamodb.meta.events.register("before-call.dynamodb.TransactWriteItems", fail)
    try:
        reply = conversation.say("RemedyChoiceIntent", remedy="shipping_refund")
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", fail)
    assert reply.speech.startswith("Entschuldige, ich konnte das gerade nicht speichern")
    assert "Erledigt" not in reply.speech
    assert reply.end
    assert reply.card is not None and settings.service_phone in reply.card["content"]
    assert items(dynamodb, settings, "commitment") == []
    assert items(dynamodb, settings, "complaint") == []


def test_a_storage_failure_on_escalation_offers_no_callback(
    talk: Talk, dynamodb: Any, settings: Settings
) -> None:
    def fail(**kwargs: Any) -> None:
        raise ClientError({"Error": {"Code": "InternalServerError"}}, "TransactWriteItems")

    dynamodb.meta.events.register("before-call.dynamodb.TransactWriteItems", fail)
    try:
        reply = talk(token="demo-alex").say(
            "ComplaintIntent", problemType="other", description="hmm"
        )
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", fail)
    assert reply.speech.startswith("I'm sorry, I couldn't save that just now")
    assert "handover" not in (reply.body.get("sessionAttributes") or {})


# --- what did you promise me ---------------------------------------------------------------


def promise(number: str, due: date, status: CommitmentStatus, owner: Owner) -> Commitment:
    return Commitment(
        commitment_id=f"k-{number}",
        complaint_id=f"k-{number}",
        customer_id=ALEX,
        order_number=number,
        kind=RemedyKind.REFUND,
        amount=Money(Decimal("12.99"), "USD"),
        due=due,
        owner=owner,
        status=status,
        created_at=MOMENT,
    )


def complaint(number: str, status: ComplaintStatus) -> Complaint:
    return Complaint(f"k-{number}", ALEX, number, ProblemType.DAMAGED, "", status, MOMENT)


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            "en-US",
            "Order 1002: your refund of 12 dollars 99 was due on your card last Friday. "
            "Sorry, that's late. Our team is on it. "
            "Your complaint about order 1003 is with our service team.",
        ),
        (
            "de-DE",
            "Zu Bestellung 1002: deine Erstattung von 12,99 Dollar sollte letzten Freitag auf "
            "deinem Konto sein. Entschuldige die Verspätung. Unser Team kümmert "
            "sich. Deine Beschwerde zu Bestellung 1003 liegt bei unserem Service-Team.",
        ),
    ],
)
def test_promises_say_their_state_who_is_on_it_and_when(
    talk: Talk, locale: str, words: str, demo_stores: Stores
) -> None:
    demo_stores.complaints.record(
        complaint("1002", ComplaintStatus.RESOLVED),
        promise("1002", date(2026, 11, 20), CommitmentStatus.PROMISED, Owner.SERVICE_TEAM),
    )
    demo_stores.complaints.record(complaint("1003", ComplaintStatus.WITH_TEAM))
    reply = talk(token="demo-alex", locale=locale).say("CommitmentStatusIntent")
    assert reply.speech == words


def test_a_kept_promise_is_told_as_done(talk: Talk, demo_stores: Stores) -> None:
    demo_stores.complaints.record(
        complaint("1001", ComplaintStatus.RESOLVED),
        promise("1001", date(2026, 11, 20), CommitmentStatus.PROMISED, Owner.SKILL),
    )
    demo_stores.promises.set_commitment_status("k-1001", CommitmentStatus.FULFILLED)
    reply = talk(token="demo-alex").say("CommitmentStatusIntent")
    assert reply.speech == "Order 1001: your refund of 12 dollars 99 has been paid."


@pytest.mark.parametrize(
    ("token", "locale", "words"),
    [
        ("demo-alex", "en-US", "I don't have any promises or open complaints for you right now."),
        ("demo-sam", "de-DE", "Ich habe gerade keine Versprechen oder offenen Beschwerden"),
    ],
)
def test_no_promises(talk: Talk, token: str, locale: str, words: str) -> None:
    reply = talk(token=token, locale=locale).say("CommitmentStatusIntent")
    assert reply.speech.startswith(words)
    assert reply.end


def test_an_unlinked_customer_verifies_before_hearing_promises(
    talk: Talk, demo_stores: Stores
) -> None:
    demo_stores.complaints.record(
        complaint("1003", ComplaintStatus.RESOLVED),
        promise("1003", date(2026, 11, 26), CommitmentStatus.PROMISED, Owner.SKILL),
    )
    demo_stores.complaints.record(
        complaint("1001", ComplaintStatus.RESOLVED),
        promise("1001", date(2026, 11, 26), CommitmentStatus.PROMISED, Owner.SKILL),
    )
    conversation = talk()
    asked = conversation.say("CommitmentStatusIntent")
    assert elicited(asked, "orderNumber")
    assert "12 dollars" not in asked.speech
    zip_ = conversation.say("CommitmentStatusIntent", orderNumber="1003")
    assert elicited(zip_, "postalCode")
    told = conversation.say("CommitmentStatusIntent", orderNumber="1003", postalCode="10115")
    # Only the promise about the order they proved is theirs.
    assert told.speech.startswith("Order 1003: your refund of 12 dollars 99")
    assert "1001" not in told.speech


def test_words_that_name_no_known_problem_reach_the_team_as_said(
    talk: Talk, demo_stores: Stores
) -> None:
    conversation = talk(token="demo-alex")
    asked = conversation.say("ComplaintIntent", problemType="smells of fish")
    # Not a blind complaint: the customer tells what happened first.
    assert "I'm not sure I understood the problem. In a few words, what happened?" in asked.speech
    assert not demo_stores.complaints.history(ALEX).complaints

    reply = conversation.say("ComplaintIntent", description="the parcel was soaked")
    assert_callback_offer(reply)
    assert handover(reply)["reason"] == "problem_other"
    (complaint,) = demo_stores.complaints.history(ALEX).complaints
    assert complaint.problem is ProblemType.OTHER
    assert complaint.description == "smells of fish: the parcel was soaked"


def test_the_demo_two_complaints_then_what_was_promised(talk: Talk) -> None:
    late = talk(token="demo-alex")
    late.say("ComplaintIntent", problemType="late")
    late.say("AMAZON.YesIntent")
    late.say("RemedyChoiceIntent", remedy="shipping_refund")
    damaged = talk(token="demo-alex")
    damaged.say("ComplaintIntent", problemType="damaged")
    damaged.say("AMAZON.YesIntent")
    damaged.say("ComplaintIntent", description="the lid is cracked")
    damaged.say("RemedyChoiceIntent", remedy="refund")

    reply = talk(token="demo-alex").say("CommitmentStatusIntent")
    # One promise (both were made in the same minute), and that there is one more: short.
    assert reply.speech in (
        "Order 1003: your shipping refund of 4 dollars 95 will be on your card by Thursday. "
        "I arranged it myself. And one more.",
        "Order 1001: your refund of 49 dollars 90 will be on your card by Thursday. "
        "I arranged it myself. And one more.",
    )


def test_a_policy_changed_since_the_offer_grants_nothing_and_hands_over(
    talk: Talk, settings: Settings, demo_stores: Stores, clock: Any
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    shipped = load_policy(settings.remedy_policy)
    stricter = replace(
        shipped, problems={**shipped.problems, ProblemType.LATE: ProblemRule(remedies=())}
    )
    app = create_app(
        build_skill(settings, demo_stores, clock=clock, policy=stricter), verifier=None
    )
    conversation.client = app.test_client()
    reply = conversation.say("RemedyChoiceIntent", remedy="voucher")
    assert_callback_offer(reply)
    assert "Done" not in reply.speech
    history = demo_stores.complaints.history(ALEX)
    assert history.commitments == []
    assert [c.status for c in history.complaints] == [ComplaintStatus.WITH_TEAM]


def _remedies_offered(talk: Talk) -> Conversation:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="damaged")
    conversation.say("AMAZON.YesIntent")
    offered = conversation.say("ComplaintIntent", description="the lid is cracked")
    assert "Which would you like?" in offered.speech
    return conversation


def test_neither_remedy_hands_the_complaint_to_the_team(talk: Talk, demo_stores: Stores) -> None:
    reply = _remedies_offered(talk).say("RemedyChoiceIntent", remedy="none")
    assert_callback_offer(reply)
    assert handover(reply)["reason"] == "remedy_declined"
    (complaint,) = demo_stores.complaints.history(ALEX).complaints
    assert complaint.status is ComplaintStatus.WITH_TEAM
    assert complaint.description == "the lid is cracked"
    assert not demo_stores.complaints.history(ALEX).commitments


def test_a_call_back_asked_for_at_the_remedies_takes_the_complaint_along(
    talk: Talk, demo_stores: Stores
) -> None:
    booked = _remedies_offered(talk).say("CallbackIntent")
    assert "Maria, who helped you last time, will call you" in booked.speech
    (complaint,) = demo_stores.complaints.history(ALEX).complaints
    assert complaint.status is ComplaintStatus.WITH_TEAM
    callback = demo_stores.callbacks.get(
        demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id or ""
    )
    assert callback is not None
    assert callback.reason == "remedy_declined"


def test_a_side_question_comes_back_to_the_remedies(talk: Talk) -> None:
    reply = _remedies_offered(talk).say("OrderStatusIntent", orderNumber="1002")
    assert reply.speech.startswith("Order 1002, your rain jacket, is on its way")
    assert "Back to your coffee grinder: I can replace your coffee grinder for free" in reply.speech
    assert not reply.end


def test_a_side_question_about_all_orders_reads_one_before_the_remedies(talk: Talk) -> None:
    reply = _remedies_offered(talk).say("OrderStatusIntent")
    assert reply.speech.startswith("Order 1003, your running shoes, is late, sorry.")
    assert "rain jacket" not in reply.speech
    assert "Back to your coffee grinder: I can replace your coffee grinder for free" in reply.speech
    assert len(reply.speech.split()) <= 45
    assert not reply.end


def test_a_side_question_about_an_unknown_order_says_so_before_the_remedies(talk: Talk) -> None:
    reply = _remedies_offered(talk).say("OrderStatusIntent", orderNumber="1234")
    assert reply.speech.startswith(
        "I couldn't find order 1234 in your account. Back to your coffee grinder: I can"
    )
    assert not reply.end
