"""AWS Lambda entry for customers' texts: the shop's number publishes each text it
receives to an SNS topic (two-way SMS), and the topic invokes this function.

A reply to the satisfaction question scores its callback (skill.usecases.sms_replies).
Settings and stores are made at init, as in the other entries.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from skill.clock import system_clock
from skill.config import Settings
from skill.logs import configure_logging
from skill.storage import Stores
from skill.storage.client import dynamodb_client
from skill.usecases.sms_replies import NotInbound, inbound_text, receive_reply

log = logging.getLogger("sms_reply")
settings = Settings.from_env()
configure_logging(settings.log_level)
stores = Stores(dynamodb_client(settings), settings.table_name)


def handler(event: dict[str, Any], context: Any) -> dict[str, list[str]]:
    """Each SNS record's text, in turn; what became of each.

    A message that is no received text is logged and dropped: delivering it again would
    not change it. A storage failure raises, so Lambda delivers the message again; a
    score stored before stays, and is not stored twice.
    """
    outcomes: list[str] = []
    for record in event.get("Records", []):
        try:
            message = json.loads(record["Sns"]["Message"])
            text = inbound_text(message)
        except (KeyError, TypeError, ValueError, NotInbound) as error:
            log.warning("not a received text", extra={"error_type": type(error).__name__})
            outcomes.append("not_inbound")
            continue
        outcomes.append(receive_reply(stores, text, system_clock()).value)
    return {"outcomes": outcomes}
