"""Tell people what happened to a callback: the team through a topic, customers by SMS.

Outbox items are written in the same transaction as the change they describe, so an
event exists exactly when the change does. DynamoDB Streams hand each new outbox item
to :func:`deliver`: in AWS a stream-triggered Lambda publishes through
:mod:`skill.adapters.delivery`; locally :class:`skill.devtools.demo.stream.StreamFollower`
reads the embedded server's stream and prints the messages.

Messages to the team carry the customer's first name and the reason, never the phone
number: that is in the console, shown only to the agent who holds the request.

Whom an event tells was decided when it was written (:mod:`skill.usecases.callback_booking`,
:mod:`skill.usecases.callback_changes`):
``sms`` says whether the customer is texted (within the day's limit, to a number that
may be texted, at most once an hour per call back), and ``team: false`` marks a move the
team heard of within the hour. Events without ``sms`` (the console's) text a customer
who chose SMS.

Each message is marked on its outbox item once it went out (team and SMS apart), and a
marked one is never sent again: when the customer's text fails and Lambda retries the
record, the team does not hear of the event twice. The satisfaction question's message
id is kept before its mark, so the customer's reply can score the callback
(:mod:`skill.usecases.sms_replies`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from skill.adapters.delivery import Notification, Publisher
from skill.clock import Clock, system_clock
from skill.records.callbacks import Callback
from skill.rules.dates import relative_day, zone
from skill.rules.satisfaction import first_name
from skill.storage.codec import from_item
from skill.storage.outbox import event_id
from skill.usecases.sms_replies import expect_reply

if TYPE_CHECKING:
    from skill.speech import Renderer
    from skill.storage import Stores
    from skill.usecases.alexa_notifications import AlexaNotifier
    from skill.usecases.callback_reminders import ReminderKeeper

log = logging.getLogger(__name__)

# The customer hears about the call time by SMS only when they chose SMS.
CUSTOMER_EVENTS = frozenset({"assigned", "rescheduled", "cancelled"})
# The delivery target (the outbox item's mark) of each audience.
TARGETS = {"team": "team", "customer": "sms"}


def notifications_for(
    event: Mapping[str, Any], callback: Callback, renderer: Renderer
) -> list[Notification]:
    """What one outbox event tells whom."""
    name = str(event.get("event", ""))
    who = callback.first_name or "a customer"
    local = callback.due_at.astimezone(zone(callback.time_zone))
    team = Notification(
        audience="team",
        subject=f"Callback {name}: {who}",
        text=(
            f"{callback.agent_name}: callback {name} for {who} ({callback.locale}), "
            f"{callback.priority} priority, reason {callback.reason}, by {callback.channel}, "
            f"due {callback.due_at.strftime('%Y-%m-%d %H:%M')} UTC."
        ),
    )
    messages = [team] if event.get("team") is not False else []
    texts = event.get("sms")
    if texts is None:
        texts = callback.channel == "sms"
    if asks_by_text(event) and texts and callback.phone:
        # Asked once, when the callback was resolved (skill.rules.satisfaction).
        speech = renderer.render(
            callback.locale, "sms_satisfaction", agent=first_name(callback.agent_name)
        )
        messages.append(Notification("customer", "Menschmoment", speech.text, phone=callback.phone))
    elif texts and callback.phone and name in CUSTOMER_EVENTS:
        today = callback.requested_at.astimezone(zone(callback.time_zone)).date()
        speech = renderer.render(
            callback.locale,
            "sms_callback",
            event=name,
            agent=callback.agent_name.split(" ")[0],
            day=relative_day(local.date(), today),
            hour=local.hour,
            minute=local.minute,
        )
        messages.append(Notification("customer", "Menschmoment", speech.text, phone=callback.phone))
    return messages


def asks_by_text(event: Mapping[str, Any]) -> bool:
    """Whether the customer's text of ``event`` is the satisfaction question."""
    return event.get("event") == "satisfaction"


def deliver(
    records: Iterable[Mapping[str, Any]],
    stores: Stores,
    renderer: Renderer,
    publisher: Publisher,
    clock: Clock = system_clock,
    alexa: AlexaNotifier | None = None,
    reminders: ReminderKeeper | None = None,
) -> int:
    """Publish the notifications of new outbox items in DynamoDB stream ``records``,
    and, given ``alexa``, the Alexa notifications of callback events and order changes;
    given ``reminders``, move or delete the customer's reminder of a call back.

    Returns how many went out now; those marked delivered before are skipped.
    """
    delivered = 0
    for record in records:
        stream = record.get("dynamodb", {})
        image = stream.get("NewImage")
        if not image:
            continue
        values = from_item(image)
        if values.get("kind") == "order":
            # An order's own change is its event, written with it by construction. A new
            # order is no change: a first import must not wake every customer's speaker.
            old = stream.get("OldImage")
            if alexa is not None and record.get("eventName") == "MODIFY" and old:
                delivered += alexa.order_changed(from_item(old), values)
            continue
        if record.get("eventName") != "INSERT" or values.get("kind") != "outbox":
            continue
        delivered += _deliver_event(values, stores, renderer, publisher, clock, alexa)
        if reminders is not None and values.get("callback_id"):
            delivered += _keep_reminder(values, stores, clock, reminders)
    return delivered


def _deliver_event(
    values: Mapping[str, Any],
    stores: Stores,
    renderer: Renderer,
    publisher: Publisher,
    clock: Clock,
    alexa: AlexaNotifier | None,
) -> int:
    """Send what one outbox item tells whom, each target at most once."""
    callback: Callback | None = None
    if not values.get("callback_id") and values.get("detail"):
        # About a promise, not a callback (kept from the console's overview).
        name = str(values.get("event", "")).replace("_", " ")
        notifications = [Notification("team", name.capitalize(), str(values["detail"]))]
    else:
        # An event without a callback id is a bug upstream: failing here reports it to
        # the stream (the notifier Lambda retries from it), instead of losing it quietly.
        callback = stores.callbacks.get(str(values["callback_id"]))
        if callback is None:
            log.warning("outbox event without callback", extra={"event": values.get("event")})
            return 0
        notifications = notifications_for(values, callback, renderer)
    tells_alexa = alexa is not None and (callback is not None or bool(values.get("customer_id")))
    if not notifications and not tells_alexa:
        return 0
    delivered = 0
    event = event_id(values)
    done = stores.outbox.delivered(event)
    for notification in notifications:
        target = TARGETS[notification.audience]
        if target in done:
            continue
        message_id = publisher.publish(notification)
        if message_id and target == "sms" and callback is not None and asks_by_text(values):
            # A reply names this id: it finds the callback (skill.usecases.sms_replies).
            expect_reply(stores, callback, message_id, clock())
        stores.outbox.mark_delivered(event, target, clock())
        delivered += 1
    if alexa is not None and "alexa" not in done:
        if callback is not None:
            sent = alexa.callback_changed(values, callback)
        else:
            sent = alexa.promise_kept(values)
        if sent:
            stores.outbox.mark_delivered(event, "alexa", clock())
        delivered += sent
    return delivered


def _keep_reminder(
    values: Mapping[str, Any], stores: Stores, clock: Clock, reminders: ReminderKeeper
) -> int:
    """Move or delete the call back's reminder after this event, at most once."""
    event = event_id(values)
    if "reminder" in stores.outbox.delivered(event):
        return 0
    callback = stores.callbacks.get(str(values["callback_id"]))
    if callback is None:
        return 0
    sent = reminders.callback_changed(values, callback)
    if sent:
        stores.outbox.mark_delivered(event, "reminder", clock())
    return sent
