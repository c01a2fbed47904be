"""Logging as one JSON object per line, with the fields handlers pass in ``extra``.

Only fields named in ``FIELDS`` are written, so a careless ``extra`` cannot leak a
whole envelope; values that look like phone numbers or e-mail addresses are masked.

Every line logged during a turn carries the turn's keys, as AWS Lambda Powertools'
logger appends its keys: the Alexa request id and whether the turn is the process's
cold start. The request interceptor begins the turn (:func:`begin_turn`) and its end
clears them (:func:`end_turn`); :class:`TurnKeysFilter`, on the handler that
:func:`configure_logging` installs, adds them to each record. They live in a context
variable, so the threads of the web service each see their own turn.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any

FIELDS = (
    "request_id",
    "cold_start",
    "request_type",
    "intent",
    "locale",
    "reason",
    "error_type",
    "status",
)
# Opaque ids made by Alexa: masking their digit runs would only break tracing.
UNMASKED = frozenset({"request_id"})
# Libraries whose debug output quotes whole requests and answers: warnings only.
LIBRARIES = ("botocore", "boto3", "urllib3", "werkzeug")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LONG_DIGITS = re.compile(r"\+?\d[\d ()-]{5,}\d")


@dataclass(frozen=True)
class TurnKeys:
    """The keys of the turn being served."""

    request_id: str | None
    cold_start: bool


_turn: ContextVar[TurnKeys | None] = ContextVar("turn", default=None)
# Counts the turns this process began; next() on it is atomic, so of two threads starting
# at once only one is the cold start.
_turns = itertools.count()


def begin_turn(request_id: str | None) -> TurnKeys:
    """The keys every log line carries until :func:`end_turn`; the first is a cold start."""
    turn = TurnKeys(request_id=request_id, cold_start=next(_turns) == 0)
    _turn.set(turn)
    return turn


def end_turn() -> None:
    _turn.set(None)


class TurnKeysFilter(logging.Filter):
    """Adds the current turn's keys to a record (``extra`` given at the call wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        turn = _turn.get()
        if turn is not None:
            if getattr(record, "request_id", None) is None:
                record.request_id = turn.request_id
            if getattr(record, "cold_start", None) is None:
                record.cold_start = turn.cold_start
        return True


def mask(text: str) -> str:
    """Hide e-mail addresses and phone-like digit runs, keeping the last two digits."""
    text = _EMAIL.sub("<email>", text)
    return _LONG_DIGITS.sub(lambda match: "<number ending " + match.group(0)[-2:] + ">", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, bool):
                entry[name] = value
            elif value is not None:
                entry[name] = str(value) if name in UNMASKED else mask(str(value))
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", stream: IO[str] | None = None) -> None:
    """JSON lines with the turn's keys to ``stream`` (standard error when None)."""
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(TurnKeysFilter())
    # Lambda installs its own handler; replace it so every line goes through the mask.
    root.handlers = [handler]
    root.setLevel(level)
    for noisy in LIBRARIES:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
