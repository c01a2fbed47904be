"""Fixtures: DynamoDB-compatible servers, a fresh table per test, the skill and the app."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from skill.clock import Clock
    from skill.config import Settings
    from skill.speech import Renderer
    from skill.storage import Stores
    from tests.alexa import Conversation

# The fixtures import the product, moto and Flask when first used: pytest's controller
# process under xdist loads this file before it starts the workers, and needs none of
# them (importing them took 1.3 s of every run's critical path).

# Monday afternoon in Europe and the morning in New York: the same calendar day in both.
MOMENT = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
# Console passwords hashed at a thirty-second of scrypt's default cost: every sign-in
# still computes one scrypt, as in production (tests/console/test_passwords.py checks
# the default cost).
PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from skill.devtools.demo.dynamodb import EmbeddedDynamoDB

    with EmbeddedDynamoDB() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def dynalite_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """dynalite: stricter about requests than moto."""
    from tests.dynalite_server import DynaliteUnavailable, dynalite

    try:
        with dynalite(tmp_path_factory.mktemp("dynalite") / "stderr.log") as endpoint:
            yield endpoint
    except DynaliteUnavailable as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def moto_here() -> Iterator[None]:
    from tests.moto_in_process import moto_in_process

    with moto_in_process():
        yield


@pytest.fixture
def dynamodb_endpoint(moto_here: None) -> str | None:
    """moto in this process (no endpoint: botocore hands requests to it) unless a
    folder or module chooses a server: tests/storage runs both servers, and a test whose
    requests come from another process takes ``moto_endpoint``."""
    return None


@pytest.fixture
def settings(dynamodb_endpoint: str | None) -> Settings:
    from skill.config import Settings

    return Settings(
        table_name=f"test-{uuid.uuid4().hex[:12]}",
        dynamodb_endpoint=dynamodb_endpoint,
        region="us-east-1",
        password_hash_method=PASSWORD_HASH_METHOD,
    )


# One administrative client per server for the session: building a client costs as much
# CPU as a request, and nothing registers on this one.
_ADMINS: dict[str, Any] = {}


def new_table(settings: Settings) -> None:
    """A fresh table of the definition: CreateTable, a wait only while it is being made
    (moto makes it at once, dynalite a moment later), and its time to live.

    ``create_tables`` first looks for an existing table and then checks its keys, three
    more requests a fresh name never needs (tests/storage/test_tables.py covers them).
    """
    from botocore.exceptions import ClientError

    from skill.storage.client import admin_client
    from skill.storage.tables import MAIN_TABLE, create_table_arguments, definitions
    from tests.moto_in_process import create_table_here

    ttl = definitions()[MAIN_TABLE]["Properties"].get("TimeToLiveSpecification")
    if settings.dynamodb_endpoint is None:
        create_table_here(create_table_arguments(MAIN_TABLE, settings.table_name), ttl)
        return
    endpoint = str(settings.dynamodb_endpoint)
    if endpoint not in _ADMINS:
        _ADMINS[endpoint] = admin_client(settings, local=True)
    admin = _ADMINS[endpoint]
    made = admin.create_table(**create_table_arguments(MAIN_TABLE, settings.table_name))
    if made["TableDescription"]["TableStatus"] != "ACTIVE":
        admin.get_waiter("table_exists").wait(
            TableName=settings.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
    if ttl and endpoint not in _WITHOUT_TTL:
        try:
            admin.update_time_to_live(TableName=settings.table_name, TimeToLiveSpecification=ttl)
        except ClientError as error:  # dynalite has no time to live, as create_tables allows
            if error.response.get("Error", {}).get("Code") != "UnknownOperationException":
                raise
            _WITHOUT_TTL.add(endpoint)


# Servers that answered UpdateTimeToLive with UnknownOperationException (dynalite): not
# asked again for every test's table.
_WITHOUT_TTL: set[str] = set()


# Clients (of moto in this process or of a server) that tests left as they were made (no
# handler added or removed, the retry quota full), for the next test with the same
# settings: a new client costs 7 to 10 ms of CPU, botocore copying its event system and
# registering the handlers, about a twentieth of the fast tests' time.
_SPARE: dict[tuple[Any, ...], list[Any]] = {}


def _client_settings(settings: Settings) -> tuple[Any, ...]:
    return (
        settings.dynamodb_endpoint,
        settings.region,
        settings.dynamodb_max_attempts,
        settings.dynamodb_connect_timeout,
        settings.dynamodb_read_timeout,
    )


@pytest.fixture
def dynamodb(settings: Settings) -> Iterator[Any]:
    from skill.storage.client import dynamodb_client
    from tests.moto_in_process import as_made, drop_table_here, watched

    spare = _SPARE.setdefault(_client_settings(settings), [])
    client = spare.pop() if spare else watched(dynamodb_client(settings, local=True))
    made = as_made(client)
    new_table(settings)
    yield client
    if settings.dynamodb_endpoint is None:
        drop_table_here(settings.table_name)
    # A server's tables stay until the server ends with the session: each test's table
    # has a name of its own, and a DeleteTable per test took longer than the test.
    if as_made(client) == made:
        spare.append(client)


@pytest.fixture
def stores(dynamodb: Any, settings: Settings) -> Stores:
    from skill.storage import Stores

    return Stores(dynamodb, settings.table_name)


@pytest.fixture
def clock() -> Clock:
    from skill.clock import fixed_clock

    return fixed_clock(MOMENT)


# What the demo data writes, per fixture: made by the real seeding code once per test
# session, then written into each test's fresh table with BatchWriteItem. Seeding item by
# item (and hashing the demo logins' passwords with scrypt) took most of a test's setup.
_WRITTEN: dict[str, list[dict[str, Any]]] = {}


def _items(stores: Stores) -> dict[tuple[str, str], dict[str, Any]]:
    pages = stores.client.get_paginator("scan").paginate(TableName=stores.table)
    return {(i["PK"]["S"], i["SK"]["S"]): i for page in pages for i in page["Items"]}


def written_once(stores: Stores, name: str, write: Callable[[Stores], None]) -> None:
    """``write(stores)``, replayed from what it wrote the first time in this session."""
    from tests.moto_in_process import answered_here, put_items_here

    if name not in _WRITTEN:
        before = _items(stores)
        write(stores)
        _WRITTEN[name] = [v for k, v in _items(stores).items() if before.get(k) != v]
        return
    if answered_here(stores.client):
        put_items_here(stores.table, _WRITTEN[name])
        return
    items = [{"PutRequest": {"Item": item}} for item in _WRITTEN[name]]
    for start in range(0, len(items), 25):
        batch = {stores.table: items[start : start + 25]}
        while batch:
            answer = stores.client.batch_write_item(RequestItems=batch)
            batch = answer.get("UnprocessedItems") or {}


@pytest.fixture
def demo_stores(stores: Stores) -> Stores:
    from skill.devtools.demo.data import seed

    written_once(stores, "demo", lambda fresh: seed(fresh, MOMENT.date()))
    return stores


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    """One renderer for the tests of a process, as one serves a whole Lambda process:
    each template is loaded once, not again for every test."""
    from skill.speech import Renderer

    return Renderer()


@pytest.fixture
def skill(settings: Settings, demo_stores: Stores, clock: Clock, renderer: Renderer) -> Any:
    from skill.app import build_skill

    return build_skill(settings, demo_stores, clock=clock, renderer=renderer)


@pytest.fixture
def app(skill: Any) -> Flask:
    from skill.web import create_app

    app = create_app(skill, verifier=None)
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def talk(client: FlaskClient) -> Callable[..., Conversation]:
    """``talk(token="demo-alex", locale="de-DE")`` starts a conversation."""
    from tests.alexa import Conversation

    def start(**options: Any) -> Conversation:
        return Conversation(client, **options)

    return start


@pytest.fixture
def round_trips(dynamodb: Any) -> list[str]:
    """Names of the DynamoDB operations sent over HTTP, retries included, in order."""
    sent: list[str] = []

    def count(**kwargs: Any) -> None:
        sent.append(kwargs["event_name"].rsplit(".", 1)[-1])

    dynamodb.meta.events.register("before-send.dynamodb", count)
    return sent


def pytest_collection_finish(session: pytest.Session) -> None:
    # Everything imported and collected lives until the end: moved out of the garbage
    # collector's sight, the collections during the run and pytest's at its end no
    # longer walk the libraries' objects (botocore's models, moto, jinja2) again and
    # again. botocore and moto make and drop dicts by the hundred thousand: collecting
    # after every 2,000 new objects (Python's default) took some 800 collections and
    # 3 to 4 s of each worker's minute; every 100,000, about 160 and 2 s.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
