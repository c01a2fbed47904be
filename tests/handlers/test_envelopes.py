"""The skill reads a request envelope as ask-sdk's own serializer does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.handlers.envelopes import EnvelopeSerializer
from tests.alexa import envelope, intent_request

EVENTS = sorted((Path(__file__).resolve().parents[1] / "events").glob("*.json"))


@pytest.mark.parametrize("path", EVENTS, ids=lambda path: path.stem)
def test_every_canned_event_reads_as_ask_sdk_reads_it(path: Path) -> None:
    payload = path.read_text(encoding="utf-8")
    ours = EnvelopeSerializer().deserialize(payload, RequestEnvelope)
    assert ours == DefaultSerializer().deserialize(payload, RequestEnvelope)
    assert ours.request.timestamp.utcoffset() is not None  # aware, as dateutil's


@pytest.mark.parametrize(
    ("timestamp", "read"),
    [
        ("2026-11-23T15:00:00Z", datetime(2026, 11, 23, 15, tzinfo=UTC)),
        ("2026-11-23T15:00:00.250+00:00", datetime(2026, 11, 23, 15, 0, 0, 250000, tzinfo=UTC)),
        # Not ISO 8601: dateutil's general parser still reads it.
        ("Mon, 23 Nov 2026 15:00:00 GMT", datetime(2026, 11, 23, 15, tzinfo=UTC)),
    ],
)
def test_the_timestamp_is_read(timestamp: str, read: datetime) -> None:
    event = envelope(intent_request("OrderStatusIntent"), token="demo-alex")
    event["request"]["timestamp"] = timestamp
    ours = EnvelopeSerializer().deserialize(json.dumps(event), RequestEnvelope)
    assert ours.request.timestamp == read
