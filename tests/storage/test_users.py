"""Per-user attributes: two devices of one customer never overwrite each other."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from skill.devtools.demo.data import seed
from skill.storage import Stores
from skill.storage.users import VersionConflict
from skill.usecases.order_checks import Outcome, verify_order
from tests.conftest import MOMENT

USER = "amzn1.ask.account.TWODEVICES"


def test_a_save_from_a_stale_read_is_refused(stores: Stores) -> None:
    kitchen = stores.users.failures(USER)
    bedroom = stores.users.failures(USER)
    assert kitchen.version == bedroom.version == 0

    stores.users.save_verification_failures(USER, [MOMENT], version=kitchen.version)
    with pytest.raises(VersionConflict):
        stores.users.save_verification_failures(
            USER, [MOMENT + timedelta(seconds=1)], version=bedroom.version
        )

    saved = stores.users.failures(USER)
    assert saved.moments == [MOMENT]
    assert saved.version == 1
    # Read again, the second device's save goes through on top of the first.
    stores.users.save_verification_failures(
        USER, [*saved.moments, MOMENT + timedelta(seconds=1)], version=saved.version
    )
    assert stores.users.failures(USER).moments == [MOMENT, MOMENT + timedelta(seconds=1)]


def test_visits_do_not_touch_the_version(stores: Stores) -> None:
    """A visit is an atomic update, so it needs no version and causes no conflict."""
    read = stores.users.failures(USER)
    stores.users.record_visit(USER, MOMENT)
    stores.users.save_verification_failures(USER, [MOMENT], version=read.version)
    assert stores.users.failures(USER).moments == [MOMENT]


def test_two_devices_guessing_at_once_both_count(stores: Stores, dynamodb: Any) -> None:
    """Both devices read the failures before either writes; both failures are kept."""
    seed(stores, MOMENT.date())
    both_read = threading.Barrier(2, timeout=10)
    first_writes: list[str] = []
    lock = threading.Lock()

    def hold_first_writes(**_: Any) -> None:
        # Each thread's first UpdateItem waits until the other thread reached its own:
        # both have read version 0 by then, the interleaving that loses an update.
        with lock:
            first = threading.current_thread().name not in first_writes
            if first:
                first_writes.append(threading.current_thread().name)
        if first:
            both_read.wait()

    dynamodb.meta.events.register("before-send.dynamodb.UpdateItem", hold_first_writes)

    def guess(seconds: int) -> Outcome:
        when = MOMENT + timedelta(seconds=seconds)
        return verify_order(stores, USER, "1003", "99999", when).outcome

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(guess, [1, 2]))

    assert outcomes == [Outcome.NO_MATCH, Outcome.NO_MATCH]
    saved = stores.users.failures(USER)
    assert sorted(saved.moments) == [MOMENT + timedelta(seconds=1), MOMENT + timedelta(seconds=2)]
    assert saved.version == 2


def test_a_profile_expires_a_year_after_its_last_use(
    stores: Stores, dynamodb: Any, settings: Any
) -> None:
    stores.users.record_visit(USER, MOMENT)
    [item] = dynamodb.scan(TableName=settings.table_name)["Items"]
    assert int(item["expires_at"]["N"]) == int((MOMENT + timedelta(days=365)).timestamp())

    later = MOMENT + timedelta(days=30)
    stores.users.save_verification_failures(USER, [later], version=0)
    [item] = dynamodb.scan(TableName=settings.table_name)["Items"]
    assert int(item["expires_at"]["N"]) == int((later + timedelta(days=365)).timestamp())
