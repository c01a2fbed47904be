"""Command line: ``python -m skill serve [--demo]``, ``chat``, ``tables create``,
``import FILE``, ``models check``, ``manifest build``,
``team add|list|update|disable|enable|password|unlock``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

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
    team = commands.add_parser("team", help="agents and their console logins (TABLE_NAME)")
    add_team_commands(team.add_subparsers(dest="team_command", required=True))
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
    if args.command == "team":
        sys.exit(run_team(settings, args))
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
    from skill.devtools.models.manifest import endpoint_region_warning

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
    warning = endpoint_region_warning(args.endpoint)
    if warning:
        print(warning, file=sys.stderr)
    print(f"skill package: {written.parent}")
    return 0


def add_team_commands(team: Any) -> None:
    """``team add|list|update|disable|enable|password|unlock``: the shop's agents, first admin
    included, without writing items by hand."""
    add = team.add_parser("add", help="a new agent and their console login")
    add.add_argument("login")
    add.add_argument("--name", required=True, help='as spoken and shown: "Maria Schneider"')
    add.add_argument("--languages", required=True, help="en, de or both: en,de")
    add.add_argument("--authority", required=True, help="the largest remedy alone, e.g. 250")
    add.add_argument("--off-duty", action="store_true", help="given no callbacks for now")
    team.add_parser("list", help="the agents and the state of their logins")
    update = team.add_parser("update", help="change what is given, keep the rest")
    update.add_argument("login")
    update.add_argument("--name")
    update.add_argument("--languages")
    update.add_argument("--authority")
    duty = update.add_mutually_exclusive_group()
    duty.add_argument("--on-duty", dest="on_duty", action="store_const", const=True)
    duty.add_argument("--off-duty", dest="on_duty", action="store_const", const=False)
    update.add_argument("--no-hours", action="store_true", help="back to SERVICE_HOURS")
    for command in (add, update):
        command.add_argument("--currency", help="of the authority (add: USD)")
        command.add_argument("--admin", action=argparse.BooleanOptionalAction, default=None)
        command.add_argument("--line", help="the direct line customers are given")
        command.add_argument("--email", help="the address customers are given")
        command.add_argument("--hours", help='own working hours: "Mon-Fri 08:00-18:00"')
        command.add_argument("--time-zone", help="of --hours, e.g. Europe/Berlin")
    for name, what in (
        ("disable", "no more sign-ins and callbacks"),
        ("enable", "sign-ins again; the agent stays off duty"),
        ("password", "set a new password"),
        ("unlock", "lift a pause after failed sign-ins"),
    ):
        team.add_parser(name, help=what).add_argument("login")
    for command in (add, team.choices["password"]):
        command.add_argument("--password-stdin", action="store_true", help="one line")


def run_team(settings: Settings, args: argparse.Namespace) -> int:
    """One ``team`` command on the configured table; 1 when it cannot be done."""
    from skill.console.passwords import hasher
    from skill.storage import Stores
    from skill.storage.client import admin_client
    from skill.usecases import team

    if not settings.region and not settings.dynamodb_endpoint:
        print("menschmoment: set AWS_REGION (or DYNAMODB_ENDPOINT) for the table", file=sys.stderr)
        return 2
    stores = Stores(admin_client(settings), settings.table_name)
    new_hash = hasher(settings.password_hash_method)
    now = system_clock()
    change = team.Change(stores, team.COMMAND_LINE, now)
    command: str = args.team_command
    try:
        if command == "list":
            print_team(team.members(stores), now)
            return 0
        if command == "update":
            changed = team.update(change, args.login, profile_from(args))
            print(f"updated {changed.login}: {describe(changed)}")
        elif command == "disable":
            team.disable(change, args.login)
            print(f"disabled {args.login.strip().lower()}: no sign-ins, no callbacks")
        elif command == "enable":
            team.enable(change, args.login)
            print(f"enabled {args.login.strip().lower()}: may sign in; off duty until set on")
        elif command == "unlock":
            team.lift_pause(change, args.login)
            print(f"{args.login.strip().lower()} may sign in again")
        else:
            # Mistakes and unknown or taken logins are told before the password is asked.
            if command == "password":
                team.member(stores, args.login)
            else:
                team.new_member(stores, args.login, profile_from(args))
            password = new_password(args.password_stdin)
            if password is None:
                return 1
            if command == "add":
                given = profile_from(args)
                added = team.add(change, args.login, given, password, new_hash)
                print(f"added {added.login}: {describe(added)}")
            else:
                team.reset_password(change, args.login, password, new_hash)
                print(f"new password for {args.login.strip().lower()}; its sessions ended")
    except team.TeamError as error:
        print(f"menschmoment: {error.message}", file=sys.stderr)
        return 1
    return 0


def profile_from(args: argparse.Namespace) -> Any:
    """What ``team add`` or ``team update`` was given (None: not given)."""
    from skill.usecases.team import Profile

    adding = args.team_command == "add"
    back_to_service_hours = not adding and args.no_hours
    return Profile(
        name=args.name,
        languages=args.languages,
        authority=args.authority,
        currency=args.currency,
        admin=args.admin,
        on_duty=(False if args.off_duty else None) if adding else args.on_duty,
        direct_line=args.line,
        email=args.email,
        hours="" if back_to_service_hours else args.hours,
        time_zone="" if back_to_service_hours else args.time_zone,
    )


def new_password(from_stdin: bool) -> str | None:
    """One line of standard input, or typed twice at a prompt that does not echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("New password: ")
    if getpass.getpass("The same again: ") != first:
        print("menschmoment: the two passwords differ; nothing changed", file=sys.stderr)
        return None
    return first


def describe(member: Any) -> str:
    agent = member.agent
    hours = f"{member.hours.hours} ({member.hours.time_zone})" if member.hours else "service hours"
    return (
        f"{agent.name}, {agent.role}, languages {','.join(agent.languages)}, may grant "
        f"{agent.authority.amount} {agent.authority.currency}, "
        f"{'on duty' if agent.on_duty else 'off duty'}, {hours}"
    )


def print_team(members: list[Any], now: datetime) -> None:
    """The team as a table: no hashes, no phone numbers or e-mail addresses."""
    from skill.rules.logins import locked_until

    rows = [("LOGIN", "NAME", "LANGUAGES", "AUTHORITY", "ADMIN", "ON DUTY", "DISABLED", "LOCKED")]
    for member in members:
        agent = member.agent
        paused = locked_until(member.attempts, now)
        rows.append(
            (
                member.login,
                agent.name,
                ",".join(agent.languages),
                f"{agent.authority.amount} {agent.authority.currency}",
                "yes" if agent.role == "admin" else "no",
                "yes" if agent.on_duty and not member.disabled else "no",
                "yes" if member.disabled else "no",
                f"until {paused.astimezone(UTC):%H:%M} UTC" if paused else "no",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


if __name__ == "__main__":
    main()
