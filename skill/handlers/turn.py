"""What every handler needs from one turn: who is asking, when, in which language, what
the dialogue remembers (:mod:`skill.handlers.dialogue`), and a way to answer with a
template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot
from ask_sdk_model.ui import LinkAccountCard, SimpleCard

from skill.config import LOCALES
from skill.handlers.dialogue import Awaiting, Dialogue, Slots
from skill.rules.dates import local_today

# What Alexa fills into a number slot it heard but could not make out.
UNHEARD = "?"

if TYPE_CHECKING:
    from collections.abc import Callable

    from skill.adapters.identity import Identity
    from skill.clock import Clock
    from skill.config import Settings
    from skill.rules.remedies import RemedyPolicy
    from skill.speech import Renderer, Speech
    from skill.storage import Stores
    from skill.usecases.callback_reminders import ReminderCreator


# Never compared: eq=False spares a cold start the generated __eq__ and __hash__.
@dataclass(frozen=True, eq=False)
class Services:
    """The collaborators handlers use; built once per process."""

    settings: Settings
    stores: Stores
    identity: Identity
    renderer: Renderer
    clock: Clock
    # Called once, by the first turn that needs the policy (or by an eager build).
    policy_loader: Callable[[], RemedyPolicy]
    # Creates a customer's reminder in the session; None: Alexa's Reminders API itself.
    reminders: ReminderCreator | None = None

    @cached_property
    def policy(self) -> RemedyPolicy:
        return self.policy_loader()


class ServiceHandler(AbstractRequestHandler):  # type: ignore[misc]
    """A request handler holding the shared :class:`Services`."""

    def __init__(self, services: Services) -> None:
        self.services = services


class Turn:
    """One request, read once; answers through templates."""

    def __init__(self, handler_input: HandlerInput, services: Services) -> None:
        self.input = handler_input
        self.services = services
        envelope = handler_input.request_envelope
        self.request = envelope.request
        raw_locale = getattr(self.request, "locale", None) or "en-US"
        self.locale = raw_locale if raw_locale in LOCALES else _closest(raw_locale)
        self.language = self.locale.split("-")[0]
        self.now: datetime = services.clock()
        self.dialogue = Dialogue.of(handler_input)
        system = envelope.context.system if envelope.context else None
        user = system.user if system and system.user else None
        if user is None and envelope.session is not None:
            user = envelope.session.user
        self.user_id: str = user.user_id if user and user.user_id else "anonymous"
        self.access_token: str | None = user.access_token if user else None
        self.session_id: str = envelope.session.session_id if envelope.session else ""

    @property
    def today(self) -> date:
        return local_today(self.now, self.services.settings.time_zone_for(self.locale))

    def slot(self, name: str) -> str | None:
        """The slot's value; "?" (Alexa heard a number but not which) is no value."""
        intent = getattr(self.request, "intent", None)
        if intent is None or not intent.slots or name not in intent.slots:
            return None
        value = intent.slots[name].value
        text = str(value).strip() if value else None
        return None if text == UNHEARD else text

    def unheard(self, name: str) -> bool:
        """Alexa heard something for the slot but could not make it out: a number as "?",
        or words that match none of a custom slot's values."""
        intent = getattr(self.request, "intent", None)
        slot = intent.slots.get(name) if intent is not None and intent.slots else None
        if slot is None or not slot.value:
            return False
        if str(slot.value).strip() == UNHEARD:
            return True
        resolutions = getattr(slot, "resolutions", None)
        for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
            code = getattr(getattr(authority, "status", None), "code", None)
            if getattr(code, "value", code) == "ER_SUCCESS_NO_MATCH":
                return True
        return False

    @property
    def variant(self) -> int:
        """Which wording of an often-heard phrase (greeting, goodbye) to use this time.

        The minute of the turn: varied enough for a returning customer, and the same for
        everyone in one minute, so an answer never depends on chance.
        """
        return self.now.minute

    def slot_id(self, name: str) -> str | None:
        """A custom slot's id when Alexa resolved the words to one, else the words."""
        intent = getattr(self.request, "intent", None)
        slot = intent.slots.get(name) if intent is not None and intent.slots else None
        resolutions = getattr(slot, "resolutions", None) if slot is not None else None
        for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
            code = getattr(getattr(authority, "status", None), "code", None)
            if getattr(code, "value", code) == "ER_SUCCESS_MATCH" and authority.values:
                return str(authority.values[0].value.id)
        return self.slot(name)

    def render(self, template: str, /, **data: Any) -> Speech:
        data.setdefault("variant", self.variant)
        return self.services.renderer.render(self.locale, template, **data)

    def answer(
        self,
        template: str,
        /,
        *,
        end_session: bool | None = None,
        link_account: bool = False,
        **data: Any,
    ) -> Response:
        """Speak ``template``; the session stays open exactly when it has a reprompt."""
        speech = self.render(template, **data)
        builder = self.input.response_builder
        builder.speak(speech.ssml)
        keep_open = speech.reprompt is not None if end_session is None else not end_session
        if keep_open:
            builder.ask(speech.reprompt or speech.ssml)
        builder.set_should_end_session(not keep_open)
        if link_account:
            builder.set_card(LinkAccountCard())
        elif speech.card_title and speech.card_text:
            builder.set_card(SimpleCard(title=speech.card_title, content=speech.card_text))
        return builder.response

    def answer_after(self, first: Speech, template: str, /, **data: Any) -> Response:
        """Say ``first`` (an answer to a side question), then ``template``'s question."""
        then = self.render(template, **data)
        builder = self.input.response_builder
        builder.speak(f"{first.ssml} {then.ssml}")
        builder.ask(then.reprompt or then.ssml)
        builder.set_should_end_session(False)
        if first.card_title and first.card_text:
            builder.set_card(SimpleCard(title=first.card_title, content=first.card_text))
        return builder.response

    def elicit(
        self,
        intent: str,
        slot: Awaiting,
        template: str,
        keep: Slots,
        /,
        *,
        link_account: bool = False,
        question: Awaiting | None = None,
        **data: Any,
    ) -> Response:
        """Ask for one slot of ``intent`` with our own words (Dialog.ElicitSlot).

        Help and fallback call this too, to resume the dialogue where it was. A
        ``question`` that is answered by yes or no as well as by the slot
        ("a different time?") is what the session waits for instead of the slot.
        """
        # Imported here: the package loads all of Alexa's dialog directives, which a
        # launch (a cold start) never sends.
        from ask_sdk_model.dialog import ElicitSlotDirective

        slots = {key: Slot(name=key, value=value) for key, value in keep.items()}
        directive = ElicitSlotDirective(
            slot_to_elicit=slot.value,
            updated_intent=Intent(
                name=intent,
                slots=slots,
                confirmation_status=IntentConfirmationStatus.NONE,
            ),
        )
        self.dialogue.wait_for_slot(question or slot, intent, keep)
        response = self.answer(template, end_session=False, link_account=link_account, **data)
        response.directives = [*(response.directives or []), directive]
        return response


def is_yes_or_no(handler_input: HandlerInput) -> bool:
    """Whether the customer answered a yes/no question with yes or no."""
    return bool(
        is_intent_name("AMAZON.YesIntent")(handler_input)
        or is_intent_name("AMAZON.NoIntent")(handler_input)
    )


def _closest(locale: str) -> str:
    """The first of our locales in the same language ("de-AT": "de-DE"), else the first."""
    language = locale.split("-")[0].lower()
    return next((known for known in LOCALES if known.startswith(f"{language}-")), LOCALES[0])
