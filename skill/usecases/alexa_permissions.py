"""What a customer granted the skill in the Alexa app, remembered from Alexa's skill
events (``AlexaSkillEvent.*``), which reach the skill like any request and are verified
like every other.

    SkillPermissionAccepted   the first grant: remember the opt-in
    SkillPermissionChanged    the scopes now granted: remember them, or forget the
                              opt-in when none of ours is left
    SkillAccountLinked        the Alexa user is now a shop customer: their opt-in
                              follows the customer's orders
    SkillDisabled             everything about this Alexa user goes (skill.usecases.privacy)

Only the scopes the skill uses are kept: today, notifications.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from skill.records.optins import AlexaOptIn
from skill.usecases.alexa_notifications import NOTIFICATIONS_PERMISSION

if TYPE_CHECKING:
    from skill.storage import Stores

OURS = frozenset({NOTIFICATIONS_PERMISSION})


def permissions_granted(
    stores: Stores,
    *,
    user_id: str,
    scopes: Iterable[str],
    locale: str,
    api_endpoint: str | None,
    customer_id: str | None,
    now: datetime,
) -> AlexaOptIn | None:
    """Remember what this Alexa user allows now; None when it is nothing of ours."""
    granted = frozenset(scopes) & OURS
    known = stores.optins.get(user_id)
    if not granted or not api_endpoint:
        stores.optins.forget(user_id)
        return None
    opt_in = AlexaOptIn(
        user_id=user_id,
        locale=locale,
        api_endpoint=api_endpoint,
        permissions=granted,
        customer_id=customer_id or (known.customer_id if known else None),
    )
    stores.optins.remember(opt_in, now)
    return opt_in


def account_linked(
    stores: Stores, *, user_id: str, customer_id: str | None, now: datetime
) -> AlexaOptIn | None:
    """Tie an existing opt-in to the customer the account link names."""
    known = stores.optins.get(user_id)
    if known is None or customer_id is None or known.customer_id == customer_id:
        return known
    linked = replace(known, customer_id=customer_id)
    stores.optins.remember(linked, now)
    return linked
