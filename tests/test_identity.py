"""Account linking: the demo token table and an OAuth user-info endpoint."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skill.adapters.identity import IdentityUnavailable, TokenTableIdentity, UserInfoIdentity
from skill.storage import Stores


def test_token_table(demo_stores: Stores) -> None:
    identity = TokenTableIdentity(demo_stores.tokens)
    assert identity.customer_id("demo-alex") == "c-alex"
    assert identity.customer_id("nope") is None


def test_token_table_keeps_a_found_token_five_minutes(
    demo_stores: Stores, round_trips: list[str]
) -> None:
    now = [0.0]
    identity = TokenTableIdentity(demo_stores.tokens, monotonic=lambda: now[0])
    assert identity.customer_id("demo-alex") == "c-alex"
    now[0] = 299.0
    assert identity.customer_id("demo-alex") == "c-alex"
    assert round_trips == ["GetItem"]  # the conversation's later turns ask no one
    now[0] = 300.0
    assert identity.customer_id("demo-alex") == "c-alex"
    assert round_trips == ["GetItem", "GetItem"]


def test_token_table_asks_again_for_a_token_it_did_not_find(
    demo_stores: Stores, round_trips: list[str]
) -> None:
    identity = TokenTableIdentity(demo_stores.tokens)
    assert identity.customer_id("linked-just-now") is None
    demo_stores.tokens.put("linked-just-now", "c-sam")  # the account link completes
    assert identity.customer_id("linked-just-now") == "c-sam"
    assert round_trips == ["GetItem", "PutItem", "GetItem"]


class _UserInfo(BaseHTTPRequestHandler):
    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token == "good":
            body, status = json.dumps({"user_id": "amzn1.account.X", "name": "A"}), 200
        elif token == "broken":
            body, status = "oops", 500
        else:
            body, status = "{}", 401
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def userinfo_url() -> Iterator[str]:
    _UserInfo.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _UserInfo)
    thread = threading.Thread(target=server.serve_forever, args=(0.005,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/user/profile"
    server.shutdown()
    server.server_close()


def test_userinfo_maps_token_to_customer_and_caches(userinfo_url: str) -> None:
    identity = UserInfoIdentity(userinfo_url)
    assert identity.customer_id("good") == "amzn1.account.X"
    assert identity.customer_id("good") == "amzn1.account.X"
    assert _UserInfo.calls == 1
    assert identity.customer_id("expired") is None


def test_userinfo_failure_is_unavailable_not_unlinked(userinfo_url: str) -> None:
    with pytest.raises(IdentityUnavailable):
        UserInfoIdentity(userinfo_url).customer_id("broken")


def test_userinfo_unreachable_is_unavailable() -> None:
    def refuse(request: urllib.request.Request, timeout: float) -> bytes:
        raise TimeoutError

    with pytest.raises(IdentityUnavailable):
        UserInfoIdentity("https://id.example/userinfo", fetch=refuse).customer_id("t")


def test_userinfo_requires_https() -> None:
    with pytest.raises(ValueError, match="https"):
        UserInfoIdentity("http://id.example/userinfo")
