"""The typed view of the session: what it writes, and garbage read as nothing."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from skill.handlers.callback_wish import CallbackWish
from skill.handlers.dialogue import Awaiting, Dialogue, LastResponse, Pending
from skill.records.handovers import Handover

HANDLERS = Path(__file__).resolve().parents[2] / "skill" / "handlers"
GARBAGE: list[Any] = [None, True, 7, -3, 1.5, "", "x", [], [1, None], {}, {"a": [1]}]


def dialogue(**session: Any) -> tuple[Dialogue, dict[str, Any], dict[str, Any]]:
    asked: dict[str, Any] = {}
    return Dialogue(session, asked), session, asked


def test_a_question_is_open_for_the_next_turn_only() -> None:
    first, session, _ = dialogue()
    first.wait_for_slot(Awaiting.POSTAL_CODE, "OrderStatusIntent", {"orderNumber": "1003"})
    assert session == {
        "awaiting": "postalCode",
        "pending": {"intent": "OrderStatusIntent", "slots": {"orderNumber": "1003"}},
    }
    second, session, asked = dialogue(**session)
    second.begin_turn()
    assert session == {}
    assert second.awaiting is Awaiting.POSTAL_CODE
    assert second.pending == Pending("OrderStatusIntent", {"orderNumber": "1003"})
    second.wait_again()
    assert session == {
        "awaiting": "postalCode",
        "pending": {"intent": "OrderStatusIntent", "slots": {"orderNumber": "1003"}},
    }
    assert set(asked) == {"awaiting", "pending"}


@pytest.mark.parametrize("value", [*GARBAGE, "callback_cancelled", "AWAITING.TIME"])
def test_an_unknown_awaiting_is_no_question(value: Any) -> None:
    view, session, _ = dialogue(awaiting=value, pending=value)
    view.begin_turn()
    assert view.awaiting is None
    assert view.pending is None
    view.wait_again()
    assert session == {}


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_the_session_reads_as_nothing(value: Any) -> None:
    keys = (
        "misunderstandings",
        "remaining_orders",
        "verified_orders",
        "launched",
        "offer_order",
        "handover",
        "complaint",
        "callback",
        "callback_id",
        "last_response",
    )
    view, _, _ = dialogue(**dict.fromkeys(keys, value))
    assert view.misunderstandings == (value if value == 7 else 0)
    assert all(isinstance(number, str) for number in view.remaining_orders)
    assert all(isinstance(number, str) for number in view.verified_orders)
    assert view.launched is (value is True)
    assert view.offered_order in (None, "x")
    assert view.handover is None
    assert view.callback_wish == CallbackWish()
    assert view.callback_id in (None, "x")
    assert view.last_response is None
    complaint = view.complaint
    assert complaint.slots == {}
    assert complaint.complaint_id is None and complaint.offered == []
    assert complaint.description == "" and not complaint.retried


def test_misunderstandings_count_in_a_row_until_one_is_understood() -> None:
    view, session, asked = dialogue(misunderstandings=1)
    assert view.misunderstood() == 2
    assert view.misunderstood_now and asked == {"misunderstood": True}
    view.understood()
    assert session == {"misunderstandings": 0}


def test_an_unlinked_customer_keeps_the_last_ten_orders_proved() -> None:
    view, session, _ = dialogue(verified_orders=[str(n) for n in range(10)])
    view.verified("1003")
    assert session["verified_orders"] == [*(str(n) for n in range(1, 10)), "1003"]


def test_the_handover_and_the_last_answer_are_written_as_plain_values() -> None:
    view, session, _ = dialogue()
    view.handover = Handover("verification_locked", priority="high", order_number="1003")
    view.last_response = LastResponse("Hello.", None)
    assert session["handover"]["reason"] == "verification_locked"
    assert view.handover == Handover("verification_locked", priority="high", order_number="1003")
    assert session["last_response"] == {"speech": "Hello.", "reprompt": None}
    view.clear()
    assert session == {}


def test_the_callback_wish_keeps_what_was_said() -> None:
    view, session, _ = dialogue(
        callback={"channel": "sms", "phone": "+15550187", "confirmed": "yes"}
    )
    wish = view.callback_wish
    assert wish == CallbackWish(channel="sms", phone="+15550187", confirmed=True)
    wish.confirmed = False
    wish.time = "10:00"
    view.remember(wish)
    assert session["callback"] == {"time": "10:00", "channel": "sms", "phone": "+15550187"}
    view.callback_id = "cb-1"
    assert view.take_callback_id() == "cb-1" and view.callback_id is None
    view.forget_callback()
    assert session == {}


def test_the_complaint_is_changed_in_place_and_forgotten_whole() -> None:
    view, session, _ = dialogue()
    complaint = view.complaint
    complaint.slots = {"problemType": "damaged", "orderNumber": None}
    complaint.ask_description()
    complaint.offer("c-1", "damaged", "1001", "the lid", ["refund"])
    assert session["complaint"]["id"] == "c-1"
    again = view.complaint
    assert again.asked_description and again.order == "1001" and again.offered == ["refund"]
    assert again.slots == {"problemType": "damaged", "orderNumber": None}
    view.forget_complaint()
    assert session == {}


def test_only_the_dialogue_reads_the_attributes_by_key() -> None:
    """Everything else goes through the typed view, so mypy sees a misspelt key."""
    found = []
    for path in sorted(HANDLERS.glob("*.py")):
        if path.name == "dialogue.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr.endswith("_attributes"):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert found == []
