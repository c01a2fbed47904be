"""Tool latency through the web service: ``get_order_status`` over MCP for demo-alex.

The demo server as ``make run`` starts it (one process, the embedded DynamoDB), and the
official SDK's Streamable HTTP client, as an assistant uses it: one session, then one
``tools/call`` after another, each timed from the client (one HTTP POST each, stateless
JSON answers). The baseline is the same question asked by voice, ``POST /alexa`` with
the OrderStatusIntent of the same linked customer, through the same server.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.alexa import envelope, intent_request
from tests.live_server import free_port, server_process, wait_until_healthy

WARM_UP = 5
TOKEN = "demo-alex"  # noqa: S105 (the demo's linked customer)


@dataclass(frozen=True)
class Result:
    tool: list[float]
    voice: list[float]


async def _tool_calls(url: str, calls: int) -> list[float]:
    # The SDK takes a second or two to import; the test suite imports this module.
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    times: list[float] = []
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        for number in range(WARM_UP + calls):
            start = time.perf_counter()
            result = await session.call_tool("get_order_status", {"order_number": "1003"})
            elapsed = time.perf_counter() - start
            if result.is_error:
                raise RuntimeError("get_order_status answered with an error")
            if number >= WARM_UP:
                times.append(elapsed)
    return times


def _voice_turns(port: int, turns: int) -> list[float]:
    times: list[float] = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for number in range(WARM_UP + turns):
            request = intent_request("OrderStatusIntent", orderNumber="1003")
            body = json.dumps(envelope(request, token=TOKEN)).encode()
            start = time.perf_counter()
            connection.request(
                "POST", "/alexa", body=body, headers={"Content-Type": "application/json"}
            )
            connection.getresponse().read()
            elapsed = time.perf_counter() - start
            if number >= WARM_UP:
                times.append(elapsed)
    finally:
        connection.close()
    return times


def run(calls: int = 200) -> Result:
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "demo.log"
        command = [sys.executable, "-m", "skill", "serve", "--demo", "--port", str(port)]
        with server_process(command, log) as process:
            wait_until_healthy(port, process, log)
            base = f"http://127.0.0.1:{port}"
            tool = asyncio.run(_tool_calls(base + "/mcp", calls))
            voice = _voice_turns(port, calls)
    return Result(tool=tool, voice=voice)


def main() -> None:
    from bench.lambda_process import percentile

    result = run()
    for label, times in (("MCP get_order_status", result.tool), ("voice", result.voice)):
        p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
        print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms of {len(times)}")


if __name__ == "__main__":
    main()
