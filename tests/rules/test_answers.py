"""Commands and order corrections inside free words: the pure rules."""

from __future__ import annotations

import pytest

from skill.rules.answers import Command, command_in, order_correction


@pytest.mark.parametrize(
    ("words", "language", "expected"),
    [
        ("talk to a person", "en", Command.HUMAN),
        ("Talk to a person, please.", "en", Command.HUMAN),
        ("can you call me back", "en", Command.HUMAN),
        ("stop", "en", Command.STOP),
        ("Help", "en", Command.HELP),
        ("hilfe", "de", Command.HELP),
        ("Hilfe bitte", "de", Command.HELP),
        ("stopp", "de", Command.STOP),
        ("ich will mit einem Menschen sprechen", "de", Command.HUMAN),
        ("hilfe", "en", None),  # each language its own words
        ("the parcel was stopped at customs", "en", None),
        ("I needed help assembling it", "en", None),
        ("", "en", None),
        (None, "en", None),
    ],
)
def test_command_in(words: str | None, language: str, expected: Command | None) -> None:
    assert command_in(words, language) == expected


def test_an_unknown_language_reads_english_commands() -> None:
    assert command_in("stop", "fr") is Command.STOP


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("no, I meant order 1002", "1002"),
        ("No I mean order 1002", "1002"),
        ("it's order one zero zero two", "1002"),
        ("order number 1003", "1003"),
        ("nein, Bestellung 3001", "3001"),
        ("nein, ich meinte Bestellung 3001", "3001"),
        ("nein die 3002", "3002"),
        ("no", None),
        ("the lid is cracked", None),
        ("order 1002 arrived with a cracked lid", None),  # a description naming an order
        ("order 12", None),  # too short for an order number
        ("", None),
        (None, None),
    ],
)
def test_order_correction(words: str | None, expected: str | None) -> None:
    assert order_correction(words) == expected
