"""The Lambda side: cold start, warm turns with their DynamoDB requests, peak memory,
and a turn against a DynamoDB that never answers.

Every figure comes from fresh interpreters running :mod:`bench.lambda_probe`, against
the embedded DynamoDB (moto, one request at a time) seeded with the demo data, the
skill as Lambda runs it (``lambda_function``) next to the baseline (``bench.hello``).
Cold starts alternate between the two, so other load on the machine weighs on both.

Cold starts are measured against dynalite as well: moto spends most of a read turning
the items into JSON in Python (about 16 ms for the account's five items, where
dynalite and DynamoDB take two or three), which weighs on a launch that reads data and
not on the baseline's read of a missing key. Warm turns need transactions: moto only.
"""

from __future__ import annotations

import compileall
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.demo_table import demo_table
from bench.web import server_environment
from skill.config import Settings
from skill.devtools.demo.data import ALEX, demo_orders
from skill.devtools.demo.dynamodb import EmbeddedDynamoDB
from skill.policy import load_policy
from skill.speech import Renderer
from skill.storage import Stores
from tests.alexa import envelope, intent_request, launch_request
from tests.dynalite_server import dynalite

ROOT = Path(__file__).resolve().parent.parent
SKILL, BASELINE = "lambda_function", "bench.hello"
READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem"})
TRANSACTIONS = frozenset({"TransactWriteItems", "TransactGetItems"})
# The warm turns per main intent: the label in the table, and the words that show the
# turn did what it is measured for (a failure would be fast and prove nothing).
ORDER_STATUS = "order status"
COMPLAINT = "complaint: remedy chosen, stored"
CALLBACK = "callback: booked"
MAIN_TURNS = {ORDER_STATUS: "1003", COMPLAINT: "Done", CALLBACK: "will call you"}


@dataclass
class Process:
    """What one fresh process measured."""

    cold_seconds: float
    peak_rss_bytes: int
    turns: dict[str, list[float]] = field(default_factory=dict)
    sent: dict[str, list[list[str]]] = field(default_factory=dict)
    # Outside storage and Alexa's APIs (bench.lambda_probe), and the process's CPU.
    own: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Figures:
    skill_cold: list[float]
    baseline_cold: list[float]
    skill_cold_dynalite: list[float]
    baseline_cold_dynalite: list[float]
    skill_peak: int
    baseline_peak: int
    skill_turns: dict[str, list[float]]
    skill_sent: dict[str, list[list[str]]]
    baseline_turns: list[float]
    unanswered_seconds: float
    unanswered_speech: str
    skill_own: dict[str, list[float]] = field(default_factory=dict)
    skill_cpu: dict[str, list[float]] = field(default_factory=dict)


DEMO_TOKEN = "demo-alex"  # noqa: S105 (the demo's documented account-linking token)


def _linked(request: dict[str, Any], session_id: str, token: str = DEMO_TOKEN) -> dict[str, Any]:
    return envelope(request, token=token, session_id=session_id)


def complaining_customers(stores: Stores, today: date, count: int) -> None:
    """Customers like Alex, each with one late order: a second complaint about the same
    order goes to an agent, so each measured complaint needs an order of its own."""
    late = next(order for order in demo_orders(today) if order.number == "1003")
    for number in range(count):
        customer = replace(ALEX, customer_id=f"c-bench-{number}")
        stores.orders.put_customer(customer)
        stores.tokens.put(f"bench-{number}", customer.customer_id)
        stores.orders.put_order(
            replace(late, number=str(7000 + number), customer_id=customer.customer_id)
        )


