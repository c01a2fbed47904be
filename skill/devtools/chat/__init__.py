"""Talk to the skill in a terminal: ``python -m skill chat [--locale de-DE] [--token demo-alex]``.

What is typed is resolved to an intent and slots the way Alexa would, with a matcher
built from the interaction model's samples and slot values, then sent as the request
envelope Alexa would send, through ``POST /alexa`` of the local product with its demo
data. The answer is shown as plain text, with the card and whether the session stays
open. ``intent Name slot=value`` sends an intent directly; an empty line is silence.

    phrases.py       what people say: built-in phrases, number, day and time words
    matcher.py       typed words -> intent and slots, from an interaction model
    conversation.py  one customer's turns as Alexa's request envelopes, answers read back
    terminal.py      the terminal program
"""

from __future__ import annotations

from skill.devtools.chat.conversation import Answer, Chat
from skill.devtools.chat.matcher import Match, Matcher, SlotMatch
from skill.devtools.chat.terminal import describe, interactive

__all__ = ["Answer", "Chat", "Match", "Matcher", "SlotMatch", "describe", "interactive"]
