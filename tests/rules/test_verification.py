"""Verifying an unlinked customer by postal code, and the lockout after three failures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from skill.records import Money, Order, OrderStatus
from skill.rules.verification import locked_until, postal_code_matches, recent_failures

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def order_at(postal_code: str) -> Order:
    return Order(
        number="1003",
        customer_id="cust-1",
        status=OrderStatus.SHIPPED,
        items={"en": "Kettle"},
        placed_on=date(2026, 11, 20),
        postal_code=postal_code,
        total=Money(Decimal("29.00"), "GBP"),
    )


@pytest.mark.parametrize(
    ("stored", "spoken", "expected"),
    [
        ("02134", "02134", True),
        ("10115", "10115", True),
        ("SW1A 1AA", "SW1A 1AA", True),
        ("SW1A 1AA", "sw1a 1aa", True),
        ("SW1A 1AA", "SW1A1AA", True),
        ("sw1a 1aa", "SW1A1AA", True),
        ("SW1A 1AA", " s w 1 a 1 a a ", True),
        ("02134", "2134", True),  # Alexa's number slot drops the leading zero
        ("2134", "02134", True),
        ("00501", "501", True),
        ("02134", "02135", False),
        ("10115", "10117", False),
        ("SW1A 1AA", "SW1A 1AB", False),
        ("02134", "21340", False),
        ("02134", "", False),
        ("02134", None, False),
        ("02134", "   ", False),
        ("", "", False),
        ("", "02134", False),
    ],
)
def test_postal_code_matches(stored: str, spoken: str | None, expected: bool) -> None:
    assert postal_code_matches(order_at(stored), spoken) is expected


@pytest.mark.parametrize("spoken", ["02134", "", None])
def test_postal_code_unknown_order_never_matches(spoken: str | None) -> None:
    assert postal_code_matches(None, spoken) is False


def test_no_failures_not_locked() -> None:
    assert locked_until([], T0) is None


def test_two_failures_not_locked() -> None:
    assert locked_until([minutes(0), minutes(1)], minutes(2)) is None


@pytest.mark.parametrize(
    "failures",
    [
        pytest.param([minutes(0), minutes(5), minutes(10)], id="in-order"),
        pytest.param([minutes(10), minutes(0), minutes(5)], id="unsorted"),
        pytest.param([minutes(0), minutes(0), minutes(10)], id="same-instant"),
    ],
)
def test_three_failures_within_window_lock_from_the_third(failures: list[datetime]) -> None:
    assert locked_until(failures, minutes(10)) == minutes(25)
    assert locked_until(failures, minutes(24.99)) == minutes(25)


def test_three_failures_exactly_fifteen_minutes_apart_lock() -> None:
    assert locked_until([minutes(0), minutes(7), minutes(15)], minutes(16)) == minutes(30)


@pytest.mark.parametrize(
    "failures",
    [
        pytest.param([minutes(0), minutes(8), minutes(15.5)], id="just-over"),
        pytest.param([minutes(0), minutes(10), minutes(20)], id="spread"),
        pytest.param([minutes(0), minutes(16), minutes(32), minutes(48)], id="four-spread"),
    ],
)
def test_three_failures_spread_over_more_than_window_not_locked(
    failures: list[datetime],
) -> None:
    assert locked_until(failures, failures[-1]) is None


def test_lock_ends_exactly_fifteen_minutes_after_the_third() -> None:
    failures = [minutes(0), minutes(1), minutes(2)]

    assert locked_until(failures, minutes(17) - timedelta(microseconds=1)) == minutes(17)
    assert locked_until(failures, minutes(17)) is None
    assert locked_until(failures, minutes(40)) is None


def test_lock_takes_the_latest_end() -> None:
    # (0, 1, 2) and (1, 2, 10) both fall inside a window; the second ends later.
    failures = [minutes(0), minutes(1), minutes(2), minutes(10)]

    assert locked_until(failures, minutes(11)) == minutes(25)


def test_old_lock_over_and_two_new_failures_not_locked() -> None:
    failures = [minutes(0), minutes(1), minutes(2), minutes(40), minutes(41)]

    assert locked_until(failures, minutes(42)) is None


def test_recent_failures_drops_older_than_thirty_minutes_and_sorts() -> None:
    now = minutes(60)
    failures = [minutes(50), minutes(0), minutes(31), minutes(29.99), minutes(59)]

    assert recent_failures(failures, now) == [minutes(31), minutes(50), minutes(59)]


def test_recent_failures_keeps_enough_to_decide_the_lock() -> None:
    failures = [minutes(0), minutes(20), minutes(25), minutes(30)]
    now = minutes(35)

    kept = recent_failures(failures, now)

    assert kept == [minutes(20), minutes(25), minutes(30)]
    assert locked_until(kept, now) == locked_until(failures, now) == minutes(45)


def test_recent_failures_empty() -> None:
    assert recent_failures([], T0) == []
