"""The deployment artifacts: reproducible zips, one for the skill, the notifier, the
sweep and the customers' texts, one for the webhooks function and one for the MCP
function (:data:`ARTIFACTS`), so none carries another's code.

``python -m deploy.artifact VENDOR_DIR OUT_ZIP [MCP_VENDOR_DIR]`` (``make package`` runs
it after pip has put the Lambda wheels of ``deploy/requirements.txt`` into VENDOR_DIR,
and those of ``deploy/requirements-mcp.txt`` into MCP_VENDOR_DIR) writes OUT_ZIP and,
beside it, ``webhooks.zip`` and (with MCP_VENDOR_DIR) ``mcp.zip``; each holds:

    its entries    lambda_function.py, notifier_function.py, overdue_function.py,
                   sms_reply_function.py;
                   or webhooks_function.py; or mcp_function.py
    skill/         the modules its entries import (not the web service, the demo and
                   the command line, which no function imports)
    templates/     speech (and any page templates: small, and read by name), and
                   every speech template compiled (templates/__compiled__/)
    policy/        the remedy policy the skill loads at init, and its checked copy
                   (policy/__compiled__/): a broken policy fails the build
    <vendored>     the runtime dependencies, at the root where Lambda imports them,
                   their C extensions stripped (see :func:`stripped`)
    __pycache__/   bytecode for python3.13 of every module the functions import
                   (see :func:`bytecode` and :mod:`deploy.imports`); ask_sdk_model's
                   modules as bytecode alone, without their source (:func:`sourceless`)

Tests, docs, dev tools and local caches stay out, and so do the vendored files no
function loads (see :func:`left_out`). Every entry gets the same timestamp and mode and
the entries are sorted, so the same sources give the same bytes: osls derives the
skill's version from the artifact's hash, and an unchanged build then publishes no new
version (and takes no new SnapStart snapshot).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from deploy.imports import imported
from skill.compiled import COMPILED
from skill.policy import checked_copy, compiled_path
from skill.speech import Renderer, compiled_templates

ROOT = Path(__file__).resolve().parent.parent
# The zips and the entries of the functions each serves.
ARTIFACTS = {
    "menschmoment.zip": (
        "lambda_function.py",
        "notifier_function.py",
        "overdue_function.py",
        "sms_reply_function.py",
    ),
    "webhooks.zip": ("webhooks_function.py",),
    # The MCP SDK and its libraries (pydantic, starlette, ...) ship in this zip only.
    "mcp.zip": ("mcp_function.py",),
}
ENTRIES = tuple(entry for entries in ARTIFACTS.values() for entry in entries)
TREES = ("skill", "templates", "policy")
# Parts of skill/ that no Lambda function imports: the web service and the console, the
# developer tools (chat, model checker, demo) and the command line.
NOT_ON_LAMBDA = (
    "skill/web/",
    "skill/console/",
    "skill/devtools/",
    "skill/__main__.py",
    "templates/console/",
    # The console's and the command line's check of new passwords.
    "skill/rules/common_passwords.txt",
)
# Code of which only the modules the functions import ship (deploy/imports.py):
# ask_sdk_model holds the models of every Alexa interface and service API, and the
# functions import about a third of them; of our own, each zip holds what its functions
# import (the console's use-cases, the import command and the other zip's code stay out).
# Of jinja2, urllib3 and dateutil the same: their optional parts (sandbox, HTTP/2, SOCKS,
# dateutil's own zone database and recurrence rules) are never imported here.
ONLY_IMPORTED = ("ask_sdk_model/", "skill/", "jinja2/", "urllib3/", "dateutil/")
# Ship as bytecode alone: ask_sdk_model is generated code that nobody reads in a
# traceback, and its sources are a tenth of the zip.
SOURCELESS = ("ask_sdk_model/",)
# Our own code: its strings may name a module it imports (deploy/imports.py).
OURS = ("skill", *(entry.removesuffix(".py") for entry in ENTRIES))
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# The Lambda runtime's Python: bytecode is only made by the same minor version.
LAMBDA_PYTHON = (3, 13)
# Strips the Lambda's (arm64) C extensions; a host's own strip cannot read them.
# Debian's binutils-aarch64-linux-gnu, which `make setup` installs.
STRIP = "aarch64-linux-gnu-strip"
_ELF_AARCH64 = 183  # e_machine in an ELF header


def _skipped(name: str) -> bool:
    # pip --target leaves console scripts in bin/; compiled caches are rebuilt anyway
    # (ours, templates and policy, are built afresh: see build()); some libraries ship
    # their own tests (certifi).
    path = PurePosixPath(name)
    if {"__pycache__", COMPILED, "tests"} & set(path.parts[:-1]) or path.suffix == ".pyc":
        return True
    return name.startswith(NOT_ON_LAMBDA) or name.startswith("bin/")


def left_out(name: str) -> bool:
    """Vendored files no Lambda function reads.

    PyYAML: the remedy policy ships as its checked JSON copy, so no function parses YAML
    (deploy.pins does not pin it; this keeps it out whatever else put it in VENDOR_DIR).
    charset_normalizer's compiled helpers (mypyc): its pure-Python modules do the same
    work, and requests asks it only to guess the encoding of a response naming none.
    dateutil's own copy of the time zone database: only ``dateutil.tz.gettz()`` reads
    it, for a zone the system lacks, and no function calls it (ours use zoneinfo and
    tzdata). Of the distributions' metadata only their licences: nothing on the Lambda
    path asks for a distribution's metadata (pip's RECORD, the long description).
    """
    path = PurePosixPath(name)
    top = path.parts[0].lower()
    if top in {"yaml", "_yaml"} or top.startswith("pyyaml-"):
        return True
    if top == "charset_normalizer" and path.suffix == ".so":
        return True
    if top == "dateutil" and path.parent.name == "zoneinfo" and name.endswith(".tar.gz"):
        return True
    if not top.endswith(".dist-info"):
        return False
    licence = "licenses" in path.parts or path.name.upper().startswith(_LICENCE_FILES)
    return not licence


_LICENCE_FILES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


def files(
    vendor: Path, root: Path = ROOT, entries: Iterable[str] = ENTRIES
) -> Iterator[tuple[str, Path]]:
    """(name in the zip, file on disk), in zip order."""
    chosen: dict[str, Path] = {}
    for entry in entries:
        chosen[entry] = root / entry
    for tree in TREES:
        for path in (root / tree).rglob("*"):
            if path.is_file():
                chosen[path.relative_to(root).as_posix()] = path
    for path in vendor.rglob("*"):
        if path.is_file():
            name = path.relative_to(vendor).as_posix()
            if left_out(name):
                continue
            if name in chosen:
                raise ValueError(f"a vendored file would replace our {name}")
            chosen[name] = path
    for name in sorted(chosen):
        if not _skipped(name):
            yield name, chosen[name]


# Compiles in a fresh interpreter: marshal writes a string differently once the process
# has interned it, so bytecode made inside a busy process (a test run) would differ.
_COMPILE = """
import json, py_compile, sys, warnings
warnings.simplefilter("ignore", SyntaxWarning)  # some libraries' docstrings
for name, path, cfile in json.load(sys.stdin):
    try:
        py_compile.compile(path, cfile=cfile, dfile=name, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    except py_compile.PyCompileError:
        pass  # e.g. a library's example in old syntax: never imported
"""


def bytecode(modules: Iterable[tuple[str, Path]]) -> Iterator[tuple[str, bytes]]:
    """(name in the zip, bytes): each module's bytecode, where Python would cache it.

    Lambda's code directory is read-only, so Python cannot write its cache there: without
    these, every cold start (and every SnapStart snapshot's init) compiles the skill
    and its libraries from source, about a second on this machine. They are
    checked-hash files: Python compares each with its source's hash and compiles afresh
    on any difference, so a stale one costs time, never correctness. Compiled under the
    name inside the zip, so the bytes hold no path of this machine.
    """
    if sys.version_info[:2] != LAMBDA_PYTHON:
        return  # another Python's bytecode would never be read there
    tag = sys.implementation.cache_tag
    with tempfile.TemporaryDirectory() as scratch:
        jobs = {
            f"{module.parent / '__pycache__' / module.stem}.{tag}.pyc": (
                name,
                str(path),
                str(Path(scratch) / f"{number}.pyc"),
            )
            for number, (name, path) in enumerate(modules)
            if (module := PurePosixPath(name)).suffix == ".py"
        }
        subprocess.run(  # noqa: S603 (this Python, a fixed program)
            [sys.executable, "-S", "-c", _COMPILE],
            input=json.dumps(list(jobs.values())),
            text=True,
            check=True,
            env={"PYTHONHASHSEED": "0"},
        )
        for pyc, (_, _, cfile) in jobs.items():
            if Path(cfile).exists():
                yield pyc, Path(cfile).read_bytes()


def stripped(data: bytes) -> bytes:
    """An arm64 shared library without its debug information and the symbols nothing
    links against (``strip --strip-unneeded``: what Python loads, PyInit_*, stays);
    any other file as it is. The same input gives the same bytes."""
    little_endian_elf = data[:4] == b"\x7fELF" and data[5:6] == b"\x01"
    if not (little_endian_elf and int.from_bytes(data[18:20], "little") == _ELF_AARCH64):
        return data
    tool = shutil.which(STRIP)
    if tool is None:
        raise RuntimeError(f"{STRIP} is needed to strip the C extensions: run make setup")
    with tempfile.TemporaryDirectory() as scratch:
        source, target = Path(scratch) / "in.so", Path(scratch) / "out.so"
        source.write_bytes(data)
        subprocess.run(  # noqa: S603 (a fixed tool on our own temporary files)
            [tool, "--strip-unneeded", "-o", str(target), str(source)],
            check=True,
            capture_output=True,
        )
        return target.read_bytes()


def packaged(
    sources: Mapping[str, Path], entries: Iterable[str], ours: tuple[str, ...]
) -> dict[str, bytes]:
    """Name in the zip -> bytes, for the files ``sources`` (name -> file on disk) as they
    ship: of the libraries in ONLY_IMPORTED, just the modules the ``entries`` import;
    bytecode for every module they import; C extensions stripped."""
    contents = {name: path.read_bytes() for name, path in sources.items()}
    wanted = imported(contents, entries, ours)
    for name in sources:
        if _not_imported(name, wanted):
            del contents[name]
    contents.update(bytecode((name, sources[name]) for name in sorted(wanted)))
    sourceless(contents)
    for name, data in contents.items():
        if name.endswith(".so"):
            contents[name] = stripped(data)
    return contents


def sourceless(contents: dict[str, bytes]) -> None:
    """Libraries in SOURCELESS ship each module as its bytecode alone, in place of the
    source (``module.pyc`` beside where ``module.py`` would be, which Python imports
    without a source to check against and writes nothing for). A module without
    bytecode (built on another Python) keeps its source."""
    tag = sys.implementation.cache_tag
    for name in [name for name in contents if name.startswith(SOURCELESS)]:
        module = PurePosixPath(name)
        cached = f"{module.parent}/__pycache__/{module.stem}.{tag}.pyc"
        if module.suffix == ".py" and cached in contents:
            contents[f"{module.parent}/{module.stem}.pyc"] = contents.pop(cached)
            del contents[name]


def _not_imported(name: str, wanted: set[str]) -> bool:
    """A module of an ONLY_IMPORTED library that no function imports, or another file
    (py.typed, tables.json) of a package that does not ship."""
    if not name.startswith(ONLY_IMPORTED):
        return False
    if name.endswith(".py"):
        return name not in wanted
    return f"{PurePosixPath(name).parent}/__init__.py" not in wanted


def write_zip(contents: Mapping[str, bytes], out: Path) -> int:
    """The zip of ``contents``, sorted, each entry with the same time and mode; returns
    its size in bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, contents[name], compresslevel=9)
    return out.stat().st_size


def build(
    vendor: Path,
    out: Path,
    root: Path = ROOT,
    entries: tuple[str, ...] = ARTIFACTS["menschmoment.zip"],
) -> int:
    """Write the zip of the functions of ``entries``; returns its size in bytes."""
    contents = packaged(dict(files(vendor, root, entries)), entries, OURS)
    for name, data in compiled_templates(Renderer(root / "templates")):
        contents[f"templates/{name}"] = data
    for policy in (root / "policy").glob("*.yaml"):
        contents[compiled_path(policy).relative_to(root).as_posix()] = checked_copy(policy)
    return write_zip(contents, out)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(
            "usage: python -m deploy.artifact VENDOR_DIR OUT_ZIP [MCP_VENDOR_DIR]",
            file=sys.stderr,
        )
        return 2
    vendor, main_zip = Path(argv[0]), Path(argv[1])
    for name, entries in ARTIFACTS.items():
        out = main_zip if name == "menschmoment.zip" else main_zip.with_name(name)
        source = vendor
        if name == "mcp.zip":
            if len(argv) < 3:
                continue
            source = Path(argv[2])
        size = build(source, out, entries=entries)
        with zipfile.ZipFile(out) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            count = len(archive.infolist())
        print(f"{out}: {size / 1e6:.2f} MB zipped, {unpacked / 1e6:.2f} MB unpacked, {count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
