"""The official SDK's Streamable HTTP client, as an assistant uses it, made synchronous
for the tests: each call opens a connection, initializes and runs one step."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from mcp.client.session import ClientSession
    from mcp_types import CallToolResult, Tool

T = TypeVar("T")


def with_session(url: str, token: str, step: Callable[[ClientSession], Awaitable[T]]) -> T:
    # The SDK takes a second or two to import: only the tests that talk to it pay for it.
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run() -> T:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await step(session)

    return asyncio.run(run())


def tools(url: str, token: str) -> list[Tool]:
    async def step(session: ClientSession) -> list[Tool]:
        return list((await session.list_tools()).tools)

    return with_session(url, token, step)


def call(url: str, token: str, name: str, **arguments: Any) -> CallToolResult:
    async def step(session: ClientSession) -> CallToolResult:
        return await session.call_tool(name, arguments)

    return with_session(url, token, step)


def text(result: CallToolResult) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A bare HTTP POST, to see the status and headers an assistant's client sees."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


INITIALIZE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    }
).encode()
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
