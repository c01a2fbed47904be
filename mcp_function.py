"""AWS Lambda entry of the MCP endpoint for AI assistants, behind a Lambda function URL.

The same server the web service mounts at ``/mcp`` (skill.assistants): stateless, so
every invocation stands alone. The function URL's event (payload format 2.0) becomes one
buffered request for the SDK's ASGI app, which runs on an event loop that lives as long
as the execution environment (skill.assistants.bridge), and its answer the function
URL's response. Settings, the table's client, the templates and the remedy policy are
made once, at init.
"""

from __future__ import annotations

from typing import Any

from skill.adapters.identity import Identity, TokenTableIdentity, UserInfoIdentity
from skill.assistants import endpoint_for
from skill.assistants.bridge import AsgiRunner, from_function_url, to_function_url
from skill.clock import system_clock
from skill.config import ConfigurationError, Settings
from skill.logs import configure_logging
from skill.policy import load_policy
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import dynamodb_client

settings = Settings.from_env()
configure_logging(settings.log_level)
stores = Stores(dynamodb_client(settings), settings.table_name)
identity: Identity = (
    UserInfoIdentity(settings.userinfo_url, settings.userinfo_id_field)
    if settings.userinfo_url
    else TokenTableIdentity(stores.tokens)
)
endpoint = endpoint_for(
    settings, stores, Renderer(), system_clock, load_policy(settings.remedy_policy), identity
)
if endpoint is None:
    raise ConfigurationError("MCP_RESOURCE_URL is required: the endpoint's public URL")
runner = AsgiRunner(endpoint.app, endpoint.lifespan)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return to_function_url(runner.handle(from_function_url(event)))
