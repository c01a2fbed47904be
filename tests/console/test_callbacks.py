"""One callback in the console: claim (also racing), the phone number, every action.

Callbacks are booked the way customers book them, by conversation through POST /alexa,
except where a test needs a particular one.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from skill.config import Settings
from skill.devtools.demo.data import MARIA
from skill.policy import load_policy
from skill.records.callbacks import Callback, CallbackStatus
from skill.records.complaints import CommitmentStatus, RemedyKind
from skill.rules.callbacks import Requested
from skill.storage import Stores
from skill.storage.client import dynamodb_client
from skill.storage.codec import from_item
from skill.usecases.acts import Act
from skill.usecases.callback_booking import Booking, CallbackRequest, request_callback
from skill.usecases.promises import grant
from tests.conftest import MOMENT, PASSWORD_HASH_METHOD
from tests.console.conftest import Agent, MovableClock, action_id_in
from tests.faults import THROTTLING, FaultyTable, simulate_time

Talk = Callable[..., Any]
SignIn = Callable[[str], Agent]
BEFORE_TRANSACTION = "before-send.dynamodb.TransactWriteItems"


def items(stores: Stores, dynamodb: Any, table: str, kind: str) -> list[dict[str, Any]]:
    answer = dynamodb.scan(
        TableName=table,
        FilterExpression="kind = :kind",
        ExpressionAttributeValues={":kind": {"S": kind}},
        ConsistentRead=True,
    )
    return [from_item(raw) for raw in answer["Items"]]


@pytest.fixture
def stored(
    demo_stores: Stores, dynamodb: Any, settings: Any
) -> Callable[[str], list[dict[str, Any]]]:
    return lambda kind: items(demo_stores, dynamodb, settings.table_name, kind)


@pytest.fixture
def alex(talk: Talk, demo_stores: Stores) -> Callback:
    """Alex asked for a call back; Maria is named (she helped last time)."""
    talk(token="demo-alex").say("CallbackIntent")
    [callback] = demo_stores.queue.open_callbacks()
    return callback


def actions(stored: Callable[[str], list[dict[str, Any]]]) -> list[str]:
    return sorted(entry["action"] for entry in stored("audit") if entry["action"] != "login")


def events(stored: Callable[[str], list[dict[str, Any]]]) -> list[str]:
    return sorted(event["event"] for event in stored("outbox"))


# Claim ------------------------------------------------------------------------------


def test_two_agents_claim_at_once_and_exactly_one_wins(
    console_app: Flask, agent: SignIn, alex: Callback, demo_stores: Stores
) -> None:
    browsers = {"james": agent("james"), "jonas": agent("jonas")}
    forms = {
        name: browser.action_id(f"/console/callbacks/{alex.callback_id}")
        for name, browser in browsers.items()
    }
    start = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def claim(name: str) -> None:
        start.wait()
        answers[name] = browsers[name].post(
            f"/console/callbacks/{alex.callback_id}/claim", forms[name]
        )

    threads = [threading.Thread(target=claim, args=(name,)) for name in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Both are sent back to the callback's page (303): one with it, one told who has it.
    landed = {name: browsers[name].landed(answer) for name, answer in answers.items()}
    [winner] = [name for name, page in landed.items() if "You have this callback now." in page.text]
    [loser] = [name for name in landed if name != winner]
    stored = demo_stores.callbacks.get(alex.callback_id)
    assert stored is not None and stored.claimed_by == f"a-{winner}"
    full_name = {"james": "James Carter", "jonas": "Jonas Weber"}[winner]
    assert f"{full_name} has this callback now." in landed[loser].text


def test_claiming_a_colleagues_request_is_recorded_and_renames_the_contact(
    agent: SignIn,
    alex: Callback,
    demo_stores: Stores,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    assert alex.agent_id == "a-maria"
    response = agent("james").act(alex.callback_id, "claim")

    assert response.status_code == 303
    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None
    assert callback.status is CallbackStatus.CLAIMED
    assert (callback.claimed_by, callback.agent_id, callback.agent_name) == (
        "a-james",
        "a-james",
        "James Carter",
    )
    [claim] = [entry for entry in stored("audit") if entry["action"].startswith("claim")]
    assert claim["action"] == "claim_named_other"
    assert claim["agent_id"] == "a-james"
    assert claim["detail"] == "named agent was a-maria"
    assert events(stored) == ["assigned", "assigned", "claimed", "requested"]
    # The customer now hears James's name.
    assert demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id == alex.callback_id


def test_a_double_click_on_claim_applies_once(
    agent: SignIn, alex: Callback, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    maria = agent("maria")
    form = maria.action_id(f"/console/callbacks/{alex.callback_id}")
    first = maria.post(f"/console/callbacks/{alex.callback_id}/claim", form)
    second = maria.post(f"/console/callbacks/{alex.callback_id}/claim", form)
    assert first.status_code == second.status_code == 303
    assert actions(stored) == ["claim"]
    assert events(stored).count("claimed") == 1


# The phone number -------------------------------------------------------------------


def test_the_full_number_only_for_the_holder_as_a_tel_link(
    agent: SignIn, alex: Callback, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    maria, james = agent("maria"), agent("james")
    page = f"/console/callbacks/{alex.callback_id}"
    before = maria.page(page).text
    assert "ending in 42" in before
    assert "555 0142" not in before and "tel:" not in before

    maria.act(alex.callback_id, "claim")
    held = maria.page(page).text
    assert '<a class="tel" href="tel:+12125550142">+1 212 555 0142</a>' in held
    other = james.page(page).text
    assert "ending in 42" in other
    assert "555 0142" not in other and "tel:" not in other

    views = [entry for entry in stored("audit") if entry["action"] == "view_phone"]
    # The claim redirects nowhere by itself here, so exactly one view: Maria's page above.
    assert [(v["agent_id"], v["callback_id"]) for v in views] == [("a-maria", alex.callback_id)]


# The detail page ------------------------------------------------------------------


def test_the_customers_own_words_show_as_text_not_markup(
    agent: SignIn, escalated: Callback
) -> None:
    page = agent("maria").page(f"/console/callbacks/{escalated.callback_id}").text
    assert "the sole came off &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "needs authority for 149.00 USD" in page
    assert "espresso machine" in page  # the orders


def test_demo_words_with_markup_are_escaped_too(agent: SignIn, demo_stores: Stores) -> None:
    from skill.devtools.demo.data import seed_console

    seed_console(demo_stores, MOMENT, PASSWORD_HASH_METHOD)
    page = agent("james").page("/console/callbacks/demo-sam").text
    assert "&lt;Not great.&gt;" in page
    assert "<Not great.>" not in page


# Outcomes ---------------------------------------------------------------------------


def test_only_the_holder_records_an_outcome(
    agent: SignIn, alex: Callback, demo_stores: Stores
) -> None:
    james = agent("james")
    response = james.landed(james.act(alex.callback_id, "outcome", outcome="reached", note="hi"))
    assert "Claim this callback first" in response.text
    # Said once: reloading the page it landed on neither repeats it nor sends anything.
    assert (
        "Claim this callback first" not in james.page(f"/console/callbacks/{alex.callback_id}").text
    )
    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None and callback.notes == ()


def test_reached_keeps_a_note(
    agent: SignIn,
    alex: Callback,
    demo_stores: Stores,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    maria = agent("maria")
    maria.act(alex.callback_id, "claim")
    response = maria.act(
        alex.callback_id, "outcome", outcome="reached", note="Wants a call on Friday"
    )
    assert response.status_code == 303
    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None and callback.is_open
    [note] = callback.notes
    assert (note.kind, note.text, note.agent_id) == ("reached", "Wants a call on Friday", "a-maria")
    assert "Wants a call on Friday" in maria.page(f"/console/callbacks/{alex.callback_id}").text
    assert "reached" in events(stored)
    assert "outcome_reached" in actions(stored)


def test_no_answer_schedules_a_retry(
    agent: SignIn,
    alex: Callback,
    demo_stores: Stores,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    maria = agent("maria")
    maria.act(alex.callback_id, "claim")
    maria.act(alex.callback_id, "outcome", outcome="no_answer", note="voicemail")

    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None
    assert callback.due_at == MOMENT + timedelta(minutes=30)
    assert callback.attempts == 1
    assert callback.status is CallbackStatus.CLAIMED
    [queued] = demo_stores.team.get().queue
    assert queued.due_at == MOMENT + timedelta(minutes=30)
    [event] = [e for e in stored("outbox") if e["event"] == "rescheduled"]
    assert event["due_at"] == "2026-11-23T15:30:00Z"


def test_resolved_completes_remembers_the_contact_and_the_handling_time(
    agent: SignIn,
    alex: Callback,
    demo_stores: Stores,
    console_clock: MovableClock,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    maria = agent("maria")
    maria.act(alex.callback_id, "claim")
    console_clock.advance(minutes=12)
    response = maria.act(alex.callback_id, "outcome", outcome="resolved", note="All sorted")

    assert response.status_code == 303
    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None and callback.status is CallbackStatus.COMPLETED
    state = demo_stores.callbacks.owner_state("customer:c-alex")
    assert state.open_callback_id is None
    assert state.last_contact is not None
    assert state.last_contact.at == MOMENT + timedelta(minutes=12)
    assert demo_stores.team.get().handled_minutes == [12.0]
    assert "completed" in events(stored)
    [resolved] = [e for e in stored("audit") if e["action"] == "outcome_resolved"]
    assert resolved["detail"] == "All sorted"
    assert demo_stores.queue.open_callbacks() == []


# Remedies and promises --------------------------------------------------------------


def test_a_remedy_within_authority_is_a_promise_the_customer_hears(
    agent: SignIn,
    escalated: Callback,
    talk: Talk,
    demo_stores: Stores,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    maria = agent("maria")  # up to $250
    maria.act(escalated.callback_id, "claim")
    response = maria.act(
        escalated.callback_id, "grant", confirmed="yes", order="1005", remedy="refund", amount=""
    )
    assert response.status_code == 303

    history = demo_stores.complaints.history("c-alex")
    [complaint] = history.complaints
    assert complaint.status.value == "resolved"
    [commitment] = history.commitments
    assert commitment.complaint_id == complaint.complaint_id  # the customer's own complaint
    assert commitment.kind.value == "refund"
    assert commitment.amount is not None and str(commitment.amount.amount) == "149.00"
    assert commitment.owner.value == "service_team"
    assert "granted" in events(stored)
    assert [e["detail"] for e in stored("audit") if e["action"] == "grant"] == [
        "refund 149.00 USD for order 1005"
    ]

    heard = talk(token="demo-alex").say("CommitmentStatusIntent").speech
    assert "refund of 149 dollars" in heard
    assert "Our team is on it." in heard


def test_above_the_limit_names_who_can_grant_it_and_stores_nothing(
    agent: SignIn, escalated: Callback, demo_stores: Stores
) -> None:
    james = agent("james")  # up to $100
    james.act(escalated.callback_id, "claim")
    response = james.landed(
        james.act(
            escalated.callback_id,
            "grant",
            confirmed="yes",
            order="1003",
            remedy="refund",
            amount="",
        )
    )

    assert "above your authority" in response.text
    assert "Maria Schneider (up to 250 USD)" in response.text
    # Priya's authority would cover it, but she is off duty.
    assert "Priya Patel (up to" not in response.text
    assert "Jonas Weber (up to" not in response.text
    assert demo_stores.complaints.history("c-alex").commitments == []
    # Within his limit, James may: a partial refund.
    assert (
        james.act(
            escalated.callback_id,
            "grant",
            confirmed="yes",
            order="1003",
            remedy="refund",
            amount="60",
        ).status_code
        == 303
    )


def test_a_double_submitted_grant_promises_once(
    agent: SignIn, escalated: Callback, demo_stores: Stores
) -> None:
    maria = agent("maria")
    maria.act(escalated.callback_id, "claim")
    form = maria.action_id(f"/console/callbacks/{escalated.callback_id}")
    path = f"/console/callbacks/{escalated.callback_id}/grant"
    for _ in range(2):
        response = maria.post(
            path, form, confirmed="yes", order="1003", remedy="voucher", amount="20"
        )
        assert response.status_code == 303
    assert len(demo_stores.complaints.history("c-alex").commitments) == 1


# The table failing: not now, or someone else was first -------------------------------

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def test_a_throttled_grant_is_not_saved_and_the_same_form_can_be_sent_again(
    agent: SignIn,
    escalated: Callback,
    demo_stores: Stores,
    dynamodb: Any,
    stored: Callable[[str], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    maria = agent("maria")
    maria.act(escalated.callback_id, "claim")
    form = maria.action_id(f"/console/callbacks/{escalated.callback_id}")
    path = f"/console/callbacks/{escalated.callback_id}/grant"
    table = FaultyTable(dynamodb, simulate_time(monkeypatch))
    table.fail("TransactWriteItems", THROTTLING)

    response = maria.post(path, form, confirmed="yes", order="1003", remedy="voucher", amount="20")

    assert response.status_code == 503
    assert "could not be saved just now" in response.text
    assert "Please try again" in response.text
    assert "already made" not in response.text and "Promise made" not in response.text
    assert demo_stores.complaints.history("c-alex").commitments == []
    assert "grant" not in actions(stored)
    assert "granted" not in events(stored)
    # "Try again" sends the very same form, action id included, so it applies once.
    again = dict(HIDDEN.findall(response.text))
    assert again["action_id"] == form
    table.heal()
    assert maria.client.post(path, data=again).status_code == 303
    assert maria.client.post(path, data=again).status_code == 303
    assert len(demo_stores.complaints.history("c-alex").commitments) == 1
    assert actions(stored).count("grant") == 1


def test_a_promise_stored_first_from_another_tab_is_refused_not_made_twice(
    agent: SignIn,
    escalated: Callback,
    demo_stores: Stores,
    dynamodb: Any,
    settings: Settings,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    maria = agent("maria")
    maria.act(escalated.callback_id, "claim")
    other_tab = Stores(dynamodb_client(settings, local=True), settings.table_name)

    def other_tab_grants_first(**_: Any) -> None:
        dynamodb.meta.events.unregister(BEFORE_TRANSACTION, other_tab_grants_first)
        callback = other_tab.callbacks.get(escalated.callback_id)
        order = other_tab.orders.get("1005")
        assert callback is not None and order is not None
        act = Act(other_tab, MARIA, MOMENT, str(uuid.uuid4()))
        policy = load_policy(settings.remedy_policy)
        grant(act, policy, callback, order, RemedyKind.VOUCHER, Decimal(20), MOMENT.date())

    dynamodb.meta.events.register(BEFORE_TRANSACTION, other_tab_grants_first)
    response = maria.landed(
        maria.act(
            escalated.callback_id,
            "grant",
            confirmed="yes",
            order="1005",
            remedy="refund",
            amount="",
        )
    )

    assert "This promise was already made." in response.text
    assert "could not be saved" not in response.text
    [commitment] = demo_stores.complaints.history("c-alex").commitments
    assert commitment.kind is RemedyKind.VOUCHER  # the other tab's, alone
    assert actions(stored).count("grant") == 1
    assert events(stored).count("granted") == 1


def test_a_grant_on_the_phone_is_a_promise_not_a_complaint_of_the_customer(
    agent: SignIn, escalated: Callback
) -> None:
    """Alex's own complaint (the damaged espresso machine) stays in their words; a voucher
    Maria grants on another order is listed as her promise, not as an "other" complaint."""
    maria = agent("maria")
    maria.act(escalated.callback_id, "claim")
    granted = maria.act(
        escalated.callback_id, "grant", confirmed="yes", order="1003", remedy="voucher", amount="10"
    )
    page = maria.landed(granted).text

    complaints = page.split("Complaints, in the customer's words", 1)[1].split("<h3>", 1)[0]
    assert "damaged" in complaints
    assert "other" not in complaints and "order 1003" not in complaints
    promised = page.split("<h3>Promises</h3>", 1)[1].split("<h3>", 1)[0]
    assert "voucher 10.00 USD · order 1003 · granted by Maria Schneider" in promised


def test_keeping_a_promise_and_the_overview(
    agent: SignIn,
    escalated: Callback,
    demo_stores: Stores,
    console_clock: MovableClock,
) -> None:
    maria = agent("maria")
    maria.act(escalated.callback_id, "claim")
    maria.act(escalated.callback_id, "grant", confirmed="yes", order="1003", remedy="replacement")
    [promise] = demo_stores.promises.open_promises()
    assert promise.due == MOMENT.date() + timedelta(days=1)

    console_clock.advance(days=3)
    maria = agent("maria")  # three days later: a new working day, a new session
    overview = maria.page("/console/promises").text
    assert '1 open, <span class="overdue">1 overdue</span>' in overview
    assert "(overdue)" in overview

    # James ($100) may not mark a $119.95 replacement as kept; Maria may.
    james = agent("james")
    form = action_id_in(james.page("/console/promises").text)
    refused = james.landed(james.post(f"/console/commitments/{promise.complaint_id}/fulfil", form))
    assert "authority" in refused.text
    form = action_id_in(maria.page("/console/promises").text)
    kept = maria.post(f"/console/commitments/{promise.complaint_id}/fulfil", form, confirmed="yes")
    assert kept.status_code == 303
    assert demo_stores.promises.open_promises() == []
    [commitment] = demo_stores.complaints.history("c-alex").commitments
    assert commitment.status is CommitmentStatus.FULFILLED
    assert "No open promises." in maria.page("/console/promises").text


# Reschedule and hand over -----------------------------------------------------------


def test_reschedule_moves_the_callback_in_the_service_time_zone(
    agent: SignIn,
    alex: Callback,
    demo_stores: Stores,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    maria = agent("maria")
    maria.act(alex.callback_id, "claim")
    response = maria.act(alex.callback_id, "reschedule", when="2026-11-24T10:00", note="after work")
    assert response.status_code == 303
    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None
    assert callback.due_at.isoformat() == "2026-11-24T15:00:00+00:00"  # 10:00 in New York
    assert "rescheduled" in events(stored)


def booked_for(
    stores: Stores, settings: Settings, locale: str, time_zone: str, day: str, at: str
) -> Callback:
    """A guest's call back in ``locale`` from a device in ``time_zone``, at their wish."""
    request = CallbackRequest(
        request_id=f"amzn1.echo-api.request.{uuid.uuid4()}",
        owner=f"alexa:guest-{locale}",
        locale=locale,
        language=locale.split("-")[0],
        time_zone=time_zone,
        channel="phone",
        requested=Requested.from_slots(day, at),
        caller="amzn1.ask.account.GUEST",
        phone="+49 151 23456733",
    )
    booking = request_callback(stores, settings, request, MOMENT)
    assert isinstance(booking, Booking)
    return booking.callback


