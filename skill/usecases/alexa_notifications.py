"""Alexa notifications: the customer hears first that their order moved or their call
back is set, on their own Alexa device, if they allowed it.

The notifier calls this for two kinds of stream record:

    an order item, changed               its status became shipped, out for delivery or
                                         delivered -> AMAZON.OrderStatus.Updated
    a callback's outbox event            booked, given to another agent, moved,
                                         cancelled -> AMAZON.Occasion.Updated
                                         a promise the agent made or kept on it
                                         -> AMAZON.MessageAlert.Activated

Each goes to every Alexa user of the customer who granted the notifications permission
(:class:`skill.storage.optins.OptInStore`), to their region's API host. Alexa answers 403
when the permission was taken back: the opt-in is dropped and nothing is retried. Any
other failure raises, so the stream hands the record to the notifier again; a send that
did go out before is harmless then, because the same fact keeps the same reference id
and Alexa updates its notification instead of adding one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Protocol

from skill.adapters.proactive_events import PermissionRevoked
from skill.clock import Clock, system_clock
from skill.records import OrderStatus
from skill.records.callbacks import Callback
from skill.records.optins import AlexaOptIn
from skill.rules.alexa_events import (
    OCCASION_STATUS,
    AppointmentNotice,
    Audience,
    OrderNotice,
    PromiseNotice,
    message_alert_event,
    occasion_event,
    order_status_event,
)
from skill.storage.outbox import event_id

if TYPE_CHECKING:
    from skill.config import Settings
    from skill.speech import Renderer
    from skill.storage import Stores

log = logging.getLogger(__name__)

# The manifest's permission that lets a skill send proactive events to a customer.
NOTIFICATIONS_PERMISSION = "alexa::devices:all:notifications:write"
# The shop's statuses a customer hears of, and what they are in our records.
NEWS = {
    "shipped": OrderStatus.SHIPPED,
    "out_for_delivery": OrderStatus.SHIPPED,
    "delivered": OrderStatus.DELIVERED,
}
# The callback events that are an agent's promise, made or kept: one new message.
PROMISE_EVENTS = {"granted": "promised", "fulfilled": "kept"}
# An arrival day becomes a moment at noon UTC: the same calendar day in every US zone.
_ARRIVAL_TIME = time(12, 0, tzinfo=UTC)


class EventSender(Protocol):
    def send(self, endpoint: str, body: dict[str, Any]) -> None: ...


def shop_status(values: Mapping[str, Any] | None) -> str | None:
    """An order item's status in the shop's words (``out_for_delivery`` included)."""
    if not values:
        return None
    shop = values.get("shop")
    if isinstance(shop, str):
        try:
            status = json.loads(shop).get("status")
        except (ValueError, AttributeError):
            status = None
        if status:
            return str(status)
    status = values.get("status")
    return str(status) if status else None


def order_notice(
    old: Mapping[str, Any] | None, new: Mapping[str, Any], seller: str
) -> OrderNotice | None:
    """What changed for the customer between two images of an order item, if news."""
    before, after = shop_status(old), shop_status(new)
    if after is None or after == before or after not in NEWS:
        return None
    arrival = new.get("estimated_delivery")
    changed = new.get("shop_updated_at")
    return OrderNotice(
        number=str(new["number"]),
        status=NEWS[after],
        seller=seller,
        out_for_delivery=after == "out_for_delivery",
        expected_arrival=(
            datetime.combine(date.fromisoformat(str(arrival)), _ARRIVAL_TIME) if arrival else None
        ),
        changed_at=datetime.fromisoformat(str(changed).replace("Z", "+00:00")) if changed else None,
    )


class AlexaNotifier:
    """Builds and sends the notifications of one stream record."""

    def __init__(
        self,
        stores: Stores,
        renderer: Renderer,
        sender: EventSender,
        clock: Clock = system_clock,
    ) -> None:
        self._stores = stores
        self._renderer = renderer
        self._sender = sender
        self._clock = clock

    def order_changed(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> int:
        """Tell the customer's opted-in Alexa users of an order's news; how many sent."""
        customer_id = new.get("customer_id")
        if not customer_id:
            return 0
        # The seller's name is said in en-US only (the schema's one locale).
        notice = order_notice(old, new, self._words("en-US", "seller"))
        if notice is None:
            return 0
        sent = 0
        for opt_in in self._stores.optins.for_customer(str(customer_id)):
            body = order_status_event(notice, self._audience(opt_in), self._clock())
            sent += self._send(opt_in, body)
        return sent

    def callback_changed(self, event: Mapping[str, Any], callback: Callback) -> int:
        """Tell the callback's owner, if they opted in, that it is set, moved or off, or
        that their agent made or kept a promise."""
        name = str(event.get("event", ""))
        if name not in OCCASION_STATUS and name not in PROMISE_EVENTS:
            return 0  # no news for the customer: nobody to look up
        agent = callback.agent_name.split(" ")[0]
        sent = 0
        for opt_in in self._owners(callback.owner):
            locale = opt_in.locale
            provider = self._words(locale, "provider", agent=agent)
            body: dict[str, Any] | None
            if name in PROMISE_EVENTS:
                promise = PromiseNotice(event_id(event), PROMISE_EVENTS[name], provider)
                body = message_alert_event(promise, self._audience(opt_in), self._clock())
            else:
                notice = AppointmentNotice(
                    callback_id=callback.callback_id,
                    event=name,
                    subject=self._words(locale, "subject"),
                    provider=provider,
                    due_at=callback.due_at,
                )
                body = occasion_event(notice, self._audience(opt_in), self._clock())
            sent += self._send(opt_in, body)
        return sent

    def promise_kept(self, event: Mapping[str, Any]) -> int:
        """A promise kept from the console's overview: a new message for its customer."""
        customer_id = event.get("customer_id")
        if event.get("event") != "promise_kept" or not customer_id:
            return 0
        agent = str(event.get("agent_first_name") or "")
        sent = 0
        for opt_in in self._stores.optins.for_customer(str(customer_id)):
            provider = self._words(opt_in.locale, "provider", agent=agent)
            promise = PromiseNotice(event_id(event), "kept", provider)
            body = message_alert_event(promise, self._audience(opt_in), self._clock())
            sent += self._send(opt_in, body)
        return sent

    def _owners(self, owner: str) -> list[AlexaOptIn]:
        kind, _, identity = owner.partition(":")
        if kind == "customer":
            return self._stores.optins.for_customer(identity)
        if kind == "alexa":
            found = self._stores.optins.by_hash(identity)
            return [found] if found else []
        return []

    def _send(self, opt_in: AlexaOptIn, body: dict[str, Any] | None) -> int:
        if body is None or NOTIFICATIONS_PERMISSION not in opt_in.permissions:
            return 0
        try:
            self._sender.send(opt_in.api_endpoint, body)
        except PermissionRevoked:
            # The customer took the permission back in the Alexa app: stop asking.
            log.info("alexa notifications revoked", extra={"event": body["event"]["name"]})
            self._stores.optins.revoke(opt_in.user_id, NOTIFICATIONS_PERMISSION)
            return 0
        return 1

    def _words(self, locale: str, part: str, **data: Any) -> str:
        return self._renderer.render(locale, "alexa_notification", part=part, **data).text

    @staticmethod
    def _audience(opt_in: AlexaOptIn) -> Audience:
        return Audience(opt_in.user_id, opt_in.locale)


def alexa_notifier_for(
    settings: Settings, stores: Stores, renderer: Renderer, clock: Clock = system_clock
) -> AlexaNotifier | None:
    """The notifier's Alexa side from the settings; None without the skill's credentials."""
    from skill.adapters.lwa import PROACTIVE_EVENTS_SCOPE, AccessTokens, SkillCredentials
    from skill.adapters.proactive_events import AlexaSkillApi, ProactiveEvents

    if not (settings.alexa_client_id and settings.alexa_client_secret):
        return None
    tokens = AccessTokens(
        SkillCredentials(settings.alexa_client_id, settings.alexa_client_secret),
        PROACTIVE_EVENTS_SCOPE,
        timeout=settings.alexa_api_timeout,
        clock=clock,
    )
    api = AlexaSkillApi(tokens, timeout=settings.alexa_api_timeout)
    development = settings.proactive_events_stage == "development"
    return AlexaNotifier(stores, renderer, ProactiveEvents(api, development=development), clock)
