"""What the skill remembers between the turns of one session, typed.

Alexa keeps the session attributes and sends them back with the next request. This
module is the only code that knows their keys: handlers and interceptors go through
:class:`Dialogue`, so mypy sees a misspelt key or a state the skill cannot be in. The
attributes come back from the device, so every value is checked as it is read: a
garbled or tampered one reads as absent (or empty) and never crashes a turn. All of
them are small and hold no personal data beyond the phone number a customer just gave
for their call back.

====================  ============================================================
``awaiting``          what the last answer asked for (:class:`Awaiting`); one turn
``pending``           the intent and slots of an unfinished dialogue; one turn
``misunderstandings`` consecutive fallbacks in this session
``remaining_orders``  order numbers not yet read out
``verified_orders``   orders an unlinked customer proved in this session
``launched``          the session began with a launch (ask "anything else?")
``offer_order``       the delayed order whose details were offered for the Alexa app
``handover``          why a human was offered (:mod:`skill.handlers.handover`)
``complaint``         the complaint being taken (:class:`ComplaintState`); cleared when
                      it is settled
``callback``          the call back being asked for
                      (:class:`skill.handlers.callback_wish.CallbackWish`)
``callback_id``       the open callback a yes/no question is about
``settled``           the complaint just settled, when news of it is offered
``last_response``     the last speech and reprompt, for "repeat"
``survey``            the resolved callback whose score was asked for, the agent's
                      first name, and whether it was asked again already
====================  ============================================================

"One turn" keys are moved from the session to the request attributes as a turn begins
(:meth:`Dialogue.begin_turn`), so a question is open only for the turn that answers it;
a handler asks again to keep it open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

    from skill.handlers.callback_wish import CallbackWish
    from skill.records.handovers import Handover

Slots = dict[str, str | None]

_AWAITING = "awaiting"
_PENDING = "pending"
_MISUNDERSTANDINGS = "misunderstandings"
_REMAINING_ORDERS = "remaining_orders"
_VERIFIED_ORDERS = "verified_orders"
_LAUNCHED = "launched"
_OFFER_ORDER = "offer_order"
_HANDOVER = "handover"
_COMPLAINT = "complaint"
_CALLBACK = "callback"
_CALLBACK_ID = "callback_id"
_SETTLED = "settled"
_LAST_RESPONSE = "last_response"
_SURVEY = "survey"
_ONE_TURN = (_AWAITING, _PENDING)
# Request attributes: set by the fallback handler for the response interceptors.
_MISUNDERSTOOD = "misunderstood"
# An unlinked customer may prove this many orders in one session; the oldest goes first.
VERIFIED_ORDERS_KEPT = 10


class Awaiting(StrEnum):
    """Everything the skill can wait for: the answer to the question it just asked.

    The values are what the session holds (and what templates compare ``awaiting``
    with), so they never change.
    """

    # A slot asked for with Dialog.ElicitSlot: the value is the slot's name.
    ORDER_NUMBER = "orderNumber"
    POSTAL_CODE = "postalCode"
    PROBLEM_TYPE = "problemType"
    DESCRIPTION = "description"
    FEEDBACK = "feedback"
    PHONE_NUMBER = "phoneNumber"
    TIME = "time"
    # A yes/no question.
    MORE_ORDERS = "more_orders"  # "want to hear the other orders?"
    DELAY_DETAILS = "delay_details"  # "shall I put the details in your Alexa app?"
    ANYTHING_ELSE = "anything_else"
    COMPLAINT_ORDER = "complaint_order"  # "is this about order 1001?"
    REMEDY_CHOICE = "remedy_choice"  # the remedies offered; "no" hands over
    CALLBACK_OFFER = "callback_offer"  # "shall someone from our team call you?"
    CALLBACK_NUMBER = "callback_number"  # "shall we call the number ending in 42?"
    CALLBACK_CANCEL = "callback_cancel"
    CALLBACK_CHANGE = "callback_change"
    CALLBACK_MOVE = "callback_move"  # "we're closed then: move it to tomorrow at 8?"
    ERASE_DATA = "erase_data"
    REMINDER_OFFER = "reminder_offer"  # "shall I remind you five minutes before Maria calls?"
    NOTIFY_OFFER = "notify_offer"  # "shall I tell you on this speaker when it's done?"
    SATISFACTION = "satisfaction"  # "did Maria sort it out? say a number from one to five"

    @classmethod
    def read(cls, value: object) -> Awaiting | None:
        """The state ``value`` names, or None for anything else."""
        if not isinstance(value, str):
            return None
        try:
            return cls(value)
        except ValueError:
            return None


# The slots the skill elicits; help, fallback and repeat keep asking for them.
ELICITED = frozenset(
    {
        Awaiting.ORDER_NUMBER,
        Awaiting.POSTAL_CODE,
        Awaiting.PROBLEM_TYPE,
        Awaiting.DESCRIPTION,
        Awaiting.FEEDBACK,
        Awaiting.PHONE_NUMBER,
        Awaiting.TIME,
    }
)


@dataclass(frozen=True)
class Pending:
    """The intent being completed slot by slot, and the slots it has so far."""

    intent: str
    slots: Slots


@dataclass(frozen=True)
class LastResponse:
    """The last answer's speech and reprompt (SSML without ``<speak>``), for "repeat"."""

    speech: str
    reprompt: str | None


