"""The MCP server: the tools, their schemas and hints, and the OAuth resource server.

Built with the official SDK's ``MCPServer``, served over Streamable HTTP in stateless
mode with JSON responses: every request stands alone, so any instance (or Lambda) can
answer it. :func:`build` returns the ASGI app with ``/mcp`` and the Protected Resource
Metadata (``/.well-known/oauth-protected-resource/mcp``, RFC 9728); a request without a
valid bearer token gets 401 with a ``WWW-Authenticate`` header naming that metadata.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

import anyio
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from skill.assistants.auth import BearerTokens, current_customer
from skill.assistants.tools import (
    Assistant,
    CallbackResult,
    ComplaintResult,
    DataResult,
    ErasedResult,
    OrdersResult,
    PromisesResult,
    Refusal,
    RemedyResult,
)
from skill.storage.errors import StorageError

log = logging.getLogger(__name__)

PATH = "/mcp"

Result = TypeVar("Result", bound=BaseModel)

READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
# Assistants send an order number as a string or as a number; both are read alike.
OrderNumber = Annotated[
    str | int,
    Field(description="the shop's order number, digits such as 1003"),
]
Problem = Literal["damaged", "wrong_item", "missing", "late", "billing", "service", "other"]
RemedyName = Literal["refund", "replacement", "shipping_refund", "voucher"]
Channel = Literal["phone", "sms", "email"]


@dataclass(frozen=True)
class Endpoint:
    """The ASGI app and the context its transport must run in (the SDK's task group)."""

    app: Any
    lifespan: Callable[[], AbstractAsyncContextManager[Any]]


def _answer(result: BaseModel) -> CallToolResult:
    text = str(getattr(result, "text", ""))
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=result.model_dump(mode="json"),
    )


