"""What every step of a complaint shares: who complains, the complaint so far, their
orders, and the honest answer when storage fails.

The steps (:mod:`skill.handlers.complaints` for the whole dialogue) build on
:class:`ComplaintTurn`: taking the complaint (:mod:`skill.handlers.complaints`), the
policy's offer and the customer's choice (:mod:`skill.handlers.remedy_offer`), and the
customer's promises (:mod:`skill.handlers.commitments`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from skill.handlers.dialogue import Awaiting, ComplaintState, Slots
from skill.handlers.handover import OFFER_HUMAN_AFTER, not_heard_twice, offer_callback
from skill.records import Order
from skill.records.complaints import ProblemType, RemedyKind
from skill.records.handovers import Handover
from skill.rules.orders import describe
from skill.storage.complaints import History, history_from
from skill.usecases.order_checks import Outcome, lockout, verify_order
from skill.usecases.orders import identify

if TYPE_CHECKING:
    from ask_sdk_model import Response

    from skill.handlers.turn import Services, Turn
    from skill.storage.orders import Account


def problem_type(raw: str | None) -> ProblemType | None:
    if not raw:
        return None
    try:
        return ProblemType(raw.strip().lower().replace(" ", "_"))
    except ValueError:
        # Words Alexa could not match to a type: a person will understand them.
        return ProblemType.OTHER


# The RemedyType slot's id for "neither" / "keins davon": none of the remedies offered.
NO_REMEDY = "none"


def remedy_kind(raw: str | None) -> RemedyKind | None:
    try:
        return RemedyKind(raw.strip().lower().replace(" ", "_")) if raw else None
    except ValueError:
        return None


def speak_order(turn: Turn, order: Order | None) -> Any:
    return describe(order, turn.today, turn.language) if order is not None else None


def not_saved(turn: Turn) -> Response:
    """Storage failed: say so, confirm nothing, and give the phone line."""
    turn.dialogue.forget_complaint()
    turn.dialogue.stop_waiting()
    return turn.answer(
        "complaint_not_saved",
        end_session=True,
        service_phone=turn.services.settings.service_phone,
    )


def maybe_saved(turn: Turn) -> Response:
    """The remedy was sent and its answer lost: it may be stored, so never "nothing
    has been arranged"; asked again, the skill finds it."""
    turn.dialogue.forget_complaint()
    turn.dialogue.stop_waiting()
    return turn.answer(
        "complaint_uncertain",
        end_session=True,
        service_phone=turn.services.settings.service_phone,
    )


class ComplaintTurn:
    """One turn of the complaint dialogue: the turn, who complains, the complaint so far."""

    def __init__(
        self,
        turn: Turn,
        services: Services,
        customer_id: str | None,
        account: Account | None = None,
    ) -> None:
        self.turn = turn
        self.services = services
        self.stores = services.stores
        self.state: ComplaintState = turn.dialogue.complaint
        self.customer_id = customer_id
        # The linked customer's account once this turn read it (its query brings their
        # complaints and promises too), for the next step of the same turn.
        self.known_account = account

    @classmethod
    def begin(cls, turn: Turn, services: Services) -> Self:
        """The step for this turn, with the customer the account link names, if any."""
        return cls(turn, services, identify(services.identity, turn.access_token))

    def account(self, customer_id: str) -> Account:
        """The linked customer's account, read once in the turn."""
        if self.known_account is None:
            self.known_account = self.stores.orders.account(customer_id)
        return self.known_account

    def known_history(self) -> History | None:
        """The customer's complaints and promises, if the turn read their account (its
        query brings them): a grant or an assessment then needs no query for them."""
        if self.known_account is None:
            return None
        return history_from(self.known_account.complaint_items)

    def own_order(self, number: str) -> Order | None:
        """Order ``number`` if this customer may see it: theirs, or proved in this session."""
        if self.customer_id is not None:
            orders = self.account(self.customer_id).orders
            return next((order for order in orders if order.number == number), None)
        if number in self.turn.dialogue.verified_orders:
            return self.stores.orders.get(number)
        return None

    def verified_order(self, intent: str, number: str | None, slots: Slots) -> Order | Response:
        """An unlinked customer proves the order is theirs, exactly as for order status."""
        turn = self.turn
        if number is not None and number in turn.dialogue.verified_orders:
            order = self.stores.orders.get(number)
            if order is not None:
                return order
        postal_code = slots.get("postalCode")
        if number is None or postal_code is None:
            if lockout(self.stores, turn.user_id, turn.now) is not None:
                return self.unknown_order(number, locked=True)
            unheard = turn.unheard("orderNumber" if number is None else "postalCode")
            if unheard and turn.dialogue.misunderstood() >= OFFER_HUMAN_AFTER:
                return not_heard_twice(turn)
            if number is None:
                return turn.elicit(
                    intent,
                    Awaiting.ORDER_NUMBER,
                    "ask_order_number",
                    slots,
                    link_account=not unheard,
                    retry=False,
                    unheard=unheard,
                )
            return turn.elicit(
                intent, Awaiting.POSTAL_CODE, "ask_postal_code", slots, unheard=unheard
            )
        result = verify_order(self.stores, turn.user_id, number, postal_code, turn.now)
        if result.outcome is Outcome.VERIFIED and result.order is not None:
            turn.dialogue.verified(number)
            return result.order
        if result.outcome is Outcome.LOCKED or self.state.retried:
            return self.unknown_order(number, locked=result.outcome is Outcome.LOCKED)
        self.state.retry()
        slots = {**slots, "orderNumber": None, "postalCode": None}
        self.state.slots = slots
        return turn.elicit(intent, Awaiting.ORDER_NUMBER, "ask_order_number", slots, retry=True)

    def unknown_order(
        self, number: str | None, *, no_orders: bool = False, locked: bool = False
    ) -> Response:
        self.turn.dialogue.forget_complaint()
        reason = "verification_locked" if locked else "unknown_order"
        return offer_callback(
            self.turn,
            "complaint_unknown_order",
            Handover(reason=reason, order_number=number),
            number=number,
            no_orders=no_orders,
            locked=locked,
        )
