"""50 simulated customers at once against the production web service on loopback.

``make bench`` runs them for 60 seconds at a person's pace (bench/load.py). Here the
same customers each go through one round (launch, order status, a complaint settled,
a call back booked and cancelled: 7 turns) with 4 seconds between turns instead of 8,
bounded by the round rather than by the clock: about half a minute.
"""

from __future__ import annotations

from bench import load

CUSTOMERS = 50
TURNS_PER_ROUND = 7


def test_fifty_customers_at_once_get_no_5xx_and_every_confirmation_is_stored_once() -> None:
    result = load.run(CUSTOMERS, seconds=120, think=4.0, rounds=1)

    assert result.problems == []
    assert result.turns == CUSTOMERS * TURNS_PER_ROUND
    assert result.server_errors == 0
    # Every customer heard a complaint confirmed (their first is granted) and it is
    # stored exactly once; the callbacks confirmed are each stored once.
    assert result.confirmed_complaints == result.stored_complaints == CUSTOMERS
    assert result.confirmed_callbacks > 0
    assert result.stored_callbacks == result.confirmed_callbacks
