"""Where is my order: linked customers hear their orders, unlinked ones verify first."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.handlers.dialogue import Awaiting, Dialogue
from skill.handlers.handover import OFFER_HUMAN_AFTER, not_heard_twice, offer_callback
from skill.handlers.turn import ServiceHandler, Turn
from skill.records import Order
from skill.rules.orders import (
    SPOKEN_AT_ONCE,
    answer_page,
    describe,
    heard_as,
    normalise_order_number,
    orders_with_item,
    rank_orders,
)
from skill.usecases.orders import identify

if TYPE_CHECKING:
    from skill.handlers.detour import Detour
    from skill.handlers.turn import Services

INTENT = "OrderStatusIntent"


def speak_orders(
    turn: Turn,
    ranked: list[Order],
    missing: str | None = None,
    missing_item: str | None = None,
    detour: Detour | None = None,
) -> Response:
    """Read the next page of ``ranked``, then ask at most one question: the rest of the
    orders, the details of a delayed one for the Alexa app, or "anything else" after a launch.
    On a ``detour`` from an open question, that question is asked again instead.
    """
    # After "I couldn't find that", one order keeps the answer short. Before an open
    # question is asked again, the side answer is one order, or only "I couldn't find it".
    not_found = bool(missing or missing_item)
    size = 1 if not_found else SPOKEN_AT_ONCE
    if detour is not None:
        size = 0 if not_found else 1
    page = answer_page(ranked, turn.today, turn.language, size)
    if detour is not None:
        said = turn.render(
            "order_status",
            views=page.spoken,
            remaining=0,
            missing=missing,
            missing_item=missing_item,
            offer=None,
            follow_up=False,
        )
        return detour.back(said)
    dialogue = turn.dialogue
    follow_up = dialogue.launched
    delayed = next((view.number for view in page.spoken if view.delayed), None)
    dialogue.remaining_orders = page.remaining
    if page.remaining:
        dialogue.wait_for(Awaiting.MORE_ORDERS)
    elif delayed:
        dialogue.wait_for(Awaiting.DELAY_DETAILS)
        dialogue.offered_order = delayed
    elif follow_up:
        dialogue.wait_for(Awaiting.ANYTHING_ELSE)
    return turn.answer(
        "order_status",
        views=page.spoken,
        remaining=len(page.remaining),
        missing=missing,
        missing_item=missing_item,
        offer=delayed if not page.remaining else None,
        follow_up=follow_up,
    )


class OrderStatusHandler(ServiceHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        # An order number said to "is this about order 1001?" answers the complaint.
        return bool(is_intent_name(INTENT)(handler_input)) and not names_complaint_order(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        number = normalise_order_number(turn.slot("orderNumber"))
        customer_id = identify(self.services.identity, turn.access_token)
        if customer_id is not None:
            return self._linked(turn, customer_id, number, turn.slot("item"))
        return self._unlinked(turn, number, turn.slot("postalCode"))

    def _linked(
        self, turn: Turn, customer_id: str, number: str | None, item: str | None
    ) -> Response:
        account = self.services.stores.orders.account(customer_id)
        ranked = rank_orders(account.orders, turn.today)
        if not ranked:
            name = account.customer.first_name if account.customer else None
            return turn.answer("no_orders", name=name)
        detour = _detour(turn, self.services)
        if number is None and item is not None:
            # "Where are my shoes": the orders with that item, else all of them.
            by_item = orders_with_item(ranked, item)
            if by_item:
                return speak_orders(turn, by_item, detour=detour)
            return speak_orders(turn, ranked, missing_item=item, detour=detour)
        if number is None:
            return speak_orders(turn, ranked, detour=detour)
        wanted = [order for order in ranked if heard_as(order.number, number)]
        if wanted:
            return speak_orders(turn, wanted, detour=detour)
        return speak_orders(turn, ranked, missing=number, detour=detour)

    def _unlinked(self, turn: Turn, number: str | None, postal_code: str | None) -> Response:
        # Imported here: a launch checks no order, and its cold start skips this code.
        from skill.usecases.order_checks import Outcome, lockout, verify_order

        stores = self.services.stores
        if number is not None and number in turn.dialogue.verified_orders:
            order = stores.orders.get(number)
            if order is not None:
                return speak_orders(turn, [order])
        if number is None or postal_code is None:
            until = lockout(stores, turn.user_id, turn.now)
            if until is not None:
                return self._locked(turn, until)
            # Alexa heard a number but not which: asked again, not counted as a wrong try.
            unheard = turn.unheard("orderNumber" if number is None else "postalCode")
            if unheard and turn.dialogue.misunderstood() >= OFFER_HUMAN_AFTER:
                return not_heard_twice(turn)
            if number is None:
                # First contact: the LinkAccount card shows how to skip this next time.
                return turn.elicit(
                    INTENT,
                    Awaiting.ORDER_NUMBER,
                    "ask_order_number",
                    {},
                    link_account=not unheard,
                    retry=False,
                    unheard=unheard,
                )
            return turn.elicit(
                INTENT,
                Awaiting.POSTAL_CODE,
                "ask_postal_code",
                {"orderNumber": number},
                unheard=unheard,
            )
        result = verify_order(stores, turn.user_id, number, postal_code, turn.now)
        if result.outcome is Outcome.VERIFIED and result.order is not None:
            turn.dialogue.verified(number)
            return speak_orders(turn, [result.order])
        if result.outcome is Outcome.LOCKED and result.locked_until is not None:
            return self._locked(turn, result.locked_until)
        return turn.elicit(INTENT, Awaiting.ORDER_NUMBER, "ask_order_number", {}, retry=True)

    def _locked(self, turn: Turn, until: datetime) -> Response:
        # Imported here: a launch hands nothing over, and skips the record's dataclass.
        from skill.records.handovers import Handover

        minutes = max(1, math.ceil((until - turn.now).total_seconds() / 60))
        handover = Handover(reason="verification_locked", priority="high")
        return offer_callback(
            turn, "verification_locked", handover, minutes=minutes, link_account=True
        )


def _detour(turn: Turn, services: Services) -> Detour | None:
    """The question to come back to after this answer, if one is open."""
    if turn.dialogue.awaiting not in (Awaiting.REMEDY_CHOICE, Awaiting.CALLBACK_OFFER):
        return None
    # Imported only now: a launch or an order status never loads the complaint code.
    from skill.handlers.detour import Detour

    return Detour.of(turn, services)


def names_complaint_order(handler_input: HandlerInput) -> bool:
    """An order number said while the complaint asked "is this about order 1001?"."""
    if Dialogue.of(handler_input).awaiting is not Awaiting.COMPLAINT_ORDER:
        return False
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    slot = intent.slots.get("orderNumber") if intent is not None and intent.slots else None
    return bool(slot is not None and slot.value and normalise_order_number(str(slot.value)))


def answering(handler_input: HandlerInput, intent: str, question: Awaiting) -> bool:
    """This request is ``intent`` and the previous answer asked ``question``."""
    awaiting = Dialogue.of(handler_input).awaiting
    return bool(is_intent_name(intent)(handler_input)) and awaiting is question


class DelayDetailsHandler(ServiceHandler):
    """ "Yes" to "shall I put the details of the delayed order in your Alexa app?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return answering(handler_input, "AMAZON.YesIntent", Awaiting.DELAY_DETAILS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        number = turn.dialogue.offered_order
        order = self._order(turn, number) if number else None
        if order is None:
            return turn.answer("anything_else")
        view = describe(order, turn.today, turn.language)
        follow_up = turn.dialogue.launched
        if follow_up:
            turn.dialogue.wait_for(Awaiting.ANYTHING_ELSE)
        return turn.answer("delay_details", order=view, follow_up=follow_up)

    def _order(self, turn: Turn, number: str) -> Order | None:
        """The offered order, if this customer may still see it."""
        customer_id = identify(self.services.identity, turn.access_token)
        if customer_id is not None:
            orders = self.services.stores.orders.account(customer_id).orders
            return next((order for order in orders if order.number == number), None)
        if number in turn.dialogue.verified_orders:
            return self.services.stores.orders.get(number)
        return None


class MoreOrdersHandler(ServiceHandler):
    """ "Yes" after "there are two more orders, want to hear them?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return answering(handler_input, "AMAZON.YesIntent", Awaiting.MORE_ORDERS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input, self.services)
        wanted = turn.dialogue.remaining_orders
        customer_id = identify(self.services.identity, turn.access_token)
        if customer_id is None or not wanted:
            return turn.answer("anything_else")
        by_number = {o.number: o for o in self.services.stores.orders.account(customer_id).orders}
        ranked = [by_number[number] for number in wanted if number in by_number]
        if not ranked:
            return turn.answer("anything_else")
        return speak_orders(turn, ranked)
