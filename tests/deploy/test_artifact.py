"""The deployment zip: what goes in, what stays out, the same bytes twice; and the
pinned Lambda dependencies are the ones the tests run on, complete."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import distribution
from pathlib import Path

import pytest

from deploy.artifact import ARTIFACTS, ENTRIES, LAMBDA_PYTHON, build
from deploy.pins import (
    FROM_THE_RUNTIME,
    LOCK,
    MCP_REQUIREMENTS,
    MCP_ROOTS,
    REQUIREMENTS,
    canonical,
    read_lock,
    render,
    runtime_names,
)
from skill.compiled import COMPILED
from skill.policy import PolicyError, load_policy
from skill.policy import file as policy_file
from skill.speech import Renderer

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]


def pins() -> dict[str, str]:
    return {name: version for name, (version, _) in read_lock(REQUIREMENTS).items()}


@pytest.fixture
def vendor(tmp_path: Path) -> Path:
    """A stand-in for pip's output: a library the skill imports (ask_sdk_model, with a
    model package nothing reads), one nothing imports with its tests, a script, a cache,
    and files no function loads (PyYAML, compiled helpers, a zone database, RECORD)."""
    root = tmp_path / "vendor"
    for name, text in {
        "ask_sdk_model/__init__.py": "RequestEnvelope = object\n",
        "ask_sdk_model/interfaces/amazonpay/__init__.py": "",
        "ask_sdk_model/interfaces/amazonpay/py.typed": "",
        "somelib/__init__.py": "VALUE = 1\n",
        "somelib/tests/test_somelib.py": "",
        "somelib/__pycache__/__init__.cpython-313.pyc": "",
        "somelib-1.0.dist-info/METADATA": "Name: somelib\n",
        "somelib-1.0.dist-info/RECORD": "somelib/__init__.py,,\n",
        "somelib-1.0.dist-info/licenses/LICENSE": "MIT\n",
        "bin/somelib-cli": "#!/bin/sh\n",
        "yaml/__init__.py": "",
        "_yaml/__init__.py": "",
        "PyYAML-6.0.4.dist-info/METADATA": "Name: PyYAML\n",
        "charset_normalizer/__init__.py": "",
        "charset_normalizer/md.py": "",
        "charset_normalizer/md.cpython-313-aarch64-linux-gnu.so": "",
        "dateutil/zoneinfo/__init__.py": "",
        "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz": "",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_zip_holds_entries_code_templates_policy_and_libraries_only(
    vendor: Path, tmp_path: Path
) -> None:
    out = tmp_path / "package.zip"
    build(vendor, out)
    names = set(zipfile.ZipFile(out).namelist())

    for entry in ARTIFACTS["menschmoment.zip"]:
        assert entry in names
    assert {"skill/app.py", "skill/usecases/notifier.py", "skill/usecases/overdue.py"} <= names
    assert "policy/remedies.yaml" in names
    assert "templates/en/launch.j2" in names and "templates/de/sms_callback.j2" in names
    # A library's licence travels with it; its other metadata stays behind.
    assert {"somelib/__init__.py", "somelib-1.0.dist-info/licenses/LICENSE"} <= names
    assert "somelib-1.0.dist-info/METADATA" not in names
    assert "charset_normalizer/md.py" in names
    # ask_sdk_model ships as bytecode alone when built by Lambda's Python, else as source.
    if sys.version_info[:2] == LAMBDA_PYTHON:
        assert "ask_sdk_model/__init__.pyc" in names
        assert "ask_sdk_model/__init__.py" not in names
    else:
        assert "ask_sdk_model/__init__.py" in names
    # Nothing of tests, docs, dev tools (chat, model checker, demo), the web service, the
    # console, the command line or local caches.
    for name in names:
        top = name.split("/")[0]
        assert top not in {"tests", "docs", "bench", "deploy", "node_modules", "bin"}, name
        assert "/tests/" not in name, name
        assert not name.startswith(("skill/web/", "skill/console/", "skill/devtools/")), name
        assert name != "skill/__main__.py"
        assert not name.endswith(".md"), name
    # Bytecode: for every module the functions import, none without its module (the
    # vendored stale one), none at all when built by another Python than Lambda's.
    modules = {name for name in names if name.endswith(".py")}
    cached = {source_of(name) for name in names if "__pycache__" in name}
    assert cached <= modules
    if sys.version_info[:2] == LAMBDA_PYTHON:
        imported_here = {
            "lambda_function.py",
            "notifier_function.py",
            "overdue_function.py",
            "sms_reply_function.py",
            "skill/app.py",
            "skill/handlers/deferred.py",
            "skill/handlers/complaints.py",  # imported by name when first needed
            "skill/policy/__init__.py",
            "skill/policy/file.py",  # imported where no checked copy is at hand
            "skill/usecases/notifier.py",
            "skill/usecases/sms_replies.py",
            "skill/storage/sms_replies.py",  # imported when first used
        }
        assert imported_here <= cached
        assert "somelib/__init__.py" not in cached  # no function imports it
    else:
        assert cached == set()


def test_what_no_function_loads_stays_out(vendor: Path, tmp_path: Path) -> None:
    build(vendor, tmp_path / "package.zip")
    names = set(zipfile.ZipFile(tmp_path / "package.zip").namelist())
    tops = {name.split("/")[0] for name in names}
    # The policy ships checked, as JSON: no function parses YAML.
    assert not {"yaml", "_yaml", "PyYAML-6.0.4.dist-info"} & tops
    assert "charset_normalizer/md.cpython-313-aarch64-linux-gnu.so" not in names
    assert "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz" not in names
    assert "somelib-1.0.dist-info/RECORD" not in names
    # Of ask_sdk_model, only the models the functions read.
    assert not [name for name in names if name.startswith("ask_sdk_model/interfaces/")]
    # Nor the optional parts of the libraries, nor the console's pages.
    assert not {"jinja2/sandbox.py", "urllib3/contrib/socks.py"} & names
    assert not [name for name in names if name.startswith("templates/console/")]


def source_of(pyc: str) -> str:
    folder, _, file = pyc.rpartition("__pycache__/")
    return folder + file.split(".")[0] + ".py"


@pytest.mark.skipif(sys.version_info[:2] != LAMBDA_PYTHON, reason="Lambda's Python makes it")
def test_the_packaged_bytecode_is_what_lambdas_python_reads(vendor: Path, tmp_path: Path) -> None:
    build(vendor, tmp_path / "package.zip")
    task = tmp_path / "task"
    zipfile.ZipFile(tmp_path / "package.zip").extractall(task)
    for name in ("skill/rules/dates.py",):
        pyc = task / importlib.util.cache_from_source(name)
        header = pyc.read_bytes()[:16]
        source = (task / name).read_bytes()
        assert header[:4] == importlib.util.MAGIC_NUMBER
        assert int.from_bytes(header[4:8], "little") == 0b11  # checked against the source
        assert header[8:] == importlib.util.source_hash(source)

    # Writing no bytecode, as on Lambda's read-only code: Python loads the packaged one.
    loaded = subprocess.run(
        [sys.executable, "-v", "-c", "import skill.rules.dates"],
        cwd=task,
        env={"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert f"code object from '{task}/skill/rules/__pycache__/dates.cpython-313.pyc'" in loaded
    # A sourceless library module is imported from its lone bytecode, writing nothing.
    sourceless = subprocess.run(
        [sys.executable, "-v", "-c", "import ask_sdk_model; print(ask_sdk_model.RequestEnvelope)"],
        cwd=task,
        env={"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert sourceless.stdout == "<class 'object'>\n"
    assert f"code object from '{task}/ask_sdk_model/__init__.pyc'" in sourceless.stderr
    assert not (task / "ask_sdk_model" / "__pycache__").exists()
    assert str(ROOT) not in (task / importlib.util.cache_from_source("skill/app.py")).read_text(
        errors="replace"
    )


def test_the_packaged_templates_and_policy_are_compiled_and_load_without_compiling(
    vendor: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = ROOT / "templates" / COMPILED / "stale.cache"  # a local leftover stays out
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"")
    try:
        build(vendor, tmp_path / "package.zip")
    finally:
        stale.unlink()
    unpacked = tmp_path / "task"
    zipfile.ZipFile(tmp_path / "package.zip").extractall(unpacked)
    renderer = Renderer(unpacked / "templates")

    def compile(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"compiled {args[1]} on a cold start")

    renderer.env.compile = compile  # type: ignore[method-assign]
    renderer.warm()
    speech = renderer.render(
        "de-DE",
        "launch",
        returning=True,
        name="Lena",
        highlights=[],
        linked=True,
        callback=None,
        survey=None,
        variant=0,
    )

    assert "Lena" in speech.text
    assert not (unpacked / "templates" / COMPILED / "stale.cache").exists()

    expected = policy_file.parse_policy((ROOT / "policy" / "remedies.yaml").read_text())

    def parse(*args: object) -> object:
        raise AssertionError("parsed the policy's YAML on a cold start")

    monkeypatch.setattr(policy_file, "parse_policy", parse)
    assert load_policy(unpacked / "policy" / "remedies.yaml") == expected


def test_each_zip_holds_the_code_its_functions_import_and_no_other(
    vendor: Path, tmp_path: Path
) -> None:
    skill_zip, webhooks_zip = tmp_path / "menschmoment.zip", tmp_path / "webhooks.zip"
    build(vendor, skill_zip)
    build(vendor, webhooks_zip, entries=ARTIFACTS["webhooks.zip"])
    skill = set(zipfile.ZipFile(skill_zip).namelist())
    webhooks = set(zipfile.ZipFile(webhooks_zip).namelist())
    webhook_code = {"webhooks_function.py", "skill/usecases/webhooks.py",
                    "skill/rules/shopify_payloads.py", "skill/storage/shop.py"}  # fmt: skip
    assert webhook_code <= webhooks
    assert not webhook_code & skill
    assert "skill/storage/tables.json" in skill and "skill/storage/tables.json" in webhooks
    assert not {"lambda_function.py", "skill/app.py", "skill/handlers/orders.py"} & webhooks
    # Our modules that no function imports: the console's sign-in, the import command.
    assert not {"skill/usecases/sign_in.py", "skill/usecases/shop_import.py"} & (skill | webhooks)


def test_a_broken_policy_fails_the_build(vendor: Path, tmp_path: Path) -> None:
    root = tmp_path / "source"
    for tree in ("skill", "templates", "policy"):
        shutil.copytree(ROOT / tree, root / tree, ignore=shutil.ignore_patterns("__*__"))
    for entry in ENTRIES:
        shutil.copy(ROOT / entry, root / entry)
    policy = root / "policy" / "remedies.yaml"
    policy.write_text(policy.read_text().replace("problems:", "problem:"))

    with pytest.raises(PolicyError, match=r"remedies\.yaml, line \d+: unknown setting 'problem'"):
        build(vendor, tmp_path / "package.zip", root)
    assert not (tmp_path / "package.zip").exists()


def test_the_same_sources_give_the_same_bytes(vendor: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    build(vendor, first)
    (vendor / "somelib" / "__init__.py").touch()  # a newer time, the same content
    # Another process, other string hashes: the compiled templates must not differ.
    subprocess.run(
        [sys.executable, "-m", "deploy.artifact", str(vendor), str(second)],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        check=True,
        capture_output=True,
    )
    assert first.read_bytes() == second.read_bytes()


# A C extension as wheels ship them: its code, with debug information and a full symbol
# table that Python never reads. Made with Debian's binutils for arm64 (make setup).
ARM64_EXTENSION = """\
.text
.globl PyInit__ext
.type PyInit__ext, %function
PyInit__ext:
    mov x0, #0
    ret
