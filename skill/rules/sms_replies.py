"""A customer's text in answer to the satisfaction question ("Reply with a number from
one to five"): what score it gives, and whether it answers the question it claims to.

A reply is a score only when the number is all it says: "4", "four", "vier", "5 stars",
"Fünf!", "4 out of 5". A text that says anything more ("no one called me", "1 or 2",
"STOP") gives none, rather than a score the customer never meant; the agent can still
read the customer's words elsewhere, and a guess in the figures cannot be taken back.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from skill.rules.satisfaction import SCORES

# Number words in the customers' languages (en, de), as typed on a phone: with and
# without the umlaut.
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5, "funf": 5,
}  # fmt: skip
# Words that may stand beside the number without changing what it says.
_FILLER = frozenset(
    {"star", "stars", "stern", "sterne", "point", "points", "punkt", "punkte",
     "thanks", "thank", "you", "danke", "please", "bitte"}
)  # fmt: skip
# "… out of 5", "… von 5", "…/5": the scale, not a second number.
_OF_FIVE = re.compile(r"(?:\bout\s+of|\bof|\bvon|\baus|/)\s*(?:5|five|fünf|fuenf)\b")
_WORD = re.compile(r"\w+")


def score_in_reply(body: str | None) -> int | None:
    """The score 1-5 a reply text gives, or None: it gives none."""
    text = _OF_FIVE.sub(" ", (body or "").casefold())
    numbers: list[int] = []
    for word in _WORD.findall(text):
        if word.isascii() and word.isdigit():
            numbers.append(int(word))
        elif word in _WORDS:
            numbers.append(_WORDS[word])
        elif word not in _FILLER:
            return None
    if len(numbers) != 1 or numbers[0] not in SCORES:
        return None
    return numbers[0]


def number_fingerprint(message_id: str, number: str) -> str:
    """What is kept of the number a question went to: a hash keyed by the question's
    message id, so the item answers "was it this number?" and is no index of numbers.

    ``number`` in E.164 form ("+12125550142"), as the SMS service writes a sender's.
    """
    return hmac.new(message_id.encode(), number.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ExpectedReply:
    """A satisfaction question texted to a customer, whose reply would score a callback."""

    message_id: str  # the question's, as the SMS service returned it
    callback_id: str
    number_fingerprint: str  # see number_fingerprint()
    expires_at: datetime


def answers(expected: ExpectedReply, number: str, now: datetime) -> bool:
    """Whether a reply from ``number`` (E.164) may answer ``expected`` at ``now``: in
    time, and from the number the question went to (a forged or misrouted text cannot
    score someone else's call back)."""
    if now >= expected.expires_at:
        return False
    given = number_fingerprint(expected.message_id, number)
    return hmac.compare_digest(given, expected.number_fingerprint)
