"""Compiled forms kept beside their sources: the templates' bytecode, the checked policy.

A cold start that only loads what an earlier process (or the package build) compiled
saves the compiling. Every compiled form is checked against its source before use, so
writing one is only ever an optimisation: where the directory is read-only (Lambda's
code directory) nothing is written and nothing fails.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

COMPILED = "__compiled__"  # the directory beside the sources, e.g. templates/__compiled__/


def write_beside(directory: Path, name: str, data: bytes) -> None:
    """Write ``directory/name`` if possible; a concurrent reader sees all or nothing."""
    try:
        directory.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=directory, prefix=".", suffix=".tmp", delete=False
        ) as file:
            file.write(data)
        os.replace(file.name, directory / name)
    except OSError:
        return
