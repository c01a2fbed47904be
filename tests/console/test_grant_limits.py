"""Grants in the console: per order, not per grant; what agents type; one id per form.

The callbacks here are booked directly (the complaint stored for the team, as the skill
leaves it), so these tests do not depend on what the voice handlers decide.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from skill.console.errors import GONE
from skill.records.callbacks import Callback
from skill.records.complaints import CommitmentStatus, ProblemType
from skill.storage import Stores
from skill.usecases.complaints import hand_over
from tests.conftest import MOMENT
from tests.console.conftest import Agent
from tests.console.test_queue import book
from tests.stored import items, outbox

SignIn = Callable[[str], Agent]
BEFORE_TRANSACTION = "before-send.dynamodb.TransactWriteItems"


def shoes_complaint(stores: Stores, holder: str | None = None) -> Callback:
    """Alex's running shoes (order 1003, 119.95 USD) arrived damaged; the team calls."""
    order = stores.orders.get("1003")
    hand_over(
        stores,
        complaint_id="k-shoes",
        customer_id="c-alex",
        order=order,
        problem=ProblemType.DAMAGED,
        description="the sole came off",
        now=MOMENT,
        locale="en-US",
    )
    return book(
        stores,
        "shoes",
        owner="customer:c-alex",
        customer_id="c-alex",
        first_name="Alex",
        agent_id=holder or "a-maria",
        agent_name="Maria Schneider",
        context={
            "complaint": {
                "complaint_id": "k-shoes",
                "problem": "damaged",
                "order_number": "1003",
                "customer_words": "the sole came off",
            }
        },
    )


def guest_call(stores: Stores, callback_id: str, *numbers: str) -> Callback:
    """An unlinked caller who proved these orders theirs in the conversation."""
    return book(stores, callback_id, context={"orders": [{"number": n} for n in numbers]})


def promised_on(stores: Stores, number: str) -> list[dict[str, Any]]:
    return [c for c in items(stores, "commitment") if c["order_number"] == number]


def value(commitment: dict[str, Any], total: str) -> Decimal:
    """What a stored promise is worth (a replacement: the order's total)."""
    amount = commitment.get("amount")
    return Decimal(amount) if amount is not None else Decimal(total)


def forms(html: str) -> dict[str, str]:
    """The action id of each form on a page, by the last part of the form's address."""
    found = re.findall(
        r'<form[^>]*action="[^"]*/([a-z_]+)"[^>]*>\s*<input type="hidden" name="csrf" '
        r'value="[^"]*">\s*<input type="hidden" name="action_id" value="([^"]+)">',
        html,
    )
    return {name: action_id for name, action_id in found}


# Per order, not per grant -----------------------------------------------------------


def test_marias_six_grants_on_order_1003_never_promise_more_than_its_total(
    agent: SignIn, demo_stores: Stores
) -> None:
    """The finding: three vouchers of 250 and three full refunds on a 119.95 order, one
    after the other, each accepted; then a shipping refund on top."""
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")  # up to 250 USD
    assert maria.act(callback.callback_id, "claim").status_code == 303

    # Each answer is a 303 to the callback's page, which says what came of the grant.
    answers = [
        maria.landed(
            maria.act(
                callback.callback_id,
                "grant",
                confirmed="yes",
                order="1003",
                remedy="voucher",
                amount="250",
            )
        )
        for _ in range(3)
    ] + [
        maria.landed(
            maria.act(
                callback.callback_id,
                "grant",
                confirmed="yes",
                order="1003",
                remedy="refund",
                amount="",
            )
        )
        for _ in range(3)
    ]
    shipping = maria.landed(
        maria.act(
            callback.callback_id, "grant", confirmed="yes", order="1003", remedy="shipping_refund"
        )
    )

    made = ["Promise made" in a.text for a in answers]
    assert made == [False, False, False, True, False, False]
    assert "250.00 USD is more than order 1003&#39;s total of 119.95 USD." in answers[0].text
    for refused in (*answers[4:], shipping):
        assert "Order 1003 already carries promises of 119.95 USD, its total." in refused.text
        assert "Promise made" not in refused.text and "already made" not in refused.text
        assert "Colleagues on duty who can do it" not in refused.text  # nobody may
    stored = promised_on(demo_stores, "1003")
    assert sum(value(c, "119.95") for c in stored) == Decimal("119.95")
    assert [(c["remedy"], c["granted_by"]) for c in stored] == [("refund", "a-maria")]
    [total] = items(demo_stores, "promised_total")[:1]
    assert total["total"] == Decimal("119.95")
    assert [e["detail"] for e in items(demo_stores, "audit") if e["action"] == "grant"] == [
        "refund 119.95 USD for order 1003"
    ]


