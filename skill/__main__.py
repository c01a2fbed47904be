"""Command line: ``python -m skill serve [--demo] [--port N]``."""

from __future__ import annotations

import argparse

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
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    from skill import serve as serving

    try:
        if args.command == "serve" and args.demo:
            serving.serve_demo(settings, args.host, args.port)
        elif args.command == "serve":
            serving.serve_production(settings, args.host, args.port, args.workers)
    except ConfigurationError as error:
        serving.fail(error)


if __name__ == "__main__":
    main()
