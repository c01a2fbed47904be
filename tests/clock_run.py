"""The time-sensitive tests at the instants that used to break them, under libfaketime.

``python -m tests.clock_run`` (``make test-clock``) runs :data:`MODULES` once per instant
in :data:`INSTANTS`, the machine's clock set there by libfaketime and its time zone set as
the instant says. Every test takes its time from a clock it fixes, so each run must pass
exactly as on a weekday afternoon; a test that read the machine's clock or zone would
fail on one of these.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Instant:
    why: str
    utc: str  # ISO instant in UTC
    zone: str  # the machine's time zone (TZ) for the run


INSTANTS = (
    Instant("Sunday night, 23:45 UTC", "2026-11-29T23:45:00", "UTC"),
    Instant("New Year's Eve, 23:45 UTC", "2026-12-31T23:45:00", "UTC"),
    Instant(
        "Saturday 03:00 in New York, machine in New York", "2027-01-02T08:00:00", "America/New_York"
    ),
    Instant("New York springs forward (01:45 EST)", "2026-03-08T06:45:00", "America/New_York"),
    # London and Berlin change at the same instant, 01:00 UTC.
    Instant("London and Berlin fall back", "2026-10-25T00:45:00", "Europe/Berlin"),
)

# The modules that meet the machine's clock or zone, where a test could forget to fix
# it: the rules, the console's sign-in and sessions, the sweep, the Alexa users' expiry,
# and the live demo and production servers (service hours, certificates, request
# timestamps). The skill's own turns run on a clock each test fixes.
MODULES = (
    "tests/rules",
    "tests/web/test_server.py",
    "tests/web/test_threat_matrix.py",
    "tests/console/test_auth.py",
    "tests/test_overdue.py",
    "tests/storage/test_users.py",
)


def faketime_spec(instant: Instant, now: float) -> str:
    """An offset from the real clock that lands on the instant now.

    An offset, not libfaketime's absolute "@…" start: that restarts in every process, so
    a server started later would run behind the test that signs requests for it.
    """
    target = datetime.fromisoformat(instant.utc).replace(tzinfo=UTC).timestamp()
    return f"{round(target - now):+d}"


def main() -> int:
    faketime = shutil.which("faketime")
    if faketime is None:
        print("faketime is missing: run make setup (Debian package faketime)", file=sys.stderr)
        return 2
    modules = [m for m in MODULES if (ROOT / m).exists()]
    failed = []
    for instant in INSTANTS:
        env = {**os.environ, "TZ": instant.zone}
        print(f"== {instant.why}: {instant.utc} UTC, TZ={instant.zone}", flush=True)
        started = time.monotonic()
        # -m: the multi-threaded libfaketime (the servers and moto run threads).
        spec = faketime_spec(instant, time.time())
        command = [faketime, "-m", "-f", spec, sys.executable, "-m", "pytest", "-q"]
        command += ["-p", "no:cacheprovider", "-n", "auto", "--dist", "loadfile", *modules]
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
        print(f"   {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode != 0:
            failed.append(instant.why)
    if failed:
        print("failed at: " + "; ".join(failed), file=sys.stderr)
        return 1
    print(f"all {len(INSTANTS)} instants passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
