"""Demo customers and orders, dated relative to the day the demo starts.

==============  =========================================================
token           customer
==============  =========================================================
``demo-alex``   Alex, ZIP 10115: orders 1001 delivered 3 days ago,
                1002 shipped (arrives in 2 days), 1003 delayed (was due
                yesterday, now in 4 days), 1004 processing; no complaints
                yet, so a complaint about 1001 or 1003 gets a remedy
``demo-sam``    Sam, ZIP 94110: no orders, no phone number on file
``demo-ruth``   Ruth, postcode SW1A 1AA, in pounds: 2001 delayed (Royal Mail),
                2002 delivered 4 days ago
``demo-lena``   Lena, PLZ 10115, in euros: 3001 delivered 2 days ago,
                3002 shipped (arrives tomorrow)
``demo-kim``    Kim, ZIP 60614: no orders; with ``make run`` (:func:`seed_console`)
                Maria resolved Kim's call back a day ago, so Kim's next visit
                asks how it went, once
(none)          unlinked: verify with order number and ZIP, e.g. 1003 + 10115
==============  =========================================================

German item names carry their article ("die Laufschuhe"), so a sentence reads "Bestellung
1003, die Laufschuhe, ist …". James works from London and Jonas from Berlin: their
direct lines are local to the customers they mostly serve.

Alex's Echo (en-US) allows the skill's Alexa notifications, so ``make run`` prints an
``[alexa notification …]`` line when Alex's order ships or arrives or Alex's call back is
set or moved.

Alex's phone number on file ends in 42, and Maria helped Alex five days ago, so Alex's
call back goes to Maria. The team: Maria (English and German), James (English), Jonas
(German and English), and Priya, who is not on duty.

The console (:func:`seed_console`, only for ``make run``): logins ``maria``, ``james``,
``jonas`` and ``priya`` (admin), each with the password ``<login>-demo``; Kim's call back
was resolved by Maria a day ago; Sam waits for
a call from James about a complaint, and a German guest's SMS callback is overdue.

The webhooks (``POST /webhooks/shopify``, ``/webhooks/orders``) take deliveries signed
with :data:`WEBHOOK_KEY`, which the demo prints at start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from skill.console.passwords import DEFAULT_METHOD, hasher
from skill.records import Contact, Customer, Money, Order, OrderStatus
from skill.records.callbacks import Agent, Callback, CallbackStatus
from skill.records.complaints import Complaint, ComplaintStatus, ProblemType
from skill.records.optins import AlexaOptIn
from skill.storage import Stores
from skill.usecases.alexa_notifications import NOTIFICATIONS_PERMISSION
from skill.usecases.callbacks import owner_of

ALEX = Customer(
    customer_id="c-alex",
    first_name="Alex",
    postal_code="10115",
    language="en",
    phone="+1 212 555 0142",
    email="alex@example.com",
)
SAM = Customer(customer_id="c-sam", first_name="Sam", postal_code="94110", language="en")
# A British and a German customer, so pounds, euros and postcodes are heard too.
RUTH = Customer(
    customer_id="c-ruth",
    first_name="Ruth",
    postal_code="SW1A 1AA",
    language="en",
    phone="+44 20 7946 0958",
    email="ruth@example.co.uk",
)
LENA = Customer(
    customer_id="c-lena",
    first_name="Lena",
    postal_code="10115",
    language="de",
    phone="+49 30 901820 17",
    email="lena@example.de",
)
# A customer whose call back was resolved: the next visit asks how it went.
KIM = Customer(
    customer_id="c-kim",
    first_name="Kim",
    postal_code="60614",
    language="en",
    phone="+1 312 555 0163",
)
TOKENS = {
    "demo-alex": ALEX.customer_id,
    "demo-sam": SAM.customer_id,
    "demo-ruth": RUTH.customer_id,
    "demo-lena": LENA.customer_id,
    "demo-kim": KIM.customer_id,
}

MARIA = Agent(
    agent_id="a-maria",
    name="Maria Schneider",
    first_name="Maria",
    direct_line="+1 800 555 0121",
    email="maria.schneider@example.com",
    languages=("en", "de"),
    authority=Money(Decimal("250"), "USD"),
)
JAMES = Agent(
    agent_id="a-james",
    name="James Carter",
    first_name="James",
    direct_line="+44 20 7946 0122",
    email="james.carter@example.com",
    languages=("en",),
    authority=Money(Decimal("100"), "USD"),
)
JONAS = Agent(
    agent_id="a-jonas",
    name="Jonas Weber",
    first_name="Jonas",
    direct_line="+49 30 901820 23",
    email="jonas.weber@example.com",
    languages=("de", "en"),
    authority=Money(Decimal("100"), "USD"),
)
PRIYA = Agent(
    agent_id="a-priya",
    name="Priya Patel",
    first_name="Priya",
    direct_line="+1 800 555 0124",
    email="priya.patel@example.com",
    languages=("en",),
    authority=Money(Decimal("500"), "USD"),
    on_duty=False,
    role="admin",
)
AGENTS = (MARIA, JAMES, JONAS, PRIYA)


def demo_orders(today: date) -> list[Order]:
    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    return [
        Order(
            number="1001",
            status=OrderStatus.DELIVERED,
            items={"en": "coffee grinder", "de": "die Kaffeemühle"},
            total=Money(Decimal("49.90"), "USD"),
            shipping=Money(Decimal("5.95"), "USD"),
            placed_on=day(-9),
            estimated_delivery=day(-3),
            delivered_on=day(-3),
            carrier="UPS",
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
        Order(
            number="1002",
            status=OrderStatus.SHIPPED,
            items={"en": "rain jacket", "de": "die Regenjacke"},
            total=Money(Decimal("89.00"), "USD"),
            shipping=Money(Decimal("0.00"), "USD"),
            placed_on=day(-2),
            estimated_delivery=day(2),
            carrier="UPS",
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
        Order(
            number="1003",
            status=OrderStatus.DELAYED,
            items={"en": "running shoes", "de": "die Laufschuhe"},
            total=Money(Decimal("119.95"), "USD"),
            shipping=Money(Decimal("4.95"), "USD"),
            placed_on=day(-8),
            original_estimate=day(-1),
            estimated_delivery=day(4),
            carrier="DHL",
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
        Order(
            number="1004",
            status=OrderStatus.PROCESSING,
            items={"en": "salt & pepper mills", "de": "die Salz- & Pfeffermühlen"},
            total=Money(Decimal("34.50"), "USD"),
            shipping=Money(Decimal("5.95"), "USD"),
            placed_on=day(0),
            customer_id=ALEX.customer_id,
            postal_code=ALEX.postal_code,
        ),
    ]


def abroad_orders(today: date) -> list[Order]:
    """Ruth's orders in pounds, Lena's in euros."""

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    return [
        Order(
            number="2001",
            status=OrderStatus.DELAYED,
            items={"en": "wellington boots", "de": "die Gummistiefel"},
            total=Money(Decimal("45.00"), "GBP"),
            shipping=Money(Decimal("3.99"), "GBP"),
            placed_on=day(-6),
            original_estimate=day(-1),
            estimated_delivery=day(3),
            carrier="Royal Mail",
            customer_id=RUTH.customer_id,
            postal_code=RUTH.postal_code,
        ),
        Order(
            number="2002",
            status=OrderStatus.DELIVERED,
            items={"en": "teapot", "de": "die Teekanne"},
            total=Money(Decimal("24.50"), "GBP"),
            shipping=Money(Decimal("2.99"), "GBP"),
            placed_on=day(-10),
            estimated_delivery=day(-4),
            delivered_on=day(-4),
            carrier="Royal Mail",
            customer_id=RUTH.customer_id,
            postal_code=RUTH.postal_code,
        ),
        Order(
            number="3001",
            status=OrderStatus.DELIVERED,
            items={"en": "bread knife", "de": "das Brotmesser"},
            total=Money(Decimal("29.90"), "EUR"),
            shipping=Money(Decimal("4.90"), "EUR"),
            placed_on=day(-7),
            estimated_delivery=day(-2),
            delivered_on=day(-2),
            carrier="DHL",
            customer_id=LENA.customer_id,
            postal_code=LENA.postal_code,
        ),
        Order(
            number="3002",
            status=OrderStatus.SHIPPED,
            items={"en": "desk lamp", "de": "die Schreibtischlampe"},
            total=Money(Decimal("59.00"), "EUR"),
            shipping=Money(Decimal("0.00"), "EUR"),
            placed_on=day(-1),
            estimated_delivery=day(1),
            carrier="DHL",
            customer_id=LENA.customer_id,
            postal_code=LENA.postal_code,
        ),
    ]


def seed(stores: Stores, today: date) -> None:
    """Write the demo records; safe to run again (items are overwritten)."""
    for customer in (ALEX, SAM, RUTH, LENA, KIM):
        stores.orders.put_customer(customer)
    for token, customer_id in TOKENS.items():
        stores.tokens.put(token, customer_id)
    for order in [*demo_orders(today), *abroad_orders(today)]:
        stores.orders.put_order(order)
    for agent in AGENTS:
        stores.team.put_agent(agent)
    five_days_ago = datetime.combine(today - timedelta(days=5), time(15, 0), UTC)
    stores.callbacks.add_contact(
        owner_of(ALEX.customer_id, ""), Contact(MARIA.agent_id, five_days_ago)
    )
    # Alex's Echo in the US lets the skill notify them (granted in the Alexa app).
    stores.optins.remember(ALEX_ALEXA, five_days_ago)


def resolve_kims_callback(stores: Stores, resolved_at: datetime) -> None:
    """Kim's call back with Maria, resolved at ``resolved_at``; Kim is not asked yet."""
    kim = Callback(
        callback_id="demo-kim",
        owner=owner_of(KIM.customer_id, ""),
        status=CallbackStatus.WAITING,
        requested_at=resolved_at - timedelta(hours=1),
        due_at=resolved_at - timedelta(minutes=30),
        asap=True,
        priority="normal",
        reason="asked",
        agent_id=MARIA.agent_id,
        agent_name=MARIA.name,
        channel="phone",
        locale="en-US",
        time_zone="America/Chicago",
        phone=KIM.phone,
        customer_id=KIM.customer_id,
        first_name=KIM.first_name,
        context={"language": "en", "misunderstandings": 0, "continuity": False, "orders": []},
    )
    if stores.callbacks.get(kim.callback_id) is not None:
        return  # seeded before: resolved (and perhaps asked) already
    stores.callbacks.add_resolved(kim, resolved_at)


