"""A customer's Alexa reminder of their call back: created when they say yes to it,
moved with the call, deleted when it is cancelled or done.

    yes to "shall I remind you?"     in the session, with the request's API token:
                                     create, and remember the alert token with the call
    the call back moves              the notifier, with the skill's LWA token: update
    cancelled, reached or completed  the notifier: delete

The notifier's calls come from the outbox event of the change, like the notifications
(:mod:`skill.usecases.notifier`): a failed call raises, the stream hands the record to
the notifier again, and no voice turn or console click waits for Alexa. An update or
delete sent twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from skill.adapters.proactive_events import PermissionRevoked
from skill.clock import Clock, system_clock
from skill.records.callbacks import Callback
from skill.rules.reminders import ReminderNotice, reminder_body, worth_reminding
from skill.storage.callback_reminders import CallbackReminder

if TYPE_CHECKING:
    from skill.config import Settings
    from skill.speech import Renderer
    from skill.storage import Stores

log = logging.getLogger(__name__)

# The outbox events after which the call needs no reminder any more.
FINISHED = frozenset({"cancelled", "reached", "completed"})


class ReminderCreator(Protocol):
    def create(self, endpoint: str, api_access_token: str, body: dict[str, Any]) -> str: ...


class ReminderChanger(Protocol):
    def update(self, endpoint: str, alert_token: str, body: dict[str, Any]) -> None: ...

    def delete(self, endpoint: str, alert_token: str) -> None: ...


def reminder_for(callback: Callback, renderer: Renderer, now: datetime) -> dict[str, Any]:
    """The reminder's body: five minutes before the call, in the customer's words."""
    agent = callback.agent_name.split(" ")[0]
    text = renderer.render(callback.locale, "reminder", said="text", agent=agent).text
    notice = ReminderNotice(callback.due_at, callback.time_zone, callback.locale, text)
    return reminder_body(notice, now)


def offers_reminder(callback: Callback, now: datetime) -> bool:
    """Whether a reminder fits: a call on the phone, due later than five minutes from now."""
    return callback.channel == "phone" and worth_reminding(callback.due_at, now)


def create_reminder(
    stores: Stores,
    renderer: Renderer,
    reminders: ReminderCreator,
    callback: Callback,
    *,
    endpoint: str,
    api_access_token: str,
    now: datetime,
) -> CallbackReminder:
    """Create the reminder in the session and keep its alert token with the call back.

    Raises PermissionRevoked without the customer's grant, AlexaApiError when Alexa
    did not take it, StorageError when the token could not be kept (the reminder then
    still rings at the time the customer heard).
    """
    body = reminder_for(callback, renderer, now)
    alert_token = reminders.create(endpoint, api_access_token, body)
    reminder = CallbackReminder(callback.callback_id, alert_token, endpoint, callback.locale)
    stores.callback_reminders.remember(reminder, now)
    return reminder


class ReminderKeeper:
    """Keeps a call back's reminder in step with the call; the notifier calls it."""

    def __init__(
        self,
        stores: Stores,
        renderer: Renderer,
        reminders: ReminderChanger,
        clock: Clock = system_clock,
    ) -> None:
        self._stores = stores
        self._renderer = renderer
        self._reminders = reminders
        self._clock = clock

    def callback_changed(self, event: Mapping[str, Any], callback: Callback) -> int:
        """Move or delete the reminder after ``event``; 1 if Alexa was called."""
        name = str(event.get("event", ""))
        if name != "rescheduled" and name not in FINISHED:
            return 0
        reminder = self._stores.callback_reminders.get(callback.callback_id)
        if reminder is None:
            return 0
        now = self._clock()
        try:
            if callback.is_open and name == "rescheduled" and worth_reminding(callback.due_at, now):
                body = reminder_for(callback, self._renderer, now)
                self._reminders.update(reminder.api_endpoint, reminder.alert_token, body)
                return 1
            # The item stays until TTL takes it (the notifier may not delete callbacks'
            # items): a delete sent again finds the reminder gone, which is no error.
            self._reminders.delete(reminder.api_endpoint, reminder.alert_token)
        except PermissionRevoked:
            # The customer took reminders back: Alexa deleted it with the permission.
            log.info("alexa reminders revoked", extra={"event": name})
        return 1


def reminder_keeper_for(
    settings: Settings, stores: Stores, renderer: Renderer, clock: Clock = system_clock
) -> ReminderKeeper | None:
    """The notifier's reminder side from the settings; None without the skill's credentials."""
    from skill.adapters.lwa import REMINDERS_SCOPE, AccessTokens, SkillCredentials
    from skill.adapters.proactive_events import AlexaSkillApi
    from skill.adapters.reminders_api import SkillReminders

    if not (settings.alexa_client_id and settings.alexa_client_secret):
        return None
    tokens = AccessTokens(
        SkillCredentials(settings.alexa_client_id, settings.alexa_client_secret),
        REMINDERS_SCOPE,
        timeout=settings.alexa_api_timeout,
        clock=clock,
    )
    api = AlexaSkillApi(tokens, timeout=settings.alexa_api_timeout)
    return ReminderKeeper(stores, renderer, SkillReminders(api), clock)
