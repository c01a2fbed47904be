"""How the console words a callback: why the customer called, in a few words for the
queue and in a sentence for the callback's page; languages by name; and every time in
one format, always with its zone.

Pure functions over the callback and its context (what the skill saw in the
conversation), so the queue and the page say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from skill.records.callbacks import Callback
from skill.rules.dates import zone

LANGUAGES = {
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
    "nl": "Dutch",
    "pt": "Portuguese",
    "hi": "Hindi",
}
REGIONS = {
    "AT": "Austria",
    "AU": "Australia",
    "CA": "Canada",
    "CH": "Switzerland",
    "DE": "Germany",
    "GB": "UK",
    "IE": "Ireland",
    "IN": "India",
    "US": "US",
}

# The skill's handover reasons and the callback's, as an agent reads them.
REASONS = {
    "asked": "asked for a call back",
    "complaint_escalated": "complaint above the skill's limit",
    "complaint_with_team": "complaint with the team",
    "remedy_declined": "declined the remedy offered",
    "not_eligible": "remedy not allowed by the policy",
    "unknown_order": "order not found",
    "problem_other": "a problem the skill cannot name",
    "misunderstood": "the skill did not understand",
    "verification_locked": "locked out of verification",
    "delayed_order": "delayed order",
}


def moment(at: datetime, time_zone: str) -> str:
    """ "Mon 23 Nov 2026, 10:10 EST": the one way the console shows a time."""
    local = at.astimezone(zone(time_zone))
    return f"{local:%a %d %b %Y, %H:%M} {local.tzname()}"


def day(on: date) -> str:
    """ "Tue 24 Nov 2026": the one way the console shows a date."""
    return f"{on:%a %d %b %Y}"


def language_name(code: str) -> str:
    """ "English (UK)" for en-GB, "German" for de."""
    language, _, region = code.replace("_", "-").partition("-")
    name = LANGUAGES.get(language.lower(), code)
    where = REGIONS.get(region.upper(), region)
    return f"{name} ({where})" if where else name


def language_of(callback: Callback) -> str:
    """The two-letter language the customer spoke (the shop's item names are keyed so)."""
    spoken = callback.context.get("language")
    return str(spoken) if spoken else callback.locale.split("-")[0]


def _words(key: object) -> str:
    return str(key or "").replace("_", " ")


def _delayed(callback: Callback) -> list[str]:
    orders = callback.context.get("orders")
    if not isinstance(orders, list):
        return []
    return [str(o.get("number")) for o in orders if o.get("status") == "delayed"]


def why(callback: Callback) -> str:
    """ "damaged item · order 1003", "delayed order 1003", "locked out of verification":
    the reason in a few words, the complaint first."""
    context = callback.context
    complaint = context.get("complaint")
    if isinstance(complaint, dict):
        order = complaint.get("order_number")
        problem = _words(complaint.get("problem")) or "complaint"
        return f"{problem} · order {order}" if order else problem
    handover = context.get("handover")
    reason = str(handover.get("reason")) if isinstance(handover, dict) else callback.reason
    delayed = _delayed(callback)
    if delayed and reason in ("asked", "delayed_order"):
        return f"delayed order {', '.join(delayed)}"
    return REASONS.get(reason, _words(reason))


def _part(value: object) -> dict[str, object] | None:
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Story:
    """The customer's story at the top of a callback's page."""

    why: str  # "Alex called about a damaged item on order 1003"
    # The customer's own words, if any: their complaint's, else the reason they gave
    # when booking the call (through an assistant).
    words: str
    authority: str  # "Needs authority for 149.00 USD", or ""
    lock: str  # why the caller is not verified, or ""


def story(callback: Callback) -> Story:
    context = callback.context
    who = callback.first_name or "A guest"
    complaint = _part(context.get("complaint"))
    handover = _part(context.get("handover"))
    words = ""
    if complaint is not None:
        problem = _words(complaint.get("problem")) or "a problem"
        order = complaint.get("order_number")
        said = f"{who} complained: {problem}" + (f" on order {order}" if order else "")
        words = str(complaint.get("customer_words") or "")
    else:
        said = f"{who}: {why(callback)}"
    words = words or str(context.get("customer_words") or "")
    authority = ""
    if handover is not None and handover.get("amount"):
        authority = (
            f"Granting it needs authority for {handover.get('amount')} "
            f"{handover.get('currency', '')}".strip()
        )
    lock = ""
    if callback.reason == "verification_locked" or (
        handover is not None and handover.get("reason") == "verification_locked"
    ):
        lock = (
            "Not verified: the caller was locked out after failed checks, so no order or "
            "account is shown. Verify them on the call."
        )
    return Story(f"{said}.", words, authority, lock)
