"""The folders are the architecture: each layer imports only the layers below it.

    entries      lambda_function.py, notifier_function.py, overdue_function.py,
                 webhooks_function.py, sms_reply_function.py,
                 skill/web (the Flask app, request verification, serve), skill/__main__.py
    wiring       skill/app.py (the voice skill), skill/console (the agent console)
    voice        skill/handlers
    use-cases    skill/usecases, skill/policy
    outside      skill/adapters (Alexa's APIs, SNS and SMS, identity providers)
    storage      skill/storage (the only code that talks to DynamoDB)
    rules        skill/rules (pure)
    records      skill/records
    shared       skill/config.py, clock.py, logs.py, compiled.py, speech.py
    tools        skill/devtools (chat, model checker, demo): never imported by the runtime

Every import is read from the source, those inside functions included, so a lazy import
cannot cross a layer unseen either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "skill"

SHARED = {"config", "clock", "logs", "compiled", "speech"}
# What each layer may import from skill (besides itself).
ALLOWED: dict[str, set[str]] = {
    "records": set(),
    "rules": {"records"},
    "shared": {"records", "rules", "shared"},
    "storage": {"records", "rules", "shared"},
    "adapters": {"records", "rules", "shared", "storage"},
    "usecases": {"records", "rules", "shared", "storage", "adapters"},
    "handlers": {"records", "rules", "shared", "storage", "adapters", "usecases"},
    "console": {"records", "rules", "shared", "storage", "adapters", "usecases"},
    "app": {"records", "rules", "shared", "storage", "adapters", "usecases", "handlers"},
    # The MCP server for AI assistants: the use-cases as tools; the call back's views.
    "assistants": {"records", "rules", "shared", "storage", "adapters", "usecases", "handlers"},
    # The web service serves the skill and the console; `serve --demo` starts the demo.
    "web": {
        "records",
        "rules",
        "shared",
        "storage",
        "adapters",
        "usecases",
        "handlers",
        "console",
        "app",
        "assistants",
        "devtools",
    },
    "main": {
        "records",
        "rules",
        "shared",
        "storage",
        "adapters",
        "usecases",
        "handlers",
        "console",
        "app",
        "web",
        "assistants",
        "devtools",
    },
    "devtools": {
        "records",
        "rules",
        "shared",
        "storage",
        "adapters",
        "usecases",
        "handlers",
        "console",
        "app",
        "web",
        "assistants",
        "devtools",
    },
}
# Third-party packages that belong to one layer only.
OWNED_BY = {
    "flask": {"console", "web", "main", "devtools"},
    "werkzeug": {"console", "web", "main", "devtools"},
    # Alexa's API clients are adapters too (their timeouts and retries are ours).
    "ask_sdk_core": {"handlers", "app", "adapters", "web", "devtools"},
    # Stores translate botocore's errors (skill.storage.errors); adapters take AWS
    # clients; the entries make clients, and the demo its table.
    "boto3": {"storage", "adapters", "web", "main", "devtools"},
    "botocore": {"storage", "adapters", "web", "main", "devtools"},
    # The MCP SDK (and its ASGI world) serves the assistants' endpoint; the demo's client.
    "mcp": {"assistants", "devtools"},
    "starlette": {"assistants"},
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "skill" or len(parts) == 1:
        raise ValueError(module)
    head = parts[1]
    if head in SHARED:
        return "shared"
    if head == "policy":
        return "usecases"
    if head == "__main__":
        return "main"
    return head


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "skill":
                found.update(f"skill.{alias.name}" for alias in node.names)
    return found


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_the_layers_below(path: Path) -> None:
    name = module_name(path)
    if name == "skill":
        return
    layer = layer_of(name)
    wrong = []
    for imported in imports(path):
        top = imported.split(".")[0]
        if top == "skill" and imported != "skill":
            other = layer_of(imported)
            if other != layer and other not in ALLOWED[layer]:
                wrong.append(f"{imported} ({other})")
        elif top in OWNED_BY and layer not in OWNED_BY[top]:
            wrong.append(f"{imported} (belongs to {', '.join(sorted(OWNED_BY[top]))})")
    assert not wrong, f"{name} ({layer}) imports " + ", ".join(sorted(wrong))


def test_the_mcp_entry_imports_no_web_console_voice_or_tools() -> None:
    for imported in imports(ROOT / "mcp_function.py"):
        assert not imported.startswith(
            ("skill.web", "skill.console", "skill.devtools", "skill.app", "flask", "ask_sdk")
        ), imported


def test_the_lambda_entries_import_no_web_console_or_tools() -> None:
    for entry in (
        "lambda_function.py",
        "notifier_function.py",
        "overdue_function.py",
        "webhooks_function.py",
        "sms_reply_function.py",
    ):
        for imported in imports(ROOT / entry):
            assert not imported.startswith(
                ("skill.web", "skill.console", "skill.devtools", "skill.assistants", "flask")
            ), (entry, imported)


def test_the_layer_map_knows_every_folder() -> None:
    for child in PACKAGE.iterdir():
        if child.name.startswith(("_", ".")) and child.name != "__main__.py":
            continue
        if child.is_dir() or child.suffix == ".py":
            assert layer_of(f"skill.{child.stem}") in ALLOWED, child.name
