"""``python -m skill team`` as a shop runs it: a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skill.storage import Stores
from tests.moto_in_process import on_the_embedded_server
from tests.test_team_command import GOOD, environ, stored

# On the embedded server: the command runs in its own process.
dynamodb_endpoint = on_the_embedded_server()

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["environ"]  # the fixture, as the other module gives it


@pytest.mark.slow
def test_the_first_admin_from_a_fresh_process(environ: object, stores: Stores) -> None:
    """As a shop runs it: a new process, the password on standard input."""
    result = subprocess.run(
        [
            *(sys.executable, "-m", "skill", "team", "add", "priya", "--name", "Priya Patel"),
            *("--languages", "en", "--authority", "500", "--admin", "--password-stdin"),
        ],
        cwd=ROOT,
        env={**os.environ},
        input=GOOD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert GOOD not in result.stdout + result.stderr
    assert stored(stores, "agent", "agent_id", "a-priya")["role"] == "admin"
