"""Yes or no to "shall I remind you five minutes before Maria calls?", asked once
after a booking, and Alexa's answer when the customer was asked for the permission.

    yes, reminders granted   create the reminder now, with the request's API token
    yes, not granted         Alexa asks for the permission by voice (Connections.SendRequest,
                             AskFor); its answer (Connections.Response) comes back here:
                             ACCEPTED creates the reminder, DENIED is remembered and the
                             customer is never asked again
    yes, refused before      never asked again: where to allow it instead
    no                       nothing; the call stands as booked

The permission request's token (``reminder:<callback id>``) names the call back, so its
answer, which :class:`skill.handlers.consent.ConsentHandler` sends here, needs nothing
from the session.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.adapters.proactive_events import AlexaApiError, PermissionRevoked, UnknownEndpoint
from skill.adapters.reminders_api import SessionReminders
from skill.handlers.consent import REMINDER, ask_for, permission_status
from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.turn import ServiceHandler, Services, Turn, is_yes_or_no
from skill.rules.reminders import REMINDERS_PERMISSION
from skill.storage.errors import StorageError
from skill.usecases.callback_reminders import create_reminder

if TYPE_CHECKING:
    from skill.records.callbacks import Callback
    from skill.usecases.callback_reminders import ReminderCreator

log = logging.getLogger(__name__)


def reminders_permission(handler_input: HandlerInput) -> str | None:
    """The reminders permission as Alexa says it stands ("GRANTED", "DENIED"), if at all."""
    return permission_status(handler_input, REMINDERS_PERMISSION)


class ReminderTurn:
    """One turn that may set the reminder of a call back."""

    def __init__(self, handler_input: HandlerInput, services: Services) -> None:
        self.input = handler_input
        self.services = services
        self.turn = Turn(handler_input, self.services)

    def callback(self, callback_id: str | None) -> Callback | None:
        if not callback_id:
            return None
        try:
            found = self.services.stores.callbacks.get(callback_id)
        except StorageError:
            return None
        return found if found is not None and found.is_open else None

    def say(self, said: str, callback: Callback | None) -> Response:
        agent = callback.agent_name.split(" ")[0] if callback else ""
        if callback is None and said != "declined":
            said = "failed" if said == "created" else said
        return self.turn.answer("reminder", said=said, agent=agent, end_session=True)

    def create(self, callback: Callback) -> Response | None:
        """Set it; None when Alexa says the permission is missing."""
        system = self.input.request_envelope.context.system
        try:
            create_reminder(
                self.services.stores,
                self.services.renderer,
                self._reminders(),
                callback,
                endpoint=str(system.api_endpoint),
                api_access_token=str(system.api_access_token),
                now=self.turn.now,
            )
        except PermissionRevoked:
            return None
        except (AlexaApiError, UnknownEndpoint):
            log.warning("alexa reminder not created")
            return self.say("failed", callback)
        except StorageError:
            # Alexa set it, so it rings as told; only a later move will not reach it.
            log.warning("alexa reminder created but not kept")
        return self.say("created", callback)

    def ask_permission(self, callback: Callback) -> Response:
        """Alexa asks the customer by voice; its answer comes as Connections.Response."""
        return ask_for(self.input, REMINDERS_PERMISSION, f"{REMINDER}{callback.callback_id}")

    def _reminders(self) -> ReminderCreator:
        if self.services.reminders is not None:
            return self.services.reminders
        return SessionReminders(timeout=self.services.settings.alexa_api_timeout)


class ReminderAnswerHandler(ServiceHandler):
    """Yes or no to the reminder offered after a booking."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        awaiting = Dialogue.of(handler_input).awaiting
        return awaiting is Awaiting.REMINDER_OFFER and is_yes_or_no(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        reminder = ReminderTurn(handler_input, self.services)
        callback = reminder.callback(reminder.turn.dialogue.take_callback_id())
        if not is_intent_name("AMAZON.YesIntent")(handler_input) or callback is None:
            return reminder.say("declined", callback)
        if reminders_permission(handler_input) == "GRANTED":
            done = reminder.create(callback)
            if done is not None:
                return done
        try:
            denied = self.services.stores.callback_reminders.denied(reminder.turn.user_id)
        except StorageError:
            denied = True  # asking twice is worse than not setting it
        if denied:
            # Asked once and refused: not again; the customer can allow it in the app.
            return reminder.say("off", callback)
        return reminder.ask_permission(callback)


def consented(
    handler_input: HandlerInput, services: Services, callback_id: str, answer: str
) -> Response:
    """Alexa's answer to the reminders permission it asked the customer for."""
    reminder = ReminderTurn(handler_input, services)
    callback = reminder.callback(callback_id)
    if answer == "ACCEPTED" and callback is not None:
        return reminder.create(callback) or reminder.say("failed", callback)
    if answer == "DENIED":
        try:
            services.stores.callback_reminders.deny(reminder.turn.user_id, reminder.turn.now)
        except StorageError:
            log.warning("reminders denial not kept")
    return reminder.say("denied" if answer != "ACCEPTED" else "failed", callback)
