"""A grant and a promise kept are confirmed first: the page names the remedy, amount,
order and customer, and nothing is stored until the agent says yes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from skill.storage import Stores
from tests.console.conftest import Agent
from tests.console.test_grant_limits import shoes_complaint

SignIn = Callable[[str], Agent]
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirm_form(page: str) -> dict[str, str]:
    """The hidden fields of the "yes" form in the confirmation box."""
    box = page.split('<div class="confirm"', 1)[1].split("</form>", 1)[0]
    return {name: html.unescape(value) for name, value in HIDDEN.findall(box)}


def test_a_grant_is_named_and_stored_only_after_the_agent_says_yes(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    page = maria.page(f"/console/callbacks/{callback.callback_id}").text
    # The complaint's order is chosen; the remedy is not.
    assert '<option value="1003" selected>' in page
    assert '<option value="">Choose a remedy</option>' in page

    asked = maria.act(callback.callback_id, "grant", order="1003", remedy="refund", amount="")

    assert asked.status_code == 200
    assert "Refund 119.95 USD on order 1003 for Alex?" in asked.text
    assert demo_stores.promises.open_promises() == []
    # The form below keeps what was typed, to change it instead.
    assert 'value="refund" selected' in asked.text
    yes = confirm_form(asked.text)
    assert (yes["order"], yes["remedy"], yes["amount"], yes["confirmed"]) == (
        "1003",
        "refund",
        "",
        "yes",
    )

    done = maria.client.post(f"/console/callbacks/{callback.callback_id}/grant", data=yes)

    assert done.status_code == 303
    [promise] = demo_stores.promises.open_promises()
    assert (promise.kind.value, promise.order_number) == ("refund", "1003")
    assert promise.amount is not None and str(promise.amount.amount) == "119.95"
    said = maria.page(done.headers["Location"]).text
    assert (
        "Promise made; the customer hears it when they ask: refund 119.95 USD on order 1003 "
        "for Alex." in said
    )


def test_a_second_grant_on_the_order_warns_of_the_promise_it_carries(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    maria.act(
        callback.callback_id, "grant", confirmed="yes", order="1003", remedy="voucher", amount="20"
    )

    asked = maria.act(callback.callback_id, "grant", order="1003", remedy="voucher", amount="15")

    assert "Voucher 15.00 USD on order 1003 for Alex?" in asked.text
    assert "Order 1003 already carries:" in asked.text
    assert "voucher 20.00 USD · promised" in asked.text


def test_above_the_authority_the_refusal_comes_before_the_question_with_a_hand_over(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores, holder="a-james")
    james = agent("james")
    james.act(callback.callback_id, "claim")

    refused = james.landed(
        james.act(callback.callback_id, "grant", order="1003", remedy="refund", amount="")
    )

    assert '<div class="confirm"' not in refused.text
    assert "119.95 USD is above your authority of 100.00 USD" in refused.text
    # What was typed stays in the form.
    assert 'value="refund" selected' in refused.text
    assert "Hand over to Maria Schneider" in refused.text
    # Priya (admin, 500) is not on duty: not offered.
    assert "Hand over to Priya" not in refused.text
    box = refused.text.split("Hand over to Maria Schneider")[0].rsplit("<form", 1)[1]
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(box)}
    done = james.post(
        f"/console/callbacks/{callback.callback_id}/handover",
        fields["action_id"],
        to=fields["to"],
        note=fields["note"],
    )
    assert done.status_code == 303
    moved = demo_stores.callbacks.get(callback.callback_id)
    assert moved is not None and moved.agent_id == "a-maria"
    assert "above your authority" in moved.notes[-1].text


def test_mark_kept_is_confirmed_first_on_the_promises_page(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    maria.act(
        callback.callback_id, "grant", confirmed="yes", order="1003", remedy="voucher", amount="20"
    )
    [promise] = demo_stores.promises.open_promises()
    path = f"/console/commitments/{promise.complaint_id}/fulfil"

    asked = maria.post(path, maria.action_id("/console/promises"))

    assert asked.status_code == 200
    assert "Mark kept: voucher 20.00 USD on order 1003 for Alex?" in asked.text
    assert demo_stores.promises.open_promises() == [promise]
    kept = maria.client.post(path, data=confirm_form(asked.text))
    assert kept.status_code == 303
    assert demo_stores.promises.open_promises() == []


def test_mark_kept_is_not_offered_above_the_agents_authority(
    agent: SignIn, demo_stores: Stores
) -> None:
    callback = shoes_complaint(demo_stores)
    maria = agent("maria")
    maria.act(callback.callback_id, "claim")
    maria.act(
        callback.callback_id, "grant", confirmed="yes", order="1003", remedy="refund", amount=""
    )

    # James may grant up to 100 USD: the 119.95 USD refund is not his to mark kept.
    james = agent("james")
    promises = james.page("/console/promises").text
    assert "Above your authority: a colleague marks it kept" in promises
    assert ">Mark kept</button>" not in promises
    assert ">Mark kept</button>" in maria.page("/console/promises").text
