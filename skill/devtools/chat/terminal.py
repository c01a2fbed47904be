"""The terminal program of ``python -m skill chat``: the conversation with the local
product and its demo data, typed line by line."""

from __future__ import annotations

from typing import Any

from skill.devtools.chat.conversation import Answer, Chat
from skill.devtools.chat.matcher import Matcher


def describe(answer: Answer) -> str:
    """The answer as the terminal shows it."""
    lines = [f"Alexa: {answer.speech}" if answer.speech else "Alexa: (silence)"]
    if answer.card_title:
        lines.append(
            f"  [card] {answer.card_title}" + (f": {answer.card_text}" if answer.card_text else "")
        )
    lines.append("  (session ends)" if answer.end else "  (listening…)")
    return "\n".join(lines)


def interactive(locale: str, token: str | None, user_id: str) -> None:
    """The terminal conversation with the local product and its demo data."""
    import logging

    from skill.config import Settings
    from skill.devtools.models import load
    from skill.web.serve import start_demo

    logging.getLogger().setLevel(logging.WARNING)  # the conversation, not the turn logs
    demo = start_demo(Settings.from_env())
    client = demo.app.test_client()

    def post(envelope: dict[str, Any]) -> dict[str, Any]:
        answer = client.post("/alexa", json=envelope)
        body: dict[str, Any] = answer.get_json()
        return body

    chat = Chat(post, Matcher(load(locale)), token=token, user_id=user_id)
    who = f"linked as {token}" if token else "not linked"
    print(
        f"Menschmoment chat ({locale}, {who}). Say 'open {chat.matcher.model.invocation}' or "
        "just ask. Empty line: silence. 'intent Name slot=value' sends an intent. Ctrl-D ends.",
        flush=True,
    )
    try:
        while True:
            try:
                text = input("you> ")
            except EOFError:
                break
            answer = chat.say(text)
            if answer.intent:
                slots = " ".join(f"{k}={v}" for k, v in answer.slots.items())
                print(f"  ({answer.intent}{' ' + slots if slots else ''})")
            print(describe(answer), flush=True)
    finally:
        demo.database.stop()
