"""How a call back reaches the customer: the channel, and the number or address.

The channel is the one asked for (else the last one used, else the phone); e-mail needs
an address on the account. The number is one the customer confirmed, else the mobile
number Alexa shares, else the account's.

A number said by voice is read back ("the number ending in 42, right?") before anything
is booked for it or sent to it: :class:`NumberReadBack` asks for it, reads it back, and
knows whether the customer said yes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.adapters import alexa_api
from skill.handlers.callback_wish import CallbackWish
from skill.handlers.dialogue import Awaiting
from skill.handlers.turn import Turn
from skill.records import Customer
from skill.rules.callbacks import last_digits, normalise_phone

# The intent that asks for a call back, and its slots; a missing number is asked for
# with it too.
INTENT = "CallbackIntent"
SLOTS = ("time", "day", "channel", "phoneNumber")
CHANNELS = ("phone", "sms", "email")


@dataclass(frozen=True)
class Reach:
    """How the call back reaches the customer."""

    channel: str
    phone: str | None
    email: str | None
    # E-mail was asked for, but the account has no address: by phone instead.
    no_email: bool


def spoken_channel(spoken: str | None) -> str | None:
    """The channel a slot names: Alexa's id, or the closest channel to the words."""
    if spoken is None or spoken in CHANNELS:
        return spoken
    # Words Alexa did not resolve: the closest channel by what they say.
    lowered = spoken.lower()
    if "text" in lowered or "sms" in lowered or "nachricht" in lowered:
        return "sms"
    return "email" if "mail" in lowered else "phone"


# Questions a phone number answers, said on its own ("four one five, five five five…"):
# Alexa may hear it as any number slot, so a number long enough to be one is taken.
PHONE_QUESTIONS = frozenset(
    {
        Awaiting.CALLBACK_CHANGE,
        Awaiting.CALLBACK_OFFER,
        Awaiting.CALLBACK_MOVE,
        Awaiting.CALLBACK_NUMBER,
        Awaiting.PHONE_NUMBER,
    }
)


def said_phone(turn: Turn) -> str | None:
    """The phone number said this turn: the phone slot, or while a question about the
    call back is open, a number in another slot that is long enough to be one."""
    spoken = turn.slot("phoneNumber")
    if spoken or turn.dialogue.awaiting not in PHONE_QUESTIONS:
        return spoken
    for name in ("orderNumber", "postalCode"):
        value = turn.slot(name)
        if normalise_phone(value):
            return value
    return None


def reach_for(
    handler_input: HandlerInput,
    wish: CallbackWish,
    last_channel: str | None,
    customer: Customer | None,
) -> Reach:
    """The channel asked for (else the last one used), and the number or address."""
    channel = wish.channel or last_channel or "phone"
    no_email = False
    email = None
    if channel == "email":
        email = customer.email if customer else None
        if not email:
            channel, no_email = "phone", True
    phone = wish.phone if wish.confirmed else None
    # Alexa is asked for the mobile number only when no confirmed number is at hand.
    phone = phone or alexa_api.mobile_number(handler_input)
    phone = phone or (customer.phone if customer else None)
    return Reach(channel, phone, email, no_email)


class NumberReadBack:
    """Asking for a number, and reading a spoken one back before it is relied on."""

    def __init__(self, turn: Turn, wish: CallbackWish) -> None:
        self.turn = turn
        self.wish = wish

    def confirmed(self, phone: str | None) -> bool:
        """Did the customer say yes to ``phone`` read back, in this session?"""
        return bool(phone) and self.wish.confirmed and self.wish.phone == phone

    def ask(self, *, retry: bool) -> Response:
        turn = self.turn
        self._remember()
        keep = {
            "time": self.wish.time,
            "day": self.wish.day,
            "channel": self.wish.channel,
            "phoneNumber": None,
        }
        response = turn.elicit(
            INTENT, Awaiting.PHONE_NUMBER, "callback_need_number", keep, retry=retry
        )
        if not retry:
            response.card = AskForPermissionsConsentCard(
                permissions=[alexa_api.MOBILE_NUMBER_PERMISSION]
            )
        return response

    def given(self, spoken: str | None) -> Response:
        """A number was said: read it back, or (not a number) ask again."""
        number = normalise_phone(spoken)
        if number is None:
            return self.ask(retry=True)
        self.wish.phone = number
        self.wish.confirmed = False
        self._remember()
        self.turn.dialogue.wait_for(Awaiting.CALLBACK_NUMBER)
        return self.turn.answer("callback_confirm_number", digits=last_digits(number))

    def _remember(self) -> None:
        self.turn.dialogue.remember(self.wish)