helper:
    ret
"""


def _binutils(tool: str, *args: str) -> str:
    return subprocess.run(
        [f"aarch64-linux-gnu-{tool}", *args], capture_output=True, text=True, check=True
    ).stdout


def _sections(library: Path) -> set[str]:
    return set(re.findall(r"\]\s+(\.\S+)", _binutils("readelf", "-S", "-W", str(library))))


def test_the_arm64_c_extensions_ship_stripped_and_the_same_twice(
    vendor: Path, tmp_path: Path
) -> None:
    source = tmp_path / "ext.s"
    source.write_text(ARM64_EXTENSION)
    _binutils("as", "-g", "-o", str(tmp_path / "ext.o"), str(source))
    library = vendor / "somelib" / "_ext.cpython-313-aarch64-linux-gnu.so"
    _binutils("ld", "-shared", "-o", str(library), str(tmp_path / "ext.o"))
    assert {".debug_info", ".symtab"} <= _sections(library)

    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    build(vendor, first)
    build(vendor, second)
    assert first.read_bytes() == second.read_bytes()
    zipfile.ZipFile(first).extractall(tmp_path / "task")
    shipped = tmp_path / "task" / library.relative_to(vendor)
    assert not [name for name in _sections(shipped) if name.startswith((".debug", ".symtab"))]
    assert "PyInit__ext" in _binutils("readelf", "--dyn-syms", "-W", str(shipped))
    assert shipped.stat().st_size < library.stat().st_size


def test_a_library_may_not_replace_our_files(vendor: Path, tmp_path: Path) -> None:
    (vendor / "skill").mkdir()
    (vendor / "skill" / "app.py").write_text("")
    with pytest.raises(ValueError, match=r"skill/app\.py"):
        build(vendor, tmp_path / "package.zip")


def test_the_pins_are_the_versions_the_tests_run_on() -> None:
    for name, version in pins().items():
        assert distribution(name).version == version, name


def test_the_pins_are_the_locks_runtime_closure_with_its_hashes() -> None:
    """``make lock`` rewrites them; a hand edit or a stale copy fails here."""
    lock = read_lock(LOCK)
    assert REQUIREMENTS.read_text(encoding="utf-8") == render(lock, runtime_names())
    assert set(pins()) >= {"ask-sdk-core", "jinja2", "tzdata"}
    assert not set(pins()) & FROM_THE_RUNTIME
    for name, (version, hashes) in read_lock(REQUIREMENTS).items():
        assert lock[name] == (version, hashes)
        assert hashes, name
    # The MCP function's: the same, with the SDK's closure.
    assert MCP_REQUIREMENTS.read_text(encoding="utf-8") == render(lock, runtime_names(MCP_ROOTS))
    assert {"mcp", "pydantic-core", "cryptography"} <= set(read_lock(MCP_REQUIREMENTS))


def test_the_lock_pins_every_installed_package() -> None:
    """What the tests run on is the lock, nothing more and nothing else."""
    from importlib.metadata import distributions

    lock = read_lock(LOCK)
    for dist in distributions():
        name = canonical(dist.metadata["Name"])
        if name == "menschmoment":
            continue
        assert name in lock, f"{name} is installed but not locked"
        assert lock[name][0] == dist.version, name
