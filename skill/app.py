"""Build the ask-sdk skill: one object, served by Lambda and by the web service alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.adapters.alexa_api import TimedApiClient
from skill.adapters.identity import Identity, TokenTableIdentity, UserInfoIdentity
from skill.clock import Clock, system_clock
from skill.config import Settings
from skill.handlers.builtins import (
    FallbackHandler,
    HelpHandler,
    LaunchHandler,
    NavigateHomeHandler,
    NoHandler,
    RepeatHandler,
    SessionEndedHandler,
    StopHandler,
    ThanksHandler,
    YesHandler,
)
from skill.handlers.deferred import Deferred
from skill.handlers.envelopes import EnvelopeSerializer
from skill.handlers.errors import ApologyHandler
from skill.handlers.interceptors import (
    BeginStorageDeadline,
    CountMisunderstandings,
    EndLogKeys,
    EndStorageDeadline,
    LogRequest,
    OneTurnState,
    RememberLastResponse,
)
from skill.handlers.orders import DelayDetailsHandler, MoreOrdersHandler, OrderStatusHandler
from skill.handlers.requests import (
    AccountLinkedHandler,
    CanFulfillHandler,
    ExceptionEncounteredHandler,
    PermissionAnswerHandler,
    PermissionEventHandler,
    SkillDisabledHandler,
)
from skill.handlers.turn import Services
from skill.speech import Renderer
from skill.storage import Stores

if TYPE_CHECKING:
    from collections.abc import Callable

    from skill.rules.remedies import RemedyPolicy
    from skill.usecases.callback_reminders import ReminderCreator


def _policy_source(settings: Settings, given: RemedyPolicy | None) -> Callable[[], RemedyPolicy]:
    def load() -> RemedyPolicy:
        if given is not None:
            return given
        # Imported here: the policy's module and classes wait for the first complaint.
        from skill.policy import load_policy

        return load_policy(settings.remedy_policy)

    return load


def default_identity(settings: Settings, stores: Stores) -> Identity:
    if settings.userinfo_url:
        return UserInfoIdentity(settings.userinfo_url, settings.userinfo_id_field)
    return TokenTableIdentity(stores.tokens)


def build_skill(
    settings: Settings,
    stores: Stores,
    *,
    clock: Clock = system_clock,
    identity: Identity | None = None,
    renderer: Renderer | None = None,
    policy: RemedyPolicy | None = None,
    eager: bool = False,
    reminders: ReminderCreator | None = None,
) -> CustomSkill:
    """The skill.

    Without ``eager`` the complaint, privacy and feedback handlers and the remedy policy
    are loaded by the first turn that needs them (:mod:`skill.handlers.deferred`), which
    is what a cold start without SnapStart wants. With ``eager`` everything is loaded
    here, so a broken policy file stops the start (:class:`skill.policy.PolicyError`
    names the line): for SnapStart's snapshot and the long-running web service.
    ``reminders`` creates customers' reminders (the demo prints them); by default
    Alexa's Reminders API.
    """
    services = Services(
        settings=settings,
        stores=stores,
        identity=identity or default_identity(settings, stores),
        renderer=renderer or Renderer(),
        clock=clock,
        policy_loader=_policy_source(settings, policy),
        reminders=reminders,
    )
    # Service clients (profile, settings) go through ask-sdk's client, with a timeout.
    builder = CustomSkillBuilder(api_client=TimedApiClient(settings.alexa_api_timeout))
    builder.skill_id = settings.skill_id

    def deferred(path: str) -> Deferred:
        return Deferred(path, services)

    # The first handler whose can_handle() is true wins, so order is behaviour:
    handlers = [
        # Requests that are not intents: no handler below claims them, and a launch
        # that stops here never imports the deferred handlers' code.
        LaunchHandler(services),
        SessionEndedHandler(services),
        # Alexa's own requests: can we fulfil, a permission answered, an error, disabled.
        CanFulfillHandler(services),
        deferred("skill.handlers.consent:ConsentHandler"),
        PermissionAnswerHandler(services),
        ExceptionEncounteredHandler(services),
        SkillDisabledHandler(services),
        # The Alexa app's skill events: permissions granted or changed, account linked.
        PermissionEventHandler(services),
        AccountLinkedHandler(services),
        # Stop and Cancel end the session from any state, before anything else looks.
        StopHandler(services),
        # "Talk to a person" wins over any open dialogue; its own intents say so.
        deferred("skill.handlers.callbacks:RequestCallbackHandler"),
        deferred("skill.handlers.callback_status:CallbackStatusHandler"),
        deferred("skill.handlers.callback_status:CancelCallbackHandler"),
        # Yes / no to a callback question: the offer or the number; cancel or change.
        deferred("skill.handlers.callbacks:CallbackAnswerHandler"),
        deferred("skill.handlers.callback_status:BookedCallbackAnswerHandler"),
        # Yes / no to the reminder offered after a booking.
        deferred("skill.handlers.reminders:ReminderAnswerHandler"),
        # Yes / no to news of a settled complaint on this speaker.
        deferred("skill.handlers.notification_offer:NotifyAnswerHandler"),
        # The customer's data: told, and erased only after a yes.
        deferred("skill.handlers.privacy:MyDataHandler"),
        deferred("skill.handlers.privacy:DeleteMyDataHandler"),
        deferred("skill.handlers.privacy:EraseAnswerHandler"),
        # Answers to the question the last turn asked, before the generic yes.
        # The score after "did Maria sort it out?": a bare number is OrderStatusIntent.
        deferred("skill.handlers.satisfaction:SatisfactionAnswerHandler"),
        MoreOrdersHandler(services),
        DelayDetailsHandler(services),
        # Yes / no to a complaint's question (the proposed order, the remedies offered).
        deferred("skill.handlers.complaint_answers:ComplaintAnswerHandler"),
        OrderStatusHandler(services),
        deferred("skill.handlers.complaints:ComplaintHandler"),
        deferred("skill.handlers.complaint_answers:RemedyChoiceHandler"),
        deferred("skill.handlers.commitments:CommitmentsHandler"),
        # Anonymous: never looks at who is asking.
        deferred("skill.handlers.feedback:FeedbackHandler"),
        HelpHandler(services),
        # "Thanks" closes the conversation warmly, whatever was asked last.
        ThanksHandler(services),
        RepeatHandler(services),
        NavigateHomeHandler(services),
        YesHandler(services),
        NoHandler(services),
        # Last: whatever Alexa could not match to an intent.
        FallbackHandler(services),
    ]
    if eager:
        for handler in handlers:
            if isinstance(handler, Deferred):
                handler.resolve()
        _ = services.policy  # read and checked now, not at the first complaint
        stores.load()
    for handler in handlers:
        builder.add_request_handler(handler)
    builder.add_exception_handler(ApologyHandler(services))
    # First: every line the turn logs carries its request id; last: later lines do not.
    builder.add_global_request_interceptor(LogRequest())
    builder.add_global_request_interceptor(BeginStorageDeadline(settings.dynamodb_turn_budget))
    builder.add_global_request_interceptor(OneTurnState())
    builder.add_global_response_interceptor(CountMisunderstandings())
    builder.add_global_response_interceptor(RememberLastResponse())
    builder.add_global_response_interceptor(EndStorageDeadline())
    builder.add_global_response_interceptor(EndLogKeys())
    skill = builder.create()
    skill.serializer = EnvelopeSerializer()
    return skill
