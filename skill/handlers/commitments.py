"""What was promised: the remedies granted and when they are due, and the complaints
our team still has.

A linked customer hears about all their orders; an unlinked one proves an order first
(number and postcode, as for order status) and hears about the orders proved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.callback_views import CallView, view
from skill.handlers.complaint_turn import ComplaintTurn, speak_order
from skill.handlers.dialogue import Awaiting, Slots
from skill.handlers.turn import ServiceHandler, Turn
from skill.records import Order
from skill.records.complaints import ComplaintStatus
from skill.rules.complaints import describe_commitment
from skill.rules.orders import normalise_order_number
from skill.storage.errors import StorageError
from skill.usecases.callbacks import owner_of, status
from skill.usecases.complaints import history_for

if TYPE_CHECKING:
    from skill.storage.complaints import History

COMMITMENTS = "CommitmentStatusIntent"
# How many promises one answer reads out.
SPOKEN_AT_ONCE = 1
# Promises and complaints with the team told in one answer, at most: it stays short.
TOLD_AT_ONCE = 2


class CommitmentsHandler(ServiceHandler):
    """ "What did you promise me?", "what's happening with my complaint?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(COMMITMENTS)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        asking = ComplaintTurn.begin(turn, self.services)
        customer_id = asking.customer_id
        found = self._proved(asking) if customer_id is None else self._linked(customer_id)
        if isinstance(found, Response):
            return found
        orders, history = found
        turn.dialogue.forget_complaint()
        promises = [
            describe_commitment(commitment, orders, turn.today, turn.language)
            for commitment in reversed(history.commitments)
        ]
        with_team = [
            speak_order(turn, next((o for o in orders if o.number == c.order_number), None))
            for c in reversed(history.complaints)
            if c.status is ComplaintStatus.WITH_TEAM
        ]
        return turn.answer(
            "commitments",
            promises=promises[:SPOKEN_AT_ONCE],
            # What is left of the two items one answer tells: complaints with the team.
            with_team=with_team[: max(0, TOLD_AT_ONCE - min(len(promises), SPOKEN_AT_ONCE))],
            more=max(0, len(promises) - SPOKEN_AT_ONCE),
            call=self._call(turn, customer_id) if with_team else None,
        )

    def _call(self, turn: Turn, customer_id: str | None) -> CallView | None:
        """The open call back, so "with our team" also says who calls and when."""
        try:
            found = status(self.services.stores, owner_of(customer_id, turn.user_id))
        except StorageError:
            return None  # the promises are told all the same
        return view(turn, found.callback, found.agent) if found else None

    def _linked(self, customer_id: str) -> tuple[list[Order], History]:
        stores = self.services.stores
        return stores.orders.account(customer_id).orders, history_for(stores, customer_id)

    def _proved(self, asking: ComplaintTurn) -> tuple[list[Order], History] | Response:
        """The orders an unlinked customer proved, asking for one if there is none yet."""
        turn = asking.turn
        stores = self.services.stores
        if turn.dialogue.awaiting not in (Awaiting.ORDER_NUMBER, Awaiting.POSTAL_CODE):
            turn.dialogue.forget_complaint()
        slots: Slots = {
            "orderNumber": turn.slot("orderNumber"),
            "postalCode": turn.slot("postalCode"),
        }
        number = normalise_order_number(slots["orderNumber"])
        verified = turn.dialogue.verified_orders
        if not verified or (number is not None and number not in verified):
            found = asking.verified_order(COMMITMENTS, number, slots)
            if isinstance(found, Response):
                return found
            verified = [found.number]
        orders = [order for n in verified if (order := stores.orders.get(n)) is not None]
        if not orders:
            return turn.answer("commitments", promises=[], with_team=[], more=0)
        return orders, history_for(stores, orders[0].customer_id, verified)
