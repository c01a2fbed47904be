"""Which orders come first and what the skill says about each."""

from __future__ import annotations

import pytest

from skill.records import Order, OrderStatus
from skill.rules.dates import DayKind
from skill.rules.orders import (
    SPOKEN_AT_ONCE,
    answer_page,
    as_of,
    describe,
    heard_as,
    normalise_order_number,
    orders_with_item,
    rank_orders,
    worth_mentioning,
)
from tests.factories import TODAY, days, make_order

# One of each situation, numbered in the order the ranking should put them.
RANKED = [
    make_order("101", OrderStatus.DELAYED, estimated_delivery=days(1), original_estimate=days(-2)),
    make_order("102", OrderStatus.DELAYED, estimated_delivery=days(4), original_estimate=days(-1)),
    make_order("103", OrderStatus.SHIPPED, estimated_delivery=days(0), carrier="UPS"),
    make_order("104", OrderStatus.SHIPPED, estimated_delivery=days(2), carrier="DHL"),
    make_order("105", OrderStatus.SHIPPED, estimated_delivery=days(9), carrier="UPS"),
    make_order("106", OrderStatus.SHIPPED),  # no estimate yet: after those with one
    make_order("107", OrderStatus.PROCESSING, estimated_delivery=days(5)),
    make_order("108", OrderStatus.PROCESSING),
    make_order("109", OrderStatus.DELIVERED, delivered_on=days(-1)),
    make_order("110", OrderStatus.DELIVERED, delivered_on=days(-4)),
    # No delivery date recorded: placed_on stands in, which is longest ago.
    make_order("111", OrderStatus.DELIVERED, placed_on=days(-30)),
    make_order("112", OrderStatus.CANCELLED, placed_on=days(-2)),
]
NUMBERS = [order.number for order in RANKED]


@pytest.mark.parametrize(
    "arrangement",
    [
        pytest.param(list(RANKED), id="already-ranked"),
        pytest.param(list(reversed(RANKED)), id="reversed"),
        pytest.param(RANKED[6:] + RANKED[:6], id="rotated"),
        pytest.param(RANKED[1::2] + RANKED[::2], id="interleaved"),
    ],
)
def test_rank_orders_delayed_shipped_processing_delivered_cancelled(
    arrangement: list[Order],
) -> None:
    assert [order.number for order in rank_orders(arrangement, TODAY)] == NUMBERS


def test_rank_orders_shipped_by_soonest_estimate() -> None:
    later = make_order("1", OrderStatus.SHIPPED, estimated_delivery=days(3))
    sooner = make_order("2", OrderStatus.SHIPPED, estimated_delivery=days(1))

    assert rank_orders([later, sooner], TODAY) == [sooner, later]


def test_rank_orders_delivered_most_recent_first() -> None:
    long_ago = make_order("1", OrderStatus.DELIVERED, delivered_on=days(-10))
    recent = make_order("2", OrderStatus.DELIVERED, delivered_on=days(-1))

    assert rank_orders([long_ago, recent], TODAY) == [recent, long_ago]


def test_rank_orders_ties_are_broken_by_number() -> None:
    b = make_order("2002", OrderStatus.SHIPPED, estimated_delivery=days(1))
    a = make_order("2001", OrderStatus.SHIPPED, estimated_delivery=days(1))

    assert [o.number for o in rank_orders([b, a], TODAY)] == ["2001", "2002"]


def test_rank_orders_accepts_any_iterable_and_empty() -> None:
    assert rank_orders(iter(RANKED[:2]), TODAY) == RANKED[:2]
    assert rank_orders([], TODAY) == []


@pytest.mark.parametrize(
    ("order", "day_offset", "original_offset", "carrier"),
    [
        pytest.param(
            make_order(
                "1",
                OrderStatus.DELAYED,
                estimated_delivery=days(3),
                original_estimate=days(-1),
                carrier="UPS",
            ),
            3,
            -1,
            "UPS",
            id="delayed",
        ),
        pytest.param(
            make_order("1", OrderStatus.DELAYED, estimated_delivery=days(3), carrier="UPS"),
            3,
            None,
            "UPS",
            id="delayed-without-original",
        ),
        pytest.param(
            make_order(
                "1",
                OrderStatus.SHIPPED,
                estimated_delivery=days(1),
                original_estimate=days(-1),
                carrier="DHL",
            ),
            1,
            None,
            "DHL",
            id="shipped",
        ),
        pytest.param(
            make_order("1", OrderStatus.SHIPPED, carrier="DHL"),
            None,
            None,
            "DHL",
            id="shipped-without-estimate",
        ),
        pytest.param(
            make_order(
                "1",
                OrderStatus.PROCESSING,
                estimated_delivery=days(5),
                original_estimate=days(2),
                carrier="UPS",
            ),
            5,
            None,
            None,
            id="processing",
        ),
        pytest.param(
            make_order(
                "1",
                OrderStatus.DELIVERED,
                estimated_delivery=days(-5),
                delivered_on=days(-2),
                carrier="UPS",
            ),
            -2,
            None,
            None,
            id="delivered-uses-delivered-on",
        ),
        pytest.param(
            make_order("1", OrderStatus.DELIVERED, estimated_delivery=days(-5)),
            None,
            None,
            None,
            id="delivered-without-date",
        ),
        pytest.param(
            make_order(
                "1",
                OrderStatus.CANCELLED,
                estimated_delivery=days(4),
                original_estimate=days(1),
                carrier="UPS",
            ),
            4,
            None,
            None,
            id="cancelled",
        ),
    ],
)
def test_describe_fills_fields_per_status(
    order: Order, day_offset: int | None, original_offset: int | None, carrier: str | None
) -> None:
    view = describe(order, TODAY, "en")

    assert view.number == order.number
    assert view.status is order.status
    assert view.delayed is (order.status is OrderStatus.DELAYED)
    assert view.carrier == carrier
    if day_offset is None:
        assert view.day is None
    else:
        assert view.day is not None
        assert (view.day.date, view.day.offset) == (days(day_offset), day_offset)
    if original_offset is None:
        assert view.original_day is None
    else:
        assert view.original_day is not None
        assert view.original_day.offset == original_offset


