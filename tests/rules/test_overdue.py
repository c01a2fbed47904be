"""Which open callbacks are overdue: past their time plus the grace period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from skill.records.callbacks import QueuedCallback
from skill.rules.overdue import CALLBACK_GRACE, overdue_callbacks

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def queued(callback_id: str, minutes_ago: int) -> QueuedCallback:
    return QueuedCallback(callback_id, "normal", NOW - timedelta(minutes=minutes_ago), "a-1")


def test_a_callback_is_overdue_once_its_grace_has_passed() -> None:
    grace = int(CALLBACK_GRACE.total_seconds() // 60)
    queue = [queued("on-time", 0), queued("just-late", grace - 1), queued("late", grace)]
    assert [item.callback_id for item in overdue_callbacks(queue, NOW)] == ["late"]


def test_the_longest_overdue_comes_first() -> None:
    queue = [queued("b", 45), queued("c", 300), queued("a", 45), queued("future", -60)]
    assert [item.callback_id for item in overdue_callbacks(queue, NOW)] == ["c", "a", "b"]


def test_the_grace_is_a_parameter() -> None:
    queue = [queued("x", 5)]
    assert overdue_callbacks(queue, NOW, grace=timedelta(minutes=5)) == queue
    assert overdue_callbacks(queue, NOW, grace=timedelta(minutes=6)) == []
