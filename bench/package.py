"""Deployment package size: the skill's Lambda zip against the baseline's.

When ``make package`` has built the deployment artifact (``build/menschmoment.zip``),
that file is measured. Otherwise ``deploy/artifact.py`` builds it here, offline, from
this environment's installed distributions of the pinned libraries (deploy/vendor.py).
The baseline is ask-sdk-core with its requirements, plus ``bench/hello.py``, packaged
by the same rules: what it imports of ask_sdk_model, bytecode for what it imports, the
compiled helpers no function needs left out. Neither carries boto3 and botocore: the
Lambda runtime provides them. This machine's wheels are x86_64 while the Lambda runs
arm64; only markupsafe keeps compiled code in the package, some KB either way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from deploy.artifact import build, left_out, packaged, write_zip
from deploy.pins import FROM_THE_RUNTIME
from deploy.vendor import pinned, vendor_installed

ROOT = Path(__file__).resolve().parent.parent
ARTIFACT = ROOT / "build" / "menschmoment.zip"


@dataclass(frozen=True)
class Package:
    bytes: int
    source: str


def _requirements(dist: metadata.Distribution) -> Iterator[str]:
    for line in dist.requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            yield canonicalize_name(requirement.name)


def closure(names: Iterable[str]) -> list[str]:
    """The installed distributions ``names`` need at run time, those included, but for
    those Lambda's Python runtime provides (neither side's package carries them)."""
    seen: set[str] = set()
    todo: list[str] = [canonicalize_name(name) for name in names]
    while todo:
        name = todo.pop()
        if name in seen or name in FROM_THE_RUNTIME:
            continue
        seen.add(name)
        todo.extend(_requirements(metadata.distribution(name)))
    return sorted(seen)


@cache  # the table asks twice; a build takes seconds
def skill_package() -> Package:
    if ARTIFACT.exists():
        return Package(ARTIFACT.stat().st_size, "build/menschmoment.zip of `make package`")
    with tempfile.TemporaryDirectory() as scratch:
        vendor = vendor_installed(pinned(), Path(scratch) / "vendor")
        size = build(vendor, Path(scratch) / "menschmoment.zip")
    return Package(size, "deploy/artifact.py on the installed pinned libraries")


@cache
def baseline_package() -> Package:
    with tempfile.TemporaryDirectory() as scratch:
        vendor = vendor_installed(closure(["ask-sdk-core"]), Path(scratch) / "vendor")
        sources = {
            name: path
            for path in sorted(vendor.rglob("*"))
            if path.is_file() and not left_out(name := path.relative_to(vendor).as_posix())
        }
        sources["bench/hello.py"] = ROOT / "bench" / "hello.py"
        contents = packaged(sources, ["bench/hello.py"], ("bench",))
        size = write_zip(contents, Path(scratch) / "baseline.zip")
    return Package(size, "ask-sdk-core + bench/hello.py, packaged by the same rules")
