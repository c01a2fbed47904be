"""The satisfaction questions texted, kept by message id until a reply names them."""

from __future__ import annotations

from datetime import timedelta

from skill.rules.sms_replies import ExpectedReply, number_fingerprint
from skill.storage import Stores
from tests.conftest import MOMENT
from tests.stored import items


def test_a_question_is_found_by_its_message_id_and_keeps_no_number(stores: Stores) -> None:
    fingerprint = number_fingerprint("m-1", "+12125550142")

    stores.sms_replies.expect("m-1", "cb-1", fingerprint, MOMENT)

    assert stores.sms_replies.expected("m-1") == ExpectedReply(
        "m-1", "cb-1", fingerprint, MOMENT + timedelta(days=7)
    )
    assert stores.sms_replies.expected("m-2") is None
    [item] = items(stores, "sms_reply")
    assert item["asked_at"] == "2026-11-23T15:00:00Z"
    assert item["expires_at"] == int((MOMENT + timedelta(days=7)).timestamp())
    assert not any("2125550142" in str(value) for value in item.values())
