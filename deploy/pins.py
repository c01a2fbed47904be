"""The Lambda package's pins, taken from the project's lock.

``requirements/dev.txt`` is the one lock: every Python package the tests, the demo and
the tools run on, with its version and hashes (``make lock`` compiles it from
pyproject.toml). The Lambda package needs only the runtime dependencies and what they
need in turn, less the SDK the python3.13 runtime provides itself; this module picks
those entries out of the lock, so the artifact's pins are the versions the tests ran on.

``python -m deploy.pins`` writes ``deploy/requirements.txt``; ``--check`` only says
whether it is current (a test runs the same comparison).
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "dev.txt"
REQUIREMENTS = ROOT / "deploy" / "requirements.txt"
# The MCP function's package (mcp_function.py) has its own: the skill's runtime
# dependencies and the MCP SDK's, with cryptography for the tokens' RS256 and ES256.
MCP_REQUIREMENTS = ROOT / "deploy" / "requirements-mcp.txt"
MCP_ROOTS = ("mcp", "cryptography")
# What python3.13 on Lambda (arm64) looks like to environment markers.
LAMBDA = {
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "aarch64",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
    "os_name": "posix",
    "extra": "",
}
# The python3.13 runtime brings these (kept fixed between deploys by runtimeManagement:
# onFunctionUpdate in serverless.yml); leaving them out keeps the package a tenth the size.
FROM_THE_RUNTIME = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})
# Needed to build the package, not to run it: PyYAML reads the remedy policy, which the
# package carries as its checked JSON copy (skill.policy), so no function parses YAML.
BUILD_ONLY = frozenset({"pyyaml"})
HEADER = """\
# The Lambda package's runtime dependencies, every one pinned, transitive ones included,
# with the hashes of their files. Written by `python -m deploy.pins` from the project's
# lock (requirements/dev.txt): do not edit by hand, run `make lock`. `make package`
# installs exactly these (--no-deps) as manylinux aarch64 / CPython 3.13 wheels.
#
# boto3 and botocore are not here: the python3.13 runtime provides them. Nor is PyYAML:
# the package carries the remedy policy's checked JSON copy, so no function parses YAML.
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """A compiled requirements file: name -> (version, ``--hash=…`` options)."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line:
            continue
        if line.startswith("--hash="):
            if current is None:
                raise ValueError(f"{path}: a hash before any requirement")
            entries[current][1].append(line)
            continue
        name, _, version = line.partition("==")
        current = canonical(name)
        entries[current] = (version.strip(), [])
    return entries


def runtime_names(extra: tuple[str, ...] = ()) -> set[str]:
    """The runtime dependencies and theirs, as installed, less the runtime's own SDK and
    what only the build needs; with ``extra``, those packages and theirs too."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(text) for text in [*project["dependencies"], *extra]]
    todo = [r.name for r in wanted if r.marker is None or r.marker.evaluate(LAMBDA)]
    needed: set[str] = set()
    while todo:
        name = canonical(todo.pop())
        if name in needed or name in FROM_THE_RUNTIME or name in BUILD_ONLY:
            continue
        needed.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError as missing:
            raise SystemExit(f"{name} is needed but not installed: run make setup") from missing
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or Marker(str(requirement.marker)).evaluate(LAMBDA):
                todo.append(requirement.name)
    return needed


def render(lock: dict[str, tuple[str, list[str]]], names: set[str]) -> str:
    lines = [HEADER]
    for name in sorted(names):
        if name not in lock:
            raise SystemExit(f"{name} is a runtime dependency but not in {LOCK.name}")
        version, hashes = lock[name]
        lines.append(" \\\n    ".join([f"{name}=={version}", *hashes]) + "\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    lock = read_lock(LOCK)
    stale = 0
    for path, extra in ((REQUIREMENTS, ()), (MCP_REQUIREMENTS, MCP_ROOTS)):
        text = render(lock, runtime_names(extra))
        if "--check" in argv:
            current = path.exists() and path.read_text(encoding="utf-8") == text
            print(f"{path.name} is {'current' if current else 'stale: run make lock'}")
            stale += not current
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
