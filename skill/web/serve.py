"""Starting the web service: the loopback demo, or production under gunicorn."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skill.adapters.delivery import LogPublisher
from skill.adapters.proactive_events import LogProactiveEvents
from skill.adapters.reminders_api import LogReminders
from skill.app import build_skill
from skill.clock import Clock, system_clock
from skill.config import ConfigurationError, Settings
from skill.devtools.demo.stream import StreamFollower
from skill.policy import load_policy
from skill.rules.dates import local_today
from skill.speech import Renderer
from skill.storage import Stores
from skill.storage.client import admin_client, dynamodb_client, dynamodb_streams_client
from skill.storage.tables import MAIN_TABLE, create_tables
from skill.usecases.alexa_notifications import AlexaNotifier
from skill.usecases.callback_reminders import ReminderKeeper

if TYPE_CHECKING:
    from flask import Flask

    from skill.assistants.server import Endpoint
    from skill.devtools.demo.dynamodb import EmbeddedDynamoDB
    from skill.web.verification import RequestVerifier

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Demo:
    app: Flask
    settings: Settings
    stores: Stores
    database: EmbeddedDynamoDB
    notifier: StreamFollower


def start_demo(settings: Settings, clock: Clock = system_clock) -> Demo:
    """Embedded DynamoDB, fresh tables, demo data dated from today, and the app."""
    from skill.adapters.identity import TokenTableIdentity
    from skill.assistants import endpoint_for
    from skill.console import Console
    from skill.devtools.demo.data import WEBHOOK_KEY, seed, seed_console
    from skill.devtools.demo.dynamodb import EmbeddedDynamoDB
    from skill.usecases.webhooks import webhooks_for
    from skill.web import create_app

    database = EmbeddedDynamoDB()
    endpoint = database.start()
    settings = settings.with_changes(dynamodb_endpoint=endpoint, skill_id=None)
    client = dynamodb_client(settings, local=True)
    create_tables(admin_client(settings, local=True), {MAIN_TABLE: settings.table_name})
    stores = Stores(client, settings.table_name)
    seed(stores, local_today(clock(), settings.time_zone_for("en-US")))
    seed_console(stores, clock(), settings.password_hash_method)
    renderer = Renderer()
    policy = load_policy(settings.remedy_policy)
    # Reminders are printed as [alexa reminder …] lines: created in the turn, moved and
    # deleted by the notifier.
    reminders = LogReminders()
    skill = build_skill(
        settings,
        stores,
        clock=clock,
        renderer=renderer,
        policy=policy,
        eager=True,
        reminders=reminders,
    )
    # Plain HTTP on loopback: a Secure cookie would never be sent back.
    console = Console(stores, settings, renderer, clock, policy, secure_cookies=False)
    # The webhooks check signatures as anywhere else, with the demo's printed key.
    signed = settings.with_changes(
        shopify_webhook_secret=WEBHOOK_KEY, orders_webhook_secret=WEBHOOK_KEY
    )
    webhooks = webhooks_for(signed, stores, clock)

    # The MCP endpoint takes the demo's customer tokens (demo-alex ...) as bearer tokens;
    # built by its first request, so a demo that is never asked does not load the SDK.
    def assistants() -> Endpoint:
        built = endpoint_for(
            settings, stores, renderer, clock, policy, TokenTableIdentity(stores.tokens), demo=True
        )
        if built is None:  # only offered with a resource URL, below
            raise ConfigurationError("MCP_RESOURCE_URL is unset")
        return built

    app = create_app(
        skill,
        verifier=None,
        console=console,
        webhooks=webhooks,
        assistants=assistants if settings.mcp_resource_url else None,
    )
    # The local notifier: the table's stream, as the notifier Lambda gets it in AWS.
    stream_arn = client.describe_table(TableName=settings.table_name)["Table"]["LatestStreamArn"]
    streams = dynamodb_streams_client(settings, local=True)
    # Alexa notifications are printed too, as [alexa notification …] lines.
    alexa = AlexaNotifier(stores, renderer, LogProactiveEvents(), clock)
    notifier = StreamFollower(
        streams,
        stream_arn,
        stores,
        renderer,
        LogPublisher(),
        clock=clock,
        alexa=alexa,
        reminders=ReminderKeeper(stores, renderer, reminders, clock),
    )
    return Demo(app=app, settings=settings, stores=stores, database=database, notifier=notifier)


def serve_demo(settings: Settings, host: str, port: int, clock: Clock = system_clock) -> None:
    from werkzeug.serving import make_server

    from skill.devtools.demo.data import WEBHOOK_KEY

    if host not in LOOPBACK:
        raise ConfigurationError("the demo trusts every request, so it only listens on loopback")
    if not settings.mcp_resource_url:
        settings = settings.with_changes(mcp_resource_url=f"http://{host}:{port}/mcp")
    demo = start_demo(settings, clock)
    demo.notifier.start()
    server = make_server(host, port, demo.app, threaded=True)
    print(
        f"Menschmoment demo on http://{host}:{server.server_port}\n"
        "  POST /alexa   (try: curl -d @tests/events/order_status_linked.json ...)\n"
        "  GET  /healthz\n"
        "  GET  /console (agent console; logins maria, james, jonas, priya; see README)\n"
        f"  POST /webhooks/shopify, /webhooks/orders (signed with {WEBHOOK_KEY!r})\n"
        "  POST /mcp     (MCP for AI assistants; bearer token demo-alex, or demo-service)\n"
        "  demo tokens: demo-alex (orders 1001-1004), demo-sam (no orders); "
        "unlinked: order 1003 + ZIP 10115\n"
        "  callback events are printed below as [notify ...] lines, Alexa notifications\n"
        "  (Alex's Echo allows them) as [alexa notification ...] lines, reminders of call\n"
        "  backs as [alexa reminder ...] lines",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        demo.notifier.stop()
        demo.database.stop()


def production_app(settings: Settings, verifier: RequestVerifier | None = None) -> Flask:
    """The self-hosted service: skill, console and webhooks. ``verifier``: Amazon's trust
    roots and certificate downloads unless another is given (the tests' own CA)."""
    from skill.app import default_identity
    from skill.assistants import endpoint_for
    from skill.usecases.webhooks import webhooks_for
    from skill.web import create_app
    from skill.web.verification import RequestVerifier

    if not settings.skill_id:
        raise ConfigurationError("SKILL_ID is required: every request is checked against it")
    if not settings.region and not settings.dynamodb_endpoint:
        raise ConfigurationError("set AWS_REGION (or DYNAMODB_ENDPOINT) for the table")
    from skill.console import Console

    stores = Stores(dynamodb_client(settings), settings.table_name)
    renderer = Renderer()
    policy = load_policy(settings.remedy_policy)
    identity = default_identity(settings, stores)
    return create_app(
        build_skill(
            settings, stores, identity=identity, renderer=renderer, policy=policy, eager=True
        ),
        verifier=verifier or RequestVerifier(skill_id=settings.skill_id),
        console=Console(stores, settings, renderer, system_clock, policy),
        webhooks=webhooks_for(settings, stores, system_clock),
        assistants=endpoint_for(settings, stores, renderer, system_clock, policy, identity),
    )


def serve_production(settings: Settings, host: str, port: int, workers: int) -> None:
    run_gunicorn(production_app(settings), host, port, workers)


def run_gunicorn(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve ``app`` with gunicorn's threaded workers until a signal stops it.

    The app is built before the workers fork, so a configuration error stops the
    start with one clear message instead of failing in every worker.
    """
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Threads overlap the DynamoDB and user-info round trips of a turn.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            # Alexa gives up after about 8 s; a request still running at 10 s is stuck.
            self.cfg.set("timeout", 10)
            self.cfg.set("accesslog", None)
            # gunicorn 25.1+ opens a control socket at one fixed path per user, which
            # several servers on one machine would fight over; nothing here uses it.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Flask:
            return app

    Server().run()


def fail(error: ConfigurationError) -> None:
    print(f"menschmoment: {error}", file=sys.stderr)
    raise SystemExit(2)
