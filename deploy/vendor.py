"""The Lambda package's libraries taken from this environment, offline.

``make package`` has pip download the Lambda's own wheels (manylinux arm64). Tests and
the benchmark build the same package without the network from the distributions
installed here: the same Python modules, this machine's C extensions.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from importlib.metadata import distribution
from pathlib import Path

from deploy.pins import REQUIREMENTS, read_lock


def pinned() -> list[str]:
    """The distributions deploy/requirements.txt pins for the package."""
    return sorted(read_lock(REQUIREMENTS))


def vendor_installed(names: Iterable[str], target: Path) -> Path:
    """Copy the installed files of the distributions ``names`` into ``target``, laid
    out as ``pip install --target`` lays them out (scripts and bytecode left out)."""
    for name in names:
        dist = distribution(name)
        for file in dist.files or []:
            # Scripts land outside site-packages ("../../bin"); bytecode is made afresh.
            if file.parts[0] == ".." or "__pycache__" in file.parts:
                continue
            source = Path(str(dist.locate_file(file)))
            if source.is_file():
                copy = target / str(file)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)
    return target
