"""The record of an Alexa user's consent to be notified or reminded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlexaOptIn:
    """An Alexa user who lets the skill notify (or remind) them, and how to reach them.

    ``api_endpoint`` is the region's API host Alexa named in their last request;
    ``permissions`` the scopes they granted (Alexa's names).
    """

    user_id: str
    locale: str
    api_endpoint: str
    permissions: frozenset[str]
    customer_id: str | None = None
