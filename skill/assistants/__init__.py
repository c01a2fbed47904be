"""The MCP server for AI assistants (Alexa+ add-ons, desktop assistants): the voice
skill's use-cases as tools, behind OAuth bearer tokens (:mod:`.server`, :mod:`.tools`,
:mod:`.auth`), and the bridge that serves its ASGI app from the Flask service and from
a Lambda function URL (:mod:`.bridge`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.config import ConfigurationError

if TYPE_CHECKING:
    from skill.adapters.identity import Identity
    from skill.assistants.server import Endpoint
    from skill.clock import Clock
    from skill.config import Settings
    from skill.rules.remedies import RemedyPolicy
    from skill.speech import Renderer
    from skill.storage import Stores

# The paths the web service hands to the MCP endpoint (skill.assistants.server).
PREFIXES = ("/mcp", "/.well-known/oauth-protected-resource")
# The demo's service token (client_credentials tier); the demo's customers use theirs.
DEMO_SERVICE_TOKEN = "demo-service"  # noqa: S105 (a public demo value, loopback only)


def endpoint_for(
    settings: Settings,
    stores: Stores,
    renderer: Renderer,
    clock: Clock,
    policy: RemedyPolicy,
    identity: Identity,
    *,
    demo: bool = False,
) -> Endpoint | None:
    """The MCP endpoint these settings describe; None when MCP_RESOURCE_URL is unset.

    ``demo``: loopback only, the token table's demo tokens and ``demo-service``.
    """
    from skill.assistants.auth import BearerTokens, JwtCheck
    from skill.assistants.server import build
    from skill.assistants.tools import Assistant

    resource = settings.mcp_resource_url
    if not resource:
        return None
    issuer = settings.mcp_authorization_server
    if demo:
        issuer = issuer or resource.rsplit("/mcp", 1)[0]
        tokens = BearerTokens(identity, service_tokens=frozenset({DEMO_SERVICE_TOKEN}))
    else:
        if not resource.startswith("https://"):
            raise ConfigurationError("MCP_RESOURCE_URL must be an https URL")
        if not issuer:
            raise ConfigurationError("MCP_AUTHORIZATION_SERVER is required with MCP_RESOURCE_URL")
        check = None
        if settings.mcp_jwks_url:
            if not settings.mcp_audience:
                raise ConfigurationError("MCP_AUDIENCE is required with MCP_JWKS_URL")
            check = JwtCheck.from_jwks(issuer, settings.mcp_audience, settings.mcp_jwks_url)
        tokens = BearerTokens(identity, jwt_check=check)
    assistant = Assistant(stores, settings, renderer, clock, policy)
    return build(
        assistant, tokens, resource_url=resource, authorization_server=issuer, loopback=demo
    )
