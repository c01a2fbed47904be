"""The admin erases a customer's skill data when they ask by letter or phone."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from skill.console.errors import NOT_YOUR_ROLE, STALE
from skill.storage import Stores
from tests.alexa import Conversation
from tests.console.conftest import Agent


def test_admin_erases_a_customer_and_the_trail_says_who(
    agent: Callable[[str], Agent],
    talk: Callable[..., Conversation],
    demo_stores: Stores,
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say(
        "ComplaintIntent", problemType="damaged", orderNumber="1001", description="lid & <b>"
    )
    conversation.say("RemedyChoiceIntent", remedy="refund")
    talk(token="demo-alex").say("CallbackIntent")
    priya = agent("priya")
    priya.page("/console/audit")

    asked = priya.post("/console/customers/erase", customer_id="1003")  # Alex's order
    assert asked.status_code == 200
    assert "Erase what the skill keeps about Alex (customer c-alex)" in asked.text
    assert demo_stores.complaints.history("c-alex").complaints != []
    answer = priya.post("/console/customers/erase", customer_id="c-alex", confirmed="yes")

    assert answer.status_code == 303
    history = demo_stores.complaints.history("c-alex")
    assert history.complaints == [] and history.commitments == []
    [promise] = demo_stores.promises.open_promises()  # still owed, without a name
    assert promise.order_number == "1001" and promise.customer_id == ""
    assert demo_stores.callbacks.owner_state("customer:c-alex").callback_ids == []
    audit = priya.page(answer.headers["Location"]).text
    assert "Erased what the skill kept about customer c-alex." in audit
    assert "erase customer" in audit
    assert "1 open promises kept without name" in audit


def test_only_admins_erase_and_only_known_customers(
    agent: Callable[[str], Agent], demo_stores: Stores
) -> None:
    maria = agent("maria")
    maria.page("/console/")
    refused = maria.post("/console/customers/erase", customer_id="c-alex")
    assert refused.status_code == 303 and refused.headers["Location"] == "/console/"
    assert NOT_YOUR_ROLE in html.unescape(maria.page("/console/").text)
    priya = agent("priya")
    priya.page("/console/audit")
    unknown = priya.landed(priya.post("/console/customers/erase", customer_id="c-nobody"))
    assert "There is no customer with the id or order &#39;c-nobody&#39;" in unknown.text
    assert 'name="customer_id" required autocomplete="off" value="c-nobody"' in unknown.text
    # Without the CSRF token nothing happens.
    stale = priya.client.post("/console/customers/erase", data={"customer_id": "c-alex"})
    assert stale.status_code == 303 and stale.headers["Location"] == "/console/audit"
    again = priya.page("/console/audit").text
    assert html.escape(STALE) in again
    assert 'name="customer_id" required autocomplete="off" value="c-alex"' in again
    assert demo_stores.orders.account("c-alex").customer is not None  # nothing erased


def test_the_promises_page_still_lists_an_erased_customers_promise(
    agent: Callable[[str], Agent], talk: Callable[..., Conversation], **_: Any
) -> None:
    conversation = talk(token="demo-alex")
    conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    conversation.say("RemedyChoiceIntent", remedy="shipping_refund")
    priya = agent("priya")
    priya.page("/console/audit")
    priya.post("/console/customers/erase", customer_id="c-alex", confirmed="yes")
    promises = priya.page("/console/promises")
    assert promises.status_code == 200
    assert "1003" in promises.text