def test_the_page_shows_the_time_the_customer_heard_in_their_zone_beside_the_teams(
    agent: SignIn, demo_stores: Stores, settings: Settings
) -> None:
    # An English-speaking guest whose Alexa is in Berlin: tomorrow at 15:00 for them is
    # 09:00 for the team in New York.
    callback = booked_for(demo_stores, settings, "en-US", "Europe/Berlin", "2026-11-24", "15:00")
    page = agent("james").page(f"/console/callbacks/{callback.callback_id}").text
    assert "<dt>Promised time</dt><dd>Tue 24 Nov 2026, 09:00 EST</dd>" in page
    assert "<dt>The customer heard</dt><dd>Tue 24 Nov 2026, 15:00 CET</dd>" in page


def test_a_german_callback_is_shown_and_rescheduled_in_the_german_teams_zone(
    agent: SignIn, demo_stores: Stores, settings: Settings
) -> None:
    callback = booked_for(demo_stores, settings, "de-DE", "Europe/Berlin", "2026-11-24", "10:00")
    jonas = agent("jonas")
    page = jonas.page(f"/console/callbacks/{callback.callback_id}").text
    assert "<dt>Promised time</dt><dd>Tue 24 Nov 2026, 10:00 CET</dd>" in page
    assert "<dt>The customer heard</dt><dd>Tue 24 Nov 2026, 10:00 CET</dd>" in page
    jonas.act(callback.callback_id, "claim")
    assert (
        "New time (Europe/Berlin)" in jonas.page(f"/console/callbacks/{callback.callback_id}").text
    )
    response = jonas.act(callback.callback_id, "reschedule", when="2026-11-25T11:30")
    assert response.status_code == 303
    moved = demo_stores.callbacks.get(callback.callback_id)
    assert moved is not None
    assert moved.due_at.isoformat() == "2026-11-25T10:30:00+00:00"  # 11:30 in Berlin


