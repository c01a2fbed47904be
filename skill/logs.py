"""Logging as one JSON object per line, with the fields handlers pass in ``extra``.

Only fields named in ``FIELDS`` are written, so a careless ``extra`` cannot leak a
whole envelope; values that look like phone numbers or e-mail addresses are masked.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

FIELDS = ("request_id", "request_type", "intent", "locale", "reason", "error_type", "status")
# Opaque ids made by Alexa: masking their digit runs would only break tracing.
UNMASKED = frozenset({"request_id"})
# Libraries whose debug output quotes whole requests and answers: warnings only.
LIBRARIES = ("botocore", "boto3", "urllib3", "werkzeug")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LONG_DIGITS = re.compile(r"\+?\d[\d ()-]{5,}\d")


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
            if value is not None:
                entry[name] = str(value) if name in UNMASKED else mask(str(value))
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    # Lambda installs its own handler; replace it so every line goes through the mask.
    root.handlers = [handler]
    root.setLevel(level)
    for noisy in LIBRARIES:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
