"""Simulated customers against the production web service on the loopback address.

Each customer is a thread with its own account (a linked token, a late order, a phone
number) and one keep-alive connection, talking as a person would, round after round
until the time is up: launch, order status, a complaint (the remedy chosen; later
complaints about the same order go to the team), a call back booked, then cancelled.
The server is ``tests/serve_with_test_ca.py --no-verify`` (the production app under
gunicorn) on the embedded DynamoDB, run in a process of its own (``bench/stand_in.py``):
it answers reads side by side and each write alone, as atomic as DynamoDB's. Afterwards
the table is read back: every callback and complaint the customers heard confirmed must
be stored exactly once, and no answer may be a 5xx. Each turn's time is kept by kind
(launch, order status, ...), for the p50 and p95 of each.

``make bench`` runs 50 customers for 60 seconds; the test suite runs the same with a
shorter duration (tests/test_load.py).
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.demo_table import demo_table
from bench.web import _workers_cpu_seconds, server_environment
from skill.devtools.demo.data import ALEX, demo_orders
from skill.records.complaints import ProblemType
from skill.storage import Stores
from skill.storage.client import dynamodb_client
from skill.storage.codec import from_item
from skill.storage.deadline import ALEXA_WAITS
from skill.usecases.complaints import complaint_id_for
from tests.alexa import envelope, intent_request, launch_request, plain
from tests.live_server import free_port, server_process, wait_until_healthy

GRANTED = "Done:"
HANDED_OVER = "noted everything"
BOOKED = "will call you"
# Seconds between one customer's turns: Alexa speaks the answer, the person answers.
THINK_SECONDS = 8.0
JSON = "application/json"


@dataclass
class Customer:
    """One simulated customer: what they heard confirmed, and how each turn went."""

    number: int
    complaints_granted: list[str] = field(default_factory=list)
    complaints_handed_over: list[str] = field(default_factory=list)
    callbacks_asked: int = 0
    callbacks_confirmed: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # of each turn, beside its latency

    @property
    def token(self) -> str:
        return f"load-{self.number}"

    @property
    def customer_id(self) -> str:
        return f"c-load-{self.number}"

    @property
    def order_number(self) -> str:
        return str(8000 + self.number)


@dataclass(frozen=True)
class Result:
    customers: int
    seconds: float
    turns: int
    server_errors: int
    p95: float
    confirmed_callbacks: int
    stored_callbacks: int
    confirmed_complaints: int
    stored_complaints: int
    stored_unconfirmed: int
    slow_turns: int
    think: float
    problems: list[str]
    # Each kind of turn's seconds, p50 and p95, and how many.
    by_kind: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    # CPU seconds during the load: the server's workers, the stand-in, this process.
    server_cpu: float = 0.0
    stand_in_cpu: float = 0.0
    customers_cpu: float = 0.0


class Session:
    """One Alexa session over one keep-alive connection; attributes carried turn to turn.

    Before each turn the customer thinks (listens to the last answer, speaks): Alexa
    turns of one person are seconds apart, not back to back.
    """

    def __init__(self, port: int, customer: Customer, think: float) -> None:
        self.port = port
        self.customer = customer
        self.think = think
        self.session_id = f"amzn1.echo-api.session.load-{uuid.uuid4()}"
        self.attributes: dict[str, Any] = {}
        self.new = True

    def send(self, request: dict[str, Any], kind: str) -> str:
        """The speech heard, as plain text ("" if the turn failed)."""
        body = envelope(
            request,
            token=self.customer.token,
            user_id=f"amzn1.ask.account.LOAD{self.customer.number}",
            attributes=self.attributes,
            new=self.new,
            session_id=self.session_id,
        )
        time.sleep(self.think)
        # A connection per turn: the server closes idle keep-alive connections sooner
        # than a person answers, as it would Alexa's.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request(
                "POST", "/alexa", body=json.dumps(body), headers={"Content-Type": JSON}
            )
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        self.customer.latencies.append(time.perf_counter() - started)
        self.customer.kinds.append(kind)
        self.customer.statuses[answer.status] += 1
        if answer.status != 200:
            self.customer.errors.append(f"HTTP {answer.status}")
            return ""
        reply = json.loads(data)
        self.attributes = reply.get("sessionAttributes") or {}
        self.new = False
        ssml = reply["response"].get("outputSpeech", {}).get("ssml", "")
        return plain(ssml) if ssml else ""


def one_round(port: int, customer: Customer, think: float, writes_only: bool) -> None:
    """Launch, order status, a complaint, a call back booked and cancelled; with
    ``writes_only`` just the complaint and the booking, whose confirmations are checked."""
    if not writes_only:
        Session(port, customer, think).send(launch_request(), "launch")
        Session(port, customer, think).send(intent_request("OrderStatusIntent"), "order status")

    complaint = Session(port, customer, think)
    complaint.send(
        intent_request("ComplaintIntent", problemType="late", orderNumber=customer.order_number),
        "complaint: offer",
    )
    heard = complaint.send(
        intent_request("RemedyChoiceIntent", remedy="shipping_refund"), "complaint: remedy"
    )
    complaint_id = complaint_id_for(complaint.session_id, customer.order_number, ProblemType.LATE)
    if GRANTED in heard:
        customer.complaints_granted.append(complaint_id)
    elif HANDED_OVER in heard:
        customer.complaints_handed_over.append(complaint_id)

    customer.callbacks_asked += 1
    booking = Session(port, customer, think).send(intent_request("CallbackIntent"), "callback")
    if BOOKED in booking:
        customer.callbacks_confirmed += 1
    if not writes_only:
        cancel = Session(port, customer, think)
        cancel.send(intent_request("CancelCallbackIntent"), "cancel: asked")
        cancel.send(intent_request("AMAZON.YesIntent"), "cancel: yes")


def talk(
    port: int,
    customer: Customer,
    start: float,
    end: float,
    think: float,
    rounds: int | None,
    writes_only: bool,
) -> None:
    time.sleep(max(0.0, start - time.time()))
    done = 0
    try:
        while time.time() < end and (rounds is None or done < rounds):
            one_round(port, customer, think, writes_only)
            done += 1
    except Exception as error:
        customer.errors.append(f"{type(error).__name__}: {error}")


def add_customers(stores: Stores, customers: list[Customer]) -> None:
    late = next(order for order in demo_orders(datetime.now(UTC).date()) if order.number == "1003")
    for customer in customers:
        stores.orders.put_customer(replace(ALEX, customer_id=customer.customer_id))
        stores.tokens.put(customer.token, customer.customer_id)
        stores.orders.put_order(
            replace(late, number=customer.order_number, customer_id=customer.customer_id)
        )


def check(
    stores_client: Any, table: str, customers: list[Customer]
) -> tuple[int, int, int, list[str]]:
    """Stored callbacks and complaints matching what was confirmed, and every mismatch."""
    items = []
    pages = stores_client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    for page in pages:
        items += [from_item(raw) for raw in page["Items"]]
    complaints = Counter(i["complaint_id"] for i in items if i.get("kind") == "complaint")
    commitments = Counter(i["complaint_id"] for i in items if i.get("kind") == "commitment")
    callbacks = Counter(i["owner"] for i in items if i.get("kind") == "callback")
    problems: list[str] = []
    stored_callbacks = stored_complaints = unconfirmed = 0
    for customer in customers:
        problems += [f"customer {customer.number}: {error}" for error in customer.errors]
        owner = f"customer:{customer.customer_id}"
        # Every confirmed booking is stored, and no request stored two. A booking may be
        # stored without a confirmation: a write whose answer timed out reached the
        # table, and the customer heard an apology (never the reverse).
        stored = callbacks[owner]
        if customer.callbacks_confirmed <= stored <= customer.callbacks_asked:
            stored_callbacks += customer.callbacks_confirmed
            unconfirmed += stored - customer.callbacks_confirmed
        else:
            problems.append(
                f"customer {customer.number}: {customer.callbacks_asked} callbacks asked, "
                f"{customer.callbacks_confirmed} confirmed, {stored} stored"
            )
        for complaint_id in customer.complaints_granted + customer.complaints_handed_over:
            granted = complaint_id in customer.complaints_granted
            if complaints[complaint_id] == 1 and commitments[complaint_id] == int(granted):
                stored_complaints += 1
            else:
                problems.append(
                    f"complaint {complaint_id}: stored {complaints[complaint_id]} times, "
                    f"{commitments[complaint_id]} commitments"
                )
    return stored_callbacks, stored_complaints, unconfirmed, problems


def run(
    customers: int,
    seconds: float,
    think: float = THINK_SECONDS,
    rounds: int | None = None,
    writes_only: bool = False,
) -> Result:
    """``customers`` talking for ``seconds`` (or ``rounds`` rounds each, if sooner)."""
    people = [Customer(number) for number in range(customers)]
    with (
        tempfile.TemporaryDirectory(prefix="menschmoment-load-") as temp,
        stand_in() as endpoint,
    ):
        settings, stores = demo_table(endpoint, "load")
        table = settings.table_name
        add_customers(stores, people)
        port = free_port()
        log = Path(temp) / "server.log"
        # The production app under gunicorn, as the web benchmark serves it, unverified.
        command = [sys.executable, "-m", "tests.serve_with_test_ca", "--chains", temp]
        command += ["--port", str(port), "--no-verify"]
        with server_process(command, log, server_environment(endpoint, table)) as server:
            wait_until_healthy(port, server, log)
            cpu_before = (_workers_cpu_seconds(server.pid), _cpu_seconds(endpoint))
            own_before = time.process_time()
            start = time.time() + 0.5
            # Customers begin spread over one think time, as people do, not all at once.
            threads = [
                threading.Thread(
                    target=talk,
                    args=(
                        port,
                        person,
                        start + think * person.number / customers,
                        start + seconds,
                        think,
                        rounds,
                        writes_only,
                    ),
                )
                for person in people
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            server_cpu = _workers_cpu_seconds(server.pid) - cpu_before[0]
            stand_in_cpu = _cpu_seconds(endpoint) - cpu_before[1]
            customers_cpu = time.process_time() - own_before
        # Reading the whole table back is no turn: no turn's time limits.
        reader = dynamodb_client(settings.with_changes(dynamodb_read_timeout=60.0), local=True)
        stored_callbacks, stored_complaints, unconfirmed, problems = check(reader, table, people)
    latencies = [value for person in people for value in person.latencies]
    statuses: Counter[int] = Counter()
    for person in people:
        statuses.update(person.statuses)
    by_kind: dict[str, list[float]] = {}
    for person in people:
        for kind, value in zip(person.kinds, person.latencies, strict=True):
            by_kind.setdefault(kind, []).append(value)
    return Result(
        customers=customers,
        seconds=seconds,
        turns=sum(statuses.values()),
        server_errors=sum(count for status, count in statuses.items() if status >= 500),
        p95=statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else 0.0,
        confirmed_callbacks=sum(person.callbacks_confirmed for person in people),
        stored_callbacks=stored_callbacks,
        confirmed_complaints=sum(
            len(person.complaints_granted) + len(person.complaints_handed_over) for person in people
        ),
        stored_complaints=stored_complaints,
        stored_unconfirmed=unconfirmed,
        slow_turns=sum(value > ALEXA_WAITS for value in latencies),
        think=think,
        problems=problems,
        by_kind={kind: _p50_p95(values) for kind, values in by_kind.items()},
        server_cpu=server_cpu,
        stand_in_cpu=stand_in_cpu,
        customers_cpu=customers_cpu,
    )


_STAND_INS: dict[str, int] = {}  # endpoint -> process id


def _cpu_seconds(endpoint: str) -> float:
    """User and system CPU time of the stand-in's process so far."""
    stat = Path(f"/proc/{_STAND_INS[endpoint]}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p50_p95(values: list[float]) -> tuple[float, float, int]:
    ordered = sorted(values)
    last = len(ordered) - 1
    return ordered[round(0.5 * last)], ordered[round(0.95 * last)], len(ordered)


@contextmanager
def stand_in() -> Iterator[str]:
    """The embedded DynamoDB in its own process (bench/stand_in.py); its endpoint."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.stand_in"],
        cwd=Path(__file__).resolve().parent.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        _STAND_INS[endpoint] = process.pid
        yield endpoint
    finally:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()
