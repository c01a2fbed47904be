"""``make mcp-demo``: an assistant's view of the demo, through the official MCP client.

    python -m skill.devtools.demo.assistant [URL] [TOKEN]

Against ``make run`` (``http://127.0.0.1:8000/mcp``, bearer token ``demo-alex``): the
tools listed, then Alex's orders, the delayed one's status and a call back booked, each
answer's text as an assistant would say it. Ask the voice skill "when will I get my
call?" afterwards (``make chat``, or POST /alexa): it tells the same call back.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

URL = "http://127.0.0.1:8000/mcp"
TOKEN = "demo-alex"  # noqa: S105 (the demo's linked customer, loopback only)
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("list_orders", {}),
    ("get_order_status", {"order_number": "1003"}),
    ("request_callback", {"reason": "my running shoes are late"}),
    ("get_callback_status", {}),
]


async def show(url: str, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        listed = await session.list_tools()
        print("tools:", ", ".join(tool.name for tool in listed.tools))
        for name, arguments in STEPS:
            result = await session.call_tool(name, arguments)
            said = " ".join(getattr(block, "text", "") for block in result.content)
            print(f"\n{name}{' (error)' if result.is_error else ''}:\n  {said}")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    asyncio.run(show(args[0] if args else URL, args[1] if len(args) > 1 else TOKEN))


if __name__ == "__main__":
    main()