class ComplaintState:
    """The complaint being taken, over its dict in the session (changed in place).

    While it is told: the slots so far, the order proposed, and which questions were
    asked already. Once remedies are offered: the complaint id, problem, order, the
    customer's words and the remedies offered. Only the ids are trusted from here; what
    may be granted is decided again from the stored order.
    """

    def __init__(self, values: dict[str, object]) -> None:
        self._values = values

    @property
    def slots(self) -> Slots:
        kept = self._values.get("slots")
        if not isinstance(kept, Mapping):
            return {}
        return {str(name): (str(value) if value else None) for name, value in kept.items()}

    @slots.setter
    def slots(self, slots: Slots) -> None:
        # Kept as given: the flow fills the same dict in as it learns the problem and order.
        self._values["slots"] = slots

    @property
    def proposed(self) -> str | None:
        """The order the skill proposed ("is this about order 1001?")."""
        return _text(self._values.get("proposed"))

    @proposed.setter
    def proposed(self, number: str) -> None:
        self._values["proposed"] = number

    @property
    def proposal_declined(self) -> bool:
        return self._values.get("proposal_declined") is True

    def decline_proposal(self) -> None:
        self._values["proposal_declined"] = True

    @property
    def asked_description(self) -> bool:
        return self._values.get("asked_description") is True

    def ask_description(self) -> None:
        self._values["asked_description"] = True

    def new_order(self) -> None:
        """The customer corrected the order: what happened is asked about the new one."""
        self._values.pop("asked_description", None)
        self._values.pop("proposed", None)

    @property
    def heard(self) -> str | None:
        """Words Alexa could not match to a problem type, kept for the team."""
        return _text(self._values.get("heard"))

    @heard.setter
    def heard(self, words: str) -> None:
        self._values["heard"] = words

    @property
    def retried(self) -> bool:
        """An unlinked customer was asked again after a number and postcode did not match."""
        return self._values.get("retried") is True

    def retry(self) -> None:
        self._values["retried"] = True

    @property
    def complaint_id(self) -> str | None:
        return _text(self._values.get("id"))

    @property
    def problem(self) -> str | None:
        return _text(self._values.get("problem"))

    @property
    def order(self) -> str | None:
        return _text(self._values.get("order"))

    @property
    def description(self) -> str:
        return _text(self._values.get("description")) or ""

    @property
    def offered(self) -> list[str]:
        """The remedies offered, by kind."""
        return _texts(self._values.get("offered"))

    def offer(
        self, complaint_id: str, problem: str, order: str, description: str, offered: list[str]
    ) -> None:
        self._values.update(
            id=complaint_id,
            problem=problem,
            order=order,
            description=description,
            offered=offered,
        )


