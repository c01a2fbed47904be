"""Every spoken word: templates render to well-formed SSML in each locale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jinja2.exceptions import UndefinedError

from skill.compiled import COMPILED
from skill.config import LOCALES
from skill.handlers.callback_views import CallTime, CallView
from skill.records import Money, Order, OrderStatus
from skill.records.complaints import CommitmentStatus, Owner, ProblemType, RemedyKind
from skill.rules.complaints import CommitmentView
from skill.rules.dates import relative_day
from skill.rules.eligibility import Ineligible
from skill.rules.orders import OrderView, answer_page, describe, rank_orders, worth_mentioning
from skill.rules.remedies import Remedy
from skill.speech import TEMPLATES_DIR, Renderer, Speech, compiled_templates
from skill.usecases.privacy import Erased, Summary
from tests import factories
from tests.factories import TODAY, days

# Speech templates; console pages (templates/console/) are HTML, tested with the console.
TEMPLATE_NAMES = sorted(
    {
        path.stem
        for path in TEMPLATES_DIR.rglob("*.j2")
        if path.name != "_macros.j2" and path.relative_to(TEMPLATES_DIR).parts[0] != "console"
    }
)
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s[.,;:!?]")

# Awkward item names: markup characters, quotes, an apostrophe and control characters.
SALT = "Salt & <Pepper>"
PFEFFER = '\u201eOmas\u201c Pfeffer & "scharfes" Salz\'s'
# Each kind of code point XML 1.0 forbids: C0 controls, lone surrogates, U+FFFE and U+FFFF.
CONTROL = "\x00\x07\x0b\x1f\ud800\udfff\ufffe\uffff"


def make_order(number: str, status: OrderStatus, **fields: Any) -> Order:
    return factories.make_order(number, status, en="wool socks", de="Wollsocken", **fields)


ORDERS = [
    make_order(
        "1001",
        OrderStatus.DELAYED,
        estimated_delivery=days(1),
        original_estimate=days(-3),
        carrier="UPS",
    ),
    make_order("1002", OrderStatus.SHIPPED, estimated_delivery=days(0), carrier="DHL"),
    make_order("1003", OrderStatus.SHIPPED, estimated_delivery=days(7), carrier="UPS"),
    make_order("1004", OrderStatus.PROCESSING, estimated_delivery=days(4)),
    make_order("1005", OrderStatus.PROCESSING),
    make_order("1006", OrderStatus.DELIVERED, delivered_on=days(-1)),
    make_order("1007", OrderStatus.DELIVERED, delivered_on=days(-12)),
    make_order("1008", OrderStatus.DELAYED, estimated_delivery=days(2)),
    make_order("1009", OrderStatus.CANCELLED),
]


def language_of(locale: str) -> str:
    return locale.split("-")[0]


def page(orders: list[Order], language: str, size: int = 2) -> dict[str, Any]:
    answer = answer_page(rank_orders(orders, TODAY), TODAY, language, size)
    return {"views": answer.spoken, "remaining": len(answer.remaining)}


def highlights(language: str) -> list[OrderView]:
    return [describe(order, TODAY, language) for order in worth_mentioning(ORDERS, TODAY)]


Data = Callable[[str], dict[str, Any]]


def _order_status_variants() -> dict[str, Data]:
    variants: dict[str, Data] = {
        "first-page": lambda lang: {
            **page(ORDERS, lang),
            "missing": None,
            "offer": None,
            "follow_up": False,
        },
        "missing": lambda lang: {
            **page(ORDERS, lang, size=1),
            "missing": "1099",
            "offer": None,
            "follow_up": False,
        },
        "last-page-follow-up": lambda lang: {
            **page(ORDERS[-2:], lang),
            "missing": None,
            "offer": None,
            "follow_up": True,
        },
    }
    variants["missing-item"] = lambda lang: {
        **page(ORDERS, lang, size=1),
        "missing": None,
        "missing_item": "headphones" if lang == "en" else "Kopfhörer",
        "offer": None,
        "follow_up": False,
    }
    # Before an open question is asked again: only that it isn't there.
    variants["missing-nothing-else"] = lambda lang: {
        "views": [],
        "remaining": 0,
        "missing": "1099",
        "offer": None,
        "follow_up": False,
    }
    variants["missing-item-nothing-else"] = lambda lang: {
        "views": [],
        "remaining": 0,
        "missing": None,
        "missing_item": "headphones" if lang == "en" else "Kopfhörer",
        "offer": None,
        "follow_up": False,
    }
    variants["late-order-offer"] = lambda lang: {
        **page(ORDERS[:1], lang),
        "missing": None,
        "offer": ORDERS[0].number,
        "follow_up": False,
    }
    for order in ORDERS:
        variants[f"only-{order.number}-{order.status}"] = lambda lang, order=order: {
            **page([order], lang),
            "missing": None,
            "offer": None,
            "follow_up": True,
        }
    return variants


# Every state help and fallback can be asked in.
AWAITING = (
    None,
    "orderNumber",
    "postalCode",
    "more_orders",
    "anything_else",
    "phoneNumber",
    "time",
    "callback_offer",
    "callback_number",
    "callback_cancel",
    "callback_change",
    "problemType",
    "description",
    "complaint_order",
    "remedy_choice",
    "feedback",
)


def call_view(
    *, channel: str = "phone", in_minutes: int | None = 15, offset: int = 1, **changes: Any
) -> CallView:
    values: dict[str, Any] = {
        "agent": "Maria",
        "agent_full": "Maria Schneider",
        "direct_line": "+1 800 555 0121",
        "agent_email": "maria@example.com",
        "channel": channel,
        "digits": "42",
        "time": CallTime(in_minutes, relative_day(days(offset), TODAY), 15, 30),
        "continuity": False,
    }
    values.update(changes)
    return CallView(**values)


# Why a customer who chose SMS gets no text (skill.usecases.callback_limits.NoText).
NO_TEXT = ("unconfirmed", "limit", "recent")


def _callback_variants() -> dict[str, dict[str, Data]]:
    calls: dict[str, Callable[[], CallView]] = {
        "asap-phone": lambda: call_view(),
        "sms-tomorrow": lambda: call_view(channel="sms", in_minutes=None),
        "email-friday": lambda: call_view(channel="email", in_minutes=None, offset=4),
        "continuity-noon": lambda: call_view(
            continuity=True,
            in_minutes=None,
            offset=0,
            time=CallTime(None, relative_day(TODAY, TODAY), 12, 0),
        ),
        "far-away": lambda: call_view(in_minutes=None, offset=9, agent="Zo\u00eb & Max"),
    }
    return {
        "callback_confirmed": {
            f"{name}-{'moved' if moved else 'on-time'}-{'no-email' if no_email else 'ok'}-{asap}": (
                lambda lang, make=make, moved=moved, no_email=no_email, asap=asap: {
                    "call": make(),
                    "moved": moved,
                    "no_email": no_email,
                    "asap": asap,
                    "no_text": None,
                }
            )
            for name, make in calls.items()
            for moved in (False, True)
            for no_email in (False, True)
            for asap in (False, True)
        }
        | {
            f"{name}-no-text-{reason}": lambda lang, make=make, reason=reason: {
                "call": make(),
                "moved": False,
                "no_email": False,
                "asap": True,
                "no_text": reason,
            }
            for name, make in calls.items()
            for reason in NO_TEXT
        },
        "callback_existing": {
            name: lambda lang, make=make: {"call": make()} for name, make in calls.items()
        },
        "callback_offer_again": {"plain": lambda lang: {}},
        "callback_closed_then": {
            f"{name}-{choice}": lambda lang, make=make, choice=choice: {
                "call": make(),
                "opening": (
                    CallTime(None, relative_day(days(1), TODAY), 8, 0) if choice == "ask" else None
                ),
            }
            for name, make in calls.items()
            for choice in ("ask", "as-planned")
        },
        "callback_status": {
            f"{name}-{ahead}": lambda lang, make=make, ahead=ahead: {"call": make(), "ahead": ahead}
            for name, make in calls.items()
            for ahead in (0, 1, 4)
        },
        "callback_cancel_confirm": {
            name: lambda lang, make=make: {"call": make()} for name, make in calls.items()
        },
        "callback_rescheduled": {
            f"{name}-{moved}-{reason}": lambda lang, make=make, moved=moved, reason=reason: {
                "call": make(),
                "moved": moved,
                "no_text": reason,
            }
            for name, make in calls.items()
            for moved in (False, True)
            for reason in (None, *NO_TEXT)
        },
        "callback_limit": {
            f"{act}-{subject}-{name}": lambda lang, make=make, act=act, subject=subject: {
                "act": act,
                "subject": subject,
                "call": make() if act == "reschedule" else None,
                "service_phone": "+1 800 555 0199",
            }
            for name, make in calls.items()
            for act in ("booking", "reschedule")
            for subject in ("caller", "number")
        },
        "callback_need_number": {
            "first": lambda lang: {"retry": False},
            "retry": lambda lang: {"retry": True},
        },
        "callback_confirm_number": {"plain": lambda lang: {"digits": "42"}},
        "callback_none": {"plain": lambda lang: {}},
        "callback_cancelled": {
            "cancelled": lambda lang: {"cancelled": True, "nothing_booked": False},
            "closed": lambda lang: {"cancelled": False, "nothing_booked": False},
            "none": lambda lang: {"cancelled": False, "nothing_booked": True},
        },
        "callback_kept": {"plain": lambda lang: {}},
        "callback_ask_time": {"plain": lambda lang: {}},
        "callback_failed": {"plain": lambda lang: {"service_phone": "+1 800 555 0199"}},
        "callback_uncertain": {"plain": lambda lang: {"service_phone": "+1 800 555 0199"}},
        "callback_declined": {"plain": lambda lang: {}},
        "alexa_notification": {
            "seller": lambda lang: {"part": "seller"},
            "subject": lambda lang: {"part": "subject"},
            "provider": lambda lang: {"part": "provider", "agent": "Maria"},
        },
        "reminder": {
            "text": lambda lang: {"said": "text", "agent": "Maria"},
            **{
                said: lambda lang, said=said: {"said": said, "agent": "Maria"}
                for said in ("offer", "created", "declined", "denied", "off", "failed")
            },
        },
        "sms_callback": {
            f"{event}-{offset}": lambda lang, event=event, offset=offset: {
                "event": event,
                "agent": "Maria",
                "day": relative_day(days(offset), TODAY),
                "hour": 9,
                "minute": 5,
            }
            for event in ("assigned", "rescheduled", "cancelled")
            for offset in (0, 1, 3)
        },
    }


PROBLEMS = [problem.value for problem in ProblemType]
AMOUNTS = [
    Money(Decimal("49.90"), "USD"),
    Money(Decimal("1.05"), "EUR"),
    Money(Decimal("10.00"), "GBP"),
    Money(Decimal("12.99"), "CHF"),
]


def remedy(kind: RemedyKind, money: Money = AMOUNTS[0], offset: int = 3) -> Remedy:
    return Remedy(kind, None if kind is RemedyKind.REPLACEMENT else money, money, days(offset))


def promise(
    kind: RemedyKind,
    offset: int,
    status: CommitmentStatus = CommitmentStatus.PROMISED,
    owner: Owner = Owner.SKILL,
    money: Money = AMOUNTS[0],
    item: str | None = "wool socks",
) -> CommitmentView:
    return CommitmentView(
        order_number="1001",
        item=item,
        kind=kind,
        amount=None if kind is RemedyKind.REPLACEMENT else money,
        due=relative_day(days(offset), TODAY),
        owner=owner,
        status=status,
    )


def _complaint_variants() -> dict[str, dict[str, Data]]:
    delayed = lambda lang: describe(ORDERS[0], TODAY, lang)  # noqa: E731
    kinds = list(RemedyKind)
    remedies: dict[str, Data] = {}
    for problem in PROBLEMS:
        for count in (1, 2, 4):
            for again in (False, True, "back"):
                remedies[f"{problem}-{count}-again-{again}"] = (
                    lambda lang, problem=problem, count=count, again=again: {
                        "problem": problem,
                        "item": "wool socks",
                        "remedies": [
                            remedy(kind, AMOUNTS[i % len(AMOUNTS)]) for i, kind in enumerate(kinds)
                        ][:count],
                        "again": again is True,
                        "back": again == "back",
                    }
                )
    granted: dict[str, Data] = {
        f"{kind}-{offset}": (
            lambda lang, kind=kind, offset=offset: {"commitment": promise(kind, offset)}
        )
        for kind in kinds
        for offset in (0, 1, 3, 9)
    }
    escalated: dict[str, Data] = {
        f"{cause}-{problem}-{'order' if with_order else 'none'}": (
            lambda lang, cause=cause, problem=problem, with_order=with_order: {
                "cause": cause,
                "problem": problem,
                "order": delayed(lang) if with_order else None,
            }
        )
        for cause in ("over_limit", "repeated", "policy", "no_order")
        for problem in PROBLEMS
        for with_order in (True, False)
    }
    not_eligible: dict[str, Data] = {
        f"{reason}-{number}": (
            lambda lang, reason=reason, number=number: {
                "problem": "damaged",
                "reason": reason,
                "order": describe(next(o for o in ORDERS if o.number == number), TODAY, lang),
            }
        )
        for reason in Ineligible
        for number in sorted({order.number for order in ORDERS})
    }
    every_promise = [
        promise(kind, offset, status, owner, money)
        for kind in kinds
        for offset in (-2, 0, 2)
        for status in CommitmentStatus
        for owner in Owner
        for money in AMOUNTS[:2]
    ]
    commitments: dict[str, Data] = {
        "nothing": lambda lang: {"promises": [], "with_team": [], "more": 0},
        # Every kind, day, state and owner, one at a time as the handler reads them.
        **{
            f"states-{start}": (
                lambda lang, start=start: {
                    "promises": every_promise[start : start + 1],
                    "with_team": [],
                    "more": 1,
                }
            )
            for start in range(len(every_promise))
        },
        "team-only-more": lambda lang: {"promises": [], "with_team": [delayed(lang)], "more": 4},
        "team-and-the-call": lambda lang: {
            "promises": [],
            "with_team": [delayed(lang)],
            "more": 0,
            "call": call_view(),
        },
        "team-only-two": lambda lang: {
            "promises": [],
            "with_team": [delayed(lang), None],
            "more": 0,
        },
    }
    return {
        "commitments": commitments,
        "complaint_ask_description": {
            problem: (lambda lang, problem=problem: {"problem": problem}) for problem in PROBLEMS
        }
        | {"unsure": lambda lang: {"problem": "other", "unsure": True}},
        "complaint_ask_problem": {"plain": lambda lang: {}},
        "complaint_declined": {"plain": lambda lang: {}},
        "complaint_escalated": escalated,
        "complaint_granted": granted,
        "complaint_not_eligible": not_eligible,
        "complaint_not_saved": {"plain": lambda lang: {"service_phone": "+1 800 555 0100"}},
        "complaint_uncertain": {"plain": lambda lang: {"service_phone": "+1 800 555 0100"}},
        "complaint_propose_order": {
            problem: (lambda lang, problem=problem: {"order": delayed(lang), "problem": problem})
            for problem in PROBLEMS
        },
        "complaint_remedies": remedies,
        "complaint_unknown_order": {
            f"{number}-{no_orders}-{locked}": (
                lambda lang, number=number, no_orders=no_orders, locked=locked: {
                    "number": number,
                    "no_orders": no_orders,
                    "locked": locked,
                }
            )
            for number in (None, "4711")
            for no_orders in (False, True)
            for locked in (False, True)
        },
        "complaint_which_order": {"plain": lambda lang: {}},
        "feedback_ask": {"plain": lambda lang: {}},
        "feedback_thanks": {
            "stored": lambda lang: {"stored": True},
            "nothing": lambda lang: {"stored": False},
        },
    }


# Realistic data for each template, as the handlers pass it (by language, for items).
VARIANTS: dict[str, dict[str, Data]] = {
    "anything_else": {"plain": lambda lang: {}},
    "notifications_offer": {
        f"{said}-{about}": lambda lang, said=said, about=about: {"said": said, "about": about}
        for said in ("offer", "accepted", "denied", "failed", "declined")
        for about in ("complaint", "call")
    },
    "assistant_refusal": {
        reason: (
            lambda lang, reason=reason: {
                "reason": reason,
                "number": "1003",
                "offered": ["shipping_refund", "voucher"],
                "service_phone": "+1 800 555 0199",
                "tool": "file_complaint",
                "fields": ["order_number", "problem"],
            }
        )
        for reason in (
            "not_an_order_number",
            "unknown_order",
            "complaint_not_found",
            "with_team",
            "remedy_not_offered",
            "over_limit",
            "no_phone",
            "callback_limit",
            "unreadable_time",
            "needs_customer",
            "storage_down",
            "not_confirmed",
            "bad_arguments",
        )
    },
    "ask_order_number": {
        "first": lambda lang: {"retry": False},
        "retry": lambda lang: {"retry": True},
        "unheard": lambda lang: {"retry": False, "unheard": True},
    },
    "ask_postal_code": {"plain": lambda lang: {}, "unheard": lambda lang: {"unheard": True}},
    "delay_details": {
        f"follow-up-{follow_up}": (
            lambda lang, follow_up=follow_up: {
                "order": next(view for view in page(ORDERS, lang)["views"] if view.delayed),
                "follow_up": follow_up,
            }
        )
        for follow_up in (True, False)
    },
    "error": {"plain": lambda lang: {"service_phone": "+1 800 555 0100"}},
    "fallback": {
        f"{awaiting}-{count}{'-offer' if offer else ''}": (
            lambda lang, awaiting=awaiting, count=count, offer=offer: {
                "awaiting": awaiting,
                "misunderstandings": count,
                "offer": offer,
            }
        )
        for awaiting in AWAITING
        for count in (1, 2)
        for offer in (False, True)
    },
    "goodbye": {f"variant-{n}": (lambda lang, n=n: {"variant": n}) for n in range(4)},
    "help": {
        f"{awaiting}-{'linked' if linked else 'unlinked'}": (
            lambda lang, awaiting=awaiting, linked=linked: {
                "awaiting": awaiting,
                "linked": linked,
            }
        )
        for awaiting in AWAITING
        for linked in (True, False)
    },
    "launch": {
        "new-unlinked": lambda lang: {
            "returning": False,
            "name": None,
            "highlights": [],
            "linked": False,
            "callback": None,
            "variant": 0,
            "survey": None,
        },
        "returning-linked": lambda lang: {
            "returning": True,
            "name": "Ada",
            "highlights": highlights(lang),
            "linked": True,
            "callback": None,
            "variant": 1,
            "survey": None,
        },
        "new-linked-nothing-new": lambda lang: {
            "returning": False,
            "name": "Zo\u00eb & Max",
            "highlights": [],
            "linked": True,
            "callback": None,
            "variant": 2,
            "survey": None,
        },
        "open-callback": lambda lang: {
            "returning": True,
            "name": "Ada",
            "highlights": highlights(lang),
            "linked": True,
            "callback": call_view(channel="phone", in_minutes=None),
            "variant": 5,
            "survey": None,
        },
        "satisfaction": lambda lang: {
            "returning": True,
            "name": "Ada",
            "highlights": highlights(lang),
            "linked": True,
            "callback": call_view(channel="phone", in_minutes=None),
            "variant": 1,
            "survey": "Maria",
        },
        "satisfaction-orders": lambda lang: {
            "returning": False,
            "name": "Ada",
            "highlights": highlights(lang),
            "linked": True,
            "callback": None,
            "variant": 2,
            "survey": "Maria",
        },
    },
    "satisfaction": {
        f"{outcome}-{score}": lambda lang, outcome=outcome, score=score: {
            "outcome": outcome,
            "score": score,
            "agent": "Maria",
        }
        for outcome, score in (("thanks", 1), ("thanks", 5), ("again", None), ("dropped", None))
    },
    "sms_satisfaction": {
        "named": lambda lang: {"agent": "Maria"},
        "unnamed": lambda lang: {"agent": ""},
    },
    "no_orders": {
        "named": lambda lang: {"name": "Ada"},
        "anonymous": lambda lang: {"name": None},
    },
    "order_status": _order_status_variants(),
    "verification_locked": {
        "fifteen": lambda lang: {"minutes": 15},
        "three": lambda lang: {"minutes": 3},
    },
    **_callback_variants(),
    "my_data": {
        "nothing-unlinked": lambda lang: {
            "known": Summary(False, None, 0, 0, 0, False, None, False)
        },
        "everything": lambda lang: {
            "known": Summary(True, "Zo\u00eb & Max", 2, 1, 3, True, "sms", True)
        },
        "one-of-each": lambda lang: {"known": Summary(True, None, 1, 1, 1, False, "phone", False)},
        "visits-only": lambda lang: {"known": Summary(False, None, 0, 0, 0, False, None, True)},
    },
    "erase_confirm": {
        "linked": lambda lang: {"linked": True},
        "unlinked": lambda lang: {"linked": False},
    },
    "erased": {
        f"kept-{kept}": (lambda lang, kept=kept: {"erased": Erased(2, kept, 1)})
        for kept in (0, 1, 2)
    },
    "erase_kept": {"plain": lambda lang: {}},
    "permission_answer": {
        "accepted": lambda lang: {"accepted": True},
        "denied": lambda lang: {"accepted": False},
    },
    "thanks": {f"variant-{n}": (lambda lang, n=n: {"variant": n}) for n in range(3)},
    "erase_failed": {"plain": lambda lang: {"service_phone": "+1 800 555 0199"}},
    **_complaint_variants(),
}

# Each template is one test of every locale and variant (two thousand cases): a pytest
# item per case cost more in the runner's own bookkeeping than the rendering it checked.
CASES = {
    name: [
        (locale, variant)
        for locale in LOCALES
        for variant in VARIANTS.get(name, {"missing-test-data": lambda lang: {}})
    ]
    for name in TEMPLATE_NAMES
}


def every_case(name: str, check: Callable[[str, str], None]) -> None:
    """``check(locale, variant)`` for each of the template's cases; fails listing every
    case that failed, by its locale and variant."""
    failed = []
    for locale, variant in CASES[name]:
        try:
            check(locale, variant)
        except (AssertionError, ET.ParseError) as error:
            failed.append(f"{locale}-{name}-{variant}: {error!r}")
    assert not failed, "\n".join(failed)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def parse(ssml: str) -> ET.Element:
    return ET.fromstring("<speak>" + ssml + "</speak>")


def assert_tidy(text: str) -> None:
    assert "  " not in text, text
    assert not SPACE_BEFORE_PUNCTUATION.search(text), text
    assert text == text.strip()


def order_at(**items: str) -> Order:
    return make_order(
        "1003", OrderStatus.SHIPPED, items=items, estimated_delivery=days(1), carrier="UPS"
    )


def test_templates_found_and_each_has_test_data() -> None:
    assert "order_status" in TEMPLATE_NAMES
    assert set(VARIANTS) == set(TEMPLATE_NAMES)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_renders_well_formed_ssml(renderer: Renderer, name: str) -> None:
    def well_formed(locale: str, variant: str) -> None:
        speech = renderer.render(locale, name, **VARIANTS[name][variant](language_of(locale)))
        assert speech.ssml
        parse(speech.ssml)
        assert_tidy(speech.ssml)
        assert_tidy(speech.text)
        assert "<" not in speech.text
        if speech.reprompt is not None:
            parse(speech.reprompt)
            assert_tidy(speech.reprompt)
        for plain in (speech.card_title, speech.card_text):
            if plain is not None:
                assert "<" not in plain
                assert_tidy(plain)

    every_case(name, well_formed)


# Speech is short: about 30 words for a typical answer, never more than this.
MOST_WORDS = 45


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_answer_is_short(renderer: Renderer, name: str) -> None:
    def short(locale: str, variant: str) -> None:
        speech = renderer.render(locale, name, **VARIANTS[name][variant](language_of(locale)))
        words = len(speech.text.split())
        assert words <= MOST_WORDS, f"{words} words: {speech.text}"

    every_case(name, short)


@pytest.mark.parametrize("variant", sorted(VARIANTS["complaint_granted"]))
@pytest.mark.parametrize("locale", LOCALES)
def test_the_remedy_with_the_offer_of_news_is_short(
    renderer: Renderer, locale: str, variant: str
) -> None:
    """The promise, then "shall I tell you on this speaker?", is one answer."""
    granted = renderer.render(
        locale, "complaint_granted", **VARIANTS["complaint_granted"][variant](language_of(locale))
    )
    offer = renderer.render(locale, "notifications_offer", said="offer", about="complaint")
    words = len(f"{granted.text} {offer.text}".split())
    assert words <= MOST_WORDS, f"{words} words: {granted.text} {offer.text}"


@pytest.mark.parametrize(
    "variant",
    # As the handler offers it: not after a move, nor after a word on a missing channel.
    sorted(v for v in VARIANTS["callback_confirmed"] if "-on-time-ok-" in v),
)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_booking_with_the_offer_of_news_of_the_call_is_short(
    renderer: Renderer, locale: str, variant: str
) -> None:
    """The booking, then "shall I tell you on this speaker if it changes?", is one answer."""
    booked = renderer.render(
        locale,
        "callback_confirmed",
        **VARIANTS["callback_confirmed"][variant](language_of(locale)),
    )
    offer = renderer.render(locale, "notifications_offer", said="offer", about="call")
    words = len(f"{booked.text} {offer.text}".split())
    assert words <= MOST_WORDS, f"{words} words: {booked.text} {offer.text}"


@pytest.mark.parametrize("locale", LOCALES)
def test_card_is_plain_text_with_the_phone_number(renderer: Renderer, locale: str) -> None:
    speech = renderer.render(locale, "error", service_phone="+1 800 555 0100")

    assert speech.card_title
    assert speech.card_text is not None
    assert "+1 800 555 0100" in speech.card_text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("help", {"linked": True}),
        ("fallback", {"misunderstandings": 1}),
        ("order_status", {"views": [], "remaining": 0, "follow_up": False}),
        ("error", {}),
    ],
)
@pytest.mark.parametrize("locale", LOCALES)
def test_missing_variable_raises(
    renderer: Renderer, locale: str, name: str, data: dict[str, Any]
) -> None:
    with pytest.raises(UndefinedError):
        renderer.render(locale, name, **data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("order_status", {"missing": None, "offer": None, "follow_up": False}),
        (
            "launch",
            {
                "returning": True,
                "name": "Ada",
                "linked": True,
                "callback": None,
                "variant": 0,
                "survey": None,
            },
        ),
    ],
)
@pytest.mark.parametrize("locale", LOCALES)
def test_item_with_markup_and_control_characters_is_escaped(
    renderer: Renderer, locale: str, name: str, data: dict[str, Any]
) -> None:
    language = language_of(locale)
    order = order_at(en=SALT + CONTROL, de=CONTROL + PFEFFER)
    view = describe(order, TODAY, language)

    speech = renderer.render(locale, name, **data, views=[view], highlights=[view], remaining=0)

    parse(speech.ssml)
    expected = SALT if language == "en" else PFEFFER
    assert expected in speech.text
    for control in CONTROL:
        assert control not in speech.ssml
        assert control not in speech.text


@pytest.mark.parametrize("locale", LOCALES)
def test_name_with_markup_is_escaped(renderer: Renderer, locale: str) -> None:
    speech = renderer.render(
        locale,
        "launch",
        returning=False,
        name="Ada <b>&</b>\x0b Bo",
        highlights=[],
        linked=True,
        callback=None,
        survey=None,
    )

    parse(speech.ssml)
    assert "Ada <b>&</b> Bo" in speech.text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("help", {"awaiting": "postalCode", "linked": False}),
        ("ask_postal_code", {}),
        ("ask_postal_code", {"unheard": True}),
        ("ask_order_number", {"retry": True}),
        ("ask_order_number", {"retry": False}),
        ("fallback", {"awaiting": "postalCode", "misunderstandings": 1, "offer": False}),
        ("verification_locked", {"minutes": 15}),
    ],
)
@pytest.mark.parametrize(
    ("locale", "says", "never"),
    [("en-US", "ZIP code", "postcode"), ("en-GB", "postcode", "ZIP")],
)
def test_postal_code_wording_by_locale(
    renderer: Renderer, locale: str, says: str, never: str, name: str, data: dict[str, Any]
) -> None:
    speech = renderer.render(locale, name, **data)

    assert says in speech.text
    assert never not in speech.text
    assert never not in (speech.reprompt or "")


@pytest.mark.parametrize(
    ("locale", "awaiting", "reprompt"),
    [
        ("en-US", "postalCode", "What's the ZIP code of the delivery address?"),
        ("en-GB", "postalCode", "What's the postcode of the delivery address?"),
        ("de-DE", "postalCode", "Wie lautet die Postleitzahl der Lieferadresse?"),
        ("en-US", "orderNumber", "What's your order number?"),
        ("de-DE", "more_orders", "Soll ich dir die übrigen Bestellungen vorlesen?"),
    ],
)
def test_help_reprompt(renderer: Renderer, locale: str, awaiting: str, reprompt: str) -> None:
    speech = renderer.render(locale, "help", awaiting=awaiting, linked=True)

    assert speech.reprompt == reprompt


@pytest.mark.parametrize(
    ("locale", "offset", "phrase"),
    [
        ("en-US", 0, "and arrives today."),
        ("en-GB", 0, "and arrives today."),
        ("de-DE", 0, "und kommt heute."),
        ("en-US", 1, "should arrive tomorrow."),
        ("en-GB", 1, "should arrive tomorrow."),
        ("de-DE", 1, "kommt voraussichtlich morgen."),
        ("en-US", 4, "should arrive on Friday."),
        ("en-GB", 4, "should arrive on Friday."),
        ("de-DE", 4, "kommt voraussichtlich am Freitag."),
        ("en-US", 7, "should arrive on November 30."),
        ("en-GB", 7, "should arrive on 30 November."),
        ("de-DE", 7, "kommt voraussichtlich am 30. November."),
        ("en-US", 40, "should arrive on January 2."),
        ("de-DE", 40, "kommt voraussichtlich am 2. Januar."),
    ],
)
def test_delivery_day_wording(renderer: Renderer, locale: str, offset: int, phrase: str) -> None:
    order = make_order("1003", OrderStatus.SHIPPED, estimated_delivery=days(offset))
    view = describe(order, TODAY, language_of(locale))

    speech = renderer.render(
        locale, "order_status", views=[view], remaining=0, missing=None, offer=None, follow_up=False
    )

    assert phrase in speech.text


@pytest.mark.parametrize(
    ("locale", "phrase"),
    [("en-US", "on November 30"), ("en-GB", "on 30 November"), ("de-DE", "am 30. November")],
)
def test_when_macro_calendar_date(renderer: Renderer, locale: str, phrase: str) -> None:
    macros = renderer.macros(locale)

    assert " ".join(str(macros.when(relative_day(days(7), TODAY))).split()) == phrase


@pytest.mark.parametrize(
    ("locale", "sentence"),
    [
        (
            "en-US",
            "Order 1001, your wool socks (1001), is late, sorry. "
            "It was due last Friday and should now come tomorrow.",
        ),
        (
            "de-DE",
            "Bestellung 1001, Wollsocken (1001), ist verspätet, das tut mir leid. "
            "Sie sollte letzten Freitag kommen, jetzt voraussichtlich morgen.",
        ),
    ],
)
def test_delayed_order_names_original_and_new_day(
    renderer: Renderer, locale: str, sentence: str
) -> None:
    view = describe(ORDERS[0], TODAY, language_of(locale))

    speech = renderer.render(
        locale, "order_status", views=[view], remaining=0, missing=None, offer=None, follow_up=False
    )

    assert speech.text == sentence


@pytest.mark.parametrize("locale", LOCALES)
def test_reprompt_block_rendering_empty_is_none(renderer: Renderer, locale: str) -> None:
    views = page(ORDERS[:1], language_of(locale))["views"]

    speech = renderer.render(
        locale, "order_status", views=views, remaining=0, missing=None, offer=None, follow_up=False
    )

    assert speech.reprompt is None


@pytest.mark.parametrize(("remaining", "follow_up"), [(2, False), (1, True), (0, True)], ids=str)
@pytest.mark.parametrize("locale", LOCALES)
def test_reprompt_present_when_a_question_is_open(
    renderer: Renderer, locale: str, remaining: int, follow_up: bool
) -> None:
    views = page(ORDERS[:1], language_of(locale))["views"]

    speech = renderer.render(
        locale,
        "order_status",
        views=views,
        remaining=remaining,
        missing=None,
        offer=None,
        follow_up=follow_up,
    )

    assert speech.reprompt


@pytest.mark.parametrize("name", ["goodbye", "no_orders"])
@pytest.mark.parametrize("locale", LOCALES)
def test_template_without_reprompt_block_has_none(
    renderer: Renderer, locale: str, name: str
) -> None:
    assert renderer.render(locale, name, name="Ada", variant=0).reprompt is None


@pytest.mark.parametrize(
    ("locale", "phrase"),
    [
        ("en-US", "And 7 more. Shall I go on?"),
        ("en-GB", "And 7 more. Shall I go on?"),
        ("de-DE", "Und noch 7 weitere. Soll ich weitermachen?"),
    ],
)
def test_more_orders_offered(renderer: Renderer, locale: str, phrase: str) -> None:
    speech = renderer.render(
        locale,
        "order_status",
        **page(ORDERS, language_of(locale)),
        missing=None,
        offer=None,
        follow_up=False,
    )

    assert speech.text.endswith(phrase)


@pytest.mark.parametrize("locale", LOCALES)
def test_order_numbers_are_read_as_digits(renderer: Renderer, locale: str) -> None:
    data = page(ORDERS, language_of(locale))

    speech = renderer.render(
        locale, "order_status", **data, missing="1099", offer=None, follow_up=False
    )

    root = parse(speech.ssml)
    say_as = list(root.iter("say-as"))
    assert [element.get("interpret-as") for element in say_as] == ["digits"] * 3
    # The missing number first, then the two ranked orders read on this page.
    assert [element.text for element in say_as] == ["1099", "1001", "1008"]
    assert '<say-as interpret-as="digits">1001</say-as>' in speech.ssml


@pytest.mark.parametrize("locale", LOCALES)
def test_help_for_the_order_number_says_where_to_find_it(renderer: Renderer, locale: str) -> None:
    speech = renderer.render(locale, "help", awaiting="orderNumber", linked=False)

    # No example number: one from the demo data could be someone else's order.
    assert "<say-as" not in speech.ssml
    assert ("e-mail" if locale.startswith("en") else "E-Mail") in speech.text


@pytest.mark.parametrize(
    ("locale", "wrong"),
    [("en-US", "1 minutes"), ("en-GB", "1 minutes"), ("de-DE", "1 Minuten")],
)
def test_locked_for_one_minute_is_singular(renderer: Renderer, locale: str, wrong: str) -> None:
    speech = renderer.render(locale, "verification_locked", minutes=1)

    assert wrong not in speech.text


def test_speech_text_is_plain() -> None:
    speech = Speech(ssml='Order <say-as interpret-as="digits">12</say-as> &amp; more.')

    assert speech.text == "Order 12 & more."


# Compiled templates: loaded instead of compiled, never stale.


def templates_in(root: Path, launch: str) -> Path:
    for name, text in {
        "en/_macros.j2": "{% macro greet(name) %}Hello {{ name }}{% endmacro %}",
        "en/launch.j2": launch,
        "console/page.html.j2": "<p>{{ x }}</p>",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def forbid_compiling(renderer: Renderer) -> None:
    def compile(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"compiled {args[1]}")

    renderer.env.compile = compile  # type: ignore[method-assign]


LAUNCH = "{% block speech %}{{ m.greet(name) }}, welcome.{% endblock %}"


def test_a_compiled_template_is_loaded_not_compiled(tmp_path: Path) -> None:
    root = templates_in(tmp_path, LAUNCH)
    assert Renderer(root).render("en-US", "launch", name="Alex").ssml == "Hello Alex, welcome."
    assert len(list((root / COMPILED).glob("*.cache"))) == 2  # the template and the macros

    again = Renderer(root)
    forbid_compiling(again)
    assert again.render("en-US", "launch", name="Sam").ssml == "Hello Sam, welcome."


def test_an_edited_template_is_compiled_afresh(tmp_path: Path) -> None:
    root = templates_in(tmp_path, LAUNCH)
    Renderer(root).render("en-US", "launch", name="Alex")
    (root / "en" / "launch.j2").write_text(LAUNCH.replace("welcome", "good to hear you"))

    speech = Renderer(root).render("en-US", "launch", name="Alex")

    assert speech.ssml == "Hello Alex, good to hear you."


def test_a_damaged_cache_entry_only_costs_a_compile(tmp_path: Path) -> None:
    root = templates_in(tmp_path, LAUNCH)
    Renderer(root).render("en-US", "launch", name="Alex")
    for entry in (root / COMPILED).glob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:40])  # cut short

    speech = Renderer(root).render("en-US", "launch", name="Alex")

    assert speech.ssml == "Hello Alex, welcome."


def test_a_cache_that_cannot_be_written_only_costs_a_compile(tmp_path: Path) -> None:
    root = templates_in(tmp_path, LAUNCH)
    # Neither readable nor writable as a directory (chmod would not stop root).
    (root / COMPILED).write_text("")

    speech = Renderer(root).render("en-US", "launch", name="Alex")

    assert speech.ssml == "Hello Alex, welcome."
    assert (root / COMPILED).read_text() == ""


@pytest.mark.slow
def test_every_speech_template_compiles_for_the_package_without_local_paths() -> None:
    renderer = Renderer()
    entries = dict(compiled_templates(renderer))

    assert len(entries) == len(renderer.speech_templates()) > 2 * len(TEMPLATE_NAMES)
    assert all(name.startswith(f"{COMPILED}/") for name in entries)
    # Tracebacks name the template inside the package, not the building machine.
    assert not any(str(TEMPLATES_DIR).encode() in data for data in entries.values())
    assert any(b"templates/en/launch.j2" in data for data in entries.values())
