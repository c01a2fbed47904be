"""Opening hours (``SERVICE_HOURS``): read from the settings' text, asked when open.

Apart from the callbacks' rules (:mod:`skill.rules.callbacks`): the settings check the
hours when the process starts, and a launch needs nothing else of the callbacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS_PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)


class ServiceHoursError(ValueError):
    """SERVICE_HOURS cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class ServiceHours:
    """Opening hours per weekday (0 = Monday) in the service team's time zone."""

    days: Mapping[int, tuple[time, time]]

    @classmethod
    def parse(cls, text: str) -> ServiceHours:
        """``"Mon-Fri 08:00-20:00; Sat 09:00-14:00"``."""
        days: dict[int, tuple[time, time]] = {}
        for part in filter(None, (chunk.strip().lower() for chunk in text.split(";"))):
            match = _HOURS_PART.match(part)
            if not match or match["first"] not in WEEKDAYS:
                raise ServiceHoursError(
                    f"cannot read {part!r}; write e.g. 'Mon-Fri 08:00-20:00; Sat 09:00-14:00'"
                )
            last = match["last"] or match["first"]
            if last not in WEEKDAYS:
                raise ServiceHoursError(f"unknown weekday {last!r} in {part!r}")
            try:
                opens = time.fromisoformat(match["open"].zfill(5))
                closes = time.fromisoformat(match["close"].zfill(5))
            except ValueError as error:
                raise ServiceHoursError(f"invalid time in {part!r}") from error
            if closes <= opens:
                raise ServiceHoursError(f"closing before opening in {part!r}")
            first, final = WEEKDAYS.index(match["first"]), WEEKDAYS.index(last)
            for weekday in range(first, final + 1) if first <= final else (first, final):
                days[weekday] = (opens, closes)
        if not days:
            raise ServiceHoursError("no opening hours given")
        return cls(days)

    def earliest(self, moment: datetime, zone: tzinfo) -> datetime:
        """The first moment at or after ``moment`` when the team is working."""
        local = moment.astimezone(zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            hours = self.days.get(day.weekday())
            if hours is None:
                continue
            # Compared in UTC: times of one zone compare by the clock on the wall, which
            # runs an hour twice on the night the clocks go back.
            opens = datetime.combine(day, hours[0], zone).astimezone(UTC)
            closes = datetime.combine(day, hours[1], zone).astimezone(UTC)
            if moment < closes:
                return max(moment.astimezone(UTC), opens).astimezone(moment.tzinfo)
        raise ServiceHoursError("no opening within a week")  # unreachable: parse needs a day
