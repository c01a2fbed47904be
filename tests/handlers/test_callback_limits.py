"""Daily limits on call backs by voice: what the customer hears, what is stored, what
the audit trail keeps; and no text to a number the customer did not confirm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.app import build_skill
from skill.clock import fixed_clock
from skill.config import Settings
from skill.storage import Stores
from skill.web import create_app
from tests.alexa import Conversation, Reply
from tests.conftest import MOMENT
from tests.stored import items, outbox

Talk = Callable[..., Conversation]
GUEST = "amzn1.ask.account.GUEST"


def book_and_cancel(talk: Talk, **who: Any) -> Reply:
    booked = talk(**who).say("CallbackIntent")
    conversation = talk(**who)
    conversation.say("CancelCallbackIntent")
    conversation.say("AMAZON.YesIntent")
    return booked


def audit(stores: Stores) -> list[dict[str, Any]]:
    return [entry for entry in items(stores, "audit") if entry["action"] == "limit_reached"]


def guest_books_by_text(talk: Talk, number: str = "2125550187") -> Reply:
    conversation = talk(user_id=GUEST)
    conversation.say("CallbackIntent", channel="text", phoneNumber=number)
    return conversation.say("AMAZON.YesIntent")


# Bookings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "refusal"),
    [
        (
            "en-US",
            "I'm sorry, I can't book another call back today: that's the most I can arrange "
            "for one person in a day. If it's urgent, please call our service team on "
            "+1 800 555 0199.",
        ),
        (
            "de-DE",
            "Es tut mir leid, heute kann ich keinen weiteren Rückruf eintragen: Mehr geht für "
            "eine Person an einem Tag nicht. Wenn es dringend ist, ruf bitte unser "
            "Serviceteam an unter +1 800 555 0199.",
        ),
    ],
)
def test_a_fourth_booking_in_a_day_is_refused_with_the_reason_and_nothing_stored(
    talk: Talk, demo_stores: Stores, locale: str, refusal: str
) -> None:
    for _ in range(3):
        assert "Maria" in book_and_cancel(talk, token="demo-alex", locale=locale).speech
    stored_before = outbox(demo_stores)

    fourth = talk(token="demo-alex", locale=locale).say("CallbackIntent")

    assert fourth.speech.startswith(refusal)
    assert "Maria" not in fourth.speech
    assert fourth.end
    assert fourth.card is not None and "+1 800 555 0199" in fourth.card["content"]
    assert len(items(demo_stores, "callback")) == 3
    assert demo_stores.callbacks.owner_state("customer:c-alex").open_callback_id is None
    assert outbox(demo_stores) == stored_before  # the team hears of nothing new
    [entry] = audit(demo_stores)
    assert entry["agent_id"] == "skill"
    assert entry["detail"] == "booking refused: 3 a day per caller, number ending in 42"
    assert "555" not in str(entry)  # the last two digits, no more


def test_one_number_is_limited_whoever_asks(talk: Talk, demo_stores: Stores) -> None:
    """Guests on other Alexa accounts, all giving the same number."""
    for guest in range(3):
        conversation = talk(user_id=f"{GUEST}{guest}")
        conversation.say("CallbackIntent", phoneNumber="2125550187")
        assert "ending in 87" in conversation.say("AMAZON.YesIntent").speech

    conversation = talk(user_id=f"{GUEST}3")
    conversation.say("CallbackIntent", phoneNumber="212 555 0187")
    refused = conversation.say("AMAZON.YesIntent")

    assert "the most I can arrange for one number in a day" in refused.speech
    assert len(items(demo_stores, "callback")) == 3
    [entry] = audit(demo_stores)
    assert entry["detail"] == "booking refused: 3 a day per number, number ending in 87"


# Moves ---------------------------------------------------------------------------


def test_a_fourth_move_in_a_day_is_refused_and_the_time_stands(
    talk: Talk, demo_stores: Stores
) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    for hour in ("16:00", "17:00", "18:00"):
        moved = talk(token="demo-alex").say("CallbackIntent", time=hour)
        assert moved.speech.startswith("Done. Maria will now call you")

    refused = talk(token="demo-alex").say("CallbackIntent", time="19:00")

    assert refused.speech == (
        "I can't move it again today. Maria will call you on the number ending in 42 "
        "today at 6 pm, as planned."
    )
    assert refused.end
    [callback] = items(demo_stores, "callback")
    assert callback["due_at"] == "2026-11-23T23:00:00Z"  # 6 pm in New York
    [entry] = audit(demo_stores)
    assert entry["callback_id"] == callback["callback_id"]
    assert entry["detail"] == "reschedule refused: 3 a day per caller, number ending in 42"


def test_the_move_refused_in_german(talk: Talk) -> None:
    talk(token="demo-alex", locale="de-DE").say("CallbackIntent")
    for hour in ("16:00", "17:00", "18:00"):
        talk(token="demo-alex", locale="de-DE").say("CallbackIntent", time=hour)

    refused = talk(token="demo-alex", locale="de-DE").say("CallbackIntent", time="19:00")

    assert refused.speech == (
        "Heute kann ich den Rückruf nicht noch einmal verschieben. Maria ruft dich heute "
        "um 18 Uhr unter der Nummer mit der Endung 42 an, wie geplant."
    )


def test_repeated_moves_tell_the_team_once_an_hour(talk: Talk, demo_stores: Stores) -> None:
    talk(token="demo-alex").say("CallbackIntent")
    for hour in ("16:00", "17:00", "18:00"):
        talk(token="demo-alex").say("CallbackIntent", time=hour)

    events = [event["event"] for event in outbox(demo_stores)]
    assert sorted(events) == ["assigned", "requested", "rescheduled"]


# Texts ---------------------------------------------------------------------------


def test_a_new_number_said_for_an_open_callback_is_read_back_and_not_texted_unconfirmed(
    talk: Talk, demo_stores: Stores
) -> None:
    assert "text you at the number ending in 87" in guest_books_by_text(talk).speech
    conversation = talk(user_id=GUEST)
    asked = conversation.say("CallbackIntent", phoneNumber="2125550999")
    assert asked.speech == "Thanks. That's the number ending in 99, right?"

    # Instead of yes, yet another number, and "text me".
    check = conversation.say("CallbackIntent", channel="text", phoneNumber="2125550888")

    assert check.speech == "Thanks. That's the number ending in 88, right?"
    [callback] = items(demo_stores, "callback")
    assert callback["phone"] == "2125550187"  # nothing changed, nothing sent to 88
    assert not [e for e in outbox(demo_stores) if e["event"] == "rescheduled"]

    again = conversation.say("AMAZON.NoIntent")

    assert "phone number" in again.speech
    assert items(demo_stores, "callback")[0]["phone"] == "2125550187"


def test_a_new_number_confirmed_for_an_open_callback_is_used(
    talk: Talk, demo_stores: Stores
) -> None:
    guest_books_by_text(talk)
    conversation = talk(user_id=GUEST)
    conversation.say("CallbackIntent", phoneNumber="2125550999", time="17:00")

    changed = conversation.say("AMAZON.YesIntent")

    assert changed.speech.startswith(
        "Done. James will now text you at the number ending in 99 today at 5 pm."
    )
    # The guest was texted with the booking a moment ago: not again within the hour.
    assert "you had one within the hour" in changed.speech
    [callback] = items(demo_stores, "callback")
    assert callback["phone"] == "2125550999"
    assert callback["phone_confirmed"] is True
    assert callback["due_at"] == "2026-11-23T22:00:00Z"


def test_texts_over_the_days_limit_are_left_out_and_the_customer_is_told(
    settings: Settings, demo_stores: Stores
) -> None:
    limited = settings.with_changes(texts_per_day=2)
    app = create_app(build_skill(limited, demo_stores, clock=fixed_clock(MOMENT)), verifier=None)

    def talk(**who: Any) -> Conversation:
        return Conversation(app.test_client(), **who)

    # A text for the booking and one for its cancellation: the day's two.
    talk(token="demo-alex").say("CallbackIntent", channel="text")
    conversation = talk(token="demo-alex")
    conversation.say("CancelCallbackIntent")
    conversation.say("AMAZON.YesIntent")

    booked = talk(token="demo-alex").say("CallbackIntent")  # by text, as last time

    assert booked.speech.startswith("Maria, who helped you last time, will text you")
    assert "No text about it: that number has had today's texts." in booked.speech
    assert sorted(e["event"] for e in outbox(demo_stores) if e.get("sms")) == [
        "assigned",
        "cancelled",
    ]
    assert len(items(demo_stores, "callback")) == 2  # booked all the same
    details = [entry["detail"] for entry in audit(demo_stores)]
    assert "text left out: 2 a day per caller, number ending in 42" in details
