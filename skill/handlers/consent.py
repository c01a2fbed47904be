"""Alexa's voice consent: the skill asks for a permission (Connections.SendRequest,
AskFor), Alexa asks the customer, and its answer comes back as Connections.Response.

The request's token says what the permission was asked for, and the answer goes there:

    reminder:<callback id>          a call back's reminder (skill.handlers.reminders)
    notifications:<complaint id>    news of a settled complaint on this speaker
    notifications:call:<id>         news of a booked call back on this speaker
                                    (both skill.handlers.notification_offer)

The token names what it is about, so an answer needs nothing from the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.utils import is_request_type
from ask_sdk_model.interfaces.connections import SendRequestDirective

from skill.handlers.turn import ServiceHandler

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

REMINDER = "reminder:"
NOTIFICATIONS = "notifications:"


def permission_status(handler_input: HandlerInput, scope: str) -> str | None:
    """The permission as Alexa says it stands ("GRANTED", "DENIED"), if at all."""
    system = handler_input.request_envelope.context.system
    user = system.user if system else None
    scopes = getattr(getattr(user, "permissions", None), "scopes", None) or {}
    status = getattr(scopes.get(scope), "status", None)
    return str(getattr(status, "value", status)) if status is not None else None


def ask_for(handler_input: HandlerInput, scope: str, token: str) -> Response:
    """Alexa asks the customer by voice; its answer comes to :class:`ConsentHandler`."""
    directive = SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": scope, "consentLevel": "ACCOUNT"}],
        },
        token=token,
    )
    return handler_input.response_builder.add_directive(directive).response


def _token(handler_input: HandlerInput) -> str:
    return str(getattr(handler_input.request_envelope.request, "token", "") or "")


class ConsentHandler(ServiceHandler):
    """Alexa's answer to a permission it asked the customer for, sent where the token says."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return bool(
            is_request_type("Connections.Response")(handler_input)
            and getattr(request, "name", None) == "AskFor"
            and _token(handler_input).startswith((REMINDER, NOTIFICATIONS))
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        payload = getattr(request, "payload", None) or {}
        answer = str(payload.get("status", "")).upper()
        token = _token(handler_input)
        # Imported here: each answer runs only its own code.
        if token.startswith(NOTIFICATIONS):
            from skill.handlers.notification_offer import consented

            subject = token.removeprefix(NOTIFICATIONS)
            return consented(handler_input, self.services, answer, subject)
        from skill.handlers.reminders import consented as reminder_consented

        return reminder_consented(
            handler_input, self.services, token.removeprefix(REMINDER), answer
        )
