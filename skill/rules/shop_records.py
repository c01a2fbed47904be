"""A shop's own customers and orders, as the data contract (docs/data-contract.md) has them.

One record is a mapping (a JSON Lines object, a CSV row, a webhook body) with a ``type``
of ``customer`` or ``order``. :func:`parse_record` checks it field by field and returns a
typed record, or raises :class:`RecordError` naming the field at fault. Values may come as
JSON types or, from CSV, as text; an empty text counts as absent.

:func:`customer_of` and :func:`order_of` map a record onto what the skill reads
(:class:`~skill.records.Customer`, :class:`~skill.records.Order`). Pure: no I/O here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from skill.records import Customer, Money, Order, OrderStatus

_T = TypeVar("_T")

LOCALES = ("en-US", "en-GB", "de-DE")
CUSTOMER_FIELDS = frozenset(
    {"type", "id", "name", "locale", "postal_code", "phone", "email", "updated_at"}
)
ORDER_FIELDS = frozenset(
    {
        "type",
        "number",
        "customer_id",
        "status",
        "items",
        "total",
        "currency",
        "shipping_cost",
        "ordered_at",
        "due",
        "new_due",
        "delivered_at",
        "carrier",
        "tracking_url",
        "postal_code",
        "updated_at",
    }
)
# Longest text the contract takes for names, ids and numbers; DynamoDB keys allow more,
# but nothing a shop prints is this long, and a runaway value is a mistake.
MAX_TEXT = 200
MAX_ITEMS = 100
MAX_QUANTITY = 100_000
# No order costs a billion; a value that large is a unit or column mistake.
MAX_AMOUNT = 1_000_000_000
# The voice slot hears at most this many digits (skill.rules.orders.normalise_order_number).
SPOKEN_DIGITS = 12


class RecordError(ValueError):
    """A record that breaks the contract: ``field`` is the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ShopStatus(StrEnum):
    """An order's status in the shop's words (the contract's ``status``)."""

    PLACED = "placed"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


# The skill speaks of fewer states than a shop keeps; a returned order was delivered.
SKILL_STATUS = {
    ShopStatus.PLACED: OrderStatus.PROCESSING,
    ShopStatus.PROCESSING: OrderStatus.PROCESSING,
    ShopStatus.SHIPPED: OrderStatus.SHIPPED,
    ShopStatus.OUT_FOR_DELIVERY: OrderStatus.SHIPPED,
    ShopStatus.DELIVERED: OrderStatus.DELIVERED,
    ShopStatus.CANCELLED: OrderStatus.CANCELLED,
    ShopStatus.RETURNED: OrderStatus.DELIVERED,
}
_ARRIVED = frozenset({ShopStatus.DELIVERED, ShopStatus.RETURNED})
_FINISHED = _ARRIVED | {ShopStatus.CANCELLED}
# Looked up by value in a dict: the enum's own lookup costs more, once per order.
_STATUSES = {status.value: status for status in ShopStatus}

