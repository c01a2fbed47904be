"""``python -m skill import FILE``: checked first, then written; what the skill then says."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.__main__ import main
from skill.config import Settings
from skill.rules.shop_records import parse_record
from skill.storage import Stores
from skill.storage.client import admin_client
from skill.storage.shop import ShopStore, UpsertCounts
from skill.usecases.shop_import import import_command, run_import
from tests.alexa import Conversation
from tests.conftest import new_table

ROOT = Path(__file__).resolve().parents[2]
Talk = Callable[..., Conversation]

ROBIN = {
    "type": "customer",
    "id": "shop-user-7",
    "name": "Robin",
    "locale": "en-US",
    "postal_code": "94110",
    "phone": "+1 415 555 0199",
}
# Monday 23 November 2026 is "today" (tests/conftest.py MOMENT).
SHIPPED = {
    "type": "order",
    "number": "#5001",
    "customer_id": "shop-user-7",
    "status": "shipped",
    "items": [{"name": "teapot", "quantity": 1}],
    "total": 39.9,
    "currency": "USD",
    "shipping_cost": 4.95,
    "ordered_at": "2026-11-19T10:00:00Z",
    "due": "2026-11-25",
    "carrier": "UPS",
    "updated_at": "2026-11-20T08:00:00Z",
}
# Due last Friday, not delivered, and the shop has flagged nothing.
PAST_DUE = {
    **SHIPPED,
    "number": "A-7731",
    "items": [{"name": "kettle", "quantity": 1}],
    "due": "2026-11-20",
}


@pytest.fixture(autouse=True)
def local_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # The command makes its own client, as a shop's would, from the environment.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")


def jsonl(tmp_path: Path, *records: dict[str, Any], name: str = "shop.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(settings: Settings, path: Path, **options: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = import_command(settings, path, out=out, err=err, **options)
    return status, out.getvalue().strip(), err.getvalue().strip()


def shop_items(stores: Stores) -> list[dict[str, Any]]:
    pages = stores.client.get_paginator("scan").paginate(TableName=stores.table)
    return [item for page in pages for item in page["Items"] if "shop_hash" in item]


def test_a_good_file_is_imported_once_and_again_changes_nothing(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    path = jsonl(tmp_path, ROBIN, SHIPPED, PAST_DUE)

    status, out, err = run(settings, path)

    assert (status, err) == (0, "")
    assert out.startswith("imported 2 orders and 1 customer in ")
    assert out.endswith("s; 0 errors (3 written, 0 unchanged, 0 older skipped)")
    assert [o.number for o in stores.orders.account("shop-user-7").orders] == ["5001", "A-7731"]

    again = run(settings, path)

    assert again[0] == 0
    assert again[1].endswith("0 errors (0 written, 3 unchanged, 0 older skipped)")


def test_bad_records_are_each_reported_and_nothing_is_written(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps(ROBIN),
        json.dumps({**SHIPPED, "total": "lots"}),
        "",
        "{not json",
        json.dumps({**SHIPPED, "number": "5002", "status": "lost"}),
        json.dumps({"type": "refund", "number": "5003"}),
        json.dumps(["an", "array"]),
        json.dumps({**ROBIN, "id": "u-2", "locale": "fr-FR"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    status, out, err = run(settings, path)

    assert status == 1
    assert err.splitlines() == [
        "line 2: total: must be a number",
        "line 4: not JSON (Expecting property name enclosed in double quotes)",
        "line 5: status: must be one of placed, processing, shipped, out_for_delivery, "
        "delivered, cancelled, returned",
        "line 6: type: must be customer or order, not 'refund'",
        "line 7: not a JSON object",
        "line 8: locale: must be one of en-US, en-GB, de-DE",
    ]
    assert out.startswith("checked 0 orders and 1 customer in ")
    assert out.endswith("; 6 errors; nothing written")
    assert shop_items(stores) == []


def test_skip_invalid_writes_the_good_records_and_still_fails(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    path = jsonl(tmp_path, ROBIN, {**SHIPPED, "currency": "dollars"}, PAST_DUE)

    status, out, err = run(settings, path, skip_invalid=True)

    assert status == 1
    assert err == "line 2: currency: must be an ISO 4217 code such as USD, EUR or GBP"
    assert out.endswith("; 1 error (2 written, 0 unchanged, 0 older skipped)")
    assert [o.number for o in stores.orders.account("shop-user-7").orders] == ["A-7731"]


def test_a_dry_run_checks_and_writes_nothing(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    status, out, _ = run(settings, jsonl(tmp_path, ROBIN, SHIPPED), dry_run=True)

    assert status == 0
    assert out.startswith("checked 1 order and 1 customer in ")
    assert out.endswith("; 0 errors; nothing written (dry run)")
    assert shop_items(stores) == []


def test_a_newer_file_replaces_and_an_older_one_does_not(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    run(settings, jsonl(tmp_path, ROBIN, SHIPPED))
    delivered = {
        **SHIPPED,
        "status": "delivered",
        "delivered_at": "2026-11-22T16:00:00Z",
        "updated_at": "2026-11-22T16:05:00Z",
    }
    stale = {**SHIPPED, "status": "processing", "updated_at": "2026-11-19T12:00:00Z"}

    newer = run(settings, jsonl(tmp_path, delivered, name="newer.jsonl"))
    older = run(settings, jsonl(tmp_path, stale, name="older.jsonl"))

    assert newer[1].endswith("(1 written, 0 unchanged, 0 older skipped)")
    assert older[1].endswith("(0 written, 0 unchanged, 1 older skipped)")
    order = stores.orders.get("5001")
    assert order is not None and order.status.value == "delivered"


def test_csv_files_of_customers_and_of_orders(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,locale,postal_code,email\r\nshop-user-9,Lena,de-DE,10115,lena@example.de\r\n",
        encoding="utf-8",
    )
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "number,customer_id,status,items,total,currency,shipping_cost,ordered_at,due,carrier\n"
        '7001,shop-user-9,processing,"Tasse x 2; Teekanne x 1",24.00,EUR,0,2026-11-22,2026-11-27,\n'
        "7002,shop-user-9,shipped,Kerze,5.00,EUR,0,2026-11-22,2026-11-27,DHL\n",
        encoding="utf-8",
    )

    assert run(settings, customers)[0] == 0
    status, _, err = run(settings, orders)

    assert status == 1
    assert err == "line 3: items[0]: write each item as 'name x quantity', not 'Kerze'"
    assert shop_items(stores) != [] and stores.orders.get("7001") is None
    orders.write_text(orders.read_text().replace("Kerze", "Kerze x 1"), encoding="utf-8")
    assert run(settings, orders)[0] == 0
    order = stores.orders.get("7001")
    assert order is not None
    assert order.item_for("de") == "2 Tasse, Teekanne"
    assert order.postal_code == "10115"  # the stored customer's


def test_an_imported_order_is_heard_by_a_guest_and_a_past_due_one_is_late(
    settings: Settings, stores: Stores, talk: Talk, tmp_path: Path
) -> None:
    assert run(settings, jsonl(tmp_path, ROBIN, SHIPPED, PAST_DUE))[0] == 0
    guest = talk()

    heard = guest.say("OrderStatusIntent", orderNumber="5001", postalCode="94110")

    assert heard.speech.startswith(
        "Order 5001, your teapot, is on its way with UPS and should arrive on Wednesday."
    )
    # The account-linking user-info id is the customer's id.
    stores.tokens.put("robins-token", "shop-user-7")
    linked = talk(token="robins-token").say("OrderStatusIntent")
    assert linked.speech.startswith(
        "Order A-7731, your kettle, is late, sorry. "
        "It was due last Friday. Order 5001, your teapot,"
    )
    # Letters and all: the number is spelled out, not read as digits.
    assert '<say-as interpret-as="characters">A-7731</say-as>' in linked.ssml
    # The number slot hears no letters: the digits name the order for a linked customer.
    asked = talk(token="robins-token").say("OrderStatusIntent", orderNumber="7731")
    assert asked.speech.startswith("Order A-7731, your kettle, is late")
    assert "5001" not in asked.speech


@pytest.mark.slow
def test_the_command_line(moto_endpoint: str, tmp_path: Path) -> None:
    name = f"shop-{uuid.uuid4().hex[:8]}"
    environ = {
        "PATH": os.environ["PATH"],
        "TABLE_NAME": name,
        "DYNAMODB_ENDPOINT": moto_endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    path = jsonl(tmp_path, ROBIN, SHIPPED)

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "skill", *args],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert command("tables", "create").returncode == 0
    done = command("import", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # not a terminal: no progress line
    assert done.stdout.startswith("imported 1 order and 1 customer in ")
    missing = command("import", str(tmp_path / "nowhere.jsonl"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_main_reads_the_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = jsonl(tmp_path, {**ROBIN, "email": "robin"})

    with pytest.raises(SystemExit) as ended:
        main(["import", str(path), "--dry-run"])

    assert ended.value.code == 1
    assert capsys.readouterr().err.strip().endswith("line 1: email: must be an e-mail address")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_progress_and_then_only_the_summary(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    out, err = io.StringIO(), Terminal()

    status = import_command(settings, jsonl(tmp_path, ROBIN, SHIPPED), out=out, err=err)

    assert status == 0
    # Redrawn on one line, then wiped, so the terminal is left with the summary alone.
    assert err.getvalue() == "\rimporting 2 of 2 records (100%)\r\033[K"
    assert out.getvalue().startswith("imported 1 order and 1 customer in ")


def test_a_first_import_writes_unread_and_the_next_keeps_a_webhooks_newer_change(
    settings: Settings, stores: Stores, tmp_path: Path
) -> None:
    client = admin_client(settings, local=True, bulk=True)
    sent: Counter[str] = Counter()
    client.meta.events.register(
        "before-call.dynamodb", lambda model, **_: sent.update([model.name])
    )
    store = ShopStore(client, stores.table, workers=1)
    path = jsonl(tmp_path, ROBIN, SHIPPED)

    first = run_import(path, store)

    assert first.counts == UpsertCounts(written=2)
    assert sent == Counter(Scan=1, BatchWriteItem=1)
    # Then a webhook stores the order delivered: the file's shipped state is older.
    delivered = {**SHIPPED, "status": "delivered", "delivered_at": "2026-11-22T16:00:00Z"}
    store.upsert_one(parse_record({**delivered, "updated_at": "2026-11-22T16:05:00Z"}))

    again = run_import(path, store)

    assert again.counts == UpsertCounts(unchanged=1, older_skipped=1)
    order = stores.orders.get("5001")
    assert order is not None and order.status.value == "delivered"


# Beyond the contract's example: every optional field, extra fields (nested, a float),
# text beyond ASCII, offsets other than Z, a delayed and a delivered order.
JUERGEN = {
    "type": "customer",
    "id": "kunde-12",
    "name": "Jürgen",
    "locale": "de-DE",
    "postal_code": "10115",
    "email": "juergen@example.de",
    "updated_at": "2026-11-21T09:15:00+01:00",
    "loyalty": {"tier": "gold", "since": 2019},
}
DELAYED = {
    "type": "order",
    "number": "0042-b",
    "customer_id": "kunde-12",
    "status": "processing",
    "items": [{"name": "Teekanne „Ostfriesland“", "quantity": 2}, {"name": "Sieb"}],
    "total": "1234.500",
    "currency": "EUR",
    "shipping_cost": 0,
    "ordered_at": "2026-11-18",
    "due": "2026-11-24",
    "new_due": "2026-11-27",
    "tracking_url": "https://track.example/0042-B",
    "postal_code": "80331",
    "updated_at": "2026-11-22T18:30:00.250000+01:00",
    "gift_note": "Alles Gute",
    "weight_kg": 1.75,
}
DELIVERED = {
    "type": "order",
    "number": "001002",
    "customer_id": "kunde-12",
    "status": "delivered",
    "items": [{"name": "mug", "quantity": 3}],
    "total": 12,
    "currency": "EUR",
    "shipping_cost": "3.5",
    "ordered_at": "2026-11-10T23:30:00-05:00",
    "due": "2026-11-14",
    "delivered_at": "2026-11-13T11:00:00+01:00",
    "carrier": "DHL",
}
# The items as dynalite returns them, attribute by attribute: the layout of
# docs/data-contract.md ("Where it is stored"), the shop's own JSON and its hash. The
# hash is of every other attribute: an import that stored any of them differently, or
# encoded the shop's JSON differently, would find nothing unchanged on the next run.
STORED = [
    {
        "GSI1PK": {"S": "CUSTOMER#kunde-12"},
        "GSI1SK": {"S": "PROFILE"},
        "PK": {"S": "CUSTOMER#kunde-12"},
        "SK": {"S": "PROFILE"},
        "customer_id": {"S": "kunde-12"},
        "email": {"S": "juergen@example.de"},
        "first_name": {"S": "Jürgen"},
        "kind": {"S": "customer"},
        "language": {"S": "de"},
        "postal_code": {"S": "10115"},
        "shop": {"S": '{"extra": {"loyalty": {"since": 2019, "tier": "gold"}}, "locale": "de-DE"}'},
        "shop_hash": {"S": "9d291ed275d4579323f5b99e6a4b4529"},
        "shop_updated_at": {"S": "2026-11-21T08:15:00.000000Z"},
    },
    {
        "GSI1PK": {"S": "CUSTOMER#u-4711"},
        "GSI1SK": {"S": "PROFILE"},
        "PK": {"S": "CUSTOMER#u-4711"},
        "SK": {"S": "PROFILE"},
        "customer_id": {"S": "u-4711"},
        "first_name": {"S": "Robin"},
        "kind": {"S": "customer"},
        "language": {"S": "en"},
        "phone": {"S": "+14155550199"},
        "postal_code": {"S": "94110"},
        "shop": {"S": '{"locale": "en-US"}'},
        "shop_hash": {"S": "98b8ad34557d68ac6a13a55d118b2ed6"},
    },
    {
        "GSI1PK": {"S": "CUSTOMER#kunde-12"},
        "GSI1SK": {"S": "ORDER#0042-B"},
        "PK": {"S": "ORDER#0042-B"},
        "SK": {"S": "ORDER"},
        "currency": {"S": "EUR"},
        "customer_id": {"S": "kunde-12"},
        "estimated_delivery": {"S": "2026-11-27"},
        "items": {"M": {"shop": {"S": "2 Teekanne „Ostfriesland“, Sieb"}}},
        "kind": {"S": "order"},
        "number": {"S": "0042-B"},
        "original_estimate": {"S": "2026-11-24"},
        "placed_on": {"S": "2026-11-18"},
        "postal_code": {"S": "80331"},
        "shipping_amount": {"N": "0"},
        "shop": {
            "S": '{"due": "2026-11-24", "extra": {"gift_note": "Alles Gute", "weight_kg": 1.75}, "items": [{"name": "Teekanne \\u201eOstfriesland\\u201c", "quantity": 2}, {"name": "Sieb", "quantity": 1}], "new_due": "2026-11-27", "ordered_at": "2026-11-18", "status": "processing", "tracking_url": "https://track.example/0042-B"}'
        },
        "shop_hash": {"S": "524ee56bfde07a2714eaa558ecc30aa5"},
        "shop_updated_at": {"S": "2026-11-22T17:30:00.250000Z"},
        "status": {"S": "delayed"},
        "total_amount": {"N": "1234.5"},
    },
    {
        "GSI1PK": {"S": "CUSTOMER#u-4711"},
        "GSI1SK": {"S": "ORDER#1001"},
        "PK": {"S": "ORDER#1001"},
        "SK": {"S": "ORDER"},
        "carrier": {"S": "UPS"},
        "currency": {"S": "USD"},
        "customer_id": {"S": "u-4711"},
        "estimated_delivery": {"S": "2026-11-25"},
        "items": {"M": {"shop": {"S": "teapot"}}},
        "kind": {"S": "order"},
        "number": {"S": "1001"},
        "placed_on": {"S": "2026-11-19"},
        "postal_code": {"S": "94110"},
        "shipping_amount": {"N": "4.95"},
        "shop": {
            "S": '{"due": "2026-11-25", "items": [{"name": "teapot", "quantity": 1}], "ordered_at": "2026-11-19T10:00:00+00:00", "status": "shipped"}'
        },
        "shop_hash": {"S": "925e6f078f8dd6e271e4e2b05bb34f60"},
        "shop_updated_at": {"S": "2026-11-20T08:00:00.000000Z"},
        "status": {"S": "shipped"},
        "total_amount": {"N": "39.9"},
    },
    {
        "GSI1PK": {"S": "CUSTOMER#kunde-12"},
        "GSI1SK": {"S": "ORDER#1002"},
        "PK": {"S": "ORDER#1002"},
        "SK": {"S": "ORDER"},
        "carrier": {"S": "DHL"},
        "currency": {"S": "EUR"},
        "customer_id": {"S": "kunde-12"},
        "delivered_on": {"S": "2026-11-13"},
        "estimated_delivery": {"S": "2026-11-14"},
        "items": {"M": {"shop": {"S": "3 mug"}}},
        "kind": {"S": "order"},
        "number": {"S": "1002"},
        "placed_on": {"S": "2026-11-10"},
        "postal_code": {"S": "10115"},
        "shipping_amount": {"N": "3.5"},
        "shop": {
            "S": '{"delivered_at": "2026-11-13T11:00:00+01:00", "due": "2026-11-14", "items": [{"name": "mug", "quantity": 3}], "ordered_at": "2026-11-10T23:30:00-05:00", "status": "delivered"}'
        },
        "shop_hash": {"S": "d335771583818a05c59e5694fd8f39f6"},
        "status": {"S": "delivered"},
        "total_amount": {"N": "12"},
    },
]


def test_the_import_stores_the_contracts_records_as_documented(
    dynalite_endpoint: str, tmp_path: Path
) -> None:
    settings = Settings(
        table_name=f"test-{uuid.uuid4().hex[:12]}",
        dynamodb_endpoint=dynalite_endpoint,
        region="us-east-1",
    )
    new_table(settings)
    contract = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    example = contract.split("```\n", 2)[1]  # the records the contract opens with
    path = tmp_path / "shop.jsonl"
    path.write_text(
        example + "".join(json.dumps(r) + "\n" for r in (JUERGEN, DELAYED, DELIVERED)),
        encoding="utf-8",
    )

    # The command's own way: its bulk client, the batches written as JSON, a first load.
    status, out, err = run(settings, path)

    assert (status, err) == (0, "")
    assert out.endswith("0 errors (5 written, 0 unchanged, 0 older skipped)")
    client = admin_client(settings, local=True)
    items = client.scan(TableName=settings.table_name, ConsistentRead=True)["Items"]
    assert sorted(items, key=lambda item: item["PK"]["S"]) == STORED
    assert run(settings, path)[1].endswith("0 errors (0 written, 5 unchanged, 0 older skipped)")
