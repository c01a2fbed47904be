"""The call back being asked for, as the session keeps it between the turns that ask for
a number (the session's ``callback`` key, :mod:`skill.handlers.dialogue`).

Apart from the dialogue because only the callback turns read it: a dataclass compiles
its methods when its module is imported, which a launch would otherwise pay for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass
class CallbackWish:
    """The call back being asked for, kept through the turns that ask for a number."""

    time: str | None = None
    day: str | None = None
    channel: str | None = None
    phone: str | None = None
    # The customer said yes to "shall we call the number ending in 42?".
    confirmed: bool = False
    # "In an hour": Alexa's AMAZON.DURATION value.
    delay: str | None = None

    @classmethod
    def read(cls, value: object) -> CallbackWish:
        values = value if isinstance(value, Mapping) else {}
        return cls(
            time=_text(values.get("time")),
            day=_text(values.get("day")),
            channel=_text(values.get("channel")),
            phone=_text(values.get("phone")),
            confirmed=values.get("confirmed") == "yes",
            delay=_text(values.get("delay")),
        )

    def written(self) -> dict[str, str]:
        values = {"time": self.time, "day": self.day, "channel": self.channel}
        values |= {"phone": self.phone, "confirmed": "yes" if self.confirmed else None}
        values |= {"delay": self.delay}
        return {name: value for name, value in values.items() if value is not None}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