# Compiled once: an import checks every record of the file with them.
_CURRENCY = re.compile(r"[A-Z]{3}")
_ORDER_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9._/-]*")
_POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")
_PHONE_SPACING = re.compile(r"[\s()-]")
_E164 = re.compile(r"\+[1-9]\d{6,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CSV_ITEM = re.compile(r"(.+?)\s*[x\u00d7]\s*(\d+)")
_THOUSANDTH = Decimal("0.001")
# Decimal against Decimal: against an int, each comparison converts the int first.
_ZERO = Decimal(0)
_MAX_AMOUNT = Decimal(MAX_AMOUNT)


@dataclass(frozen=True)
class CustomerRecord:
    id: str
    name: str
    locale: str
    postal_code: str
    phone: str | None = None
    email: str | None = None
    updated_at: datetime | None = None
    # Fields the contract does not name: kept with the record, read by nothing.
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"CUSTOMER#{self.id}"


@dataclass(frozen=True)
class OrderLine:
    name: str
    quantity: int


@dataclass(frozen=True)
class OrderRecord:
    number: str
    customer_id: str
    status: ShopStatus
    items: tuple[OrderLine, ...]
    total: Decimal
    currency: str
    shipping_cost: Decimal
    ordered_at: datetime | date
    due: date
    new_due: date | None = None
    delivered_at: datetime | date | None = None
    carrier: str | None = None
    tracking_url: str | None = None
    # Where the order goes; when absent, the customer's postal code stands in.
    postal_code: str | None = None
    updated_at: datetime | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"ORDER#{self.number}"


ShopRecord = CustomerRecord | OrderRecord
_Record = TypeVar("_Record", CustomerRecord, OrderRecord)


def _made(cls: type[_Record], **fields: object) -> _Record:
    """``cls(**fields)``, given every field: the frozen ``__init__`` sets each one through
    ``object.__setattr__``, a quarter of the time checking an order took (an import
    checks every record of a file before it writes one)."""
    record = object.__new__(cls)
    record.__dict__.update(fields)
    return record


def parse_record(data: Mapping[str, object]) -> CustomerRecord | OrderRecord:
    """The typed record, or :class:`RecordError` for the first field at fault."""
    kind = _text(data, "type")
    if kind == "customer":
        return _customer(data)
    if kind == "order":
        return _order(data)
    raise RecordError("type", f"must be customer or order, not {kind!r}")


def _customer(data: Mapping[str, object]) -> CustomerRecord:
    locale = _text(data, "locale")
    if locale not in LOCALES:
        raise RecordError("locale", f"must be one of {', '.join(LOCALES)}")
    return _made(
        CustomerRecord,
        id=_text(data, "id"),
        name=_text(data, "name"),
        locale=locale,
        postal_code=_postal_code(data, "postal_code"),
        phone=_phone(data),
        email=_email(data),
        updated_at=_moment(data, "updated_at", required=False),
        extra=_extra(data, CUSTOMER_FIELDS),
    )


def _order(data: Mapping[str, object]) -> OrderRecord:
    status = _STATUSES.get(_text(data, "status"))
    if status is None:
        allowed = ", ".join(s.value for s in ShopStatus)
        raise RecordError("status", f"must be one of {allowed}")
    currency = _text(data, "currency")
    if not _CURRENCY.fullmatch(currency):
        raise RecordError("currency", "must be an ISO 4217 code such as USD, EUR or GBP")
    delivered_at = _day_or_moment(data, "delivered_at", required=False)
    if status in _ARRIVED and delivered_at is None:
        raise RecordError("delivered_at", f"is required when the status is {status.value}")
    url = _optional_text(data, "tracking_url")
    if url is not None and not url.startswith(("https://", "http://")):
        raise RecordError("tracking_url", "must be an http or https URL")
    postal = _optional_text(data, "postal_code")
    return _made(
        OrderRecord,
        number=_order_number(data),
        customer_id=_text(data, "customer_id"),
        status=status,
        items=_items(data),
        total=_amount(data, "total"),
        currency=currency,
        shipping_cost=_amount(data, "shipping_cost"),
        ordered_at=_required(_day_or_moment(data, "ordered_at", required=True), "ordered_at"),
        due=_required(_day(data, "due", required=True), "due"),
        new_due=_day(data, "new_due", required=False),
        delivered_at=delivered_at,
        carrier=_optional_text(data, "carrier"),
        tracking_url=url,
        postal_code=_postal_code(data, "postal_code") if postal is not None else None,
        updated_at=_moment(data, "updated_at", required=False),
        extra=_extra(data, ORDER_FIELDS),
    )


def normalise_order_number(text: str) -> str:
    """The order number as the skill keys it: "#1001" -> "1001", " a-7731 " -> "A-7731".

    All-digit numbers lose their leading zeros ("001001" -> "1001"), because the
    voice slot that hears them drops zeros too; letters are upper-cased, so "a-7731" and
    "A-7731" are one order. Raises :class:`RecordError` (field ``number``) for a number
    with nothing but signs or with characters a shop does not print.
    """
    value = text.strip().lstrip("#").strip().upper()
    if not value:
        raise RecordError("number", "is empty")
    if len(value) > 40 or not _ORDER_NUMBER.fullmatch(value):
        raise RecordError("number", "may hold letters, digits and - . _ / only (at most 40)")
    if value.isdigit():
        return str(int(value))
    return value


def spoken_form(number: str) -> str | None:
    """The digits a voice customer says for this order number, if the slot can hear it:
    "1001" -> "1001"; "A-7731" -> None (the number slot hears no letters)."""
    if number.isdigit() and len(number) <= SPOKEN_DIGITS:
        return number
    return None


def customer_of(record: CustomerRecord) -> Customer:
    """The customer as the skill reads it."""
    return Customer(
        customer_id=record.id,
        first_name=record.name,
        postal_code=record.postal_code,
        language=record.locale.split("-")[0],
        phone=record.phone,
        email=record.email,
    )


def order_of(record: OrderRecord, postal_code: str) -> Order:
    """The order as the skill reads it; ``postal_code`` is where it goes (the order's own,
    else its customer's). A later ``new_due`` makes the order delayed; an order past its
    due day is late without it (:func:`skill.rules.orders.as_of`)."""
    status = SKILL_STATUS[record.status]
    estimate = record.new_due or record.due
    original: date | None = None
    if (
        record.status not in _FINISHED
        and record.new_due is not None
        and record.new_due > record.due
    ):
        status = OrderStatus.DELAYED
        original = record.due
    currency = record.currency
    return Order(
        number=record.number,
        customer_id=record.customer_id,
        status=status,
        items={"shop": items_text(record.items)},
        placed_on=_date_of(record.ordered_at),
        postal_code=postal_code,
        total=Money(record.total, currency),
        estimated_delivery=estimate,
        original_estimate=original,
        delivered_on=_date_of(record.delivered_at) if record.delivered_at else None,
        carrier=record.carrier,
        shipping=Money(record.shipping_cost, currency),
    )


def items_text(items: tuple[OrderLine, ...]) -> str:
    """How the skill names the order's items: "coffee grinder", "2 mugs, tea pot"."""
    return ", ".join(
        line.name if line.quantity == 1 else f"{line.quantity} {line.name}" for line in items
    )


def parse_items(text: str) -> list[dict[str, object]]:
    """CSV's ``items`` column, "coffee grinder x 1; mug x 2", as the JSON list."""
    lines: list[dict[str, object]] = []
    for position, part in enumerate(p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _CSV_ITEM.fullmatch(part)
        if match is None:
            raise RecordError(
                f"items[{position}]", f"write each item as 'name x quantity', not {part!r}"
            )
        lines.append({"name": match.group(1).strip(), "quantity": int(match.group(2))})
    return lines


# --- fields -----------------------------------------------------------------------------


def _present(data: Mapping[str, object], name: str) -> object | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _text(data: Mapping[str, object], name: str) -> str:
    value = data.get(name)
    # The usual case in one call; anything else as _optional_text has it.
    if type(value) is str:
        text = value.strip()
        if text and len(text) <= MAX_TEXT:
            return text
    optional = _optional_text(data, name)
    if optional is None:
        raise RecordError(name, "is required")
    return optional


def _optional_text(data: Mapping[str, object], name: str) -> str | None:
    # What _present does, inline: every record passes here a dozen times.
    value = data.get(name)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
    elif value is None:
        return None
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        raise RecordError(name, "must be text")
    if len(text) > MAX_TEXT:
        raise RecordError(name, f"is longer than {MAX_TEXT} characters")
    return text


def _order_number(data: Mapping[str, object]) -> str:
    return normalise_order_number(_text(data, "number"))


def _postal_code(data: Mapping[str, object], name: str) -> str:
    code = _text(data, name)
    if len(code) > 12 or not _POSTAL_CODE.fullmatch(code):
        raise RecordError(name, "must be a postal code: letters, digits, spaces, hyphens")
    return code.upper()


def _phone(data: Mapping[str, object]) -> str | None:
    value = _optional_text(data, "phone")
    if value is None:
        return None
    # Spaces and hyphens are how people write a number; E.164 is what remains.
    compact = _PHONE_SPACING.sub("", value)
    if not _E164.fullmatch(compact):
        raise RecordError("phone", "must be in E.164 form, e.g. +12125550142")
    return compact


def _email(data: Mapping[str, object]) -> str | None:
    value = _optional_text(data, "email")
    if value is None:
        return None
    if not _EMAIL.fullmatch(value):
        raise RecordError("email", "must be an e-mail address")
    return value


def _amount(data: Mapping[str, object], name: str) -> Decimal:
    value = data.get(name)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise RecordError(name, "is required")
    elif value is None:
        raise RecordError(name, "is required")
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise RecordError(name, "must be a number")
    elif isinstance(value, float) and not math.isfinite(value):
        raise RecordError(name, "must be a finite number")
    else:
        # Through str, so 49.9 from JSON is 49.9, not 49.89999…
        text = str(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RecordError(name, "must be a number") from None
    if not amount.is_finite() or amount < _ZERO:
        raise RecordError(name, "must be zero or more")
    if amount >= _MAX_AMOUNT:
        raise RecordError(name, f"must be less than {MAX_AMOUNT:,}")
    if amount != amount.quantize(_THOUSANDTH):
        raise RecordError(name, "has more than three decimal places")
    return amount


def _items(data: Mapping[str, object]) -> tuple[OrderLine, ...]:
    value = _present(data, "items")
    if value is None:
        raise RecordError("items", "is required")
    if isinstance(value, str):
        value = parse_items(value)
    if not isinstance(value, list) or not value:
        raise RecordError("items", "must be a non-empty list of {name, quantity}")
    if len(value) > MAX_ITEMS:
        raise RecordError("items", f"holds more than {MAX_ITEMS} lines")
    lines = []
    for position, line in enumerate(value):
        where = f"items[{position}]"
        if type(line) is not dict and not isinstance(line, Mapping):
            raise RecordError(where, "must be an object with name and quantity")
        name = _optional_text(line, "name")
        if name is None:
            raise RecordError(f"{where}.name", "is required")
        quantity = line.get("quantity", 1)
        if isinstance(quantity, str) and quantity.strip().isdigit():
            quantity = int(quantity)
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= MAX_QUANTITY
        ):
            raise RecordError(
                f"{where}.quantity", f"must be a whole number from 1 to {MAX_QUANTITY:,}"
            )
        lines.append(OrderLine(name, quantity))
    return tuple(lines)


def _iso(data: Mapping[str, object], name: str, required: bool) -> str | None:
    value = data.get(name)
    if isinstance(value, str):
        text = value.strip()
        if text:
            return text
    elif value is not None:
        raise RecordError(name, "must be an ISO 8601 date or time as text")
    if required:
        raise RecordError(name, "is required")
    return None


def _day(data: Mapping[str, object], name: str, *, required: bool) -> date | None:
    value = _day_or_moment(data, name, required=required)
    return _date_of(value) if value is not None else None


def _day_or_moment(data: Mapping[str, object], name: str, *, required: bool) -> date | None:
    text = _iso(data, name, required)
    if text is None:
        return None
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise RecordError(name, "must be a date, YYYY-MM-DD") from None
    return parse_moment(name, text)


def _moment(data: Mapping[str, object], name: str, *, required: bool) -> datetime | None:
    text = _iso(data, name, required)
    return parse_moment(name, text) if text is not None else None


def parse_moment(name: str, text: str) -> datetime:
    """An ISO 8601 time with its offset, or RecordError naming the field ``name``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(name, "must be an ISO 8601 time, e.g. 2026-11-23T15:00:00Z") from None
    if moment.tzinfo is None:
        raise RecordError(name, "needs its offset, e.g. 2026-11-23T15:00:00Z or +01:00")
    return moment


def _required(value: _T | None, name: str) -> _T:
    if value is None:
        raise RecordError(name, "is required")
    return value


def _date_of(value: datetime | date) -> date:
    # The shop's own calendar day, as the offset it gave says.
    return value.date() if isinstance(value, datetime) else value


def _extra(data: Mapping[str, object], known: frozenset[str]) -> dict[str, object]:
    if data.keys() <= known:  # as most records: a test of the keys as a set, in C
        return {}
    return {key: value for key, value in data.items() if key not in known}