def _refused(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


async def _for_customer(assistant: Assistant, work: Callable[[str], BaseModel]) -> CallToolResult:
    """Run ``work`` for the token's customer on a worker thread (its clients block)."""
    customer = current_customer()
    if customer is None:
        return _refused(assistant.refusal("needs_customer").message)
    try:
        result = await anyio.to_thread.run_sync(functools.partial(work, customer))
    except Refusal as refusal:
        return _refused(refusal.message)
    except StorageError as error:
        log.error("tool failed on storage: %s", type(error).__name__)
        return _refused(assistant.refusal("storage_down").message)
    return _answer(result)


class ToolServer(MCPServer[Any]):
    """``MCPServer`` whose answer to arguments that do not fit a tool's schema is a
    sentence naming the arguments (the SDK's own is pydantic's report)."""

    def __init__(self, assistant: Assistant, **settings: Any) -> None:
        super().__init__(**settings)
        self._assistant = assistant

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            if not isinstance(error.__cause__, ValidationError):
                raise
            # Names only: the rejected values are the customer's words.
            fields = sorted({str(e["loc"][0]) for e in error.__cause__.errors() if e["loc"]})
            log.info("tool %s rejected arguments: %s", name, fields)
            said = self._assistant.refusal("bad_arguments", fields=fields, tool=name)
            return _refused(said.message)


def build(
    assistant: Assistant,
    tokens: BearerTokens,
    *,
    resource_url: str,
    authorization_server: str,
    loopback: bool = False,
) -> Endpoint:
    """The MCP endpoint at ``resource_url`` (its public URL, ending in ``/mcp``)."""
    server = ToolServer(
        assistant,
        name="menschmoment",
        title="Menschmoment customer service",
        instructions=(
            "Customer service of the shop: where orders are, complaints with the remedies "
            "the shop's policy allows, promises, a call back from a named person, and the "
            "customer's data. Say the 'text' of a result, or use its facts."
        ),
        token_verifier=tokens,
        auth=AuthSettings(
            issuer_url=authorization_server,  # type: ignore[arg-type]
            resource_server_url=resource_url,  # type: ignore[arg-type]
        ),
    )

    @server.tool(
        description="The customer's orders, most relevant first (a delayed order leads), "
        "with status and delivery days, as the voice skill tells them.",
        annotations=READ,
    )
    async def list_orders() -> Annotated[CallToolResult, OrdersResult]:
        return await _for_customer(assistant, assistant.list_orders)

    @server.tool(
        description="Status of one of the customer's orders: delayed, shipped, delivered, "
        "with the expected or original delivery day and the carrier.",
        annotations=READ,
    )
    async def get_order_status(
        order_number: OrderNumber,
    ) -> Annotated[CallToolResult, OrdersResult]:
        return await _for_customer(
            assistant, lambda c: assistant.order_status(c, str(order_number))
        )

    @server.tool(
        description="File a complaint about one of the customer's orders. Returns the "
        "remedies the shop's policy allows (offer them, then call choose_remedy), or why "
        "none, in which case the complaint is with the service team. Grants nothing.",
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=True,
            open_world_hint=False,
        ),
    )
    async def file_complaint(
        order_number: OrderNumber,
        problem: Annotated[Problem, Field(description="what went wrong")],
        description: Annotated[
            str,
            Field(description="what happened, in the customer's own words", max_length=1000),
        ] = "",
    ) -> Annotated[CallToolResult, ComplaintResult]:
        return await _for_customer(
            assistant,
            lambda c: assistant.file_complaint(c, str(order_number), problem, description),
        )

    @server.tool(
        description="Grant the remedy the customer chose for a complaint from "
        "file_complaint, and record the promise. Exactly once: a retry with the same "
        "idempotency_key (or any later call for the same complaint) returns the same promise.",
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=True,
            open_world_hint=False,
        ),
    )
    async def choose_remedy(
        complaint_id: Annotated[
            str, Field(description="from file_complaint", min_length=8, max_length=64)
        ],
        remedy: Annotated[RemedyName, Field(description="one of the remedies offered")],
        idempotency_key: Annotated[
            str,
            Field(
                description="a value unique to this choice, reused on retries",
                min_length=1,
                max_length=100,
            ),
        ],
    ) -> Annotated[CallToolResult, RemedyResult]:
        return await _for_customer(
            assistant, lambda c: assistant.choose_remedy(c, complaint_id, remedy, idempotency_key)
        )

    @server.tool(
        description="What the shop promised the customer (refunds, replacements, "
        "vouchers): each promise's state and due day, and complaints with the team.",
        annotations=READ,
    )
    async def list_promises() -> Annotated[CallToolResult, PromisesResult]:
        return await _for_customer(assistant, assistant.list_promises)

    @server.tool(
        description="Book a call back from a named person of the service team. A customer "
        "has at most one open call back (by voice or here): if one is open it is returned.",
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=True,
            open_world_hint=False,
        ),
    )
    async def request_callback(
        reason: Annotated[
            str,
            Field(description="why the customer wants a call, in their words", max_length=500),
        ],
        preferred_time: Annotated[
            str | None,
            Field(
                description="local time like 2026-12-01T10:00, a duration like PT2H, or "
                "empty for as soon as possible",
                max_length=40,
            ),
        ] = None,
        channel: Annotated[
            Channel | None, Field(description="how to reach them; default: phone")
        ] = None,
    ) -> Annotated[CallToolResult, CallbackResult]:
        return await _for_customer(
            assistant, lambda c: assistant.request_callback(c, reason, preferred_time, channel)
        )

    @server.tool(
        description="The customer's open call back: who calls, when, on which number "
        "(last digits), and how many customers are before them.",
        annotations=READ,
    )
    async def get_callback_status() -> Annotated[CallToolResult, CallbackResult]:
        return await _for_customer(assistant, assistant.callback_status)

    @server.tool(
        description="Cancel the customer's open call back, whether booked by voice or here.",
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=True,
            idempotent_hint=True,
            open_world_hint=False,
        ),
    )
    async def cancel_callback() -> Annotated[CallToolResult, CallbackResult]:
        return await _for_customer(assistant, assistant.cancel_callback)

    @server.tool(
        description="What the service keeps about the customer: complaints, promises, "
        "call backs and their preferred channel.",
        annotations=READ,
    )
    async def what_do_you_know_about_me() -> Annotated[CallToolResult, DataResult]:
        return await _for_customer(assistant, assistant.what_do_you_know)

    @server.tool(
        description="Erase what the service keeps about the customer (open promises stay, "
        "without their name). Ask the customer first; confirm must be true.",
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=True,
            idempotent_hint=True,
            open_world_hint=False,
        ),
    )
    async def delete_my_data(
        confirm: Annotated[bool, Field(description="true only after the customer said yes")],
    ) -> Annotated[CallToolResult, ErasedResult]:
        return await _for_customer(assistant, lambda c: assistant.delete_my_data(c, confirm))

    security = None
    if not loopback:
        # Behind a load balancer or a function URL the Host is the public one; the
        # SDK's rebinding guard is for servers on a developer's machine.
        security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    app = server.streamable_http_app(
        streamable_http_path=PATH,
        json_response=True,
        stateless_http=True,
        transport_security=security,
    )
    return Endpoint(app=app, lifespan=server.session_manager.run)
