"""A customer's text in reply to the satisfaction question: the score it gives, and
whether it may answer the question it names: the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from skill.rules.sms_replies import ExpectedReply, answers, number_fingerprint, score_in_reply

NOW = datetime(2026, 11, 30, 13, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "score"),
    [
        ("4", 4),
        (" 1 ", 1),
        ("5.", 5),
        ("four", 4),
        ("Four", 4),
        ("vier", 4),
        ("5 stars", 5),
        ("Fünf!", 5),
        ("FÜNF", 5),
        ("fuenf", 5),
        ("zwei Sterne", 2),
        ("4 out of 5", 4),
        ("3/5", 3),
        ("2 von 5", 2),
        ("one", 1),
        ("eins", 1),
        ("5, thanks!", 5),
        ("3 ⭐", 3),
    ],
)
def test_a_number_from_one_to_five_is_the_score(body: str, score: int) -> None:
    assert score_in_reply(body) == score


@pytest.mark.parametrize(
    "body",
    [
        None,
        "",
        "0",
        "6",
        "10",
        "seven",
        "4 or 5",
        "1-5",
        "4,5",
        "No one called me",
        "Who is Maria?",
        "STOP",
        "HELP",
        "great",
        "+12125550142",
        "٤",  # an Arabic-Indic four: not what the question asked for
    ],
)
def test_anything_else_gives_no_score(body: str | None) -> None:
    assert score_in_reply(body) is None


def expected(number: str = "+12125550142", message_id: str = "m-1") -> ExpectedReply:
    return ExpectedReply(
        message_id=message_id,
        callback_id="cb-1",
        number_fingerprint=number_fingerprint(message_id, number),
        expires_at=NOW + timedelta(days=7),
    )


def test_the_fingerprint_is_no_phone_number_and_differs_per_question() -> None:
    first = number_fingerprint("m-1", "+12125550142")
    assert "2125550142" not in first
    assert first == number_fingerprint("m-1", "+12125550142")
    assert first != number_fingerprint("m-2", "+12125550142")


def test_a_reply_from_the_number_asked_answers_within_the_week() -> None:
    assert answers(expected(), "+12125550142", NOW) is True
    assert answers(expected(), "+12125550142", NOW + timedelta(days=7)) is False


def test_a_reply_from_another_number_answers_nothing() -> None:
    assert answers(expected(), "+12125550999", NOW) is False
    # The fingerprint of another question's number does not fit either.
    forged = ExpectedReply("m-1", "cb-1", number_fingerprint("m-2", "+12125550142"), NOW)
    assert answers(forged, "+12125550142", NOW - timedelta(days=1)) is False
