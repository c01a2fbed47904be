"""Use-cases of the callback: whose it is, and the one a customer has open.

The family: :mod:`skill.usecases.callback_booking` books a callback with a named person,
:mod:`skill.usecases.callback_changes` moves or cancels the open one, and
:mod:`skill.usecases.callback_limits` holds the daily limits both count against. This
module finds what they start from: the owner of a callback, the open one with the
calls ahead of it, which is also what the customer is told when asking about it, and
when the team can call the customer (:func:`call_hours`).

The handlers gather what the customer said; these functions apply the rules in
:mod:`skill.rules.callbacks` to what the stores hold and write the result. A callback is
only reported as booked after the transaction that stores it has succeeded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skill.rules.callbacks import Priority, ahead_of
from skill.rules.dates import zone
from skill.rules.hours import Reachable, ZonedHours, reachable, team_hours
from skill.rules.service_hours import ServiceHours
from skill.storage.callbacks import OwnerState
from skill.storage.users import user_key

if TYPE_CHECKING:
    from skill.config import Settings
    from skill.records.callbacks import Agent, Callback
    from skill.storage import Stores
    from skill.storage.orders import Account


class CallbackUnavailable(Exception):
    """The callback could not be stored (or nobody could be assigned): say so."""


class CallbackUncertain(CallbackUnavailable):
    """The booking was sent and its answer lost: it may be stored. Say that, never that
    it was not booked; the next look finds it if it is."""


def owner_of(customer_id: str | None, user_id: str) -> str:
    """Whose callback it is: the shop's customer, or the Alexa user when unlinked."""
    if customer_id:
        return f"customer:{customer_id}"
    return "alexa:" + user_key(user_id).split("#", 1)[1]


@dataclass(frozen=True)
class OpenCallback:
    """A call back still waiting or claimed, its agent, and the calls ahead of it."""

    callback: Callback
    agent: Agent | None
    ahead: int
    # The team as read with it: its hours, should the customer move the call.
    agents: tuple[Agent, ...] = ()


def lookup(stores: Stores, owner: str) -> tuple[OwnerState, OpenCallback | None]:
    """What we know about this customer's callbacks, and the open one if any."""
    state = stores.callbacks.owner_state(owner)
    existing = in_queue(stores, state.open_callback_id) if state.open_callback_id else None
    return state, existing


def lookup_with(stores: Stores, account: Account) -> tuple[OwnerState, OpenCallback | None]:
    """As :func:`lookup`, for a linked customer, from their account's query.

    Its index copies may lag a moment behind a booking or a close: a lock just deleted
    leads to a callback read that finds it closed, and a lock not yet seen makes the
    booking's transaction fail on the lock, which then reads the open one.
    """
    state = OwnerState(account.open_callback_id, account.callback_channel, list(account.contacts))
    existing = in_queue(stores, state.open_callback_id) if state.open_callback_id else None
    return state, existing


def status(stores: Stores, owner: str) -> OpenCallback | None:
    """The open callback, its agent and how many will be called first."""
    return lookup(stores, owner)[1]


def open_callback(stores: Stores, owner: str) -> Callback | None:
    """Just the open callback, without the queue: enough for a greeting."""
    return still_open(stores, stores.callbacks.owner_state(owner).open_callback_id)


def still_open(stores: Stores, callback_id: str | None) -> Callback | None:
    """The callback, if it is open: a lock read from the index may be a moment old."""
    if not callback_id:
        return None
    callback = stores.callbacks.get(callback_id)
    return callback if callback is not None and callback.is_open else None


def in_queue(stores: Stores, callback_id: str) -> OpenCallback | None:
    """The callback if it is open, with its agent and the calls ahead of it in the queue."""
    callback = stores.callbacks.get(callback_id)
    if callback is None or not callback.is_open:
        return None
    team = stores.team.get()
    others = [item for item in team.queue if item.callback_id != callback.callback_id]
    ahead = ahead_of(others, Priority(callback.priority), callback.due_at)
    return OpenCallback(callback, team.agent(callback.agent_id), ahead, tuple(team.agents))


def call_hours(
    settings: Settings, agents: Sequence[Agent], locale: str, customer_zone: str
) -> Reachable:
    """When the team serving ``locale`` can call a customer in ``customer_zone``.

    The team is the agents who speak the locale's language; those without hours of their
    own work ``SERVICE_HOURS`` in the locale's team zone (:meth:`Settings.service_zone_for`).
    """
    default = ZonedHours(
        ServiceHours.parse(settings.service_hours), zone(settings.service_zone_for(locale))
    )
    team = team_hours(agents, language_of(locale), default)
    return reachable(team, zone(customer_zone))


def language_of(locale: str) -> str:
    """ "de" of "de-DE": the language the team must speak."""
    return locale.split("-")[0].lower()
