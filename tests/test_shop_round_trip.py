"""A shop from an empty table to a skill that speaks its data, as the README's deployment
steps go: ``tables create``, ``import``, ``team add``, then the production server
(gunicorn, request verification, console and webhooks) answers a guest about an imported
order, and a signed Shopify ``fulfillments/update`` changes what the next turn says.

Every step is a real process on loopback against the DynamoDB-compatible test server;
only the trust root of Alexa's signatures is the tests' own CA.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.alexa import SKILL_ID, envelope, intent_request
from tests.live_server import (
    ROOT,
    free_port,
    server_process,
    wait_until_healthy,
    with_machine_clock,
)
from tests.pki import Pki, encode, iso, make_pki, write_chains

pytestmark = pytest.mark.slow

SHOPIFY_SECRET = "round-trip-shopify-secret"
PASSWORD = "copper kettle on the windowsill"


@dataclass(frozen=True)
class Shop:
    env: dict[str, str]
    folder: Path


@pytest.fixture(scope="module")
def shop(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Shop:
    """What an operator's shell holds: the table's name and where DynamoDB answers."""
    env = {
        "PATH": "/usr/bin:/bin",
        "TABLE_NAME": f"shop-{uuid.uuid4().hex[:12]}",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "DYNAMODB_ENDPOINT": moto_endpoint,
    }
    return Shop(env, tmp_path_factory.mktemp("shop"))


def skill_command(
    shop: Shop, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill", *args],
        cwd=ROOT,
        env=with_machine_clock(shop.env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def shop_file(folder: Path, today: datetime) -> Path:
    """One customer and one shipped order, as the data contract describes them."""
    records = [
        {
            "type": "customer",
            "id": "C-77",
            "name": "Jordan",
            "locale": "en-US",
            "postal_code": "94110",
            "phone": "+14155550134",
        },
        {
            "type": "order",
            "number": "#5001",
            "customer_id": "C-77",
            "status": "shipped",
            "items": [{"name": "Burr Coffee Grinder", "quantity": 1}],
            "total": "89.00",
            "currency": "USD",
            "shipping_cost": "4.95",
            "ordered_at": (today - timedelta(days=2)).isoformat(),
            "due": (today + timedelta(days=2)).date().isoformat(),
            "carrier": "UPS",
            "updated_at": (today - timedelta(hours=3)).isoformat(),
        },
    ]
    path = folder / "orders.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


@dataclass
class Server:
    host: str
    port: int
    pki: Pki

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=15)
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def server(shop: Shop, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Started after the commands ran: ``python -m skill serve`` as a shop runs it."""
    # The machine's clock, here and below: `python -m skill serve` runs on it, as a shop
    # runs it (certificates, request timestamps, the orders' dates it speaks of).
    pki = make_pki(datetime.now(UTC))
    chains = tmp_path_factory.mktemp("chains")
    write_chains(pki, chains)
    port = free_port()
    env = {**shop.env, "SKILL_ID": SKILL_ID, "SHOPIFY_WEBHOOK_SECRET": SHOPIFY_SECRET}
    command = [sys.executable, "-m", "tests.serve_with_test_ca", "--chains", str(chains)]
    log = shop.folder / "server.log"
    with server_process([*command, "--port", str(port), "--workers", "1"], log, env) as process:
        wait_until_healthy(port, process, log)
        yield Server("127.0.0.1", port, pki)


def ask(server: Server, request: dict[str, Any], **session: Any) -> tuple[str, dict[str, Any]]:
    """One signed turn of a guest; the words heard and the session to carry on."""
    request["timestamp"] = iso(datetime.now(UTC))
    body = encode(envelope(request, user_id="amzn1.ask.account.ROUND_TRIP", **session))
    headers = {"Content-Type": "application/json", **server.pki.headers(body)}
    status, _, answer = server.request("POST", "/alexa", body, headers)
    assert status == 200, answer
    reply = json.loads(answer)
    speech = re.sub(r"<[^>]+>", "", reply["response"]["outputSpeech"]["ssml"])
    return speech, reply.get("sessionAttributes") or {}