@pytest.mark.parametrize(
    ("language", "item"),
    [("en", "Salt mill"), ("de", "Salzmühle"), ("fr", "Salt mill")],
)
def test_describe_item_in_language(language: str, item: str) -> None:
    order = make_order("1", OrderStatus.PROCESSING, items={"en": "Salt mill", "de": "Salzmühle"})

    assert describe(order, TODAY, language).item == item


def test_describe_days_are_relative_to_today() -> None:
    order = make_order("1", OrderStatus.SHIPPED, estimated_delivery=days(1))

    view = describe(order, TODAY, "en")

    assert view.day is not None
    assert view.day.kind is DayKind.TOMORROW


@pytest.mark.parametrize(
    ("count", "spoken", "remaining"),
    [
        (0, [], []),
        (1, ["101"], []),
        (2, ["101", "102"], []),
        (3, ["101", "102"], ["103"]),
        (len(RANKED), NUMBERS[:2], NUMBERS[2:]),
    ],
)
def test_answer_page_speaks_at_most_two(
    count: int, spoken: list[str], remaining: list[str]
) -> None:
    ranked = rank_orders(reversed(RANKED[:count]), TODAY)

    answer = answer_page(ranked, TODAY, "en")

    assert SPOKEN_AT_ONCE == 2
    assert [view.number for view in answer.spoken] == spoken
    assert answer.remaining == remaining


def test_answer_page_describes_in_the_language() -> None:
    answer = answer_page(RANKED[:2], TODAY, "de")

    assert [view.item for view in answer.spoken] == ["Artikel (101)", "Artikel (102)"]
    assert answer.spoken[0] == describe(RANKED[0], TODAY, "de")


def test_answer_page_next_page_from_remaining() -> None:
    by_number = {order.number: order for order in RANKED}
    first = answer_page(RANKED, TODAY, "en")

    second = answer_page([by_number[n] for n in first.remaining], TODAY, "en")

    assert [view.number for view in second.spoken] == NUMBERS[2:4]
    assert second.remaining == NUMBERS[4:]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1003", "1003"),
        ("1 0 0 3", "1003"),
        ("01003", "1003"),
        (" 1003 ", "1003"),
        ("1-003", "1003"),
        ("000000000042", "42"),  # twelve digits is still a number
        ("", None),
        (None, None),
        ("abc", None),
        ("   ", None),
        ("12345678901234567890", None),
        ("1234567890123", None),  # thirteen digits is too long
    ],
)
def test_normalise_order_number(raw: str | None, expected: str | None) -> None:
    assert normalise_order_number(raw) == expected


def test_normalise_order_number_drops_a_decimal_point_zero() -> None:
    assert normalise_order_number("1003.0") == "1003"


def test_worth_mentioning_delays_and_what_arrives_today_or_tomorrow() -> None:
    delayed = make_order("1", OrderStatus.DELAYED, estimated_delivery=days(6))
    today = make_order("2", OrderStatus.SHIPPED, estimated_delivery=days(0))
    tomorrow = make_order("3", OrderStatus.SHIPPED, estimated_delivery=days(1))

    assert worth_mentioning([today, delayed], TODAY) == [delayed, today]
    assert worth_mentioning([tomorrow], TODAY) == [tomorrow]


def test_worth_mentioning_at_most_two_delayed_first() -> None:
    orders = [
        make_order("1", OrderStatus.SHIPPED, estimated_delivery=days(0)),
        make_order("2", OrderStatus.SHIPPED, estimated_delivery=days(1)),
        make_order("3", OrderStatus.DELAYED, estimated_delivery=days(3)),
    ]

    assert [o.number for o in worth_mentioning(orders, TODAY)] == ["3", "1"]
    assert [o.number for o in worth_mentioning(orders, TODAY, limit=3)] == ["3", "1", "2"]


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(
            make_order("1", OrderStatus.SHIPPED, estimated_delivery=days(2)), id="shipped-in-2"
        ),
        pytest.param(make_order("1", OrderStatus.SHIPPED), id="shipped-no-estimate"),
        pytest.param(
            make_order("1", OrderStatus.PROCESSING, estimated_delivery=days(0)), id="processing"
        ),
        pytest.param(
            make_order("1", OrderStatus.DELIVERED, delivered_on=days(0)), id="delivered-today"
        ),
        pytest.param(
            make_order("1", OrderStatus.CANCELLED, estimated_delivery=days(1)), id="cancelled"
        ),
    ],
)
def test_worth_mentioning_nothing_else(order: Order) -> None:
    assert worth_mentioning([order], TODAY) == []