class Dialogue:
    """The session attributes of one turn, typed, and the question the last turn asked.

    ``session`` is the turn's session attributes (answered with the response), ``asked``
    its request attributes (gone after the turn).
    """

    def __init__(self, session: dict[str, object], asked: dict[str, object]) -> None:
        self._session = session
        self._asked = asked

    @classmethod
    def of(cls, handler_input: HandlerInput) -> Dialogue:
        attributes = handler_input.attributes_manager
        # Requests outside a session (AudioPlayer events, say) have no session attributes.
        session = attributes.session_attributes if handler_input.request_envelope.session else {}
        return cls(session, attributes.request_attributes)

    # --- the question open for this turn ------------------------------------------------

    def begin_turn(self) -> None:
        """Take the last turn's question out of the session: it is open for this turn only."""
        for key in _ONE_TURN:
            self._asked[key] = self._session.pop(key, None)

    @property
    def awaiting(self) -> Awaiting | None:
        """What the previous answer asked for."""
        return Awaiting.read(self._asked.get(_AWAITING))

    @property
    def pending(self) -> Pending | None:
        """The intent the previous answer was completing, and its slots so far."""
        value = self._asked.get(_PENDING)
        if not isinstance(value, Mapping) or not value.get("intent"):
            return None
        slots = value.get("slots")
        kept = slots if isinstance(slots, Mapping) else {}
        return Pending(
            intent=str(value["intent"]),
            slots={str(name): (str(item) if item else None) for name, item in kept.items()},
        )

    def wait_for(self, what: Awaiting) -> None:
        """The answer asks ``what``; the next turn answers it."""
        self._session[_AWAITING] = what.value

    def wait_for_slot(self, slot: Awaiting, intent: str, slots: Slots) -> None:
        """The answer asks for ``slot`` of ``intent``, which has ``slots`` so far."""
        self.wait_for(slot)
        self._session[_PENDING] = {"intent": intent, "slots": slots}

    def wait_again(self) -> None:
        """Keep the last turn's question open through this one ("repeat")."""
        awaiting, pending = self.awaiting, self.pending
        if awaiting is not None:
            self.wait_for(awaiting)
        if pending is not None:
            self._session[_PENDING] = asdict(pending)

    def stop_waiting(self) -> None:
        """Whatever this turn asked is withdrawn (the answer turned into an apology)."""
        self._session.pop(_AWAITING, None)

    # --- misunderstandings --------------------------------------------------------------

    @property
    def misunderstandings(self) -> int:
        """Fallbacks in a row in this session."""
        value = self._session.get(_MISUNDERSTANDINGS)
        return max(value, 0) if isinstance(value, int) and not isinstance(value, bool) else 0

    def misunderstood(self) -> int:
        """One more misunderstanding (this turn's); returns how many in a row now."""
        count = self.misunderstandings + 1
        self._session[_MISUNDERSTANDINGS] = count
        self._asked[_MISUNDERSTOOD] = True
        return count

    @property
    def misunderstood_now(self) -> bool:
        return self._asked.get(_MISUNDERSTOOD) is True

    def understood(self) -> None:
        self._session[_MISUNDERSTANDINGS] = 0

    # --- orders -------------------------------------------------------------------------

    @property
    def remaining_orders(self) -> list[str]:
        """Order numbers not read out yet ("want to hear the other two?")."""
        return _texts(self._session.get(_REMAINING_ORDERS))

    @remaining_orders.setter
    def remaining_orders(self, numbers: Iterable[str]) -> None:
        self._session[_REMAINING_ORDERS] = list(numbers)

    @property
    def verified_orders(self) -> list[str]:
        """Orders an unlinked customer proved (number and postcode) in this session."""
        return _texts(self._session.get(_VERIFIED_ORDERS))

    def verified(self, number: str) -> None:
        """The customer proved ``number`` is theirs."""
        kept = [*self.verified_orders, number][-VERIFIED_ORDERS_KEPT:]
        self._session[_VERIFIED_ORDERS] = kept

    @property
    def launched(self) -> bool:
        """The session began with a launch, so an answer ends with "anything else?"."""
        return self._session.get(_LAUNCHED) is True

    def launch(self) -> None:
        self._session[_LAUNCHED] = True

    @property
    def offered_order(self) -> str | None:
        """The delayed order whose details were offered for the Alexa app."""
        return _text(self._session.get(_OFFER_ORDER))

    @offered_order.setter
    def offered_order(self, number: str) -> None:
        self._session[_OFFER_ORDER] = number

    # --- handing over to a human --------------------------------------------------------

    @property
    def handover(self) -> Handover | None:
        """Why a human was offered, for the agent who takes the call back."""
        return _handover(self._session.get(_HANDOVER))

    @handover.setter
    def handover(self, handover: Handover) -> None:
        self._session[_HANDOVER] = asdict(handover)

    # --- the complaint ------------------------------------------------------------------

    @property
    def complaint(self) -> ComplaintState:
        """The complaint being taken; an empty one is started if there is none."""
        values = self._session.get(_COMPLAINT)
        if not isinstance(values, dict):
            values = self._session[_COMPLAINT] = {}
        return ComplaintState(values)

    def forget_complaint(self) -> None:
        self._session.pop(_COMPLAINT, None)

    # --- the call back ------------------------------------------------------------------

    @property
    def callback_wish(self) -> CallbackWish:
        """A copy of the call back being asked for; :meth:`remember` keeps changes."""
        # Imported here: only the callback turns ask, and a launch skips its dataclass.
        from skill.handlers.callback_wish import CallbackWish

        return CallbackWish.read(self._session.get(_CALLBACK))

    def remember(self, wish: CallbackWish) -> None:
        self._session[_CALLBACK] = wish.written()

    @property
    def callback_id(self) -> str | None:
        """The open callback the question asked about ("shall I cancel it?")."""
        return _text(self._session.get(_CALLBACK_ID))

    @callback_id.setter
    def callback_id(self, callback_id: str) -> None:
        self._session[_CALLBACK_ID] = callback_id

    def take_callback_id(self) -> str | None:
        """The callback the question was about, forgotten: it is answered now."""
        callback_id = self.callback_id
        self._session.pop(_CALLBACK_ID, None)
        return callback_id

    @property
    def settled(self) -> str | None:
        """The complaint just settled whose news the question offered."""
        return _text(self._session.get(_SETTLED))

    @settled.setter
    def settled(self, complaint_id: str) -> None:
        self._session[_SETTLED] = complaint_id

    def take_settled(self) -> str | None:
        """The settled complaint the question was about, forgotten: it is answered now."""
        complaint_id = self.settled
        self._session.pop(_SETTLED, None)
        return complaint_id

    def forget_callback(self) -> None:
        """The call back was booked or changed: what led to it is done."""
        for key in (_CALLBACK, _HANDOVER, _CALLBACK_ID):
            self._session.pop(key, None)

    # --- customer satisfaction ----------------------------------------------------------

    # (Plain values, no dataclass: a launch that asks would pay for defining one.)

    @property
    def survey_callback_id(self) -> str | None:
        """The callback whose score the question asked for."""
        value = self._session.get(_SURVEY)
        return _text(value.get("callback_id")) if isinstance(value, Mapping) else None

    @property
    def survey_agent(self) -> str:
        """The first name of the agent the question named ("did Maria sort it out?")."""
        value = self._session.get(_SURVEY)
        return (_text(value.get("agent")) if isinstance(value, Mapping) else None) or ""

    @property
    def survey_asked_again(self) -> bool:
        """Asked again after a number out of range: the next one ends the question."""
        value = self._session.get(_SURVEY)
        return isinstance(value, Mapping) and value.get("again") is True

    def ask_survey(self, callback_id: str, agent: str, *, again: bool = False) -> None:
        """Ask for the score of ``callback_id``; the next turn answers it."""
        self._session[_SURVEY] = {"callback_id": callback_id, "agent": agent, "again": again}
        self.wait_for(Awaiting.SATISFACTION)

    def forget_survey(self) -> None:
        self._session.pop(_SURVEY, None)

    # --- the last answer ----------------------------------------------------------------

    @property
    def last_response(self) -> LastResponse | None:
        value = self._session.get(_LAST_RESPONSE)
        if not isinstance(value, Mapping):
            return None
        speech = _text(value.get("speech"))
        return LastResponse(speech, _text(value.get("reprompt"))) if speech else None

    @last_response.setter
    def last_response(self, last: LastResponse) -> None:
        self._session[_LAST_RESPONSE] = asdict(last)

    def clear(self) -> None:
        """Forget everything: nothing of this conversation outlives it."""
        self._session.clear()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def _handover(value: object) -> Handover | None:
    if not isinstance(value, Mapping) or not value.get("reason"):
        return None
    # Imported here: only a turn after a hand-over reads one; a launch skips its dataclass.
    from skill.records.handovers import Handover

    def text(name: str) -> str | None:
        item = value.get(name)
        return str(item) if item is not None else None

    return Handover(
        reason=str(value["reason"]),
        priority=text("priority") or "normal",
        order_number=text("order_number"),
        complaint_id=text("complaint_id"),
        amount=text("amount"),
        currency=text("currency"),
    )
