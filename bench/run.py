"""``make bench``: one table of this machine's figures, each beside its baseline.

    python -m bench.run [--cold-starts N] [--turns N] [--seconds N] [--rounds N]
                        [--customers N] [--load-seconds N] [--import-orders N]
                        [--mcp-calls N]

Each figure comes from its own module: ``bench/lambda_process.py`` (cold start, warm
turns and their DynamoDB requests, memory, a table that never answers),
``bench/package.py`` (deployment package), ``bench/web.py`` (requests per second) and
``bench/load.py`` (simulated customers), ``bench/shop_import.py`` (import of a shop's
records), ``bench/mcp.py`` (an MCP tool through the web service). A new figure adds its
rows here, so the table stays one table.
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import gunicorn

from bench import lambda_process, load, mcp, package, shop_import, web
from skill.config import Settings
from skill.storage.deadline import ALEXA_WAITS, turn_time_bound

MB = 1_000_000
Row = tuple[str, str, str, str, str, str]
HEADER: Row = ("figure", "Menschmoment", "baseline", "ratio", "DynamoDB requests", "target")


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, gunicorn {gunicorn.__version__}"
    )


def spread(median: float, values: list[float], scale: float = 1.0, digits: int = 0) -> str:
    return (
        f"{median * scale:.{digits}f} "
        f"({min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f})"
    )


def p50_p95(values: list[float]) -> str:
    percentile = lambda_process.percentile
    return f"{percentile(values, 0.5) * 1000:.1f} / {percentile(values, 0.95) * 1000:.1f}"


def cold_start_row(label: str, skill: list[float], baseline: list[float], target: str) -> Row:
    cold, base = lambda_process.median(skill), lambda_process.median(baseline)
    return (
        label,
        spread(cold, skill, 1000),
        spread(base, baseline, 1000),
        f"{cold / base:.2f}",
        "",
        target,
    )


def lambda_rows(figures: lambda_process.Figures) -> list[Row]:
    rows: list[Row] = [
        cold_start_row(
            f"Lambda cold start: import + first LaunchRequest, ms, median (range) "
            f"of {len(figures.skill_cold_dynalite)}, against dynalite",
            figures.skill_cold_dynalite,
            figures.baseline_cold_dynalite,
            "<= 1.25",
        ),
        cold_start_row(
            "  the same against the embedded moto (slow to serialize items)",
            figures.skill_cold,
            figures.baseline_cold,
            "",
        ),
        (
            "Lambda process peak memory (VmHWM), MB",
            f"{figures.skill_peak / MB:.1f}",
            f"{figures.baseline_peak / MB:.1f}",
            f"{figures.skill_peak / figures.baseline_peak:.2f}",
            "",
            "< 128 MB",
        ),
    ]
    baseline = figures.baseline_turns
    base_p50 = lambda_process.percentile(baseline, 0.5)
    targets = {
        lambda_process.ORDER_STATUS: "<= 2 round trips",
        lambda_process.CALLBACK: "1 transaction",
    }
    for label in (lambda_process.ORDER_STATUS, lambda_process.COMPLAINT, lambda_process.CALLBACK):
        times = figures.skill_turns[label]
        rows.append(
            (
                f"warm turn, {label}: ms p50 / p95 of {len(times)}",
                p50_p95(times),
                p50_p95(baseline),
                f"{lambda_process.percentile(times, 0.5) / base_p50:.2f}",
                lambda_process.round_trips(figures.skill_sent[label]),
                targets.get(label, ""),
            )
        )
    bound = turn_time_bound(Settings())
    rows.append(
        (
            "turn against a DynamoDB that never answers (callback), s",
            f"{figures.unanswered_seconds:.2f}",
            f"bound {bound:.1f}",
            "",
            "apology" if "sorry" in figures.unanswered_speech.lower() else "NO APOLOGY",
            f"< {ALEXA_WAITS:.0f} s",
        )
    )
    return rows


def own_time_rows(figures: lambda_process.Figures) -> list[Row]:
    """Each warm turn's time outside storage and Alexa's APIs, and the process's CPU."""
    rows: list[Row] = []
    for label, target in lambda_process.OWN_TARGETS.items():
        own, cpu = figures.skill_own[label], figures.skill_cpu[label]
        rows.append(
            (
                f"  own time, {label}: ms p50 / p95 (CPU ms p50)",
                f"{p50_p95(own)} ({lambda_process.percentile(cpu, 0.5) * 1000:.1f})",
                "",
                "",
                "outside botocore's send and the API client",
                f"p50 <= {target * 1000:.0f} ms",
            )
        )
    return rows


def package_rows() -> list[Row]:
    skill, baseline = package.skill_package(), package.baseline_package()
    return [
        (
            "deployment package, zipped, MB",
            f"{skill.bytes / MB:.1f}",
            f"{baseline.bytes / MB:.1f}",
            f"{skill.bytes / baseline.bytes:.2f}",
            "",
            "small",
        )
    ]


def web_rows(rows: list[web.Row]) -> list[Row]:
    table: list[Row] = []
    for row in rows:
        table += [
            (
                f"web rps, {row.label}: verified (baseline: unverified)",
                spread(row.verified_rps, row.verified),
                spread(row.unverified_rps, row.unverified),
                f"{row.ratio:.2f}",
                "",
                "",
            ),
            (
                "  server CPU us/request: verified (baseline: unverified)",
                spread(row.verified_cpu_us, row.verified_cpu),
                spread(row.unverified_cpu_us, row.unverified_cpu),
                f"{row.verified_cpu_us / row.unverified_cpu_us:.2f}",
                "",
                "",
            ),
        ]
    table.append(
        (
            "  RequestVerifier.verify alone, in process, us/request",
            f"{web.verification_cost():.0f}",
            "",
            "",
            "",
            "",
        )
    )
    return table