def test_hand_over_to_a_colleague_with_a_note(
    agent: SignIn,
    alex: Callback,
    demo_stores: Stores,
    stored: Callable[[str], list[dict[str, Any]]],
) -> None:
    maria = agent("maria")
    maria.act(alex.callback_id, "claim")
    response = maria.act(alex.callback_id, "handover", to="a-priya", note="needs a big refund")
    assert response.status_code == 303

    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None
    assert callback.status is CallbackStatus.WAITING
    assert (callback.agent_id, callback.claimed_by) == ("a-priya", None)
    assert callback.notes[-1].text == "needs a big refund"
    assert "handover" in actions(stored)
    assert ">Alex</a>" in agent("priya").page("/console/mine").text
    # Maria no longer holds it: her next action is refused.
    again = maria.landed(maria.act(alex.callback_id, "outcome", outcome="reached"))
    assert "Claim this callback first" in again.text


def test_a_form_without_an_action_id_is_refused(
    agent: SignIn, alex: Callback, demo_stores: Stores
) -> None:
    maria = agent("maria")
    maria.page(f"/console/callbacks/{alex.callback_id}")
    answer = maria.landed(maria.post(f"/console/callbacks/{alex.callback_id}/claim"))
    assert "This form is incomplete: reload the page and try again." in answer.text
    callback = demo_stores.callbacks.get(alex.callback_id)
    assert callback is not None and callback.claimed_by is None


