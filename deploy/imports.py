"""Which of the package's modules the Lambda functions import: those get bytecode, and
of ask_sdk_model only those ship (deploy/artifact.py, ``ONLY_IMPORTED``).

Read from the source, as ``tests/test_layers.py`` reads ours. From each entry: every
import statement, those inside functions included (a lazy import runs too), but not
those under ``if TYPE_CHECKING:`` (they never run); every package above an imported
module (Python runs its ``__init__``); and the modules our own code names in strings
(the deferred handlers, ``"skill.handlers.complaints:ComplaintHandler"``).

What a library imports by a computed name cannot be read this way. ask-sdk's serializer
imports the model classes of a request by name while it reads it:
:data:`READ_FROM_REQUESTS` names the model packages that the requests of this skill (a
custom skill that declares no interfaces, skill.json) are read into, and their models
are followed from there. A model missing from the result would fail the request that
names it; any other module missing only ships without bytecode and compiles on its
first import. ``tests/deploy/test_packaged.py`` runs the unpacked package's turns, a
screen device's context included, and checks that none of their imports compiles.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath

# ask_sdk_model packages that ask-sdk's serializer imports while it reads the requests of
# this skill, beyond those ask-sdk imports itself. A custom skill that declares no
# interfaces (skill.json) is sent launch, intent and session-ended requests and
# System.ExceptionEncountered; their context holds the System state (with the unit of a
# shared device) and, depending on the device, the AudioPlayer, Viewport(s), Extensions,
# Automotive, Geolocation and AppLink states; custom slot values come with their
# resolutions. The APL presentation's state, DataStore packages and the requests of
# other interfaces come only to skills that declare those interfaces.
READ_FROM_REQUESTS = (
    "ask_sdk_model.interfaces.system",
    "ask_sdk_model.interfaces.system_unit",
    "ask_sdk_model.interfaces.audioplayer",
    "ask_sdk_model.interfaces.viewport",
    "ask_sdk_model.interfaces.alexa.extension",
    "ask_sdk_model.interfaces.automotive",
    "ask_sdk_model.interfaces.geolocation",
    "ask_sdk_model.interfaces.applink",
    "ask_sdk_model.slu.entityresolution",
)
# What the runtime's SDK imports of the package's libraries. boto3 and botocore come from
# the runtime (deploy/pins.py), so their source is not here to read, but the package comes
# first on sys.path: where it ships a library they import (python-dateutil, urllib3,
# certifi), theirs is the package's copy. These are the modules botocore imports of them.
IMPORTED_BY_THE_RUNTIME = (
    "dateutil.parser",
    "dateutil.tz",
    "urllib3",
    "urllib3.contrib.pyopenssl",
    "certifi",
)
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def module_names(names: Iterable[str]) -> dict[str, str]:
    """Module name -> name in the zip, for every ``.py`` among ``names``."""
    modules: dict[str, str] = {}
    for name in names:
        path = PurePosixPath(name)
        if path.suffix != ".py":
            continue
        parts = list(path.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            modules[".".join(parts)] = name
    return modules


def imported(
    sources: Mapping[str, bytes], entries: Iterable[str], ours: tuple[str, ...]
) -> set[str]:
    """The names (in the zip) of the modules the ``entries`` import.

    ``sources``: name in the zip -> its bytes. ``ours``: the top-level names of our own
    code, whose strings may name a module.
    """
    modules = module_names(sources)
    found = _closure(module_names(entries), modules, sources, ours)
    # What the serializer reads requests into: the request packages with the models
    # their models name (a field's type, a subtype), as it would import them.
    found |= _closure(READ_FROM_REQUESTS, modules, sources, READ_FROM_REQUESTS)
    found |= _closure(IMPORTED_BY_THE_RUNTIME, modules, sources, ())
    return {modules[module] for module in found}


def _closure(
    start: Iterable[str],
    modules: Mapping[str, str],
    sources: Mapping[str, bytes],
    strings_in: tuple[str, ...],
) -> set[str]:
    """The modules ``start`` imports, and the modules named in the strings of those
    in the packages ``strings_in``."""
    todo = list(start)
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen or module not in modules:
            continue
        seen.add(module)
        name = modules[module]
        strings = any(module == top or module.startswith(f"{top}.") for top in strings_in)
        named = _named(module, name.endswith("__init__.py"), sources[name], strings)
        todo.extend(_known(named, modules))
    return seen


def _known(named: Iterable[str], modules: Mapping[str, str]) -> Iterator[str]:
    """The modules among ``named`` and every package above each: ``a.b.C`` gives ``a``
    and ``a.b`` (where they are modules of the zip)."""
    for dotted in named:
        parts = dotted.split(".")
        for end in range(1, len(parts) + 1):
            candidate = ".".join(parts[:end])
            if candidate in modules:
                yield candidate


def _named(module: str, package: bool, source: bytes, strings: bool) -> set[str]:
    """What one module imports, and (``strings``) the dotted names in its strings."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # some libraries' docstrings
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()  # a library's example in old syntax: never imported either
    here = module if package else module.rpartition(".")[0]
    docstrings = {id(doc) for node in ast.walk(tree) if (doc := _docstring(node)) is not None}
    named: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node.test):
            stack.extend(node.orelse)
        elif id(node) not in docstrings:
            named.update(_names_in(node, here, strings))
            stack.extend(ast.iter_child_nodes(node))
    return named


def _names_in(node: ast.AST, here: str, strings: bool) -> Iterator[str]:
    """What one node imports (``here``: the package it is in), or names in a string."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        target = _absolute(node, here)
        yield target
        yield from (f"{target}.{alias.name}" for alias in node.names)
    elif strings and isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield from _DOTTED.findall(node.value)


def _docstring(node: ast.AST) -> ast.stmt | None:
    """The docstring of a module, class or function: not code, whatever it names."""
    if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def _absolute(node: ast.ImportFrom, here: str) -> str:
    if not node.level:
        return node.module or ""
    parts = here.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
