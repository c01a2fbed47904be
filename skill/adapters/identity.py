"""From an account-linking access token to our customer id.

Two sources, chosen by configuration:

- :class:`TokenTableIdentity` looks the token up in our table (the demo, or a shop that
  issues its own tokens);
- :class:`UserInfoIdentity` asks the OAuth provider's user-info endpoint (Login with
  Amazon, Cognito, the shop's own), with a short timeout.

Either keeps its answers five minutes per process (:class:`Recent`), so a conversation
costs one look-up, not one per turn (a request to DynamoDB alone costs a warm turn more
than a millisecond of its own time: botocore's building, signing and parsing). The token
table keeps only the tokens it found, so an account linked a moment ago is found at once.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from skill.storage.tokens import TokenStore


class IdentityUnavailable(Exception):
    """The identity provider could not answer; the customer is not at fault."""


class Identity(Protocol):
    def customer_id(self, access_token: str) -> str | None:
        """Our customer id, or None when the token is unknown or expired."""


class Recent:
    """Customer ids by token, each kept ``ttl_seconds``, at most ``size`` of them.

    Kept by a hash: the token itself is a secret and should not sit in memory dumps.
    Safe across threads (gunicorn serves turns on threads).
    """

    def __init__(
        self, ttl_seconds: float, size: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._size = size
        self._monotonic = monotonic
        self._kept: OrderedDict[str, tuple[float, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, access_token: str, ask: Callable[[str], str | None], *, misses: bool
    ) -> str | None:
        """The customer id kept for the token, else ``ask(access_token)``'s, kept
        (a None only with ``misses``)."""
        cache_key = hashlib.sha256(access_token.encode("utf-8")).hexdigest()
        now = self._monotonic()
        with self._lock:
            hit = self._kept.get(cache_key)
            if hit and hit[0] > now:
                self._kept.move_to_end(cache_key)
                return hit[1]
        customer = ask(access_token)
        if customer is None and not misses:
            return None
        with self._lock:
            self._kept[cache_key] = (now + self._ttl, customer)
            self._kept.move_to_end(cache_key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return customer


class TokenTableIdentity:
    def __init__(
        self,
        tokens: TokenStore,
        *,
        ttl_seconds: float = 300.0,
        cache_size: int = 256,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tokens = tokens
        self._recent = Recent(ttl_seconds, cache_size, monotonic)

    def customer_id(self, access_token: str) -> str | None:
        # An unknown token is asked again next time: its link may be on its way.
        return self._recent.get(access_token, self._tokens.customer_for, misses=False)


Fetch = Callable[[urllib.request.Request, float], bytes]


def _fetch(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (https URL from settings)
        body: bytes = answer.read(65536)
        return body


class UserInfoIdentity:
    def __init__(
        self,
        url: str,
        id_field: str = "user_id",
        *,
        timeout: float = 2.0,
        ttl_seconds: float = 300.0,
        cache_size: int = 256,
        fetch: Fetch = _fetch,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
            raise ValueError("USERINFO_URL must be an https URL")
        self._url = url
        self._field = id_field
        self._timeout = timeout
        self._fetch = fetch
        self._recent = Recent(ttl_seconds, cache_size, monotonic)

    def customer_id(self, access_token: str) -> str | None:
        # Refusals are kept as well: an expired token stays expired.
        return self._recent.get(access_token, self._ask, misses=True)

    def _ask(self, access_token: str) -> str | None:
        request = urllib.request.Request(  # noqa: S310
            self._url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        )
        try:
            body = self._fetch(request, self._timeout)
        except urllib.error.HTTPError as error:
            if error.code in (400, 401, 403):
                return None
            raise IdentityUnavailable(f"user-info answered {error.code}") from error
        except (OSError, TimeoutError) as error:
            raise IdentityUnavailable("user-info unreachable") from error
        try:
            value = json.loads(body).get(self._field)
        except (ValueError, AttributeError) as error:
            raise IdentityUnavailable("user-info answer is not JSON") from error
        return str(value) if value else None
