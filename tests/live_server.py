"""A real server process on loopback, for the tests and the benchmark: a free port, the
process with its output in a log, and the wait until it answers ``/healthz``."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The machine's clock and zone as this process sees them: under libfaketime (make
# test-clock) a server started with an environment of its own must share the faked clock.
CLOCK_VARIABLES = ("LD_PRELOAD", "FAKETIME", "FAKETIME_NO_CACHE", "TZ")


def with_machine_clock(env: dict[str, str] | None) -> dict[str, str] | None:
    """``env`` plus this process's clock variables (None: inherit everything anyway)."""
    if env is None:
        return None
    return {**{k: os.environ[k] for k in CLOCK_VARIABLES if k in os.environ}, **env}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server_process(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` run from the project folder, its output in ``log``; stopped after."""
    with log.open("wb") as output:
        # Standard input from a pipe: a server never reads the terminal's.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=with_machine_clock(env),
        )
    with process:
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_until_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``/healthz`` until the server answers; raise with its output if it dies first
    or takes more than 30 s."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log.read_text()}") from None
            time.sleep(0.1)
