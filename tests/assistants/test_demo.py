"""The MCP endpoint of `make run`: the SDK's client against a real demo server process."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alexa import EVENTS, envelope, intent_request, parse_reply
from tests.assistants.client import (
    INITIALIZE,
    MCP_HEADERS,
    call,
    raw_post,
    text,
    tools,
)
from tests.conftest import MOMENT
from tests.live_server import free_port, server_process, wait_until_healthy

pytestmark = pytest.mark.slow

TOOLS = {
    "list_orders",
    "get_order_status",
    "file_complaint",
    "choose_remedy",
    "list_promises",
    "request_callback",
    "get_callback_status",
    "cancel_callback",
    "what_do_you_know_about_me",
    "delete_my_data",
}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mcp-demo") / "output.log"


@pytest.fixture(scope="module")
def base(log: Path) -> Iterator[str]:
    port = free_port()
    # A Monday afternoon, whatever day the tests run on: the team is on duty.
    command = [sys.executable, "-m", "skill", "serve", "--demo", "--port", str(port)]
    command += ["--clock", MOMENT.isoformat()]
    with server_process(command, log) as process:
        wait_until_healthy(port, process, log)
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def url(base: str) -> str:
    return base + "/mcp"


def voice(base: str, intent: str, token: str, **slots: str) -> str:
    body = json.dumps(envelope(intent_request(intent, **slots), token=token)).encode()
    request = urllib.request.Request(
        base + "/alexa", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return parse_reply(answer.status, json.loads(answer.read())).speech or ""


def test_a_service_token_lists_the_tools_with_schemas_and_hints(url: str) -> None:
    listed = {tool.name: tool for tool in tools(url, "demo-service")}

    assert set(listed) == TOOLS
    for tool in listed.values():
        assert tool.description and len(tool.description) > 30
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and "text" in tool.output_schema["properties"]
        assert tool.annotations is not None
    assert listed["get_order_status"].annotations.read_only_hint is True  # type: ignore[union-attr]
    assert listed["delete_my_data"].annotations.destructive_hint is True  # type: ignore[union-attr]
    assert listed["choose_remedy"].annotations.idempotent_hint is True  # type: ignore[union-attr]
    assert listed["choose_remedy"].input_schema["required"] == [
        "complaint_id",
        "remedy",
        "idempotency_key",
    ]


def test_a_service_token_cannot_act_for_a_customer(url: str) -> None:
    result = call(url, "demo-service", "list_orders")

    assert result.is_error
    assert "link" in text(result)
    assert result.structured_content is None


def test_orders_lead_with_the_delayed_one(url: str) -> None:
    result = call(url, "demo-alex", "list_orders")

    assert not result.is_error
    orders = result.structured_content["orders"]  # type: ignore[index]
    assert [o["number"] for o in orders] == ["1003", "1002", "1004", "1001"]
    assert orders[0]["status"] == "delayed" and orders[0]["delayed"] is True
    assert orders[0]["originally_expected"] == "2026-11-22"
    assert orders[0]["expected_delivery"] == "2026-11-27"
    assert text(result).startswith("Order 1003, your running shoes, is late, sorry.")


def test_one_orders_status(url: str) -> None:
    result = call(url, "demo-alex", "get_order_status", order_number="1003")

    assert [o["number"] for o in result.structured_content["orders"]] == ["1003"]  # type: ignore[index]
    assert result.structured_content["orders"][0]["carrier"] == "DHL"  # type: ignore[index]
    assert "should now come on Friday" in text(result)
    # A number, as some assistants send it, is the same order.
    by_number = call(url, "demo-alex", "get_order_status", order_number=1003)
    assert by_number.structured_content == result.structured_content


def test_an_order_of_someone_else_is_not_found(url: str) -> None:
    result = call(url, "demo-alex", "get_order_status", order_number="2001")

    assert result.is_error
    assert "couldn't find order 2001" in text(result)


def test_a_complaint_gets_the_policys_remedies_and_the_choice_is_granted_once(url: str) -> None:
    filed = call(
        url,
        "demo-alex",
        "file_complaint",
        order_number="1001",
        problem="damaged",
        description="the lid is cracked",
    )
    assert not filed.is_error, text(filed)
    complaint = filed.structured_content
    assert complaint is not None and complaint["outcome"] == "choose_remedy"
    assert [r["remedy"] for r in complaint["remedies"]] == ["replacement", "refund"]
    # Nothing is granted yet.
    assert call(url, "demo-alex", "list_promises").structured_content["promises"] == []  # type: ignore[index]

    key = str(uuid.uuid4())
    granted = call(
        url,
        "demo-alex",
        "choose_remedy",
        complaint_id=complaint["complaint_id"],
        remedy="refund",
        idempotency_key=key,
    )
    again = call(
        url,
        "demo-alex",
        "choose_remedy",
        complaint_id=complaint["complaint_id"],
        remedy="refund",
        idempotency_key=key,
    )

    assert not granted.is_error, text(granted)
    promise = granted.structured_content["promise"]  # type: ignore[index]
    assert promise["remedy"] == "refund" and promise["amount"] == "49.90"
    assert promise["due"] == "2026-11-26" and promise["state"] == "promised"
    assert granted.structured_content["new"] is True  # type: ignore[index]
    assert again.structured_content["new"] is False  # type: ignore[index]
    assert again.structured_content["retry"] is True  # type: ignore[index]
    assert again.structured_content["promise"] == promise  # type: ignore[index]
    # Another request for the same complaint: the same promise, not a second one.
    other = call(
        url,
        "demo-alex",
        "choose_remedy",
        complaint_id=complaint["complaint_id"],
        remedy="replacement",
        idempotency_key="another",
    )
    assert other.structured_content["promise"] == promise  # type: ignore[index]
    assert other.structured_content["retry"] is False  # type: ignore[index]
    promises = call(url, "demo-alex", "list_promises").structured_content["promises"]  # type: ignore[index]
    assert promises == [promise]
    # A second complaint about the order goes to people: the policy's one per order.
    second = call(url, "demo-alex", "file_complaint", order_number="1001", problem="wrong_item")
    assert second.structured_content["outcome"] == "with_team"  # type: ignore[index]


def test_a_complaint_the_order_does_not_qualify_for_gets_no_remedy(url: str) -> None:
    result = call(url, "demo-alex", "file_complaint", order_number="1002", problem="late")

    assert not result.is_error
    assert result.structured_content["outcome"] == "with_team"  # type: ignore[index]
    assert result.structured_content["reason"] == "not_late"  # type: ignore[index]
    assert result.structured_content["remedies"] == []  # type: ignore[index]
    assert "on time" in text(result)


def test_a_remedy_not_offered_is_refused(url: str) -> None:
    filed = call(url, "demo-alex", "file_complaint", order_number="1003", problem="late")
    complaint_id = filed.structured_content["complaint_id"]  # type: ignore[index]

    result = call(
        url,
        "demo-alex",
        "choose_remedy",
        complaint_id=complaint_id,
        remedy="refund",
        idempotency_key="k-1",
    )

    assert result.is_error
    assert "shipping_refund, voucher" in text(result)


def test_one_open_callback_across_voice_and_mcp(url: str, base: str) -> None:
    """Booked over MCP, the voice skill tells it; cancelled over MCP, voice knows."""
    booked = call(url, "demo-alex", "request_callback", reason="my shoes are late")
    assert not booked.is_error, text(booked)
    callback = booked.structured_content["callback"]  # type: ignore[index]
    assert callback["agent"] == "Maria Schneider" and callback["phone_ending"] == "42"
    assert "Maria" in text(booked)

    heard = voice(base, "CallbackStatusIntent", "demo-alex")
    assert "Maria" in heard

    # Asked again, over MCP, the same call back: never a second one.
    again = call(url, "demo-alex", "request_callback", reason="again")
    assert again.structured_content["callback"]["callback_id"] == callback["callback_id"]  # type: ignore[index]
    assert again.structured_content["new"] is False  # type: ignore[index]

    cancelled = call(url, "demo-alex", "cancel_callback")
    assert cancelled.structured_content["cancelled"] is True  # type: ignore[index]
    assert "don't have a call back" in voice(base, "CallbackStatusIntent", "demo-alex")


def test_a_callback_booked_by_voice_is_seen_and_cancelled_over_mcp(url: str, base: str) -> None:
    said = voice(base, "CallbackIntent", "demo-alex")
    assert "Maria" in said

    status = call(url, "demo-alex", "get_callback_status")
    assert status.structured_content["callback"]["agent"] == "Maria Schneider"  # type: ignore[index]
    assert "Maria" in text(status)

    cancelled = call(url, "demo-alex", "cancel_callback")
    assert cancelled.structured_content["cancelled"] is True  # type: ignore[index]
    none = call(url, "demo-alex", "get_callback_status")
    assert none.structured_content["callback"] is None  # type: ignore[index]


def test_what_is_kept_and_erasure_after_a_confirmation(url: str) -> None:
    known = call(url, "demo-sam", "what_do_you_know_about_me")
    assert known.structured_content["first_name"] == "Sam"  # type: ignore[index]

    unconfirmed = call(url, "demo-sam", "delete_my_data", confirm=False)
    assert unconfirmed.is_error and "Nothing was deleted" in text(unconfirmed)

    erased = call(url, "demo-sam", "delete_my_data", confirm=True)
    assert not erased.is_error
    assert "deleted" in text(erased)


def test_malformed_arguments_are_a_tool_error_never_a_server_error(url: str) -> None:
    for name, arguments in (
        ("get_order_status", {}),
        ("get_order_status", {"order_number": ["1003"]}),
        ("file_complaint", {"order_number": "1001", "problem": "exploded"}),
        ("choose_remedy", {"complaint_id": "x", "remedy": "refund"}),
        ("request_callback", {"reason": "r", "preferred_time": "whenever"}),
        ("delete_my_data", {"confirm": "perhaps"}),
    ):
        result = call(url, "demo-alex", name, **arguments)
        assert result.is_error, (name, arguments)
        assert "Traceback" not in text(result) and "pydantic" not in text(result)
    missing = call(url, "demo-alex", "file_complaint", order_number="1001")
    assert (
        text(missing) == "That didn't fit the tool file_complaint: check problem, then try again."
    )


def test_no_token_or_an_unknown_one_is_401_naming_the_metadata(base: str, url: str) -> None:
    for headers in (MCP_HEADERS, {**MCP_HEADERS, "Authorization": "Bearer demo-nobody"}):
        status, answer_headers, _ = raw_post(url, INITIALIZE, headers)

        assert status == 401
        challenge = answer_headers["www-authenticate"]
        assert challenge.startswith("Bearer ")
        assert f'resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"' in challenge

    with urllib.request.urlopen(base + "/.well-known/oauth-protected-resource/mcp") as answer:
        metadata = json.loads(answer.read())
    assert metadata["resource"] == url
    assert metadata["authorization_servers"]


def test_get_is_not_a_stream_here(url: str) -> None:
    request = urllib.request.Request(url, headers={"Authorization": "Bearer demo-alex"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    refused.value.close()
    assert refused.value.code == 405


def test_make_mcp_demo_shows_the_delay_first_and_the_call_back_that_voice_then_tells(
    url: str, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from skill.devtools.demo.assistant import main

    main([url, "demo-alex"])

    shown = capsys.readouterr().out
    assert shown.startswith("tools: list_orders, get_order_status,")
    assert "list_orders:\n  Order 1003, your running shoes, is late" in shown
    assert "request_callback:\n  " in shown and "Maria" in shown.split("request_callback:")[1]
    # docs/mcp.md: the voice skill asked with the ready request file tells the same call.
    request = urllib.request.Request(
        base + "/alexa",
        data=(EVENTS / "callback_status_linked.json").read_bytes(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        heard = parse_reply(answer.status, json.loads(answer.read())).speech or ""
    assert "Maria" in heard


# Said to the tools above, or on file for Alex; the words of the team's printed
# notifications ([notify ...] lines, the demo's stand-in for SNS) are not log lines.
PERSONAL = [
    "the lid is cracked",
    "my shoes are late",
    "555 0142",
    "alex@example.com",
    "10115",
    "c-alex",
    "c-sam",
    "demo-alex",
    "demo-sam",
]


def test_the_log_lines_hold_no_personal_data(log: Path, url: str) -> None:
    """Last in this module: every exchange above has been logged by now."""
    call(url, "demo-alex", "file_complaint", order_number="1001", problem="the lid is cracked")
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]

    assert any("rejected arguments" in line for line in lines)
    assert [line for line in lines if any(value in line for value in PERSONAL)] == []