def skill_steps(turns: int) -> list[dict[str, Any]]:
    """A cold launch, then ``turns`` rounds of order status, complaint and callback."""
    steps: list[dict[str, Any]] = [
        {"label": "cold", "event": _linked(launch_request(), "amzn1.echo-api.session.cold")}
    ]
    for number in range(turns):
        session = f"amzn1.echo-api.session.bench-{number}-{uuid.uuid4().hex[:8]}"
        steps += [
            {"label": ORDER_STATUS, "event": _linked(intent_request("OrderStatusIntent"), session)},
            {
                "label": "complaint: offer",
                "event": _linked(
                    intent_request(
                        "ComplaintIntent", problemType="late", orderNumber=str(7000 + number)
                    ),
                    session + "-c",
                    token=f"bench-{number}",
                ),
            },
            {
                "label": COMPLAINT,
                "event": _linked(
                    intent_request("RemedyChoiceIntent", remedy="shipping_refund"),
                    session + "-c",
                    token=f"bench-{number}",
                ),
                "continue": True,
            },
            {"label": CALLBACK, "event": _linked(intent_request("CallbackIntent"), session + "-b")},
            {
                "label": "callback: cancel asked",
                "event": _linked(intent_request("CancelCallbackIntent"), session + "-x"),
            },
            {
                "label": "callback: cancelled",
                "event": _linked(intent_request("AMAZON.YesIntent"), session + "-x"),
                "continue": True,
            },
        ]
    return steps


def baseline_steps(turns: int) -> list[dict[str, Any]]:
    return [
        {"label": "cold" if number == 0 else "launch", "event": _linked(launch_request(), "s")}
        for number in range(turns + 1)
    ]


