"""The customer's story on the callback's page and in the queue: why they called, what
was promised and when, in the team's zone and the customer's, languages by name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from skill.config import Settings
from skill.console.story import day, language_name, moment, why
from skill.devtools.demo.data import seed_console
from skill.policy import load_policy
from skill.speech import Renderer
from skill.storage import Stores
from tests.conftest import MOMENT, PASSWORD_HASH_METHOD
from tests.console.conftest import Agent, MovableClock
from tests.console.test_grant_limits import shoes_complaint
from tests.console.test_queue import book

SignIn = Callable[[str], Agent]


def test_one_time_format_always_with_its_zone() -> None:
    at = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    assert moment(at, "America/New_York") == "Mon 30 Nov 2026, 08:00 EST"
    assert moment(at, "Europe/Berlin") == "Mon 30 Nov 2026, 14:00 CET"
    assert moment(at, "Europe/London") == "Mon 30 Nov 2026, 13:00 GMT"
    assert day(date(2026, 11, 24)) == "Tue 24 Nov 2026"


def test_languages_by_name() -> None:
    assert language_name("en-GB") == "English (UK)"
    assert language_name("en-US") == "English (US)"
    assert language_name("de-DE") == "German (Germany)"
    assert language_name("de") == "German"


def test_the_reason_in_words_the_complaint_first(demo_stores: Stores) -> None:
    assert why(shoes_complaint(demo_stores)) == "damaged · order 1003"
    delayed = book(
        demo_stores, "alex", context={"orders": [{"number": "1003", "status": "delayed"}]}
    )
    assert why(delayed) == "delayed order 1003"
    locked = book(demo_stores, "locked", reason="verification_locked")
    assert why(locked) == "locked out of verification"
    assert why(book(demo_stores, "plain")) == "asked for a call back"


def test_the_story_line_tops_the_page_with_both_times(agent: SignIn, demo_stores: Stores) -> None:
    callback = shoes_complaint(demo_stores)
    page = agent("maria").page(f"/console/callbacks/{callback.callback_id}").text
    story = page.split('<section class="story"', 1)[1].split("</section>", 1)[0]

    assert "Alex complained: damaged on order 1003." in story
    assert "the sole came off" in story
    team = moment(callback.due_at, "America/New_York")
    heard = moment(callback.due_at, callback.time_zone)
    assert f"Call by <strong>{team}</strong> (team)" in story
    assert f"the customer heard <strong>{heard}</strong>, in English (US)." in story


def test_a_locked_german_guest_is_told_apart(agent: SignIn, demo_stores: Stores) -> None:
    seed_console(demo_stores, MOMENT, PASSWORD_HASH_METHOD)
    page = agent("jonas").page("/console/callbacks/demo-guest").text
    story = page.split('<section class="story"', 1)[1].split("</section>", 1)[0]

    assert "A guest: locked out of verification." in story
    assert "Not verified: the caller was locked out" in story
    # Due 14:55 UTC: 15:55 in Berlin, for the German team and the customer alike.
    assert "Call by <strong>Mon 23 Nov 2026, 15:55 CET</strong> (team)" in story
    assert "the customer heard <strong>Mon 23 Nov 2026, 15:55 CET</strong>, in German" in story


def test_the_reason_given_to_an_assistant_is_in_the_story_escaped(
    agent: SignIn, demo_stores: Stores, settings: Settings, console_clock: MovableClock
) -> None:
    from skill.assistants.tools import Assistant  # pydantic: only this test pays for it

    assistant = Assistant(
        demo_stores, settings, Renderer(), console_clock, load_policy(settings.remedy_policy)
    )
    assistant.request_callback("c-alex", "My shoes are late <again>", None, None)
    [callback] = demo_stores.queue.open_callbacks()
    assert callback.context["customer_words"] == "My shoes are late <again>"

    page = agent("maria").page(f"/console/callbacks/{callback.callback_id}").text
    story = page.split('<section class="story"', 1)[1].split("</section>", 1)[0]
    assert "In their words: <q>My shoes are late &lt;again&gt;</q>" in story
    assert "<again>" not in page
