"""What the skill keeps about a customer, told on request and erased on request.

"What do you know about me" answers from the same stores that would be erased, so the
summary cannot promise less than the erasure does. The shop's own records (the
customer's profile and orders, the account-linking token) belong to the shop and are
not the skill's to delete; the summary says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skill.records.complaints import CommitmentStatus
from skill.usecases.callbacks import owner_of

if TYPE_CHECKING:
    from skill.storage import Stores


@dataclass(frozen=True)
class Summary:
    linked: bool
    first_name: str | None
    complaints: int
    open_promises: int
    callbacks: int
    open_callback: bool
    channel: str | None  # how they chose to be reached last time
    remembers_visits: bool


@dataclass(frozen=True)
class Erased:
    complaints_deleted: int
    promises_kept: int  # open promises kept without the customer's name
    callbacks: int


def summary(stores: Stores, customer_id: str | None, user_id: str) -> Summary:
    state = stores.callbacks.owner_state(owner_of(customer_id, user_id))
    first_name = None
    complaints = promises = 0
    if customer_id:
        account = stores.orders.account(customer_id)
        first_name = account.customer.first_name if account.customer else None
        history = stores.complaints.history(customer_id)
        complaints = len(history.complaints)
        promises = sum(c.status is CommitmentStatus.PROMISED for c in history.commitments)
    return Summary(
        linked=customer_id is not None,
        first_name=first_name,
        complaints=complaints,
        open_promises=promises,
        callbacks=len(state.callback_ids),
        open_callback=state.open_callback_id is not None,
        channel=state.channel,
        remembers_visits=stores.users.remembers(user_id),
    )


def erase(stores: Stores, customer_id: str | None, user_id: str | None, now: datetime) -> Erased:
    """Erase the skill's data about this customer and this Alexa user.

    The console's admin erases by customer id alone (``user_id`` None): the Alexa user
    records are keyed by a hash the shop cannot reverse, and expire within a year.
    Each step can be repeated: a second request after a failure halfway finishes the
    job and erases nothing twice.
    """
    callbacks = deleted = kept = 0
    if customer_id:
        callbacks += stores.callbacks.forget(owner_of(customer_id, ""), now)
        deleted, kept = stores.complaints.forget(customer_id)
        stores.grants.forget(customer_id)
        # Every Alexa device of theirs that allowed notifications.
        stores.optins.forget_customer(customer_id)
    if user_id is not None:
        # What this device asked for unlinked, and what we remember of it.
        callbacks += stores.callbacks.forget(owner_of(None, user_id), now)
        stores.users.forget(user_id)
        # Their Alexa opt-in: no notification reaches them after this.
        stores.optins.forget(user_id)
        # Their no to reminders: a customer who returns may be offered them again.
        stores.callback_reminders.forget_user(user_id)
        stores.optins.forget_refusal(user_id)
    return Erased(complaints_deleted=deleted, promises_kept=kept, callbacks=callbacks)
