"""Starting dynalite (npm, installed by ``make setup``) for the tests and the benchmark."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class DynaliteUnavailable(RuntimeError):
    pass


@contextmanager
def dynalite(errors: Path) -> Iterator[str]:
    """A dynalite server on loopback for the ``with`` block; yields its endpoint.

    Its standard error goes to ``errors``.
    """
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "dynalite").is_dir():
        raise DynaliteUnavailable("dynalite is not installed: run `make setup` (npm ci) first")
    with errors.open("w") as error_file:
        process = subprocess.Popen(
            [node, str(ROOT / "tests" / "dynalite.js"), "0"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=error_file,
            text=True,
        )
    with process:
        assert process.stdout is not None and process.stdin is not None
        # The script prints its port once it listens: reading the line is the wait.
        line = process.stdout.readline()
        if not line.startswith("listening "):
            process.kill()
            process.wait()
            raise DynaliteUnavailable(f"dynalite did not start: {line}{errors.read_text()}")
        try:
            yield f"http://127.0.0.1:{int(line.split()[1])}"
        finally:
            # Closing its standard input stops the script.
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
