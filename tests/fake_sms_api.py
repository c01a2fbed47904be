"""AWS End User Messaging SMS (``pinpoint-sms-voice-v2``) on the loopback address.

moto has no SMS service; this answers ``SendTextMessage`` as AWS does, in its JSON
protocol, and keeps every text it was asked to send. A test lists the answers to give
(``refusals``): the spending limit reached, say, then accepted once it is raised. A
Lambda entry reaches it through ``AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEND = "PinpointSMSVoiceV2.SendTextMessage"
# What AWS answers when the account's monthly SMS spending limit is reached.
SPENDING_LIMIT = {
    "__type": "ServiceQuotaExceededException",
    "message": "Monthly spend limit reached",
    "Reason": "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT",
}


@dataclass
class SmsApiState:
    refusals: int = 0  # how many of the next requests are refused
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted requests
    refused: list[dict[str, Any]] = field(default_factory=list)


def _handler(state: SmsApiState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            if self.headers.get("X-Amz-Target") != SEND:
                self._send(400, {"__type": "UnknownOperationException"})
            elif state.refusals > 0:
                state.refusals -= 1
                state.refused.append(body)
                self._send(400, SPENDING_LIMIT)
            else:
                state.sent.append(body)
                self._send(200, {"MessageId": f"m-{len(state.sent)}"})

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class FakeSmsApi:
    def __init__(self) -> None:
        self.state = SmsApiState()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.005,), daemon=True)

    def __enter__(self) -> FakeSmsApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
