"""Stores: the only code that talks to DynamoDB. Each takes its client and table name.

What they raise when DynamoDB could not do it, retries included, is a
:class:`~skill.storage.errors.StorageError`: the caller must then say so instead of
confirming anything.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from skill.storage.orders import OrderStore
from skill.storage.tokens import TokenStore
from skill.storage.users import AlexaUserStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from skill.storage.agents import LoginStore
    from skill.storage.audit import AuditStore
    from skill.storage.callback_reminders import CallbackReminderStore
    from skill.storage.callbacks import CallbackStore
    from skill.storage.complaints import ComplaintStore
    from skill.storage.feedback import FeedbackStore
    from skill.storage.grants import GrantStore
    from skill.storage.optins import OptInStore
    from skill.storage.outbox import OutboxStore
    from skill.storage.promises import PromiseStore
    from skill.storage.queue import QueueStore
    from skill.storage.reminders import ReminderStore
    from skill.storage.roster import Roster
    from skill.storage.satisfaction import SatisfactionStore
    from skill.storage.sms_replies import SmsReplyStore
    from skill.storage.team import TeamStore


class Stores:
    """Every store, on one client and table.

    The stores a launch uses are made at once; the others, with their modules, when
    first used, so a Lambda's cold start imports no complaint, feedback or console code
    (see :mod:`skill.handlers.deferred`), nor the callbacks' unless the customer has an
    open one.
    """

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self.client = client
        self.table = table
        self.orders = OrderStore(client, table)
        self.tokens = TokenStore(client, table)
        self.users = AlexaUserStore(client, table)

    @cached_property
    def callbacks(self) -> CallbackStore:
        from skill.storage.callbacks import CallbackStore

        return CallbackStore(self.client, self.table)

    @cached_property
    def team(self) -> TeamStore:
        from skill.storage.team import TeamStore

        return TeamStore(self.client, self.table)

    @cached_property
    def roster(self) -> Roster:
        """The agents as this process read them lately (:mod:`.roster`)."""
        from skill.storage.roster import Roster

        return Roster(self.team)

    @cached_property
    def queue(self) -> QueueStore:
        from skill.storage.queue import QueueStore

        return QueueStore(self.client, self.table)

    @cached_property
    def complaints(self) -> ComplaintStore:
        from skill.storage.complaints import ComplaintStore

        return ComplaintStore(self.client, self.table)

    @cached_property
    def promises(self) -> PromiseStore:
        from skill.storage.promises import PromiseStore

        return PromiseStore(self.client, self.table)

    @cached_property
    def grants(self) -> GrantStore:
        from skill.storage.grants import GrantStore

        return GrantStore(self.client, self.table)

    @cached_property
    def feedback(self) -> FeedbackStore:
        from skill.storage.feedback import FeedbackStore

        return FeedbackStore(self.client, self.table)

    @cached_property
    def callback_reminders(self) -> CallbackReminderStore:
        from skill.storage.callback_reminders import CallbackReminderStore

        return CallbackReminderStore(self.client, self.table)

    @cached_property
    def reminders(self) -> ReminderStore:
        from skill.storage.reminders import ReminderStore

        return ReminderStore(self.client, self.table)

    @cached_property
    def outbox(self) -> OutboxStore:
        from skill.storage.outbox import OutboxStore

        return OutboxStore(self.client, self.table)

    @cached_property
    def optins(self) -> OptInStore:
        from skill.storage.optins import OptInStore

        return OptInStore(self.client, self.table)

    @cached_property
    def satisfaction(self) -> SatisfactionStore:
        from skill.storage.satisfaction import SatisfactionStore

        return SatisfactionStore(self.client, self.table)

    @cached_property
    def sms_replies(self) -> SmsReplyStore:
        from skill.storage.sms_replies import SmsReplyStore

        return SmsReplyStore(self.client, self.table)

    @cached_property
    def logins(self) -> LoginStore:
        from skill.storage.agents import LoginStore

        return LoginStore(self.client, self.table)

    @cached_property
    def audit(self) -> AuditStore:
        from skill.storage.audit import AuditStore

        return AuditStore(self.client, self.table)

    def load(self) -> None:
        """Make every store now (before SnapStart's snapshot, say)."""
        _ = (
            self.callbacks,
            self.team,
            self.roster,
            self.queue,
            self.complaints,
            self.promises,
            self.grants,
            self.feedback,
            self.reminders,
            self.callback_reminders,
            self.logins,
            self.audit,
            self.outbox,
            self.optins,
            self.satisfaction,
        )
