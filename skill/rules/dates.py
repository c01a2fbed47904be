"""Dates relative to the customer's day, so templates can say "tomorrow" or "on Friday"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class DayKind(StrEnum):
    TODAY = "today"
    TOMORROW = "tomorrow"
    YESTERDAY = "yesterday"
    WEEKDAY = "weekday"  # within the coming or past six days: "on Friday"
    DATE = "date"  # further away: "on November 30"


@dataclass(frozen=True)
class Day:
    """A date as the customer hears it: today, tomorrow, on Friday, on November 30."""

    date: date
    offset: int  # days from the customer's today; negative is the past

    @property
    def kind(self) -> DayKind:
        if self.offset == 0:
            return DayKind.TODAY
        if self.offset == 1:
            return DayKind.TOMORROW
        if self.offset == -1:
            return DayKind.YESTERDAY
        if -6 <= self.offset <= 6:
            return DayKind.WEEKDAY
        return DayKind.DATE

    @property
    def weekday(self) -> int:
        return self.date.weekday()


def relative_day(day: date, today: date) -> Day:
    return Day(date=day, offset=(day - today).days)


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_today(now: datetime, time_zone: str) -> date:
    """The customer's calendar day at ``now``."""
    return now.astimezone(zone(time_zone)).date()
