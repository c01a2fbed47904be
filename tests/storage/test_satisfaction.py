"""The satisfaction question and its score, stored with the callback: a resolved
callback's customer is found by the account's query, marked asked in one write, and
their score kept once."""

from __future__ import annotations

from datetime import timedelta

from skill.rules.satisfaction import AskedBy, Survey
from skill.storage import Stores
from tests.conftest import MOMENT
from tests.storage.servers import transactional
from tests.storage.test_callbacks import make_callback
from tests.stored import items, outbox

RESOLVED = MOMENT + timedelta(minutes=20)
ASKED = MOMENT + timedelta(days=1)


def resolve(stores: Stores, callback_id: str = "cb-1", **changes: object) -> Survey:
    callback = make_callback(callback_id, customer_id="c-x", **changes)
    stores.callbacks.create(callback, [])
    stores.callbacks.complete(callback, RESOLVED, [], survey=AskedBy.VOICE)
    return Survey(callback_id, "Maria", RESOLVED)


@transactional
def test_the_account_brings_the_resolved_callback_to_ask_about(stores: Stores) -> None:
    survey = resolve(stores)
    assert stores.orders.account("c-x").surveys == [survey]


@transactional
def test_asking_marks_the_callback_and_the_account_no_longer_brings_it(stores: Stores) -> None:
    survey = resolve(stores)

    assert stores.satisfaction.ask("c-x", survey, ASKED) is True

    callback = stores.callbacks.get("cb-1")
    assert callback is not None
    assert (callback.csat_asked_at, callback.csat_asked_by) == (ASKED, "voice")
    assert stores.orders.account("c-x").surveys == []
    # A second device launching at the same moment does not ask again.
    assert stores.satisfaction.ask("c-x", survey, ASKED) is False


@transactional
def test_the_score_row_is_stored_with_the_callback_once(stores: Stores) -> None:
    survey = resolve(stores)
    stores.satisfaction.ask("c-x", survey, ASKED)

    assert stores.satisfaction.record("cb-1", 4, ASKED + timedelta(seconds=20)) is True
    # The same turn retried, or another answer later: the first score stays.
    assert stores.satisfaction.record("cb-1", 1, ASKED + timedelta(minutes=1)) is False

    [row] = [item for item in items(stores, "callback") if item["callback_id"] == "cb-1"]
    assert row["csat_score"] == 4
    assert row["csat_at"] == "2026-11-24T15:00:20Z"
    assert row["csat_asked_by"] == "voice"
    callback = stores.callbacks.get("cb-1")
    assert callback is not None and callback.csat_score == 4


@transactional
def test_no_score_for_a_callback_never_asked(stores: Stores) -> None:
    resolve(stores)
    assert stores.satisfaction.record("cb-1", 5, ASKED) is False
    callback = stores.callbacks.get("cb-1")
    assert callback is not None and callback.csat_score is None


@transactional
def test_older_callbacks_are_dropped_with_the_one_asked(stores: Stores) -> None:
    older = resolve(stores, "cb-old")
    later = make_callback("cb-new", customer_id="c-x")
    stores.callbacks.create(later, [])
    stores.callbacks.complete(later, RESOLVED + timedelta(hours=2), [], survey=AskedBy.VOICE)
    surveys = stores.orders.account("c-x").surveys
    latest = max(surveys, key=lambda s: s.resolved_at)

    assert stores.satisfaction.ask("c-x", latest, ASKED, surveys) is True

    assert stores.orders.account("c-x").surveys == []
    dropped = stores.callbacks.get(older.callback_id)
    assert dropped is not None and dropped.csat_asked_at is None  # never asked


@transactional
def test_a_text_asks_as_the_callback_closes(stores: Stores) -> None:
    callback = make_callback("cb-1", customer_id="c-x", channel="sms")
    stores.callbacks.create(callback, [])
    stores.callbacks.complete(callback, RESOLVED, [], survey=AskedBy.SMS)

    closed = stores.callbacks.get("cb-1")
    assert closed is not None
    assert (closed.csat_asked_at, closed.csat_asked_by) == (RESOLVED, "sms")
    # Asked already: the next visit does not ask again.
    assert stores.orders.account("c-x").surveys == []
    assert outbox(stores) == []


@transactional
def test_a_guest_callback_is_never_in_an_account(stores: Stores) -> None:
    callback = make_callback("cb-1", owner="alexa:guest")
    stores.callbacks.create(callback, [])
    stores.callbacks.complete(callback, RESOLVED, [], survey=None)
    [contact] = items(stores, "callback_contact")
    assert "csat_due" not in contact and "GSI1PK" not in contact
