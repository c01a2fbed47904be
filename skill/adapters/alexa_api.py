"""What Alexa can tell us about the customer: the mobile number (with consent) and the
device's time zone, through ask-sdk's service clients.

ask-sdk's ``DefaultApiClient`` sends requests without a timeout; a slow API must not
cost the customer their turn (Alexa waits about 8 s in all), so ours adds one. Every
failure here means "Alexa did not tell us" and the caller falls back (asking for the
number, the configured time zone): a phone number is never worth an error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from skill.rules.dates import known_zone

log = logging.getLogger(__name__)

MOBILE_NUMBER_PERMISSION = "alexa::profile:mobile_number:read"


class TimedApiClient(ApiClient):  # type: ignore[misc]
    """ask-sdk's HTTPS client, with a timeout on every call, made when first used.

    ``DefaultApiClient`` imports requests, about a tenth of a second of every Lambda
    cold start, while most turns never call Alexa's APIs.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._client: ApiClient | None = None

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        if self._client is None:
            self._client = _default_client_with_timeout(self.timeout)
        response: ApiClientResponse = self._client.invoke(request)
        return response


def _default_client_with_timeout(timeout: float) -> ApiClient:
    # Imported here, not at the top: see TimedApiClient.
    from ask_sdk_core.api_client import DefaultApiClient

    class Timed(DefaultApiClient):  # type: ignore[misc]
        def _resolve_method(self, request: Any) -> Callable[..., Any]:
            method = super()._resolve_method(request)
            return functools.partial(method, timeout=timeout)

    return Timed()


def _consented(handler_input: HandlerInput) -> bool:
    system = handler_input.request_envelope.context.system
    permissions = system.user.permissions if system and system.user else None
    return bool(permissions and permissions.consent_token)


def mobile_number(handler_input: HandlerInput) -> str | None:
    """The customer's mobile number from their Alexa profile, or None.

    Alexa sets a consent token once the customer granted any permission; without one,
    asking would only earn a 403, so we do not ask.
    """
    factory = handler_input.service_client_factory
    if factory is None or not _consented(handler_input):
        return None
    try:
        phone = factory.get_ups_service().get_profile_mobile_number()
    except Exception as error:
        log.info("no mobile number from Alexa", extra={"error_type": type(error).__name__})
        return None
    number = getattr(phone, "phone_number", None)
    if not number:
        return None
    country = getattr(phone, "country_code", None)
    return f"+{str(country).lstrip('+')} {number}" if country else str(number)


def time_zone(handler_input: HandlerInput) -> str | None:
    """The device's time zone from Alexa's settings API, or None."""
    factory = handler_input.service_client_factory
    system = handler_input.request_envelope.context.system
    device = system.device if system else None
    if factory is None or device is None or not device.device_id:
        return None
    try:
        answer = factory.get_ups_service().get_system_time_zone(device.device_id)
    except Exception as error:
        log.info("no time zone from Alexa", extra={"error_type": type(error).__name__})
        return None
    value = str(answer) if answer else None
    return value if value and known_zone(value) else None
