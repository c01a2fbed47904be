"""Import throughput: ``python -m skill import``'s work on generated records, against dynalite.

    python -m bench.shop_import [--orders N] [--workers N]

Writes a JSON Lines file of N orders (and a customer per ten orders), then imports it
into a fresh dynalite table twice: the first time every record is new (a first load:
one scan finds nothing of the shop, BatchWriteItem writes all, unread), the second
time every record is unchanged (the reads alone). Records per second count the whole
run: reading and checking the file included. CPU per record is given for both
processes, dynalite's per import where /proc shows it: on a machine shared with other
work it says more than the rate.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from skill.config import Settings
from skill.storage.batch_json import send_batches_as_json
from skill.storage.client import admin_client
from skill.storage.shop import ShopStore
from skill.storage.tables import MAIN_TABLE, create_tables
from skill.usecases.shop_import import ImportReport, run_import
from tests.dynalite_server import dynalite

STATUSES = ("placed", "processing", "shipped", "out_for_delivery", "delivered", "cancelled")


@dataclass(frozen=True)
class Result:
    records: int
    first: ImportReport
    again: ImportReport
    workers: int
    # CPU seconds: this process's for each import, dynalite's for both together and,
    # read from /proc where there is one, for each import.
    first_cpu: float
    again_cpu: float
    dynalite_cpu: float
    first_dynalite_cpu: float | None = None
    again_dynalite_cpu: float | None = None

    @property
    def first_rate(self) -> float:
        return self.records / self.first.seconds

    @property
    def again_rate(self) -> float:
        return self.records / self.again.seconds


def write_file(path: Path, orders: int) -> int:
    """``orders`` orders and one customer per ten; returns how many records."""
    customers = max(1, orders // 10)
    start = date(2026, 11, 1)
    with path.open("w", encoding="utf-8") as file:
        for n in range(customers):
            person: dict[str, object] = {
                "type": "customer",
                "id": f"bench-{n}",
                "name": "Alex",
                "locale": "en-US",
                "postal_code": f"{10000 + n % 89999}",
                "phone": f"+1212555{n % 10000:04d}",
            }
            file.write(json.dumps(person) + "\n")
        for n in range(orders):
            status = STATUSES[n % len(STATUSES)]
            record: dict[str, object] = {
                "type": "order",
                "number": f"#{100000 + n}",
                "customer_id": f"bench-{n % customers}",
                "status": status,
                "items": [{"name": "coffee grinder", "quantity": 1 + n % 3}],
                "total": f"{19 + n % 80}.90",
                "currency": "USD",
                "shipping_cost": "4.95",
                "ordered_at": f"{start + timedelta(days=n % 20)}T10:00:00Z",
                "due": str(start + timedelta(days=n % 20 + 5)),
                "carrier": "UPS",
                "updated_at": "2026-11-20T08:00:00Z",
            }
            if status == "delivered":
                record["delivered_at"] = str(start + timedelta(days=n % 20 + 4))
            file.write(json.dumps(record) + "\n")
    return customers + orders


def run(orders: int, workers: int = 4) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shop.jsonl"
        records = write_file(path, orders)
        children = _children_cpu()
        with dynalite(Path(folder) / "dynalite.log") as endpoint:
            table = f"bench-import-{uuid.uuid4().hex[:8]}"
            settings = Settings(table_name=table, dynamodb_endpoint=endpoint, region="us-east-1")
            create_tables(admin_client(settings, local=True), {MAIN_TABLE: table})
            # The client the command makes (skill.usecases.shop_import).
            client = admin_client(settings, local=True, bulk=True)
            send_batches_as_json(client)
            store = ShopStore(client, table, workers=workers)
            node_before = _server_cpu()
            cpu = time.process_time()
            first = run_import(path, store)
            first_cpu, cpu = time.process_time() - cpu, time.process_time()
            node_between = _server_cpu()
            again = run_import(path, store)
            again_cpu = time.process_time() - cpu
            node_after = _server_cpu()
        # dynalite has exited and been waited for: its CPU time is counted now.
        node = _children_cpu() - children
    first_node = again_node = None
    if node_before is not None and node_between is not None and node_after is not None:
        first_node, again_node = node_between - node_before, node_after - node_between
    return Result(
        records, first, again, workers, first_cpu, again_cpu, node, first_node, again_node
    )


def _server_cpu() -> float | None:
    """The CPU seconds of this process's child (the dynalite server) so far, from
    /proc (None without it)."""
    try:
        children = [
            pid
            for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()
        ]
        total = 0.0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            # utime and stime, fields 14 and 15 of stat(5), in clock ticks.
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shop_import", description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4, help="batches sent side by side")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(args.orders, args.workers)
    print(
        f"import of {result.records:,} records ({args.orders:,} orders), "
        f"{result.workers} workers, against dynalite:"
    )
    for label, rate, report, cpu, node in (
        ("new", result.first_rate, result.first, result.first_cpu, result.first_dynalite_cpu),
        (
            "unchanged",
            result.again_rate,
            result.again,
            result.again_cpu,
            result.again_dynalite_cpu,
        ),
    ):
        print(
            f"  {label:<9}  {rate:,.0f} records/s ({report.seconds:.1f} s), "
            f"importer CPU {cpu / result.records * 1000:.2f} ms/record"
            + (f", dynalite {node / result.records * 1000:.2f}" if node is not None else "")
        )
    print(
        f"  dynalite CPU {result.dynalite_cpu / (2 * result.records) * 1000:.2f} ms/record "
        f"(both imports); load average {os.getloadavg()[0]:.1f}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
