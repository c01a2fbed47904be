"""Where notifications go in AWS: the team's SNS topic, and customers' texts.

Customers' SMS go through AWS End User Messaging SMS from one origination identity (a
phone number, pool or sender id the shop registered) rather than SNS's direct SMS
publish: ``sms-voice:SendTextMessage`` can be granted on that one identity, while SNS
can only grant SMS to phone numbers on every resource (``*``).

The local demo prints instead (:class:`LogPublisher`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

_NOT_DIGITS = re.compile(r"[^\d]")


@dataclass(frozen=True)
class Notification:
    audience: str  # "team" or "customer"
    subject: str
    text: str
    phone: str | None = None  # for the customer's SMS


class Publisher(Protocol):
    def publish(self, notification: Notification) -> str | None:
        """Send ``notification``; the message id the service gave it, if any (a reply
        to a customer's text names the id of the text it answers)."""
        ...


class LogPublisher:
    """Local stand-in for SNS: one line per message, printed where the demo runs."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def publish(self, notification: Notification) -> str | None:
        self.sent.append(notification)
        target = "team" if notification.audience == "team" else "customer SMS"
        print(f"[notify {target}] {notification.subject}: {notification.text}", flush=True)
        return None  # nothing was sent, so nothing can be answered


class SnsPublisher:
    """The team's topic, and SMS to customers who chose it."""

    def __init__(self, client: Any, topic_arn: str) -> None:
        self._client = client
        self._topic_arn = topic_arn

    def publish(self, notification: Notification) -> str | None:
        if notification.audience == "customer" and notification.phone:
            answer = self._client.publish(PhoneNumber=notification.phone, Message=notification.text)
        else:
            answer = self._client.publish(
                TopicArn=self._topic_arn,
                Subject=notification.subject[:100],
                Message=notification.text,
            )
        message_id: str | None = answer.get("MessageId")
        return message_id


class SmsNumberError(ValueError):
    """A phone number that cannot be written in E.164 form."""


def e164(phone: str) -> str:
    """``"+1 212 555 0142"`` -> ``"+12125550142"``: the form the SMS API accepts."""
    # "+49 (0)30 …": the bracketed trunk zero is dialled at home only.
    text = phone.strip().replace("(0)", "")
    digits = _NOT_DIGITS.sub("", text)
    if text.startswith("00"):
        digits = digits[2:]
    elif not text.startswith("+"):
        raise SmsNumberError("a phone number for SMS needs its country code")
    if not 8 <= len(digits) <= 15:
        raise SmsNumberError("a phone number has 8 to 15 digits")
    return f"+{digits}"


class SmsPublisher:
    """Texts one customer per notification from the shop's origination identity."""

    def __init__(self, client: Any, origination_identity: str) -> None:
        self._client = client
        self._origination = origination_identity

    def publish(self, notification: Notification) -> str | None:
        if not notification.phone:
            raise SmsNumberError("a customer notification without a phone number")
        answer = self._client.send_text_message(
            DestinationPhoneNumber=e164(notification.phone),
            OriginationIdentity=self._origination,
            MessageBody=notification.text,
            MessageType="TRANSACTIONAL",
        )
        message_id: str | None = answer.get("MessageId")
        return message_id


class AwsPublisher:
    """The team's messages to the topic; customers' to SMS when the shop set it up."""

    def __init__(self, team: Publisher, sms: Publisher | None) -> None:
        self._team = team
        self._sms = sms

    def publish(self, notification: Notification) -> str | None:
        if notification.audience != "customer":
            return self._team.publish(notification)
        if self._sms is None:
            # The team's message about the same event still goes out; the agent calls.
            log.info("customer SMS skipped: no SMS origination configured")
            return None
        return self._sms.publish(notification)
