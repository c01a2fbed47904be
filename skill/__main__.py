"""Command line: ``python -m skill serve [--demo]``, ``chat``, ``tables create``,
``import FILE``, ``models check``, ``manifest build``."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from skill.clock import clock_from, system_clock
from skill.config import LOCALES, ConfigurationError, Settings
from skill.logs import configure_logging


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m skill", description="Menschmoment")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web service (POST /alexa)")
    serve.add_argument("--demo", action="store_true", help="embedded DynamoDB with demo data")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2, help="production worker processes")
    # Tests only: the demo's clock starts at this ISO instant, whatever the machine's date.
    serve.add_argument("--clock", type=_instant, default=None, help=argparse.SUPPRESS)
    chat = commands.add_parser("chat", help="talk to the local skill in the terminal")
    chat.add_argument("--locale", default="en-US", choices=LOCALES)
    chat.add_argument("--token", default=None, help="account linking token, e.g. demo-alex")
    chat.add_argument("--user", default="amzn1.ask.account.CHAT", help="Alexa user id")
    tables = commands.add_parser("tables", help="the DynamoDB table (TABLE_NAME)")
    tables.add_argument("action", choices=("create",))
    shop_import = commands.add_parser("import", help="a shop's customers and orders (JSONL, CSV)")
    shop_import.add_argument("file", help="JSON Lines, or CSV named *.csv (docs/data-contract.md)")
    shop_import.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    shop_import.add_argument("--skip-invalid", action="store_true", help="write the good records")
    models = commands.add_parser("models", help="interaction model tools")
    models.add_argument("action", choices=("check",))
    manifest = commands.add_parser("manifest", help="the ASK CLI skill package")
    manifest.add_argument("action", choices=("build",))
    manifest.add_argument("out", help="folder to write (skill.json, interactionModels/)")
    manifest.add_argument("--privacy-url", default="", help="the shop's privacy policy")
    manifest.add_argument("--terms-url", default="", help="the shop's terms of use")
    manifest.add_argument("--endpoint", default="", help="the skill's Lambda alias ARN")
    manifest.add_argument("--manifest", default=None, help="default: skill.json")
    manifest.add_argument("--models", default=None, help="default: interaction_models/")
    args = parser.parse_args(argv)

    if args.command == "models":
        sys.exit(check_models())
    if args.command == "manifest":
        sys.exit(build_skill_package(args))
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if args.command == "tables":
        sys.exit(create_table(settings))
    if args.command == "import":
        from pathlib import Path

        from skill.usecases.shop_import import import_command

        sys.exit(
            import_command(
                settings, Path(args.file), dry_run=args.dry_run, skip_invalid=args.skip_invalid
            )
        )
    from skill.web import serve as serving

    try:
        if args.command == "chat":
            from skill.devtools.chat import interactive

            interactive(args.locale, args.token, args.user)
        elif args.command == "serve" and args.demo:
            clock = clock_from(args.clock) if args.clock else system_clock
            serving.serve_demo(settings, args.host, args.port, clock)
        elif args.command == "serve":
            serving.serve_production(settings, args.host, args.port, args.workers)
    except ConfigurationError as error:
        serving.fail(error)


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the instant with its offset, e.g. ...T15:00Z")
    return moment


def create_table(settings: Settings) -> int:
    """The shop's first setup step: the table on the configured endpoint, idempotently."""
    from skill.storage.client import admin_client
    from skill.storage.tables import MAIN_TABLE, TableSchemaError, create_tables

    if not settings.region and not settings.dynamodb_endpoint:
        print("menschmoment: set AWS_REGION (or DYNAMODB_ENDPOINT) for the table", file=sys.stderr)
        return 2
    where = settings.dynamodb_endpoint or settings.region
    try:
        created = create_tables(admin_client(settings), {MAIN_TABLE: settings.table_name})
    except TableSchemaError as error:
        print(f"menschmoment: {error}", file=sys.stderr)
        return 1
    state = "created" if created else "already exists with the expected keys"
    print(f"table {settings.table_name} {state} ({where})")
    return 0


def check_models() -> int:
    from skill.devtools.models import check_all

    problems = check_all()
    for problem in problems:
        print(problem)
    if not problems:
        print(f"interaction models and skill.json OK: {', '.join(LOCALES)}")
    return 1 if problems else 0


def build_skill_package(args: argparse.Namespace) -> int:
    from pathlib import Path

    from skill.devtools.models import MANIFEST_FILE, MODELS_DIR, ManifestError, build_package

    values = {
        "PRIVACY_POLICY_URL": args.privacy_url,
        "TERMS_OF_USE_URL": args.terms_url,
        "SKILL_ENDPOINT": args.endpoint,
    }
    try:
        written = build_package(
            Path(args.out),
            values,
            Path(args.manifest) if args.manifest else MANIFEST_FILE,
            Path(args.models) if args.models else MODELS_DIR,
        )
    except ManifestError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"skill package: {written.parent}")
    return 0


if __name__ == "__main__":
    main()
