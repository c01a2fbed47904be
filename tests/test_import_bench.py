"""The import benchmark (bench/shop_import.py) on a few records: it imports every
record, then finds all of them unchanged. ``make bench`` runs it on 100,000 orders."""

from __future__ import annotations

import pytest

from bench import shop_import
from skill.storage.shop import UpsertCounts


@pytest.mark.slow
def test_the_import_benchmark_writes_all_then_finds_all_unchanged() -> None:
    result = shop_import.run(orders=60, workers=2)

    assert result.records == 66
    assert result.first.errors == () and result.first.counts == UpsertCounts(written=66)
    assert result.again.counts == UpsertCounts(unchanged=66)
