"""Alexa's Proactive Events API: a notification to one customer, sent by the notifier.

A thin client of our own (not ask-sdk's service client), with the timeout of our other
Alexa calls, and an answer for each thing that can go wrong::

    202         sent
    401         the token is refused: forget it, fetch a new one, send once more
    403         the customer revoked the permission: PermissionRevoked (forget the opt-in)
    other, or no answer in time: AlexaApiError, and the notifier's retry sends again

The customer's region decides the host (Alexa tells us with every request, and we keep
it from their last visit). A token is only ever sent to Amazon's three hosts, or to an
endpoint the configuration names for local tests; anything else is refused here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from skill.adapters.lwa import AccessTokens

# North America, Europe, Far East.
REGION_ENDPOINTS = frozenset(
    {
        "https://api.amazonalexa.com",
        "https://api.eu.amazonalexa.com",
        "https://api.fe.amazonalexa.com",
    }
)
LIVE_PATH = "/v1/proactiveEvents"
DEVELOPMENT_PATH = "/v1/proactiveEvents/stages/development"


class AlexaApiError(Exception):
    """Alexa did not take the request; the caller may try again later."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PermissionRevoked(AlexaApiError):
    """403: the customer no longer lets the skill notify them (or remind them)."""


class UnknownEndpoint(ValueError):
    """An API endpoint that is none of Alexa's: the token does not go there."""


class JsonSender(Protocol):
    def __call__(
        self, method: str, url: str, *, headers: dict[str, str], json: Any, timeout: float
    ) -> Any: ...


def _requests_send(
    method: str, url: str, *, headers: dict[str, str], json: Any, timeout: float
) -> Any:
    # Imported when first used, as ask-sdk's client is (skill.adapters.alexa_api).
    import requests

    return requests.request(method, url, headers=headers, json=json, timeout=timeout)


def checked_endpoint(endpoint: str, extra: Iterable[str] = ()) -> str:
    """``endpoint`` without a trailing slash if a token may go there; else UnknownEndpoint."""
    clean = endpoint.rstrip("/")
    if clean in REGION_ENDPOINTS or clean in {value.rstrip("/") for value in extra}:
        return clean
    raise UnknownEndpoint("not an Alexa API endpoint")


class AlexaSkillApi:
    """Authorised JSON calls to Alexa's APIs with the skill's own token.

    ``extra_endpoints``: endpoints besides Amazon's (the local fake API in tests).
    """

    def __init__(
        self,
        tokens: AccessTokens,
        *,
        timeout: float,
        extra_endpoints: Iterable[str] = (),
        send: JsonSender = _requests_send,
    ) -> None:
        self._tokens = tokens
        self._timeout = timeout
        self._extra = tuple(extra_endpoints)
        self._send = send

    def call(self, method: str, endpoint: str, path: str, body: Any = None) -> Any:
        """Send; return the answer's JSON (None when it has none). Raises AlexaApiError."""
        url = checked_endpoint(endpoint, self._extra) + path
        for attempt in (1, 2):
            token = self._tokens.token()
            try:
                answer = self._send(
                    method,
                    url,
                    headers={"Authorization": f"Bearer {token}"},
                    json=body,
                    timeout=self._timeout,
                )
            except Exception as error:
                raise AlexaApiError(f"no answer from Alexa ({type(error).__name__})") from error
            status = int(answer.status_code)
            if status == 401 and attempt == 1:
                self._tokens.forget(token)
                continue
            if status == 403:
                raise PermissionRevoked("Alexa refused: permission not granted", status)
            if not 200 <= status < 300:
                raise AlexaApiError(f"Alexa answered {status}", status)
            try:
                return answer.json() if answer.content else None
            except ValueError:
                return None
        raise AlexaApiError("Alexa refused a new token", 401)


class ProactiveEvents:
    """POST one event body (skill.rules.alexa_events) to the customer's region."""

    def __init__(self, api: AlexaSkillApi, *, development: bool) -> None:
        self._api = api
        # The development stage reaches only the skill's testers, never customers.
        self._path = DEVELOPMENT_PATH if development else LIVE_PATH

    def send(self, endpoint: str, body: dict[str, Any]) -> None:
        self._api.call("POST", endpoint, self._path, body)


class LogProactiveEvents:
    """Local stand-in: one line per event that would be sent, where the demo runs.

    The line shows the schema, the locale and the payload with the words Alexa fills
    in; never the Alexa user id.
    """

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, endpoint: str, body: dict[str, Any]) -> None:
        self.sent.append(body)
        event = body["event"]
        for attributes in body.get("localizedAttributes", []):
            words = {name: value for name, value in attributes.items() if name != "locale"}
            print(
                f"[alexa notification {event['name']} {attributes['locale']}] "
                f"{json.dumps(event['payload'], sort_keys=True)} {json.dumps(words)}",
                flush=True,
            )