def test_unknown_callbacks_are_not_found(agent: SignIn) -> None:
    assert agent("maria").page("/console/callbacks/nope").status_code == 404


def test_every_action_is_on_the_audit_trail(
    agent: SignIn, alex: Callback, stored: Callable[[str], list[dict[str, Any]]]
) -> None:
    maria = agent("maria")
    maria.act(alex.callback_id, "claim")
    maria.page(f"/console/callbacks/{alex.callback_id}")  # she sees the number
    maria.act(alex.callback_id, "outcome", outcome="reached", note="a")
    maria.act(alex.callback_id, "outcome", outcome="no_answer", note="b")
    maria.act(alex.callback_id, "reschedule", when="2026-11-24T10:00")
    maria.act(alex.callback_id, "handover", to="a-james", note="c")

    assert [a for a in actions(stored) if a != "view_phone"] == [
        "claim",
        "handover",
        "outcome_no_answer",
        "outcome_reached",
        "reschedule",
    ]
    trail = agent("priya").page("/console/audit").text
    assert "view phone" in trail and "Maria Schneider" in trail
    # The customer by first name, linked to the callback; its id is only in the address.
    link = f'<a href="/console/callbacks/{alex.callback_id}">Alex</a>'
    assert trail.count(link) == len(actions(stored))
    assert f">{alex.callback_id}<" not in trail


