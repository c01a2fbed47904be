"""The MCP benchmark (bench/mcp.py) on a few calls: both sides answer, every time."""

from __future__ import annotations

import pytest

from bench import mcp

pytestmark = pytest.mark.slow


def test_the_mcp_benchmark_times_the_tool_and_the_voice_turn() -> None:
    result = mcp.run(calls=3)

    assert len(result.tool) == 3 and len(result.voice) == 3
    assert all(0 < seconds < 10 for seconds in [*result.tool, *result.voice])