def load_rows(result: load.Result) -> list[Row]:
    return [
        (
            f"load: {result.customers} customers for {result.seconds:g} s on loopback: "
            f"turns/s, turn ms p95",
            f"{result.turns / result.seconds:.1f}, {result.p95 * 1000:.0f}",
            "",
            "",
            f"{result.server_errors} answers >= 500",
            "no 5xx",
        ),
        (
            f"  turns answered after {ALEXA_WAITS:.0f} s (of {result.turns}); "
            f"seconds between a customer's turns",
            f"{result.slow_turns}; {result.think:g}",
            "",
            "",
            "",
            "",
        ),
        (
            "  confirmed in speech / stored exactly once: callbacks, complaints",
            f"{result.confirmed_callbacks} / {result.stored_callbacks}, "
            f"{result.confirmed_complaints} / {result.stored_complaints}",
            "",
            "",
            f"{result.stored_unconfirmed} stored, apologised for",
            "all, once",
        ),
    ]


def load_kind_rows(result: load.Result) -> list[Row]:
    """Each kind of turn under the load, and where the CPU went."""
    rows: list[Row] = [
        (
            f"  {kind}: turn ms p50 / p95 (of {count})",
            f"{p50 * 1000:.0f} / {p95 * 1000:.0f}",
            "",
            "",
            "",
            "p95 < 1,000",
        )
        for kind, (p50, p95, count) in result.by_kind.items()
    ]
    rows.append(
        (
            "  CPU s during the load: server workers, DynamoDB stand-in, customers",
            f"{result.server_cpu:.1f}, {result.stand_in_cpu:.1f}, {result.customers_cpu:.1f}",
            "",
            "",
            "",
            "",
        )
    )
    return rows


def import_rows(result: shop_import.Result) -> list[Row]:
    return [
        (
            f"import: {result.records:,} generated records into dynalite, records/s: "
            f"new / unchanged",
            f"{result.first_rate:,.0f} / {result.again_rate:,.0f}",
            "",
            "",
            "BatchGetItem 100, BatchWriteItem 25",
            ">= 2,000",
        ),
        (
            "  CPU ms/record: importer new / unchanged; dynalite, both",
            f"{result.first_cpu / result.records * 1000:.2f} / "
            f"{result.again_cpu / result.records * 1000:.2f}; "
            f"{result.dynalite_cpu / (2 * result.records) * 1000:.2f}",
            "",
            "",
            "",
            "",
        ),
    ]


def mcp_rows(result: mcp.Result) -> list[Row]:
    tool, voice = result.tool, result.voice
    return [
        (
            f"MCP get_order_status via the web service, ms p50 / p95 of {len(tool)} "
            f"(baseline: the voice turn)",
            p50_p95(tool),
            p50_p95(voice),
            f"{lambda_process.percentile(tool, 0.5) / lambda_process.percentile(voice, 0.5):.2f}",
            "",
            "",
        )
    ]


def print_table(rows: list[Row]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADER))]
    for number, row in enumerate(rows):
        print("  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--cold-starts", type=int, default=30, help="fresh processes per side")
    parser.add_argument("--turns", type=int, default=30, help="warm turns per main intent")
    parser.add_argument("--seconds", type=float, default=1.5, help="length of one web round")
    parser.add_argument("--rounds", type=int, default=6, help="web rounds per side, alternating")
    parser.add_argument("--customers", type=int, default=50, help="simulated customers")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="length of the load")
    parser.add_argument("--import-orders", type=int, default=100_000, help="0: no import")
    parser.add_argument("--mcp-calls", type=int, default=200, help="0: no MCP figure")
    args = parser.parse_args(argv)

    rows: list[Row] = [HEADER]
    lambda_figures = lambda_process.run(args.cold_starts, args.turns)
    rows += lambda_rows(lambda_figures)
    rows += own_time_rows(lambda_figures)
    rows += package_rows()
    rows += web_rows(web.run(args.seconds, args.rounds))
    if args.load_seconds > 0:
        result = load.run(args.customers, args.load_seconds)
        rows += load_rows(result)
        rows += load_kind_rows(result)
        for problem in result.problems:
            print(f"load problem: {problem}")
    if args.import_orders > 0:
        rows += import_rows(shop_import.run(args.import_orders))
    if args.mcp_calls > 0:
        rows += mcp_rows(mcp.run(args.mcp_calls))

    connections = web.WORKERS * web.THREADS_PER_WORKER
    print(f"machine: {machine()}")
    print(
        "Lambda figures: fresh interpreters running lambda_function or the baseline "
        "bench/hello.py (ask-sdk-core + boto3, one GetItem per launch) against the "
        "embedded DynamoDB (moto) and, for cold starts, dynalite; warm-turn baseline: "
        "the hello launch."
    )
    print(f"deployment package: {package.skill_package().source}")
    print(
        f"web: POST /alexa through gunicorn ({web.WORKERS} workers x "
        f"{web.THREADS_PER_WORKER} threads), {connections} keep-alive connections on "
        f"loopback; median (min-max) of {args.rounds} alternating rounds of "
        f"{args.seconds:g} s per side"
    )
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
