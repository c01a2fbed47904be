"""Command line: ``python -m skill serve [--demo]``, ``chat``, ``models check``."""

from __future__ import annotations

import argparse
import sys

from skill.config import ConfigurationError, Settings
from skill.logs import configure_logging


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m skill", description="Menschmoment")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web service (POST /alexa)")
    serve.add_argument("--demo", action="store_true", help="embedded DynamoDB with demo data")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2, help="production worker processes")
    chat = commands.add_parser("chat", help="talk to the local skill in the terminal")
    chat.add_argument("--locale", default="en-US", choices=("en-US", "en-GB", "de-DE"))
    chat.add_argument("--token", default=None, help="account linking token, e.g. demo-alex")
    chat.add_argument("--user", default="amzn1.ask.account.CHAT", help="Alexa user id")
    models = commands.add_parser("models", help="interaction model tools")
    models.add_argument("action", choices=("check",))
    args = parser.parse_args(argv)

    if args.command == "models":
        sys.exit(check_models())
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    from skill import serve as serving

    try:
        if args.command == "chat":
            from skill.chat import interactive

            interactive(args.locale, args.token, args.user)
        elif args.command == "serve" and args.demo:
            serving.serve_demo(settings, args.host, args.port)
        elif args.command == "serve":
            serving.serve_production(settings, args.host, args.port, args.workers)
    except ConfigurationError as error:
        serving.fail(error)


def check_models() -> int:
    from skill.models import LOCALES, check_all

    problems = check_all()
    for problem in problems:
        print(problem)
    if not problems:
        print(f"interaction models OK: {', '.join(LOCALES)}")
    return 1 if problems else 0


if __name__ == "__main__":
    main()
