"""Deployment package size: the skill's Lambda zip against the baseline's.

When ``make package`` has built the deployment artifact (``build/menschmoment.zip``),
that file is measured. Otherwise the same contents are vendored here, offline: the
runtime dependencies (``[project] dependencies`` and what they require, no extras)
from this environment's installed distributions, plus the files ``serverless.yml``
packages, zipped with deflate, with their bytecode. The baseline is ask-sdk-core and
boto3 with their requirements, plus ``bench/hello.py``, vendored the same way. Neither
carries boto3 and botocore: the Lambda runtime provides them. This machine's wheels are
x86_64 while the Lambda runs arm64; only a few dependencies (markupsafe, PyYAML,
charset-normalizer) carry compiled code, a few hundred KB either way.
"""

from __future__ import annotations

import io
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from deploy.artifact import bytecode

ROOT = Path(__file__).resolve().parent.parent
ARTIFACT = ROOT / "build" / "menschmoment.zip"
# serverless.yml's package patterns: the Lambda needs no web service, demo or server.
CODE = ("lambda_function.py", "skill", "templates", "policy")
NOT_ON_LAMBDA = ("skill/web", "skill/console", "skill/devtools", "skill/__main__.py")
# The python3.13 runtime's own SDK (deploy/requirements.txt leaves it out too).
FROM_THE_RUNTIME = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})


@dataclass(frozen=True)
class Package:
    bytes: int
    source: str


def _requirements(dist: metadata.Distribution) -> Iterator[str]:
    for line in dist.requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            yield canonicalize_name(requirement.name)


def closure(names: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions ``names`` need at run time, those included, but for
    those Lambda's Python runtime provides (neither side's package carries them)."""
    seen: dict[str, metadata.Distribution] = {}
    todo: list[str] = [canonicalize_name(name) for name in names]
    while todo:
        name = todo.pop()
        if name in seen or name in FROM_THE_RUNTIME:
            continue
        dist = metadata.distribution(name)
        seen[name] = dist
        todo.extend(_requirements(dist))
    return list(seen.values())


def _installed_files(dist: metadata.Distribution) -> Iterator[tuple[Path, str]]:
    for file in dist.files or []:
        # Scripts land outside site-packages ("../../bin"); bytecode is made afresh below.
        if file.parts[0] == ".." or "__pycache__" in file.parts:
            continue
        yield Path(str(dist.locate_file(file))), str(file)


def _code_files(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    for entry in paths:
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            name = file.relative_to(ROOT).as_posix()
            if "__pycache__" in name or name.startswith(NOT_ON_LAMBDA):
                continue
            yield file, name


def zipped_size(files: Iterable[tuple[Path, str]]) -> int:
    """The zip of ``files`` with their bytecode, as deploy.artifact packages them."""
    files = list(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in files:
            archive.write(path, name)
        for name, data in bytecode((name, path) for path, name in files):
            archive.writestr(name, data)
    return buffer.tell()


def skill_package() -> Package:
    if ARTIFACT.exists():
        return Package(ARTIFACT.stat().st_size, "build/menschmoment.zip of `make package`")
    # pyproject.toml, not the installed metadata: an editable install may predate it.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    needed = [Requirement(line).name for line in project["project"]["dependencies"]]
    files = [f for dist in closure(needed) for f in _installed_files(dist)]
    size = zipped_size([*files, *_code_files(CODE)])
    return Package(size, "vendored here from the installed runtime dependencies")


def baseline_package() -> Package:
    files = [f for dist in closure(["ask-sdk-core", "boto3"]) for f in _installed_files(dist)]
    size = zipped_size([*files, *_code_files(["bench/hello.py"])])
    return Package(size, "ask-sdk-core + bench/hello.py, vendored the same way")
