"""Stores: the only code that talks to DynamoDB. Each takes its client and table name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from skill.storage.agents import LoginStore
from skill.storage.audit import AuditStore
from skill.storage.callbacks import CallbackStore
from skill.storage.complaints import ComplaintStore
from skill.storage.feedback import FeedbackStore
from skill.storage.orders import OrderStore
from skill.storage.reminders import ReminderStore
from skill.storage.tokens import TokenStore
from skill.storage.users import AlexaUserStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# What a store raises when DynamoDB could not do it, retries included: the caller must
# then say so instead of confirming anything.
STORAGE_ERRORS = (ClientError, BotoCoreError)


@dataclass(frozen=True)
class Stores:
    orders: OrderStore
    tokens: TokenStore
    users: AlexaUserStore
    callbacks: CallbackStore
    complaints: ComplaintStore
    feedback: FeedbackStore
    reminders: ReminderStore
    logins: LoginStore
    audit: AuditStore

    @classmethod
    def on(cls, client: DynamoDBClient, table: str) -> Stores:
        return cls(
            orders=OrderStore(client, table),
            tokens=TokenStore(client, table),
            users=AlexaUserStore(client, table),
            callbacks=CallbackStore(client, table),
            complaints=ComplaintStore(client, table),
            feedback=FeedbackStore(client, table),
            reminders=ReminderStore(client, table),
            logins=LoginStore(client, table),
            audit=AuditStore(client, table),
        )
