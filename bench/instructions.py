"""The cold start in instructions: ``python -m bench.instructions [--keep DIR]``.

One cold launch of each side, each in a fresh interpreter run under valgrind's
callgrind, against dynalite with the demo data: the skill (``lambda_function``) and the
baseline (``bench.hello``), through :mod:`bench.lambda_probe` with the same events as
the timed cold starts of :mod:`bench.lambda_process`. Prints both counts of
instructions executed (the whole process, the interpreter's own start included) and
their ratio.

Instructions do not depend on the load of the machine, so this is the steady measure
of what the cold start costs; it does not see the kernel's time (files listed and
opened). ``PYTHONHASHSEED=0`` fixes the order of sets and dicts of strings, so two runs
of the same code count nearly the same. Under callgrind Python runs some fifty times
slower, so the probe gives the turn's DynamoDB calls ten minutes instead of their few
seconds (``PROBE_TURN_BUDGET``): otherwise the launch would run out of its storage
deadline and answer with an apology, which costs about as much and proves nothing.
``--keep`` leaves the callgrind files in a directory, for ``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.lambda_process import (
    BASELINE,
    ROOT,
    SKILL,
    _demo_table,
    baseline_steps,
    packaged_like,
    skill_steps,
)
from skill.devtools.demo.data import ALEX
from tests.dynalite_server import dynalite

_TOTALS = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


def counted(
    valgrind: str, module: str, steps: list[dict[str, Any]], env: dict[str, str], out: Path
) -> tuple[int, dict[str, Any]]:
    """Instructions of one probe process under callgrind, and its cold step: the
    DynamoDB requests sent (retries would show) and the first words spoken."""
    events = out.with_suffix(".json")
    events.write_text(json.dumps(steps), encoding="utf-8")
    done = subprocess.run(  # noqa: S603 (valgrind on our own probe, fixed arguments)
        [
            valgrind,
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.lambda_probe",
            module,
            str(events),
        ],
        cwd=ROOT,
        env={**env, "PYTHONHASHSEED": "0", "PROBE_TURN_BUDGET": "600"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    out.with_suffix(".stderr").write_text(done.stderr, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed under callgrind:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    totals = _TOTALS.search(out.read_text(encoding="utf-8", errors="replace"))
    if totals is None:
        raise RuntimeError(f"no total in {out}")
    cold: dict[str, Any] = result["steps"][0]
    return int(totals.group(1)), cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="a directory for the callgrind files")
    args = parser.parse_args()
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        sys.exit("valgrind is not installed")
    packaged_like()
    with tempfile.TemporaryDirectory(prefix="menschmoment-instructions-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        with dynalite(Path(scratch) / "errors") as endpoint:
            env = _demo_table(endpoint, 0)
            skill, said = counted(valgrind, SKILL, skill_steps(0), env, folder / "skill.out")
            base, hello = counted(valgrind, BASELINE, baseline_steps(0), env, folder / "hello.out")
    # A failed launch would be cheap and prove nothing.
    if ALEX.first_name not in said["speech"] or "Hello world" not in hello["speech"]:
        raise RuntimeError(f"a launch did not succeed: {said['speech']!r} / {hello['speech']!r}")
    print(
        f"skill     {skill / 1e6:10,.2f} M instructions (import + first LaunchRequest), "
        f"DynamoDB: {', '.join(said['sent'])}"
    )
    print(f"baseline  {base / 1e6:10,.2f} M instructions, DynamoDB: {', '.join(hello['sent'])}")
    print(f"ratio     {skill / base:.3f}")
    if args.keep:
        print(f"callgrind files in {os.fspath(folder)}")


if __name__ == "__main__":
    main()