def test_the_audit_trail_names_the_customer_escaped(agent: SignIn, demo_stores: Stores) -> None:
    from tests.console.test_queue import book

    book(demo_stores, "odd", first_name="<b>Kim</b>")
    agent("james").act("odd", "claim")
    trail = agent("priya").page("/console/audit").text
    assert '<a href="/console/callbacks/odd">&lt;b&gt;Kim&lt;/b&gt;</a>' in trail
    assert "<b>Kim" not in trail


def test_the_confirmation_is_ours_not_text_from_the_address(agent: SignIn, alex: Callback) -> None:
    maria = agent("maria")
    page = f"/console/callbacks/{alex.callback_id}"
    assert "You have this callback now." in maria.page(f"{page}?done=claimed").text
    forged = maria.page(f"{page}?done=Send+your+password+to+evil").text
    assert "evil" not in forged


def test_an_unlinked_caller_gets_remedies_only_for_orders_they_verified(
    agent: SignIn, demo_stores: Stores
) -> None:
    from tests.console.test_queue import book

    book(demo_stores, "guest", context={"orders": [{"number": "1003", "status": "delayed"}]})
    james = agent("james")
    james.act("guest", "claim")
    page = james.page("/console/callbacks/guest").text
    assert "running shoes" in page
    assert "coffee grinder" not in page

    refused = james.landed(
        james.act("guest", "grant", confirmed="yes", order="1001", remedy="voucher", amount="10")
    )
    assert "not this customer" in refused.text
    assert (
        james.act(
            "guest", "grant", confirmed="yes", order="1003", remedy="voucher", amount="10"
        ).status_code
        == 303
    )
    [promise] = demo_stores.promises.open_promises()
    assert (promise.order_number, promise.customer_id) == ("1003", "c-alex")


def test_acting_on_a_callback_the_customer_cancelled_meanwhile(
    agent: SignIn, alex: Callback, talk: Talk
) -> None:
    maria = agent("maria")
    form = maria.action_id(f"/console/callbacks/{alex.callback_id}")
    conversation = talk(token="demo-alex")
    conversation.say("CancelCallbackIntent")
    conversation.say("AMAZON.YesIntent")

    response = maria.landed(maria.post(f"/console/callbacks/{alex.callback_id}/claim", form))
    assert "This callback was closed or changed meanwhile." in response.text
