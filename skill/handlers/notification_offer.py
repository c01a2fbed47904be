"""News on this speaker: offered once, after a complaint's remedy is stored or after a
call back is booked without a reminder offer, to a customer who has not allowed
notifications and was never asked.

    yes                 Alexa asks for the notifications permission by voice
                        (skill.handlers.consent); ACCEPTED stores the opt-in as the
                        skill event does, DENIED or no answer is remembered
    no                  remembered too: the customer is asked once, never twice

Alexa reporting the permission DENIED, or an opt-in already stored, means no offer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ask_sdk_core.utils import is_intent_name

from skill.handlers.consent import NOTIFICATIONS, ask_for, permission_status
from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.turn import ServiceHandler, Services, Turn, is_yes_or_no
from skill.storage.errors import StorageError
from skill.usecases.alexa_notifications import NOTIFICATIONS_PERMISSION

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.storage.optins import Standing

log = logging.getLogger(__name__)


def _api_endpoint(handler_input: HandlerInput) -> str | None:
    system = handler_input.request_envelope.context.system
    return str(system.api_endpoint) if system is not None and system.api_endpoint else None


def offers_news(turn: Turn, standing: Standing | None = None) -> bool:
    """Not allowed yet, not refused in the Alexa app, never asked, reachable by Alexa.

    ``standing``: this user's opt-in and refusal, when another read of the turn brought
    them (:func:`skill.storage.optins.standing_keys`); else they are read here."""
    if _api_endpoint(turn.input) is None or turn.user_id == "anonymous":
        return False
    if permission_status(turn.input, NOTIFICATIONS_PERMISSION) in ("GRANTED", "DENIED"):
        return False
    try:
        known, refused = standing or turn.services.stores.optins.standing(turn.user_id)
    except StorageError:
        return False  # asking twice is worse than not asking
    if refused:
        return False
    return known is None or NOTIFICATIONS_PERMISSION not in known.permissions


# What the news is about, as the consent token and the session carry it: a call back's
# id after this prefix, a complaint's id alone.
CALL = "call:"


def _about(subject: str) -> str:
    return "call" if subject.startswith(CALL) else "complaint"


def answer_offering_news(
    turn: Turn, subject: str, template: str, /, standing: Standing | None = None, **data: Any
) -> Response:
    """``template``'s answer, then the offer of news when :func:`offers_news`.
    ``subject``: the complaint's id, or :data:`CALL` and the call back's id."""
    if not offers_news(turn, standing):
        return turn.answer(template, **data)
    turn.dialogue.settled = subject
    turn.dialogue.wait_for(Awaiting.NOTIFY_OFFER)
    return turn.answer_after(
        turn.render(template, **data), "notifications_offer", said="offer", about=_about(subject)
    )


def _refuse(turn: Turn) -> None:
    try:
        turn.services.stores.optins.refuse(turn.user_id, turn.now)
    except StorageError:
        log.warning("notifications refusal not kept")


def _say(turn: Turn, said: str, subject: str) -> Response:
    return turn.answer("notifications_offer", said=said, about=_about(subject), end_session=True)


class NotifyAnswerHandler(ServiceHandler):
    """Yes or no to news of the complaint on this speaker."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        awaiting = Dialogue.of(handler_input).awaiting
        return awaiting is Awaiting.NOTIFY_OFFER and is_yes_or_no(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        subject = turn.dialogue.take_settled() or ""
        if not is_intent_name("AMAZON.YesIntent")(handler_input):
            _refuse(turn)
            return _say(turn, "declined", subject)
        if permission_status(handler_input, NOTIFICATIONS_PERMISSION) == "GRANTED":
            return consented(handler_input, self.services, "ACCEPTED", subject)
        return ask_for(handler_input, NOTIFICATIONS_PERMISSION, f"{NOTIFICATIONS}{subject}")


def consented(
    handler_input: HandlerInput, services: Services, answer: str, subject: str
) -> Response:
    """Alexa's answer to the notifications permission it asked the customer for, about
    ``subject`` (what the consent token named)."""
    # Imported here: only a granted permission runs the opt-in's code.
    from skill.usecases.alexa_permissions import permissions_granted

    turn = Turn(handler_input, services)
    if answer != "ACCEPTED":
        _refuse(turn)
        return _say(turn, "denied", subject)
    token = turn.access_token
    try:
        stored = permissions_granted(
            services.stores,
            user_id=turn.user_id,
            scopes=[NOTIFICATIONS_PERMISSION],
            locale=turn.locale,
            api_endpoint=_api_endpoint(handler_input),
            customer_id=services.identity.customer_id(token) if token else None,
            now=turn.now,
        )
    except StorageError:
        log.warning("notifications opt-in not kept")
        stored = None
    return _say(turn, "accepted" if stored is not None else "failed", subject)
