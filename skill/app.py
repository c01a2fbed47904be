"""Build the ask-sdk skill: one object, served by Lambda and by the web service alike."""

from __future__ import annotations

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.alexa_api import TimedApiClient
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
    YesHandler,
)
from skill.handlers.callbacks import (
    CallbackAnswerHandler,
    CallbackStatusHandler,
    CancelCallbackHandler,
    RequestCallbackHandler,
)
from skill.handlers.complaints import (
    CommitmentsHandler,
    ComplaintAnswerHandler,
    ComplaintHandler,
    RemedyChoiceHandler,
)
from skill.handlers.errors import ApologyHandler
from skill.handlers.feedback import FeedbackHandler
from skill.handlers.orders import DelayDetailsHandler, MoreOrdersHandler, OrderStatusHandler
from skill.handlers.privacy import DeleteMyDataHandler, EraseAnswerHandler, MyDataHandler
from skill.handlers.turn import Services
from skill.identity import Identity, TokenTableIdentity, UserInfoIdentity
from skill.interceptors import (
    BeginStorageDeadline,
    CountMisunderstandings,
    EndStorageDeadline,
    LogRequest,
    OneTurnState,
    RememberLastResponse,
)
from skill.policy import load_policy
from skill.rules.remedies import RemedyPolicy
from skill.speech import Renderer
from skill.storage import Stores


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
) -> CustomSkill:
    """The skill; the remedy policy file is read and checked here, so a broken one stops
    the start (:class:`skill.policy.PolicyError` names the line)."""
    services = Services(
        settings=settings,
        stores=stores,
        identity=identity or default_identity(settings, stores),
        renderer=renderer or Renderer(),
        clock=clock,
        policy=policy or load_policy(settings.remedy_policy),
    )
    # Service clients (profile, settings) go through ask-sdk's client, with a timeout.
    builder = CustomSkillBuilder(api_client=TimedApiClient(settings.alexa_api_timeout))
    builder.skill_id = settings.skill_id

    # The first handler whose can_handle() is true wins, so order is behaviour:
    handlers = [
        # Stop and Cancel end the session from any state, before anything else looks.
        StopHandler(services),
        # "Talk to a person" wins over any open dialogue; its own intents say so.
        RequestCallbackHandler(services),
        CallbackStatusHandler(services),
        CancelCallbackHandler(services),
        CallbackAnswerHandler(services),
        # The customer's data: told, and erased only after a yes.
        MyDataHandler(services),
        DeleteMyDataHandler(services),
        EraseAnswerHandler(services),
        # Answers to the question the last turn asked, before the generic yes.
        MoreOrdersHandler(services),
        DelayDetailsHandler(services),
        # Yes / no to a complaint's question (the proposed order, the remedies offered).
        ComplaintAnswerHandler(services),
        OrderStatusHandler(services),
        ComplaintHandler(services),
        RemedyChoiceHandler(services),
        CommitmentsHandler(services),
        # Anonymous: never looks at who is asking.
        FeedbackHandler(services),
        LaunchHandler(services),
        HelpHandler(services),
        RepeatHandler(services),
        NavigateHomeHandler(services),
        YesHandler(services),
        NoHandler(services),
        SessionEndedHandler(services),
        # Last: whatever Alexa could not match to an intent.
        FallbackHandler(services),
    ]
    for handler in handlers:
        builder.add_request_handler(handler)
    builder.add_exception_handler(ApologyHandler(services))
    builder.add_global_request_interceptor(BeginStorageDeadline(settings.dynamodb_turn_budget))
    builder.add_global_request_interceptor(LogRequest())
    builder.add_global_request_interceptor(OneTurnState())
    builder.add_global_response_interceptor(CountMisunderstandings())
    builder.add_global_response_interceptor(RememberLastResponse())
    builder.add_global_response_interceptor(EndStorageDeadline())
    return builder.create()
