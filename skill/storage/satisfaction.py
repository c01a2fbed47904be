"""Customer satisfaction on the callback it is about (:mod:`skill.rules.satisfaction`).

Items (attributes of items that :mod:`.callbacks` writes)::

    PK=CALLBACK#<id>   SK=CALLBACK          csat_asked_at, csat_asked_by ("voice", "sms"),
                                            csat_score (1-5), csat_at
    PK=OWNER#<owner>   SK=CONTACT#<iso>     csat_due, agent_first_name: the customer is
                                            asked at their next visit; the account's
                                            query brings it along (the launch reads
                                            no more than it did)

Asking is one transaction: the callback is marked asked and the contact's mark removed,
before the question is spoken. A customer who then says stop, or something else, is
not asked again; two devices launching at once ask once (the second one's condition
fails). A score is stored only on a callback that was asked and has none yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from skill.rules.satisfaction import Survey
from skill.storage.callback_items import callback_pk, owner_pk
from skill.storage.codec import timestamp
from skill.storage.errors import ConditionFailed, translated
from skill.storage.transaction import PRESENT, Update, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

_NOT_ASKED = f"{PRESENT} AND attribute_not_exists(csat_asked_at)"
_ASKED_NOT_ANSWERED = "attribute_exists(csat_asked_at) AND attribute_not_exists(csat_score)"


def _contact_done(customer_id: str, survey: Survey) -> Update:
    return Update(
        owner_pk(f"customer:{customer_id}"),
        f"CONTACT#{timestamp(survey.resolved_at)}",
        "REMOVE csat_due",
        condition="attribute_exists(csat_due)",
    )


class SatisfactionStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @translated()
    def ask(
        self, customer_id: str, survey: Survey, now: datetime, passed: Sequence[Survey] = ()
    ) -> bool:
        """Mark ``survey``'s callback asked by voice; False: it was asked already.

        ``passed``: older surveys of the same customer, never asked now (one question a
        visit, about the latest call), whose marks go in the same write.
        """
        asked = Update(
            callback_pk(survey.callback_id),
            "CALLBACK",
            "SET csat_asked_at = :now, csat_asked_by = :voice",
            condition=_NOT_ASKED,
            values={":now": timestamp(now), ":voice": "voice"},
        )
        writes = [asked, _contact_done(customer_id, survey)]
        writes += [_contact_done(customer_id, old) for old in passed if old != survey]
        try:
            transact(self._client, self._table, writes)
        except ConditionFailed:
            return False
        return True

    @translated()
    def record(self, callback_id: str, score: int, now: datetime) -> bool:
        """Store the customer's ``score``; False: there is one already (a retried turn),
        or the callback was never asked about."""
        try:
            with translated():
                self._client.update_item(
                    **Update(
                        callback_pk(callback_id),
                        "CALLBACK",
                        "SET csat_score = :score, csat_at = :now",
                        condition=_ASKED_NOT_ANSWERED,
                        values={":score": score, ":now": timestamp(now)},
                    ).arguments(self._table)
                )
        except ConditionFailed:
            return False
        return True
