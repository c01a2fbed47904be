"""Which orders to mention first and what to say about each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from skill.records import Order, OrderStatus
from skill.rules.dates import Day, relative_day

# How many orders one answer reads out (two keep it under about 40 words); the rest are
# offered.
SPOKEN_AT_ONCE = 2

_STATUS_RANK = {
    OrderStatus.DELAYED: 0,
    OrderStatus.SHIPPED: 1,
    OrderStatus.PROCESSING: 2,
    OrderStatus.DELIVERED: 3,
    OrderStatus.CANCELLED: 4,
}


@dataclass(frozen=True)
class OrderView:
    """What a template needs to speak about one order."""

    number: str
    item: str
    status: OrderStatus
    day: Day | None  # expected delivery, or when it was delivered
    original_day: Day | None  # for a delayed order: when it was due
    carrier: str | None

    @property
    def delayed(self) -> bool:
        return self.status is OrderStatus.DELAYED


def as_of(order: Order, today: date) -> Order:
    """The order as it stands ``today``: one past its expected day and not delivered is
    late even if the shop has not flagged it, and was due on that day.

    A new estimate already past tells the customer nothing, so it is dropped.
    """
    if order.estimated_delivery is None or order.estimated_delivery >= today:
        return order
    if order.status in (OrderStatus.PROCESSING, OrderStatus.SHIPPED):
        return replace(
            order,
            status=OrderStatus.DELAYED,
            original_estimate=order.estimated_delivery,
            estimated_delivery=None,
        )
    if order.status is OrderStatus.DELAYED:
        return replace(order, estimated_delivery=None)
    return order


def relevance(order: Order, today: date) -> tuple[int, int, str]:
    """Sort key: delayed first, then what arrives soonest, then the most recent delivery."""
    order = as_of(order, today)
    rank = _STATUS_RANK[order.status]
    if order.status is OrderStatus.DELIVERED:
        when = -((order.delivered_on or order.placed_on) - today).days
    elif order.estimated_delivery is not None:
        when = (order.estimated_delivery - today).days
    else:
        when = 10_000
    return (rank, when, order.number)


def rank_orders(orders: Iterable[Order], today: date) -> list[Order]:
    """The orders as they stand today (:func:`as_of`), most relevant first."""
    return sorted((as_of(order, today) for order in orders), key=lambda o: relevance(o, today))


def describe(order: Order, today: date, language: str) -> OrderView:
    order = as_of(order, today)
    delivered = order.status is OrderStatus.DELIVERED
    when = order.delivered_on if delivered else order.estimated_delivery
    return OrderView(
        number=order.number,
        item=order.item_for(language),
        status=order.status,
        day=relative_day(when, today) if when else None,
        original_day=(
            relative_day(order.original_estimate, today)
            if order.status is OrderStatus.DELAYED and order.original_estimate
            else None
        ),
        carrier=order.carrier
        if order.status in (OrderStatus.SHIPPED, OrderStatus.DELAYED)
        else None,
    )


@dataclass(frozen=True)
class OrderAnswer:
    """One spoken page of orders and what is left for "yes, tell me the rest"."""

    spoken: list[OrderView]
    remaining: list[str]  # order numbers still to read, most relevant first


def answer_page(
    orders: Sequence[Order], today: date, language: str, size: int = SPOKEN_AT_ONCE
) -> OrderAnswer:
    """The next page of an order-status answer, in the order given (rank first)."""
    page = [describe(order, today, language) for order in orders[:size]]
    return OrderAnswer(spoken=page, remaining=[order.number for order in orders[size:]])


def normalise_order_number(raw: str | None) -> str | None:
    """Order numbers as Alexa hears them ("1 0 0 3", "1003.0") to our form ("1003")."""
    if raw is None:
        return None
    whole, _, fraction = raw.partition(".")
    if fraction.strip("0 "):
        return None
    digits = "".join(ch for ch in whole if ch.isdigit())
    if not digits or len(digits) > 12:
        return None
    return str(int(digits))


def heard_as(number: str, heard: str) -> bool:
    """Whether the number slot's ``heard`` (digits only) names order ``number``: itself,
    or the digits of a number with letters ("A-7731" is heard as "7731")."""
    if number == heard:
        return True
    if number.isdigit():
        return False
    digits = "".join(ch for ch in number if ch.isdigit())
    return bool(digits) and digits.lstrip("0") == heard.lstrip("0")


def worth_mentioning(orders: Iterable[Order], today: date, limit: int = 2) -> list[Order]:
    """What the launch greeting tells a customer first: delays, and what arrives soon."""
    chosen = [
        order
        for order in rank_orders(orders, today)
        if order.status is OrderStatus.DELAYED
        or (
            order.status is OrderStatus.SHIPPED
            and order.estimated_delivery is not None
            and 0 <= (order.estimated_delivery - today).days <= 1
        )
    ]
    return chosen[:limit]


# Words that say nothing about which item is meant ("my new shoes", "die Lampe").
_FILLER = frozenset((
    "a", "an", "the", "my", "our", "new", "old", "some", "that", "those", "this", "these", "i",
    "ordered", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "meine",
    "mein", "meinen", "meiner", "meinem", "neue", "neuen",
))  # fmt: skip


def _stem(word: str) -> str:
    """Plural and case endings off, so "shoe" meets "shoes" and "Lampe" meets "lamp"."""
    for ending in ("es", "en", "s", "e", "n"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _words(text: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text.lower())
    # Two letters name nothing, and would end too many words.
    return [_stem(word) for word in cleaned.split() if word not in _FILLER and len(word) > 2]


def orders_with_item(orders: Iterable[Order], said: str) -> list[Order]:
    """The orders whose item the customer named ("my shoes" -> "running shoes"), in the
    order given. Items are compared in every language the shop wrote them in, and the
    end of a German compound counts ("Schuhe" -> "Laufschuhe")."""
    wanted = _words(said)
    if not wanted:
        return []
    found = []
    for order in orders:
        names = [name for text in order.items.values() for name in _item_names(text)]
        if any(name.endswith(word) for word in wanted for name in names):
            found.append(order)
    return found


def _item_names(text: str) -> list[str]:
    words = _words(text)
    # "tea pot" is also "teapot"; each word alone is also a name ("running shoes").
    return [*words, _stem("".join(text.lower().split()))]
