"""Bearer tokens of the MCP endpoint: a service's, or a customer's mapped to our customer.

Two tiers, as Alexa+'s MCP Toolkit sends them: a ``client_credentials`` token lets a
service initialize and list the tools; every tool that acts for a customer needs the
customer's own token (``authorization_code`` with PKCE, the account-linking login).

- A JWT is checked against the issuer's JSON Web Key Set: signature, issuer, audience
  (``aud``, or Cognito's ``client_id``) and expiry. One whose subject is its own client
  (``client_credentials``) is a service token; any other is a customer's, mapped to our
  customer id exactly as the voice skill does it (:mod:`skill.adapters.identity`).
- Any other token is a customer's opaque token, asked at the same identity source.
- ``service_tokens`` are fixed service tokens: only the loopback demo has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anyio
import jwt
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

from skill.adapters.identity import Identity

log = logging.getLogger(__name__)

# The scope every verified token carries; a customer's token carries CUSTOMER as well.
SERVICE = "mcp:service"
CUSTOMER = "mcp:customer"

KeyFor = Callable[[str], Any]


class JwtCheck:
    """Signature, issuer, audience and expiry of a JWT, with the issuer's keys."""

    def __init__(self, issuer: str, audience: str, key_for: KeyFor) -> None:
        self._issuer = issuer
        self._audience = audience
        self._key_for = key_for

    @classmethod
    def from_jwks(cls, issuer: str, audience: str, jwks_url: str) -> JwtCheck:
        client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=2)
        return cls(issuer, audience, lambda token: client.get_signing_key_from_jwt(token).key)

    def claims(self, token: str) -> dict[str, Any] | None:
        """The token's claims, or None when any check fails."""
        try:
            key = self._key_for(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256", "ES256"],
                issuer=self._issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            log.info("bearer token refused: %s", type(error).__name__)
            return None
        # Cognito's access tokens name their audience client_id, other issuers aud.
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if self._audience not in audiences:
            log.info("bearer token refused: wrong audience")
            return None
        return claims


def _looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("ey")


def _for_a_service(claims: dict[str, Any], client_id: str) -> bool:
    """A ``client_credentials`` token: no person behind it, its subject is the client
    (Cognito: the client id; others: "<client>@clients" or a grant-type claim)."""
    subject = claims.get("sub")
    return (
        not subject
        or subject in (client_id, f"{client_id}@clients")
        or claims.get("gty") == "client-credentials"
    )


class BearerTokens:
    """The SDK's ``TokenVerifier``: a token in, its tier (and customer) out, or None."""

    def __init__(
        self,
        identity: Identity,
        *,
        jwt_check: JwtCheck | None = None,
        service_tokens: frozenset[str] = frozenset(),
    ) -> None:
        self._identity = identity
        self._jwt = jwt_check
        self._services = service_tokens

    async def verify_token(self, token: str) -> AccessToken | None:
        # The identity source and the key set are network calls on blocking clients.
        return await anyio.to_thread.run_sync(self.verify, token)

    def verify(self, token: str) -> AccessToken | None:
        if token in self._services:
            return AccessToken(token=token, client_id="service", scopes=[SERVICE])
        client_id = "customer"
        expires: int | None = None
        if self._jwt is not None and _looks_like_jwt(token):
            claims = self._jwt.claims(token)
            if claims is None:
                return None
            client_id = str(claims.get("client_id") or claims.get("azp") or "")
            expires = int(claims["exp"])
            if _for_a_service(claims, client_id):
                return AccessToken(
                    token=token, client_id=client_id, scopes=[SERVICE], expires_at=expires
                )
        # IdentityUnavailable goes up: the bridge answers 503, so the assistant retries
        # instead of sending the customer through account linking again.
        customer = self._identity.customer_id(token)
        if customer is None:
            return None
        return AccessToken(
            token=token,
            client_id=client_id,
            scopes=[SERVICE, CUSTOMER],
            expires_at=expires,
            subject=customer,
        )


def current_customer() -> str | None:
    """The customer of this request's token; None for a service token."""
    token = get_access_token()
    if token is None or CUSTOMER not in token.scopes:
        return None
    return token.subject
