"""Requests per second through the production web service, request verification on and off.

Both servers are ``tests/serve_with_test_ca.py``: the production app under gunicorn,
started with the same settings and table; one verifies every request against a test CA
(the certificate chain is cached after the first request of each worker, so every
request still costs a signature check, URL and timestamp checks and JSON parsing), the
other verifies nothing, like the demo. Two load processes keep one keep-alive
connection per server thread busy on loopback with one pre-signed request per row, in
alternating rounds, and count the answers; the server's CPU time per answer is read
from /proc. Server workers and load generator share the machine's cores.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.demo_table import demo_table
from skill.devtools.demo.dynamodb import EmbeddedDynamoDB
from skill.web.verification import RequestVerifier
from tests.alexa import SKILL_ID, envelope, intent_request
from tests.live_server import free_port, server_process, wait_until_healthy
from tests.pki import encode, iso, make_pki, write_chains

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2  # the production default of `python -m skill serve`, for a 2-core machine
THREADS_PER_WORKER = 4  # skill.web.serve.run_gunicorn


@dataclass(frozen=True)
class Row:
    """Each round's answers per second and server CPU microseconds per answer, by side."""

    label: str
    verified: list[float]
    unverified: list[float]
    verified_cpu: list[float]
    unverified_cpu: list[float]

    @property
    def verified_rps(self) -> float:
        return statistics.median(self.verified)

    @property
    def unverified_rps(self) -> float:
        return statistics.median(self.unverified)

    @property
    def ratio(self) -> float:
        return self.verified_rps / self.unverified_rps

    @property
    def verified_cpu_us(self) -> float:
        return statistics.median(self.verified_cpu)

    @property
    def unverified_cpu_us(self) -> float:
        return statistics.median(self.unverified_cpu)


@dataclass(frozen=True)
class Load:
    port: int
    headers: dict[str, str]
    body: bytes
    start: float
    seconds: float
    connections: int


def _help(now: datetime) -> bytes:
    request = intent_request("AMAZON.HelpIntent")
    request["timestamp"] = iso(now)
    return encode(envelope(request))


# Requests that need no DynamoDB call: with a local DynamoDB stand-in on the same two
# cores, a turn that reads the table measures the stand-in, not the web service.
REQUESTS: dict[str, Callable[[datetime], bytes]] = {
    "AMAZON.HelpIntent (no DynamoDB call)": _help,
}


def _hammer(load: Load) -> tuple[int, int]:
    """One load process: ``connections`` threads, each one keep-alive connection."""
    counts = [0, 0]
    lock = threading.Lock()

    def connection() -> None:
        ok = failed = 0
        client = http.client.HTTPConnection("127.0.0.1", load.port, timeout=10)
        headers = {"Content-Type": "application/json", **load.headers}
        time.sleep(max(0.0, load.start - time.time()))
        end = load.start + load.seconds
        while time.time() < end:
            client.request("POST", "/alexa", body=load.body, headers=headers)
            answer = client.getresponse()
            answer.read()
            if answer.status == 200:
                ok += 1
            else:
                failed += 1
        client.close()
        with lock:
            counts[0] += ok
            counts[1] += failed

    threads = [threading.Thread(target=connection) for _ in range(load.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts[0], counts[1]


def warm_up(port: int, headers: dict[str, str], body: bytes) -> None:
    """Every worker loads its templates and caches the certificate chain."""
    failed = _hammer(Load(port, headers, body, time.time(), 1.0, WORKERS * THREADS_PER_WORKER))[1]
    if failed:
        raise RuntimeError(f"{failed} warm-up requests were not answered with 200")


def _workers_cpu_seconds(master: int) -> float:
    """User and system CPU time of the gunicorn master's worker processes so far."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended while we looked
        # After the command name: state, ppid, ..., utime (14th field), stime (15th).
        if int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(
    port: int, master: int, headers: dict[str, str], body: bytes, seconds: float
) -> tuple[float, float]:
    """Answers per second over ``seconds`` from two load processes (every answer a 200),
    and the server's CPU microseconds per answer.

    CPU time per answer hardly depends on what else the machine is doing, so it shows
    the cost of verification even when other load makes the rates jump.
    """
    processes = 2
    per_process = WORKERS * THREADS_PER_WORKER // processes
    start = time.time() + 0.5  # all load processes begin together
    loads = [Load(port, headers, body, start, seconds, per_process)] * processes
    context = multiprocessing.get_context("fork")
    cpu_before = _workers_cpu_seconds(master)
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        results = list(pool.map(_hammer, loads))
    cpu = _workers_cpu_seconds(master) - cpu_before
    ok = sum(result[0] for result in results)
    failed = sum(result[1] for result in results)
    if failed:
        raise RuntimeError(f"{failed} requests were not answered with 200")
    return ok / seconds, cpu / ok * 1e6


def verification_cost(seconds: float = 1.0) -> float:
    """Microseconds one ``RequestVerifier.verify`` takes in process, its chain cached."""
    now = datetime.now(UTC)
    pki = make_pki(now)
    verifier = RequestVerifier(
        skill_id=SKILL_ID,
        trust_roots=[pki.root],
        fetch=lambda url: pki.chains[url],
        clock=lambda: now,
    )
    body = _help(now)
    headers = pki.headers(body)
    verifier.verify(headers, body)
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        verifier.verify(headers, body)
        count += 1
    return elapsed / count * 1e6


def server_environment(endpoint: str, table: str) -> dict[str, str]:
    """The production server's settings, on a local table."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SKILL_ID": SKILL_ID,
        "TABLE_NAME": table,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": endpoint,
        # The simulated customers book and cancel every round, far more often than people
        # do: the daily limits (skill.rules.limits) are still counted, never reached.
        "CALLBACKS_PER_DAY": "1000000",
        "RESCHEDULES_PER_DAY": "1000000",
        "TEXTS_PER_DAY": "1000000",
    }


def run(seconds: float, rounds: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="menschmoment-bench-") as temp:
        folder = Path(temp)
        pki = make_pki(datetime.now(UTC))
        write_chains(pki, folder)
        with EmbeddedDynamoDB() as endpoint:
            settings, _ = demo_table(endpoint, "bench")
            env = server_environment(endpoint, settings.table_name)
            command = [sys.executable, "-m", "tests.serve_with_test_ca", "--chains", temp]
            command += ["--workers", str(WORKERS)]
            on_port, off_port = free_port(), free_port()
            with (
                server_process([*command, "--port", str(on_port)], folder / "on.log", env) as on,
                server_process(
                    [*command, "--port", str(off_port), "--no-verify"], folder / "off.log", env
                ) as off,
            ):
                wait_until_healthy(on_port, on, folder / "on.log")
                wait_until_healthy(off_port, off, folder / "off.log")
                rows = []
                for label, build in REQUESTS.items():
                    row = Row(label, [], [], [], [])
                    body = build(datetime.now(UTC))
                    warm_up(on_port, pki.headers(body), body)
                    warm_up(off_port, {}, body)
                    # Alternating short rounds: other load on the machine then weighs on
                    # both sides alike, and the median drops a disturbed round.
                    for _ in range(rounds):
                        # Signed just before use: the timestamp must stay within 150 s.
                        body = build(datetime.now(UTC))
                        rps, cpu = measure(on_port, on.pid, pki.headers(body), body, seconds)
                        row.verified.append(rps)
                        row.verified_cpu.append(cpu)
                        rps, cpu = measure(off_port, off.pid, {}, body, seconds)
                        row.unverified.append(rps)
                        row.unverified_cpu.append(cpu)
                    rows.append(row)
                return rows
