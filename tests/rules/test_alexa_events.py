"""Every notification body is one that Amazon's published schemas accept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from skill.records import OrderStatus
from skill.rules.alexa_events import (
    AppointmentNotice,
    Audience,
    OrderNotice,
    PromiseNotice,
    message_alert_event,
    occasion_event,
    order_status_event,
)
from tests.fake_alexa_api import event_errors

NOW = datetime(2026, 11, 23, 15, 4, 5, tzinfo=UTC)
ALEX = Audience("amzn1.ask.account.ALEX", "en-US")


def order(status: OrderStatus, **changes: object) -> OrderNotice:
    values: dict[str, object] = {
        "number": "1002",
        "status": status,
        "seller": "Example Shop",
        "expected_arrival": datetime(2026, 11, 25, 17, 0, tzinfo=UTC),
        "changed_at": NOW - timedelta(minutes=3),
        **changes,
    }
    return OrderNotice(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("notice", "status"),
    [
        (order(OrderStatus.SHIPPED), "ORDER_SHIPPED"),
        (order(OrderStatus.SHIPPED, out_for_delivery=True), "ORDER_OUT_FOR_DELIVERY"),
        (order(OrderStatus.DELAYED), "ORDER_SHIPPED"),
        (order(OrderStatus.DELIVERED), "ORDER_DELIVERED"),
        (order(OrderStatus.SHIPPED, expected_arrival=None, changed_at=None), "ORDER_SHIPPED"),
    ],
)
def test_an_order_status_body_follows_the_schema(notice: OrderNotice, status: str) -> None:
    body = order_status_event(notice, ALEX, NOW)
    assert body is not None
    assert event_errors(body) == []
    assert body["event"]["name"] == "AMAZON.OrderStatus.Updated"
    assert body["event"]["payload"]["state"]["status"] == status
    assert body["localizedAttributes"] == [{"locale": "en-US", "sellerName": "Example Shop"}]
    assert body["relevantAudience"] == {
        "type": "Unicast",
        "payload": {"user": "amzn1.ask.account.ALEX"},
    }
    assert body["timestamp"] == "2026-11-23T15:04:05Z"
    assert body["expiryTime"] == "2026-11-24T15:04:05Z"


def test_shipped_says_when_it_arrives_and_delivered_does_not() -> None:
    shipped = order_status_event(order(OrderStatus.SHIPPED), ALEX, NOW)
    delivered = order_status_event(order(OrderStatus.DELIVERED), ALEX, NOW)
    assert shipped and delivered
    assert shipped["event"]["payload"]["state"]["deliveryDetails"] == {
        "expectedArrival": "2026-11-25T17:00:00Z"
    }
    assert "deliveryDetails" not in delivered["event"]["payload"]["state"]
    # Each status of an order is its own notification; the same one sent twice is one.
    assert shipped["referenceId"] != delivered["referenceId"]
    assert (
        shipped["referenceId"]
        == order_status_event(order(OrderStatus.SHIPPED), ALEX, NOW)["referenceId"]
    )  # type: ignore[index]


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_order_status_speaks_en_us_only(locale: str) -> None:
    assert (
        order_status_event(order(OrderStatus.SHIPPED), Audience(ALEX.user_id, locale), NOW) is None
    )


@pytest.mark.parametrize("status", [OrderStatus.PROCESSING, OrderStatus.CANCELLED])
def test_states_before_shipping_are_no_news(status: OrderStatus) -> None:
    assert order_status_event(order(status), ALEX, NOW) is None


def appointment(event: str, due_in: timedelta = timedelta(hours=3)) -> AppointmentNotice:
    return AppointmentNotice(
        callback_id="cb-7f3a",
        event=event,
        subject="your call back",
        provider="Maria from Example Shop",
        due_at=NOW + due_in,
    )


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ("assigned", "CONFIRMED"),
        ("rescheduled", "RESCHEDULED"),
        ("cancelled", "CANCELED"),
    ],
)
@pytest.mark.parametrize("locale", ["en-US", "en-GB", "de-DE"])
def test_an_occasion_body_follows_the_schema(event: str, status: str, locale: str) -> None:
    body = occasion_event(appointment(event), Audience(ALEX.user_id, locale), NOW)
    assert body is not None
    assert event_errors(body) == []
    occasion = body["event"]["payload"]
    assert occasion["state"] == {"confirmationStatus": status}
    assert occasion["occasion"]["occasionType"] == "APPOINTMENT"
    assert occasion["occasion"]["bookingTime"] == "2026-11-23T18:04:05Z"
    assert body["localizedAttributes"] == [
        {"locale": locale, "subject": "your call back", "providerName": "Maria from Example Shop"}
    ]
    # It expires when the call is due: a confirmation after the call helps nobody.
    assert body["expiryTime"] == "2026-11-23T18:04:05Z"
    assert body["referenceId"] == "callback-cb-7f3a"


@pytest.mark.parametrize(
    ("due_in", "expiry"),
    [
        (timedelta(minutes=1), "2026-11-23T15:09:05Z"),
        (timedelta(days=3), "2026-11-24T15:04:05Z"),
    ],
)
def test_the_expiry_stays_within_the_api_bounds(due_in: timedelta, expiry: str) -> None:
    body = occasion_event(appointment("rescheduled", due_in), ALEX, NOW)
    assert body is not None
    assert body["expiryTime"] == expiry
    assert event_errors(body) == []


@pytest.mark.parametrize("event", ["requested", "completed"])
def test_a_request_before_its_agent_or_a_call_done_is_no_appointment_news(event: str) -> None:
    assert occasion_event(appointment(event), ALEX, NOW) is None


@pytest.mark.parametrize("event", ["promised", "kept"])
def test_a_message_alert_body_follows_the_schema(event: str) -> None:
    body = message_alert_event(PromiseNotice("pr-1", event, "Maria from Example Shop"), ALEX, NOW)
    assert body is not None
    assert event_errors(body) == []
    assert body["event"]["payload"]["messageGroup"] == {
        "creator": {"name": "localizedattribute:creatorName"},
        "count": 1,
    }
    assert body["referenceId"] == f"promise-pr-1-{event}"


def test_the_schema_check_refuses_what_amazon_would() -> None:
    body = order_status_event(order(OrderStatus.SHIPPED), ALEX, NOW)
    assert body is not None
    wrong_status = {**body, "event": {**body["event"], "payload": {"state": {"status": "SENT"}}}}
    assert event_errors(wrong_status)
    no_seller_name = {**body, "localizedAttributes": [{"locale": "en-US"}]}
    assert event_errors(no_seller_name) == ["en-US lacks ['sellerName']"]
    too_long = {**body, "expiryTime": "2026-11-25T15:04:05Z"}
    assert event_errors(too_long) == ["expiryTime must be 5 minutes to 24 hours after timestamp"]
    with pytest.raises(ValueError, match="time zone"):
        order_status_event(order(OrderStatus.SHIPPED), ALEX, NOW.replace(tzinfo=None))
