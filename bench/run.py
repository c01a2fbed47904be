"""``make bench``: one table of this machine's figures.

    python -m bench.run [--seconds N]

Each figure comes from its own module (``bench/web.py`` for the web service); a new
figure adds its rows here, so the table stays one table.
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import gunicorn

from bench import web


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.5, help="length of one round")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per side, alternating")
    args = parser.parse_args(argv)

    rows = web.run(args.seconds, args.rounds)
    connections = web.WORKERS * web.THREADS_PER_WORKER
    print(f"machine: {machine()}")
    print(
        f"POST /alexa through gunicorn ({web.WORKERS} workers x {web.THREADS_PER_WORKER} "
        f"threads), {connections} keep-alive connections on loopback; "
        f"median (min-max) of {args.rounds} alternating rounds of {args.seconds:g} s per side"
    )
    print()
    table = [
        (
            "request",
            "rps verified",
            "rps unverified",
            "rps ratio",
            "server CPU us/req verified",
            "unverified",
        )
    ]
    for row in rows:
        table.append(
            (
                row.label,
                spread(row.verified_rps, row.verified),
                spread(row.unverified_rps, row.unverified),
                f"{row.ratio:.2f}",
                spread(row.verified_cpu_us, row.verified_cpu),
                spread(row.unverified_cpu_us, row.unverified_cpu),
            )
        )
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    for number, line in enumerate(table):
        print("  ".join(f"{cell:<{width}}" for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    print()
    print(
        f"RequestVerifier.verify alone, in one process, chain cached: "
        f"{web.verification_cost():.0f} microseconds per request"
    )


def spread(median: float, values: list[float]) -> str:
    return f"{median:.0f} ({min(values):.0f}-{max(values):.0f})"


if __name__ == "__main__":
    main()
