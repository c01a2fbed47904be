"""Which DynamoDB-compatible servers a storage test runs on."""

from __future__ import annotations

import pytest

# dynalite has no TransactWriteItems. Everything written in transactions (callbacks,
# complaints with their commitments) is tested on moto; plain reads and writes on both.
transactional = pytest.mark.parametrize("dynamodb_endpoint", ["moto"], indirect=True)