def test_an_agents_grants_on_one_order_add_up_to_their_authority(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    james = agent("james")  # up to 100 USD
    james.act(callback.callback_id, "claim")
    assert (
        james.act(
            callback.callback_id,
            "grant",
            confirmed="yes",
            order="1003",
            remedy="voucher",
            amount="60",
        )
    ).status_code == 303
    assert (
        james.act(
            callback.callback_id,
            "grant",
            confirmed="yes",
            order="1003",
            remedy="refund",
            amount="40",
        )
    ).status_code == 303

    refused = james.act(
        callback.callback_id, "grant", confirmed="yes", order="1003", remedy="refund", amount="5"
    )

    refused = james.landed(refused)
    assert (
        "You have promised 100.00 USD on order 1003 already: another 5.00 USD would be "
        "above your authority of 100.00 USD." in refused.text
    )
    # On duty and with room on this order: Maria (250) and Jonas (100). Priya (500) is
    # off duty, so not named.
    assert "Maria Schneider (up to 250 USD)" in refused.text
    assert "Jonas Weber (up to 100 USD)" in refused.text
    assert "Priya Patel (up to" not in refused.text
    assert sum(value(c, "119.95") for c in promised_on(demo_stores, "1003")) == Decimal(100)
    # The form comes back as typed.
    assert 'name="amount" inputmode="decimal" value="5"' in refused.text


def test_above_the_limit_only_colleagues_on_duty_who_could_grant_it_are_named(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    james = agent("james")
    james.act(callback.callback_id, "claim")
    refused = james.act(
        callback.callback_id, "grant", confirmed="yes", order="1003", remedy="replacement"
    )

    refused = james.landed(refused)
    assert "119.95 USD is above your authority of 100.00 USD: hand it over." in refused.text
    assert "Colleagues on duty who can do it: Maria Schneider (up to 250 USD)." in refused.text
    assert promised_on(demo_stores, "1003") == []


def test_two_agents_granting_at_once_never_pass_the_orders_total(
    agent: SignIn, demo_stores: Stores
) -> None:
    """Maria and Jonas each hold a call about order 1003 and each refund 100 of its
    119.95: each fits alone, not both. Both read the totals before either writes."""
    guest_call(demo_stores, "call-a", "1003")
    guest_call(demo_stores, "call-b", "1003")
    browsers = {"call-a": agent("maria"), "call-b": agent("jonas")}
    for callback_id, browser in browsers.items():
        assert browser.act(callback_id, "claim").status_code == 303

    both_read = threading.Barrier(2, timeout=10)
    waiting = [2]

    def hold_until_both_read(**_: Any) -> None:
        if waiting[0] > 0:  # only the first write of each
            waiting[0] -= 1
            both_read.wait()

    demo_stores.client.meta.events.register(BEFORE_TRANSACTION, hold_until_both_read)
    answers: dict[str, Any] = {}

    def refund(callback_id: str) -> None:
        answers[callback_id] = browsers[callback_id].act(
            callback_id, "grant", confirmed="yes", order="1003", remedy="refund", amount="100"
        )

    threads = [threading.Thread(target=refund, args=(c,)) for c in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    demo_stores.client.meta.events.unregister(BEFORE_TRANSACTION, hold_until_both_read)

    landed = [browsers[c].landed(a) for c, a in answers.items()]
    assert sorted("Promise made" in a.text for a in landed) == [False, True]
    [loser] = [a for a in landed if "Promise made" not in a.text]
    assert "Order 1003 already carries promises of 100.00 USD: another 100.00 USD" in loser.text
    stored = promised_on(demo_stores, "1003")
    assert sum(value(c, "119.95") for c in stored) == Decimal(100)
    assert [e["event"] for e in outbox(demo_stores)].count("granted") == 1


def test_promises_made_before_the_totals_count_too(agent: SignIn, demo_stores: Stores) -> None:
    """A full refund stored without running totals (as before they were kept) still
    leaves no room on the order."""
    from skill.records.complaints import Owner, RemedyKind
    from skill.rules.complaints import settled

    order = demo_stores.orders.get("1003")
    assert order is not None
    earlier = settled(
        complaint_id="k-old",
        order=order,
        problem=ProblemType.DAMAGED,
        description="",
        kind=RemedyKind.REFUND,
        amount=order.total,
        due=MOMENT.date(),
        owner=Owner.SKILL,
        granted_by="",
        now=MOMENT,
        locale="en-US",
    )
    demo_stores.complaints.record(*earlier)
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")

    refused = maria.act(
        callback.callback_id, "grant", confirmed="yes", order="1003", remedy="shipping_refund"
    )

    refused = maria.landed(refused)
    assert "Order 1003 already carries promises of 119.95 USD, its total." in refused.text


# What agents type -------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1E-200", "1" * 41, "0.001", "0", "-5", "ten", "NaN"])
def test_an_unusable_amount_is_sent_back_with_a_message_and_the_form_as_typed(
    agent: SignIn, demo_stores: Stores, amount: str
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")

    answer = maria.act(
        callback.callback_id,
        "grant",
        confirmed="yes",
        order="1003",
        remedy="voucher",
        amount=amount,
    )

    answer = maria.landed(answer)
    assert (
        "Enter the amount in USD as a number like 12.50: more than zero, with at most 2 "
        "decimals." in answer.text
    )
    assert f'name="amount" inputmode="decimal" value="{amount}"' in answer.text
    assert '<option value="voucher" selected>' in answer.text
    assert "Promise made" not in answer.text
    assert items(demo_stores, "commitment") == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"order": "9999", "remedy": "refund"}, "Choose one of the customer&#39;s orders."),
        ({"order": "1003", "remedy": "cake"}, "Choose a remedy."),
        ({"order": "1003", "remedy": "voucher"}, "Enter the voucher&#39;s amount."),
        (
            {"order": "1003", "remedy": "replacement", "amount": "20"},
            "A replacement is worth the order&#39;s total: leave the amount empty.",
        ),
    ],
)
def test_other_mistakes_in_a_grant_are_400s_too(
    agent: SignIn, demo_stores: Stores, form: dict[str, str], message: str
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    answer = maria.act(callback.callback_id, "grant", confirmed="yes", **form)
    answer = maria.landed(answer)
    assert message in answer.text
    assert items(demo_stores, "commitment") == []


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("9999-12-31", "Choose a time within the next 90 days."),
        ("9999-12-31T23:59", "Choose a time within the next 90 days."),
        ("2027-03-01T10:00", "Choose a time within the next 90 days."),
        ("2026-11-23T09:00", "Choose a time in the future."),  # this morning in New York
        ("0001-01-01T00:00", "Choose a time in the future."),
        ("next tuesday", "Enter the new time as a date and a time, e.g. 2026-11-24 10:00."),
        ("", "Enter the new time as a date and a time"),
    ],
)
def test_a_reschedule_out_of_range_or_unreadable_is_a_400_with_a_message(
    agent: SignIn, demo_stores: Stores, when: str, message: str
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")

    answer = maria.act(callback.callback_id, "reschedule", when=when, note="after work")

    answer = maria.landed(answer)
    assert message in answer.text
    assert f'name="when" type="datetime-local" required value="{when}"' in answer.text
    assert 'name="note" value="after work"' in answer.text
    stored = demo_stores.callbacks.get(callback.callback_id)
    assert stored is not None and stored.due_at == callback.due_at


def test_other_unusable_ids_and_choices_are_400s_with_a_message(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    path = f"/console/callbacks/{callback.callback_id}"

    no_id = maria.post(f"{path}/outcome", "not-an-id", outcome="reached", note="hi")
    no_id = maria.landed(no_id)
    assert "This form is incomplete: reload the page and try again." in no_id.text
    outcome = maria.act(callback.callback_id, "outcome", outcome="sideways", note="hi")
    outcome = maria.landed(outcome)
    assert "Choose what happened on the call." in outcome.text
    assert ">hi</textarea>" in outcome.text
    nobody = maria.act(callback.callback_id, "handover", to="a-nobody", note="for you")
    nobody = maria.landed(nobody)
    assert "Choose a colleague to hand over to." in nobody.text
    stored = demo_stores.callbacks.get(callback.callback_id)
    assert stored is not None and stored.notes == ()


def test_ids_far_too_long_are_no_ids_of_ours(agent: SignIn, demo_stores: Stores) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    long = "9" * 3000
    assert maria.page(f"/console/callbacks/{long}").status_code == 404
    gone = maria.post(f"/console/commitments/{long}/fulfil", str(uuid.uuid4()))
    assert gone.status_code == 303 and gone.headers["Location"] == "/console/promises"
    assert GONE in maria.page("/console/promises").text
    answer = maria.act(
        callback.callback_id, "grant", confirmed="yes", order=long, remedy="voucher", amount="5"
    )
    answer = maria.landed(answer)
    assert "Choose one of the customer&#39;s orders." in answer.text


# One action id per form -------------------------------------------------------------


def test_two_different_forms_from_one_page_load_are_both_applied(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    page = maria.page(f"/console/callbacks/{callback.callback_id}").text
    ids = forms(page)
    assert {"outcome", "grant", "reschedule", "handover"} <= set(ids)
    assert len(set(ids.values())) == len(ids)  # each form its own
    path = f"/console/callbacks/{callback.callback_id}"

    noted = maria.post(f"{path}/outcome", ids["outcome"], outcome="reached", note="Wants a refund")
    granted = maria.post(
        f"{path}/grant", ids["grant"], confirmed="yes", order="1003", remedy="voucher", amount="20"
    )
    again = maria.post(
        f"{path}/grant", ids["grant"], confirmed="yes", order="1003", remedy="voucher", amount="20"
    )

    assert noted.status_code == granted.status_code == again.status_code == 303
    stored = demo_stores.callbacks.get(callback.callback_id)
    assert stored is not None and [n.text for n in stored.notes] == ["Wants a refund"]
    assert [c["amount"] for c in promised_on(demo_stores, "1003")] == [Decimal(20)]  # once


def test_an_action_id_used_by_another_form_is_refused_not_reported_done(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    path = f"/console/callbacks/{callback.callback_id}"
    used = maria.action_id(path)
    assert maria.post(f"{path}/outcome", used, outcome="reached", note="a").status_code == 303

    answer = maria.post(
        f"{path}/grant", used, confirmed="yes", order="1003", remedy="voucher", amount="20"
    )

    answer = maria.landed(answer)
    assert "This form was used before for something else: reload the page." in answer.text
    assert "Promise made" not in answer.text
    assert items(demo_stores, "commitment") == []


# Marking a promise kept -------------------------------------------------------------


def test_mark_kept_only_from_the_promises_own_callback_and_audited_with_it(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    other = guest_call(demo_stores, "someone-else", "2001")
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    maria.act(
        callback.callback_id, "grant", confirmed="yes", order="1003", remedy="voucher", amount="20"
    )
    [promise] = demo_stores.promises.open_promises()
    path = f"/console/commitments/{promise.complaint_id}/fulfil"

    wrong = maria.post(path, maria.action_id("/console/promises"), callback_id=other.callback_id)
    wrong = maria.landed(wrong)
    assert "That promise was made to another customer than this callback&#39;s." in wrong.text
    assert demo_stores.promises.open_promises() == [promise]
    assert [e for e in items(demo_stores, "audit") if e["action"] == "fulfil"] == []

    unknown = maria.post(path, maria.action_id("/console/promises"), callback_id="no-such-call")
    unknown = maria.landed(unknown)
    assert "That callback does not exist: reload the page." in unknown.text
    assert demo_stores.promises.open_promises() == [promise]

    overview = maria.page("/console/promises").text
    assert '<td data-label="By">Maria Schneider</td>' in overview  # who promised it
    form = forms(maria.page(f"/console/callbacks/{callback.callback_id}").text)["fulfil"]
    kept = maria.post(path, form, confirmed="yes", callback_id=callback.callback_id)
    assert kept.status_code == 303
    [entry] = [e for e in items(demo_stores, "audit") if e["action"] == "fulfil"]
    assert (entry["callback_id"], entry["agent_id"]) == (callback.callback_id, "a-maria")
    [stored] = demo_stores.complaints.history("c-alex").commitments
    assert stored.status is CommitmentStatus.FULFILLED


def test_mark_kept_needs_authority_over_its_value_and_names_who_has_it(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    maria.act(callback.callback_id, "grant", confirmed="yes", order="1003", remedy="replacement")
    [promise] = demo_stores.promises.open_promises()
    james = agent("james")

    refused = james.post(
        f"/console/commitments/{promise.complaint_id}/fulfil",
        james.action_id("/console/promises"),
    )

    refused = james.landed(refused)
    assert "This promise is above your authority." in refused.text
    assert "Colleagues on duty who can do it: Maria Schneider (up to 250 USD)." in refused.text
    assert demo_stores.promises.open_promises() == [promise]
