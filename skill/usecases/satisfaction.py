"""Asking a customer how their resolved callback went, and keeping the answer
(:mod:`skill.rules.satisfaction`, :mod:`skill.storage.satisfaction`).

A score given by voice comes through :func:`record_score`, and so does a customer's
text in reply to the question texted to them (:mod:`skill.usecases.sms_replies`): one
score per callback, whichever comes first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from skill.storage.errors import StorageError

if TYPE_CHECKING:
    from datetime import datetime

    from skill.rules.satisfaction import Survey
    from skill.storage import Stores
    from skill.storage.orders import Account

log = logging.getLogger(__name__)


def survey_for_visit(
    stores: Stores, customer_id: str, account: Account, now: datetime
) -> Survey | None:
    """The resolved callback to ask about at this visit, marked asked; None: nothing to ask.

    Marked before it is asked, so the question is never asked twice. A write that fails
    asks nothing this time (the greeting goes on), rather than risk asking again.
    """
    # Imported here: the answer's handler imports this module on every cold intent.
    from skill.rules.satisfaction import survey_to_ask

    survey = survey_to_ask(account.surveys)
    if survey is None:
        return None
    try:
        asked = stores.satisfaction.ask(customer_id, survey, now, account.surveys)
    except StorageError:
        log.warning("satisfaction question not marked; not asked")
        return None
    return survey if asked else None


def record_score(stores: Stores, callback_id: str, score: int, now: datetime) -> bool:
    """Keep the customer's score with the callback; a second one for it changes nothing.

    False: not stored (there is one already, or the callback was never asked about).
    """
    if not stores.satisfaction.record(callback_id, score, now):
        log.info("satisfaction score already stored")
        return False
    return True
