"""Use-cases around orders: who is asking (the checks of an unlinked customer's order
are :mod:`skill.usecases.order_checks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skill.adapters.identity import Identity


def identify(identity: Identity, access_token: str | None) -> str | None:
    """The linked customer's id, or None for an unlinked (or no longer linked) customer."""
    if not access_token:
        return None
    return identity.customer_id(access_token)