def test_worth_mentioning_all_of_ranked() -> None:
    assert [o.number for o in worth_mentioning(RANKED, TODAY, limit=10)] == ["101", "102", "103"]


@pytest.mark.parametrize(
    ("items", "language", "expected"),
    [
        ({"en": "Kettle", "de": "Wasserkocher"}, "de", "Wasserkocher"),
        ({"en": "Kettle", "de": "Wasserkocher"}, "en", "Kettle"),
        ({"en": "Kettle", "de": "Wasserkocher"}, "fr", "Kettle"),
        ({"de": "Wasserkocher", "en": "Kettle"}, "fr", "Wasserkocher"),
        ({"de": "Wasserkocher"}, "en", "Wasserkocher"),
        ({}, "en", ""),
    ],
)
def test_item_for_falls_back_to_the_first_language(
    items: dict[str, str], language: str, expected: str
) -> None:
    order = make_order("1", OrderStatus.PROCESSING, items=items)

    assert order.item_for(language) == expected


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.PROCESSING])
def test_an_order_past_its_day_is_late_without_being_flagged(status: OrderStatus) -> None:
    order = make_order("1", status, estimated_delivery=days(-2), carrier="DHL")

    view = describe(order, TODAY, "en")

    assert view.delayed
    assert view.original_day is not None and view.original_day.offset == -2
    assert view.day is None
    assert [o.number for o in worth_mentioning([order], TODAY)] == ["1"]
    assert (
        rank_orders(
            [make_order("2", OrderStatus.SHIPPED, estimated_delivery=days(1)), order], TODAY
        )[0].number
        == "1"
    )


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(
            make_order("1", OrderStatus.SHIPPED, estimated_delivery=days(0)), id="due-today"
        ),
        pytest.param(make_order("1", OrderStatus.SHIPPED), id="no-estimate"),
        pytest.param(
            make_order(
                "1", OrderStatus.DELIVERED, estimated_delivery=days(-3), delivered_on=days(-1)
            ),
            id="delivered",
        ),
        pytest.param(
            make_order("1", OrderStatus.CANCELLED, estimated_delivery=days(-3)), id="cancelled"
        ),
    ],
)
def test_on_time_finished_or_undated_orders_stay_as_they_are(order: Order) -> None:
    assert as_of(order, TODAY) == order


def test_a_flagged_delay_whose_new_day_has_passed_keeps_only_its_first_day() -> None:
    order = make_order(
        "1", OrderStatus.DELAYED, original_estimate=days(-5), estimated_delivery=days(-1)
    )

    view = describe(order, TODAY, "en")

    assert view.delayed and view.day is None
    assert view.original_day is not None and view.original_day.offset == -5


@pytest.mark.parametrize(
    ("number", "heard", "named"),
    [
        ("1003", "1003", True),
        ("1003", "103", False),
        ("A-7731", "7731", True),
        ("SO/2026/017", "202617", False),
        ("SO-017", "17", True),
        ("A-7731", "773", False),
        ("AB", "0", False),
    ],
)
def test_heard_as_takes_the_digits_of_a_number_with_letters(
    number: str, heard: str, named: bool
) -> None:
    assert heard_as(number, heard) is named


@pytest.mark.parametrize(
    ("said", "numbers"),
    [
        ("shoes", ["1003"]),
        ("running shoes", ["1003"]),
        ("the shoe", ["1003"]),
        ("Laufschuhe", ["1003"]),
        ("Schuhe", ["1003"]),
        ("meine Schuhe", ["1003"]),
        ("teapot", ["2002"]),
        ("tea pot", ["2002"]),
        ("Kanne", ["2002"]),
        ("Lampe", ["3002"]),
        ("lamp", ["3002"]),
        ("the grinder", ["1001"]),
        ("headphones", []),
        ("my", []),
        ("", []),
    ],
)
def test_orders_with_item_finds_the_named_item(said: str, numbers: list[str]) -> None:
    orders = [
        make_order(
            "1001", OrderStatus.DELIVERED, items={"en": "coffee grinder", "de": "Kaffeemühle"}
        ),
        make_order("1003", OrderStatus.DELAYED, items={"en": "running shoes", "de": "Laufschuhe"}),
        make_order("2002", OrderStatus.DELIVERED, items={"en": "tea pot", "de": "Teekanne"}),
        make_order(
            "3002", OrderStatus.SHIPPED, items={"en": "desk lamp", "de": "Schreibtischlampe"}
        ),
    ]
    assert [order.number for order in orders_with_item(orders, said)] == numbers