def probe(module: str, steps: list[dict[str, Any]], env: dict[str, str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(steps, file)
    # The log goes to a file, as Lambda's runtime takes it at once: a pipe this process
    # reads would make the probe's log writes wait for this busy process.
    with tempfile.TemporaryFile("w+") as log:
        try:
            done = subprocess.run(  # noqa: S603 (our own probe, fixed arguments)
                [sys.executable, "-m", "bench.lambda_probe", module, file.name],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                timeout=120,
                check=False,
            )
        finally:
            os.unlink(file.name)
        if done.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"{module} failed:\n{log.read()[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def packaged_like() -> None:
    """What the deployment artifact carries, made here before any process is timed:
    bytecode for our modules (the libraries' came with their install), every template
    compiled and the remedy policy's checked copy. The probes run with
    PYTHONDONTWRITEBYTECODE, as on Lambda, so they would make none of it."""
    compileall.compile_dir(ROOT / "skill", quiet=1)
    for entry in (f"{SKILL}.py", "bench/hello.py"):
        compileall.compile_file(ROOT / entry, quiet=1)
    Renderer().warm()
    load_policy(Settings().remedy_policy)


def _process(result: dict[str, Any], greeting: str) -> Process:
    steps = result["steps"]
    # A failed launch would be fast and prove nothing.
    if greeting not in steps[0]["speech"]:
        raise RuntimeError(f"the cold launch did not succeed: {steps[0]['speech']}")
    measured = Process(cold_seconds=steps[0]["seconds"], peak_rss_bytes=result["peak_rss_bytes"])
    for step in steps[1:]:
        expected = MAIN_TURNS.get(step["label"])
        if expected and expected not in step["speech"]:
            raise RuntimeError(f"{step['label']} did not succeed: {step['speech']}")
        measured.turns.setdefault(step["label"], []).append(step["seconds"])
        measured.sent.setdefault(step["label"], []).append(step["sent"])
        measured.own.setdefault(step["label"], []).append(step["own_seconds"])
        measured.cpu.setdefault(step["label"], []).append(step["cpu_seconds"])
    return measured


def round_trips(sent: list[list[str]]) -> str:
    """Reads / writes / transactions per turn, as the most frequent split (and range)."""
    splits = [
        (
            sum(op in READS for op in ops),
            sum(op not in READS and op not in TRANSACTIONS for op in ops),
            sum(op in TRANSACTIONS for op in ops),
        )
        for ops in sent
    ]
    common, _ = Counter(splits).most_common(1)[0]
    text = "{} reads, {} writes, {} transactions".format(*common)
    if len(set(splits)) > 1:
        text += f" (in {Counter(splits)[common]} of {len(splits)} turns)"
    return text


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@contextmanager
def _silent_dynamodb() -> Iterator[str]:
    """An endpoint that accepts connections and never answers: a hung table."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


def _environment(endpoint: str, table: str) -> dict[str, str]:
    # The server's settings; like Lambda, no bytecode written next to the code (it is
    # read-only there).
    return {**server_environment(endpoint, table), "PYTHONDONTWRITEBYTECODE": "1"}


def _demo_table(endpoint: str, complaining: int) -> dict[str, str]:
    """A table with the demo data; the environment of a Lambda process using it."""
    settings, stores = demo_table(endpoint, "bench")
    complaining_customers(stores, datetime.now(UTC).date(), complaining)
    return _environment(endpoint, settings.table_name)


def _cold_starts(
    env: dict[str, str], count: int, turns: int = 0
) -> tuple[list[Process], list[Process]]:
    """``count`` processes of each side, alternating; the first ones also take ``turns``
    warm turns of each main intent."""
    probe(SKILL, skill_steps(0), env)  # untimed: the first read of the files
    probe(BASELINE, baseline_steps(0), env)
    skill: list[Process] = []
    baseline: list[Process] = []
    for number in range(count):
        warm = turns if number == 0 else 0
        skill.append(_process(probe(SKILL, skill_steps(warm), env), ALEX.first_name))
        baseline.append(_process(probe(BASELINE, baseline_steps(warm), env), "Hello world"))
    return skill, baseline


def run(cold_starts: int, turns: int) -> Figures:
    packaged_like()
    with EmbeddedDynamoDB() as endpoint:
        skill_processes, baseline_processes = _cold_starts(
            _demo_table(endpoint, turns), cold_starts, turns
        )
    with tempfile.TemporaryDirectory() as scratch, dynalite(Path(scratch) / "errors") as endpoint:
        skill_dynalite, baseline_dynalite = _cold_starts(_demo_table(endpoint, 0), cold_starts)
    skill, baseline = skill_processes[0], baseline_processes[0]
    with _silent_dynamodb() as silent:
        steps = [
            {"label": "cold", "event": _linked(launch_request(), "amzn1.echo-api.session.hung")},
            {"label": "hung", "event": _linked(intent_request("CallbackIntent"), "hung-2")},
        ]
        hung = probe(SKILL, steps, _environment(silent, "hung"))["steps"][1]
    return Figures(
        skill_cold=[process.cold_seconds for process in skill_processes],
        baseline_cold=[process.cold_seconds for process in baseline_processes],
        skill_cold_dynalite=[process.cold_seconds for process in skill_dynalite],
        baseline_cold_dynalite=[process.cold_seconds for process in baseline_dynalite],
        skill_peak=skill.peak_rss_bytes,
        baseline_peak=baseline.peak_rss_bytes,
        skill_turns=skill.turns,
        skill_sent=skill.sent,
        baseline_turns=baseline.turns["launch"],
        unanswered_seconds=hung["seconds"],
        unanswered_speech=hung["speech"],
        skill_own=skill.own,
        skill_cpu=skill.cpu,
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


# The own time per warm turn: p50 targets on a quiet 2-core machine, in seconds.
OWN_TARGETS = {ORDER_STATUS: 0.005, COMPLAINT: 0.010, CALLBACK: 0.010}


def warm_process(turns: int) -> Process:
    """One skill process taking ``turns`` warm turns of each main intent, nothing else:
    its own time per turn (``python -m bench.lambda_process``)."""
    packaged_like()
    with EmbeddedDynamoDB() as endpoint:
        env = _demo_table(endpoint, turns)
        probe(SKILL, skill_steps(0), env)  # untimed: the first read of the files
        return _process(probe(SKILL, skill_steps(turns), env), ALEX.first_name)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.lambda_process")
    parser.add_argument("--turns", type=int, default=30, help="warm turns per main intent")
    args = parser.parse_args()
    process = warm_process(args.turns)
    print(f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    for label in (ORDER_STATUS, COMPLAINT, CALLBACK):
        own, cpu, wall = process.own[label], process.cpu[label], process.turns[label]
        print(
            f"{label:34} own ms p50/p95 {percentile(own, 0.5) * 1000:6.1f} / "
            f"{percentile(own, 0.95) * 1000:6.1f}   CPU ms p50 {percentile(cpu, 0.5) * 1000:6.1f}"
            f"   wall ms p50 {percentile(wall, 0.5) * 1000:6.1f}   "
            f"{round_trips(process.sent[label])}"
        )


if __name__ == "__main__":
    main()
