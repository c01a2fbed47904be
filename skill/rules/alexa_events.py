"""The bodies of Alexa notifications (Proactive Events API), built from our records.

Three of Amazon's published schemas (``schemas/alexa/proactive-event.schema.json``
holds them as JSON Schema, and the tests check every body against it):

    AMAZON.OrderStatus.Updated     an order shipped, out for delivery or delivered
    AMAZON.Occasion.Updated        a callback booked, moved, given to another agent
    AMAZON.MessageAlert.Activated  an agent recorded a promise, or kept one

A schema speaks only in the locales Amazon lists for it: OrderStatus.Updated is
en-US only, so a customer in another locale gets no order notification rather than
one Alexa would reject or read in the wrong language. The words Alexa fills in (the
seller, the subject, the agent's name) come in already rendered from templates and
travel as localized attributes; this module chooses no words.

The envelope is the same for all three: a reference id that is stable per fact (sending
it again updates the notification instead of adding one), the moment, an expiry between
five minutes and a day later, and one user as the audience.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from skill.records import OrderStatus

ORDER_STATUS = "AMAZON.OrderStatus.Updated"
OCCASION = "AMAZON.Occasion.Updated"
MESSAGE_ALERT = "AMAZON.MessageAlert.Activated"

# Amazon's schema catalog: OrderStatus.Updated speaks en-US only; the others in every
# locale this skill serves.
LOCALES: dict[str, frozenset[str]] = {
    ORDER_STATUS: frozenset({"en-US"}),
    OCCASION: frozenset({"en-US", "en-GB", "de-DE"}),
    MESSAGE_ALERT: frozenset({"en-US", "en-GB", "de-DE"}),
}

# The API takes an expiry from 5 minutes to 24 hours after the event's timestamp.
SHORTEST_EXPIRY = timedelta(minutes=5)
LONGEST_EXPIRY = timedelta(hours=24)

# A callback's fate in the occasion schema's words. A booking writes "requested" and,
# once an agent has it, "assigned": the customer hears of the second, which names them.
OCCASION_STATUS = {
    "assigned": "CONFIRMED",
    "rescheduled": "RESCHEDULED",
    "cancelled": "CANCELED",
}

_REFERENCE_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Audience:
    """Whom a notification is for: one Alexa user, in the locale of their last visit."""

    user_id: str
    locale: str


@dataclass(frozen=True)
class OrderNotice:
    """An order's new state, as the customer should hear of it."""

    number: str
    status: OrderStatus
    seller: str  # the shop's name, as Alexa says "your order from <seller>"
    out_for_delivery: bool = False
    expected_arrival: datetime | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class AppointmentNotice:
    """A callback as an appointment: what it is about, who calls, when."""

    callback_id: str
    event: str  # the outbox event: "assigned", "rescheduled", "cancelled" (others: no news)
    subject: str  # rendered: "your call back"
    provider: str  # rendered: "Maria from Example Shop"
    due_at: datetime


@dataclass(frozen=True)
class PromiseNotice:
    """A promise an agent recorded or kept: one new message from them."""

    promise_id: str
    event: str  # "promised" or "kept"
    creator: str  # rendered: "Maria from Example Shop"


def moment(value: datetime) -> str:
    """ISO 8601 in UTC, to the second, the form the API's examples use."""
    if value.tzinfo is None:
        raise ValueError("a moment without its time zone")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reference(*parts: str) -> str:
    """A reference id from the parts that identify one fact (at most 100 characters)."""
    return _REFERENCE_CHARACTERS.sub("-", "-".join(parts))[:100]


def order_status_code(notice: OrderNotice) -> str | None:
    """The schema's status for an order, or None when the customer need not hear of it."""
    if notice.status is OrderStatus.DELIVERED:
        return "ORDER_DELIVERED"
    if notice.status in (OrderStatus.SHIPPED, OrderStatus.DELAYED):
        return "ORDER_OUT_FOR_DELIVERY" if notice.out_for_delivery else "ORDER_SHIPPED"
    return None


def order_status_event(
    notice: OrderNotice, audience: Audience, now: datetime
) -> dict[str, Any] | None:
    """AMAZON.OrderStatus.Updated, or None (a status not worth a notification, a locale
    the schema does not speak)."""
    code = order_status_code(notice)
    if code is None or audience.locale not in LOCALES[ORDER_STATUS]:
        return None
    state: dict[str, Any] = {"status": code}
    if notice.changed_at is not None:
        state["enterTimestamp"] = moment(notice.changed_at)
    if code != "ORDER_DELIVERED" and notice.expected_arrival is not None:
        state["deliveryDetails"] = {"expectedArrival": moment(notice.expected_arrival)}
    return _envelope(
        reference("order", notice.number, code),
        {
            "name": ORDER_STATUS,
            "payload": {
                "state": state,
                "order": {"seller": {"name": "localizedattribute:sellerName"}},
            },
        },
        {"sellerName": notice.seller},
        audience,
        now,
        now + LONGEST_EXPIRY,
    )


def occasion_event(
    notice: AppointmentNotice, audience: Audience, now: datetime
) -> dict[str, Any] | None:
    """AMAZON.Occasion.Updated for a callback, or None (an event that is no news to the
    customer, a locale the schema does not speak).

    The notification expires when the call is due (a confirmation of a call that has
    happened helps nobody), within the API's bounds.
    """
    status = OCCASION_STATUS.get(notice.event)
    if status is None or audience.locale not in LOCALES[OCCASION]:
        return None
    return _envelope(
        # One notification per callback: a move replaces the confirmation it outdates.
        reference("callback", notice.callback_id),
        {
            "name": OCCASION,
            "payload": {
                "state": {"confirmationStatus": status},
                "occasion": {
                    "occasionType": "APPOINTMENT",
                    "subject": "localizedattribute:subject",
                    "provider": {"name": "localizedattribute:providerName"},
                    "bookingTime": moment(notice.due_at),
                },
            },
        },
        {"subject": notice.subject, "providerName": notice.provider},
        audience,
        now,
        notice.due_at,
    )


def message_alert_event(
    notice: PromiseNotice, audience: Audience, now: datetime
) -> dict[str, Any] | None:
    """AMAZON.MessageAlert.Activated: one new message from the agent, or None."""
    if audience.locale not in LOCALES[MESSAGE_ALERT]:
        return None
    return _envelope(
        reference("promise", notice.promise_id, notice.event),
        {
            "name": MESSAGE_ALERT,
            "payload": {
                "state": {"status": "UNREAD", "freshness": "NEW"},
                "messageGroup": {
                    "creator": {"name": "localizedattribute:creatorName"},
                    "count": 1,
                },
            },
        },
        {"creatorName": notice.creator},
        audience,
        now,
        now + LONGEST_EXPIRY,
    )


def _envelope(
    reference_id: str,
    event: dict[str, Any],
    attributes: dict[str, str],
    audience: Audience,
    now: datetime,
    expires: datetime,
) -> dict[str, Any]:
    expiry = min(max(expires, now + SHORTEST_EXPIRY), now + LONGEST_EXPIRY)
    return {
        "timestamp": moment(now),
        "referenceId": reference_id,
        "expiryTime": moment(expiry),
        "event": event,
        "localizedAttributes": [{"locale": audience.locale, **attributes}],
        "relevantAudience": {"type": "Unicast", "payload": {"user": audience.user_id}},
    }
