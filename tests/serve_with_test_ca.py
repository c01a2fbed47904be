"""The production server, trusting a test CA instead of Amazon's: for tests and ``make bench``.

    python -m tests.serve_with_test_ca --chains DIR --port N [--workers N] [--no-verify]

Everything is what ``python -m skill serve`` runs (settings from the environment,
``skill.web.serve.production_app``: the skill, the console and the webhooks, under
gunicorn) except the verifier's
two collaborators, which ``RequestVerifier`` takes as parameters anyway: the trust root
is ``DIR/root.pem`` and certificate chains are read from ``DIR`` (written by
``tests.pki.write_chains``) instead of being downloaded. ``--no-verify`` serves the
skill alone with no verifier, as the demo does, for the benchmark's comparison.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cryptography import x509

from skill.app import build_skill
from skill.config import Settings
from skill.logs import configure_logging
from skill.storage import Stores
from skill.storage.client import dynamodb_client
from skill.web import create_app
from skill.web.serve import production_app, run_gunicorn
from skill.web.verification import RequestVerifier
from tests.pki import BASE


class ChainFolder:
    """A certificate fetcher that reads ``BASE + name`` from ``folder / name``."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def __call__(self, url: str) -> bytes:
        name = url.removeprefix(BASE)
        if name == url or "/" in name or not (self._folder / name).is_file():
            raise OSError("no such certificate chain")
        return (self._folder / name).read_bytes()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.serve_with_test_ca")
    parser.add_argument("--chains", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if args.no_verify:
        stores = Stores(dynamodb_client(settings), settings.table_name)
        run_gunicorn(
            create_app(build_skill(settings, stores), verifier=None),
            "127.0.0.1",
            args.port,
            args.workers,
        )
        return
    roots = x509.load_pem_x509_certificates((args.chains / "root.pem").read_bytes())
    verifier = RequestVerifier(
        skill_id=settings.skill_id, trust_roots=roots, fetch=ChainFolder(args.chains)
    )
    run_gunicorn(production_app(settings, verifier), "127.0.0.1", args.port, args.workers)


if __name__ == "__main__":
    main()
