"""The skill's own access token from Login with Amazon, for calls outside a session.

Alexa's Proactive Events API (and the Reminders API out of session) take a token that
the skill gets with its client id and secret (the ``client_credentials`` grant, one
scope a token). A token lives about an hour; one is fetched when none is held or the
held one is within ``margin`` of its end, and every send until then reuses it::

    token()  ──held and before (expiry - margin)?── yes ──> the held token
                 │ no
                 └─> lock ──> still stale? ──> POST /auth/o2/token ──> held until expiry

The lock makes it one fetch at a time: notifier threads that find the token stale
together wait for the one fetch instead of each asking LWA. The clock is a parameter,
so tests move time past the expiry instead of waiting for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from skill.clock import Clock, system_clock

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"  # noqa: S105 (an address, no secret)
PROACTIVE_EVENTS_SCOPE = "alexa::proactive_events"
# Out of session, the Reminders API takes a token of this scope (update and delete only).
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
# A token is renewed this long before LWA says it ends: a send that starts with it
# must not arrive with a token that expired on the way.
EXPIRY_MARGIN = timedelta(minutes=1)


class TokenUnavailable(Exception):
    """LWA gave no token (unreachable, slow, or it refused the skill's credentials)."""


@dataclass(frozen=True)
class SkillCredentials:
    """The skill's client id and secret (developer console: Permissions)."""

    client_id: str
    client_secret: str


class Poster(Protocol):
    def __call__(self, url: str, *, data: dict[str, str], timeout: float) -> Any: ...


def _requests_post(url: str, *, data: dict[str, str], timeout: float) -> Any:
    # Imported when first used: the voice turns of the skill Lambda never fetch a token.
    import requests

    return requests.post(url, data=data, timeout=timeout)


class AccessTokens:
    """One scope's token, fetched when needed and held until shortly before it ends."""

    def __init__(
        self,
        credentials: SkillCredentials,
        scope: str,
        *,
        timeout: float,
        token_url: str = LWA_TOKEN_URL,
        clock: Clock = system_clock,
        margin: timedelta = EXPIRY_MARGIN,
        post: Poster = _requests_post,
    ) -> None:
        self._credentials = credentials
        self._scope = scope
        self._timeout = timeout
        self._url = token_url
        self._clock = clock
        self._margin = margin
        self._post = post
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at: datetime | None = None

    def token(self) -> str:
        """A token good for at least ``margin`` more; raises TokenUnavailable."""
        held = self._fresh()
        if held is not None:
            return held
        with self._lock:
            # Another thread may have fetched while this one waited for the lock.
            held = self._fresh()
            if held is not None:
                return held
            return self._fetch()

    def forget(self, token: str) -> None:
        """The API refused ``token`` (401): the next send fetches a new one."""
        with self._lock:
            if self._token == token:
                self._token = None
                self._renew_at = None

    def _fresh(self) -> str | None:
        token, renew_at = self._token, self._renew_at
        if token is not None and renew_at is not None and self._clock() < renew_at:
            return token
        return None

    def _fetch(self) -> str:
        asked_at = self._clock()
        try:
            answer = self._post(
                self._url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self._credentials.client_id,
                    "client_secret": self._credentials.client_secret,
                    "scope": self._scope,
                },
                timeout=self._timeout,
            )
        except Exception as error:
            raise TokenUnavailable(type(error).__name__) from error
        if answer.status_code != 200:
            # LWA's error body names the reason; it holds no secret, but it is not
            # logged either: the status says enough to act on.
            raise TokenUnavailable(f"LWA answered {answer.status_code}")
        try:
            body = answer.json()
            token = str(body["access_token"])
            lifetime = timedelta(seconds=int(body["expires_in"]))
        except (ValueError, KeyError, TypeError) as error:
            raise TokenUnavailable("LWA's answer holds no token") from error
        # Counted from the moment we asked: the answer may have taken a while.
        self._token = token
        self._renew_at = asked_at + lifetime - self._margin
        return token