# The Alexa user of Alex's Echo, as Alexa would name it in requests.
ALEX_ALEXA = AlexaOptIn(
    user_id="amzn1.ask.account.DEMO-ALEX",
    locale="en-US",
    api_endpoint="https://api.amazonalexa.com",
    permissions=frozenset({NOTIFICATIONS_PERMISSION}),
    customer_id="c-alex",
)


# The key both demo webhooks check signatures with, like a shop's own secret.
WEBHOOK_KEY = "demo-webhook-secret"

# Console logins: login name -> agent. The passwords are "<login>-demo".
DEMO_LOGINS = {"maria": MARIA, "james": JAMES, "jonas": JONAS, "priya": PRIYA}


@cache
def _demo_password_hash(login: str, method: str) -> str:
    # Hashing is deliberately slow (scrypt); once per process is enough for the demo.
    return hasher(method)(f"{login}-demo")


def seed_logins(stores: Stores, method: str = DEFAULT_METHOD) -> None:
    """The demo logins, their passwords hashed with ``method`` (``PASSWORD_HASH_METHOD``)."""
    for login, agent in DEMO_LOGINS.items():
        stores.logins.put(login, agent.agent_id, _demo_password_hash(login, method))


def seed_console(stores: Stores, now: datetime, method: str = DEFAULT_METHOD) -> None:
    """Console logins and two waiting callbacks, so the queue has something to show, and
    Kim's call back resolved, so Kim is asked how it went and the score shows."""
    seed_logins(stores, method)
    sam_words = "I was on hold for 40 minutes and then the line went dead. <Not great.>"
    complaint = Complaint(
        complaint_id="demo-sam-service",
        customer_id=SAM.customer_id,
        order_number=None,
        problem=ProblemType.SERVICE,
        description=sam_words,
        status=ComplaintStatus.WITH_TEAM,
        created_at=now - timedelta(minutes=20),
    )
    stores.complaints.record(complaint)
    sam = Callback(
        callback_id="demo-sam",
        owner=owner_of(SAM.customer_id, ""),
        status=CallbackStatus.WAITING,
        requested_at=now - timedelta(minutes=20),
        due_at=now + timedelta(minutes=25),
        asap=True,
        priority="normal",
        reason="complaint_with_team",
        agent_id=JAMES.agent_id,
        agent_name=JAMES.name,
        channel="phone",
        locale="en-US",
        time_zone="America/Los_Angeles",
        phone="+1 415 555 0187",
        customer_id=SAM.customer_id,
        first_name=SAM.first_name,
        context={
            "language": "en",
            "misunderstandings": 1,
            "continuity": False,
            "orders": [],
            "complaint": {
                "complaint_id": complaint.complaint_id,
                "problem": complaint.problem.value,
                "customer_words": sam_words,
            },
        },
    )
    guest = Callback(
        callback_id="demo-guest",
        owner="alexa:demo-guest",
        status=CallbackStatus.WAITING,
        requested_at=now - timedelta(minutes=40),
        due_at=now - timedelta(minutes=5),
        asap=True,
        priority="high",
        reason="verification_locked",
        agent_id=JONAS.agent_id,
        agent_name=JONAS.name,
        channel="sms",
        locale="de-DE",
        time_zone="Europe/Berlin",
        phone="+49 30 5550 1277",
        context={"language": "de", "misunderstandings": 2, "continuity": False, "orders": []},
    )
    for callback in (sam, guest):
        stores.callbacks.create(callback, [])
    resolve_kims_callback(stores, now - timedelta(days=1))