def shopify_delivery(today: datetime) -> bytes:
    """Shopify's fulfillment payload for the order's first shipment, now delivered."""
    return json.dumps(
        {
            "id": 4903216758830,
            "name": "#5001.1",
            "order_id": 5940139499999,
            "status": "success",
            "shipment_status": "delivered",
            "tracking_company": "UPS",
            "tracking_number": "1Z999AA10123456785",
            "created_at": (today - timedelta(days=1)).isoformat(),
            "updated_at": today.isoformat(),
            "line_items": [{"id": 1, "title": "Burr Coffee Grinder", "quantity": 1}],
        }
    ).encode()


def test_a_shop_goes_from_an_empty_table_to_a_skill_that_speaks_its_data(
    shop: Shop, request: pytest.FixtureRequest
) -> None:
    today = datetime.now(UTC).replace(microsecond=0)

    # 1. The table, twice: the second run finds it and changes nothing.
    for _ in range(2):
        created = skill_command(shop, "tables", "create")
        assert created.returncode == 0, created.stderr

    # 2. The shop's data: checked, written, and a second import changes nothing.
    data = shop_file(shop.folder, today)
    imported = skill_command(shop, "import", str(data))
    assert imported.returncode == 0, imported.stderr
    assert "1 order" in imported.stdout and "1 customer" in imported.stdout
    assert "0 errors" in imported.stdout
    again = skill_command(shop, "import", str(data))
    assert again.returncode == 0, again.stderr

    # 3. The first admin, with the password on standard input.
    added = skill_command(
        shop,
        *("team", "add", "maria", "--name", "Maria Schneider", "--languages", "en"),
        *("--authority", "250", "--admin", "--password-stdin"),
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    listed = skill_command(shop, "team", "list")
    assert "maria" in listed.stdout and "Maria Schneider" in listed.stdout
    assert PASSWORD not in listed.stdout + added.stdout + added.stderr

    server: Server = request.getfixturevalue("server")

    # 4. A guest proves the imported order with its number and ZIP code.
    said, session = ask(server, intent_request("OrderStatusIntent", orderNumber="5001"))
    assert "ZIP code" in said
    said, _ = ask(
        server,
        # Alexa's dialog keeps the number given before beside the ZIP code just heard.
        intent_request("OrderStatusIntent", orderNumber="5001", postalCode="94110"),
        attributes=session,
        new=False,
    )
    assert "Order 5001" in said and "on its way with UPS" in said
    assert "delivered" not in said

    # 5. Shopify says the shipment arrived; the next turn says so, with no restart.
    body = shopify_delivery(today)
    signature = base64.b64encode(
        hmac.new(SHOPIFY_SECRET.encode(), body, hashlib.sha256).digest()
    ).decode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "fulfillments/update",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
    }
    status, _, answer = server.request("POST", "/webhooks/shopify", body, headers)
    assert status == 200, answer
    forged = {**headers, "X-Shopify-Hmac-Sha256": base64.b64encode(b"\0" * 32).decode()}
    assert server.request("POST", "/webhooks/shopify", body, forged)[0] == 401

    said, _ = ask(
        server, intent_request("OrderStatusIntent", orderNumber="5001", postalCode="94110")
    )
    assert "Order 5001" in said and "was delivered" in said

    # 6. The admin the command made signs in to the console of the same server.
    status, headers_seen, page = server.request("GET", "/console/login")
    assert status == 200
    cookie = headers_seen["set-cookie"].split(";", 1)[0]
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    form = urllib.parse.urlencode(
        {"login": "maria", "password": PASSWORD, "csrf": csrf.group(1).decode()}
    ).encode()
    status, headers_seen, _ = server.request(
        "POST",
        "/console/login",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    assert status == 302, "the admin made by the command line can sign in"
    signed_in = headers_seen["set-cookie"].split(";", 1)[0]
    status, _, queue = server.request("GET", "/console/", headers={"Cookie": signed_in})
    assert status == 200
    assert "Maria Schneider" in queue.decode()
