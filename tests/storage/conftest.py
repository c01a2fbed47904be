"""The storage tests run against moto and against dynalite, whose validation is strict."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["moto", "dynalite"])
def dynamodb_endpoint(request: pytest.FixtureRequest) -> str:
    endpoint: str = request.getfixturevalue(f"{request.param}_endpoint")
    return endpoint
