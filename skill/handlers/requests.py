"""Requests Alexa sends besides a customer's turn: whether we can fulfil an intent
(CanFulfillIntentRequest), the answer to a permission we asked for (Connections.Response),
an error report about our last response (System.ExceptionEncountered), and the skill
being disabled (AlexaSkillEvent.SkillDisabled).
"""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)

from skill.handlers.turn import ServiceHandler, Turn

log = logging.getLogger(__name__)

# The intents a customer may name in one shot ("ask mensch moment where my order is"),
# with the slots we understand. Everything else we cannot fulfil from outside.
ONE_SHOT = {
    "OrderStatusIntent": ("orderNumber", "postalCode", "item"),
    "ComplaintIntent": ("problemType", "orderNumber", "postalCode", "description", "item"),
    "CallbackIntent": ("time", "day", "channel", "phoneNumber"),
    "CallbackStatusIntent": (),
    "CancelCallbackIntent": (),
    "CommitmentStatusIntent": ("orderNumber", "postalCode"),
    "FeedbackIntent": ("feedback",),
    "MyDataIntent": (),
    "DeleteMyDataIntent": (),
}
YES, MAYBE, NO = "YES", "MAYBE", "NO"


class CanFulfillHandler(ServiceHandler):
    """Alexa asks, before the customer named the skill, whether we could answer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("CanFulfillIntentRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = handler_input.request_envelope.request.intent
        name = getattr(intent, "name", None)
        known = ONE_SHOT.get(name or "")
        slots = {}
        answer = NO
        if known is not None:
            answer = YES
            for slot_name, slot in (getattr(intent, "slots", None) or {}).items():
                ours = slot_name in known
                slots[slot_name] = CanFulfillSlot(
                    can_understand=CanUnderstandSlotValues(YES if ours else NO),
                    can_fulfill=CanFulfillSlotValues(YES if ours else NO),
                )
                if not ours and slot.value:
                    answer = MAYBE
        handler_input.response_builder.set_can_fulfill_intent(
            CanFulfillIntent(can_fulfill=CanFulfillIntentValues(answer), slots=slots or None)
        )
        return handler_input.response_builder.response


class PermissionAnswerHandler(ServiceHandler):
    """The customer answered the permission request (AskFor) for their mobile number."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return bool(is_request_type("Connections.Response")(handler_input)) and (
            getattr(request, "name", None) == "AskFor"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        payload = getattr(request, "payload", None) or {}
        accepted = str(payload.get("status", "")).upper() == "ACCEPTED"
        return Turn(handler_input, self.services).answer("permission_answer", accepted=accepted)


class ExceptionEncounteredHandler(ServiceHandler):
    """Alexa reports that our last response could not be used; no speech is allowed."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("System.ExceptionEncountered")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        error = getattr(handler_input.request_envelope.request, "error", None)
        log.error(
            "alexa could not use our response",
            extra={"error_type": str(getattr(getattr(error, "object_type", None), "value", ""))},
        )
        return handler_input.response_builder.response


class SkillDisabledHandler(ServiceHandler):
    """The customer disabled the skill: what we keep about this Alexa user goes."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        # Imported here: the erasure code stays off the path of an ordinary turn.
        from skill.usecases.privacy import erase

        turn = Turn(handler_input, self.services)
        erase(self.services.stores, None, turn.user_id, turn.now)
        return handler_input.response_builder.response


class PermissionEventHandler(ServiceHandler):
    """The customer granted or changed the skill's permissions in the Alexa app."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_request_type("AlexaSkillEvent.SkillPermissionAccepted")(handler_input)
            or is_request_type("AlexaSkillEvent.SkillPermissionChanged")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.usecases.alexa_permissions import permissions_granted

        turn = Turn(handler_input, self.services)
        body = getattr(turn.request, "body", None)
        accepted = getattr(body, "accepted_permissions", None) or []
        system = handler_input.request_envelope.context.system
        permissions_granted(
            self.services.stores,
            user_id=turn.user_id,
            scopes=[p.scope for p in accepted if getattr(p, "scope", None)],
            locale=turn.locale,
            api_endpoint=system.api_endpoint if system else None,
            customer_id=self._customer(turn.access_token),
            now=turn.now,
        )
        return handler_input.response_builder.response

    def _customer(self, access_token: str | None) -> str | None:
        return self.services.identity.customer_id(access_token) if access_token else None


class AccountLinkedHandler(PermissionEventHandler):
    """The customer linked their shop account: their opt-in follows the customer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("AlexaSkillEvent.SkillAccountLinked")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.usecases.alexa_permissions import account_linked

        turn = Turn(handler_input, self.services)
        token = getattr(getattr(turn.request, "body", None), "access_token", None)
        account_linked(
            self.services.stores,
            user_id=turn.user_id,
            customer_id=self._customer(token),
            now=turn.now,
        )
        return handler_input.response_builder.response
