"""A fresh table with the demo data, for the benchmark's Lambda processes and servers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from skill.config import Settings
from skill.devtools.demo.data import seed
from skill.storage import Stores
from skill.storage.client import admin_client, dynamodb_client
from skill.storage.tables import MAIN_TABLE, create_tables


def demo_table(endpoint: str, prefix: str) -> tuple[Settings, Stores]:
    """A new table on ``endpoint``, seeded with the demo data: its settings and stores."""
    table = f"{prefix}-{uuid.uuid4().hex[:8]}"
    settings = Settings(table_name=table, dynamodb_endpoint=endpoint, region="us-east-1")
    client = dynamodb_client(settings, local=True)
    create_tables(admin_client(settings, local=True), {MAIN_TABLE: table})
    stores = Stores(client, table)
    seed(stores, datetime.now(UTC).date())
    return settings, stores
