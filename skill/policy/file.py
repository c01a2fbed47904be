"""Reading the remedy policy file: YAML, every mistake named with its line.

The file is YAML so business owners can read and change it; every mistake is reported
with the file and line, e.g. ``remedies.yaml, line 38: voucher needs an amount``.
:func:`skill.policy.load_policy` calls this only when no checked copy of the file is
at hand, so a cold start usually never imports the YAML parser.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from skill.policy import PolicyError
from skill.records.complaints import ProblemType, RemedyKind
from skill.rules.callbacks import Priority
from skill.rules.eligibility import EligibilityRule, Requirement
from skill.rules.grants import SkillCap
from skill.rules.remedies import POLICY_PRIORITIES, ProblemRule, RemedyPolicy, RemedyRule

_Choice = TypeVar("_Choice", RemedyKind, ProblemType, Priority, Requirement)


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, node: Node | None, message: str) -> PolicyError:
        if node is None:
            return PolicyError(f"{self.name}: {message}")
        return PolicyError(f"{self.name}, line {node.start_mark.line + 1}: {message}")

    def mapping(self, node: Node, what: str) -> dict[str, tuple[Node, Node]]:
        """Keys to (key node, value node); unknown and repeated keys are errors later."""
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a list of 'name: value' lines")
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = self.text(key_node, "a name")
            if key in entries:
                raise self.fail(key_node, f"'{key}' appears twice")
            entries[key] = (key_node, value_node)
        return entries

    def text(self, node: Node, what: str) -> str:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            raise self.fail(node, f"expected {what}")
        return str(node.value).strip()

    def amount(self, node: Node, what: str) -> Decimal:
        raw = self.text(node, f"an amount for {what}")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise self.fail(node, f"{what} must be an amount like 10.00, not '{raw}'") from None
        if not value.is_finite() or value < 0:
            raise self.fail(node, f"{what} must be zero or more, not '{raw}'")
        return value

    def whole(self, node: Node, what: str) -> int:
        raw = self.text(node, f"a whole number for {what}")
        if not raw.isdigit():
            raise self.fail(node, f"{what} must be a whole number of zero or more, not '{raw}'")
        return int(raw)

    def choice(
        self, node: Node, kinds: type[_Choice], what: str, allowed: Iterable[_Choice] = ()
    ) -> _Choice:
        """One of ``kinds`` (or of ``allowed``, when given), else the line's error."""
        known = tuple(allowed) or tuple(kinds)
        raw = self.text(node, what)
        try:
            kind = kinds(raw)
        except ValueError:
            kind = None
        if kind is None or kind not in known:
            names = ", ".join(choice.value for choice in known)
            raise self.fail(node, f"unknown {what} '{raw}' (known: {names})")
        return kind

    def only(self, entries: dict[str, tuple[Node, Node]], known: set[str]) -> None:
        for key, (key_node, _) in entries.items():
            if key not in known:
                raise self.fail(
                    key_node, f"unknown setting '{key}' (known: {', '.join(sorted(known))})"
                )


def parse_policy(text: str, name: str = "remedies.yaml") -> RemedyPolicy:
    """The policy in ``text``, or :class:`PolicyError` naming the line of the first mistake."""
    reader = _Reader(name)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise PolicyError(f"{name}{line}: not valid YAML ({error.problem})") from None
    if root is None:
        raise reader.fail(None, "the file is empty")
    top = reader.mapping(root, "the policy")
    reader.only(
        top, {"skill_limit", "complaints_per_order", "skill_cap", "due_in_days", "problems"}
    )
    for required in ("skill_limit", "complaints_per_order", "due_in_days", "problems"):
        if required not in top:
            raise reader.fail(root, f"'{required}' is missing")
    limit = reader.amount(top["skill_limit"][1], "skill_limit")
    per_order = reader.whole(top["complaints_per_order"][1], "complaints_per_order")
    cap = _skill_cap(reader, *top["skill_cap"], limit) if "skill_cap" in top else None
    due_in_days = {
        reader.choice(key, RemedyKind, "remedy"): reader.whole(value, f"due_in_days of {name_}")
        for name_, (key, value) in reader.mapping(top["due_in_days"][1], "due_in_days").items()
    }
    problems_key, problems_node = top["problems"]
    problems: dict[ProblemType, ProblemRule] = {}
    for _, (key, value) in reader.mapping(problems_node, "problems").items():
        problem = reader.choice(key, ProblemType, "problem type")
        problems[problem] = _problem(reader, value, problem, due_in_days)
    missing = [problem.value for problem in ProblemType if problem not in problems]
    if missing:
        raise reader.fail(problems_key, f"no rule for problem type {', '.join(missing)}")
    return RemedyPolicy(
        skill_limit=limit,
        complaints_per_order=per_order,
        due_in_days=due_in_days,
        problems=problems,
        skill_cap=cap,
    )


def _skill_cap(reader: _Reader, key: Node, node: Node, skill_limit: Decimal) -> SkillCap:
    """``remedies``, ``amount`` and ``days``, all three; a cap below the skill's limit
    would offer remedies that it then refuses, so it is a mistake."""
    entries = reader.mapping(node, "skill_cap")
    reader.only(entries, {"remedies", "amount", "days"})
    for required in ("remedies", "amount", "days"):
        if required not in entries:
            raise reader.fail(key, f"skill_cap needs '{required}'")
    cap = SkillCap(
        remedies=reader.whole(entries["remedies"][1], "skill_cap remedies"),
        amount=reader.amount(entries["amount"][1], "skill_cap amount"),
        days=reader.whole(entries["days"][1], "skill_cap days"),
    )
    if cap.remedies < 1 or cap.days < 1:
        raise reader.fail(key, "skill_cap needs at least 1 remedy and 1 day")
    if cap.amount < skill_limit:
        raise reader.fail(
            entries["amount"][1],
            f"skill_cap amount {cap.amount} is below skill_limit {skill_limit}: a remedy "
            "between them would be offered and then refused",
        )
    return cap


def _problem(
    reader: _Reader, node: Node, problem: ProblemType, due_in_days: dict[RemedyKind, int]
) -> ProblemRule:
    entries = reader.mapping(node, f"the rule for {problem.value}")
    reader.only(entries, {"remedies", "priority", "when", "within_days", "grace_days"})
    if "remedies" not in entries:
        raise reader.fail(node, f"{problem.value} needs 'remedies' (an empty list [] is fine)")
    remedies_node = entries["remedies"][1]
    if not isinstance(remedies_node, SequenceNode):
        raise reader.fail(remedies_node, "remedies must be a list, e.g. [replacement, refund]")
    remedies: list[RemedyRule] = []
    for item in remedies_node.value:
        rule = _remedy(reader, item)
        if rule.kind not in due_in_days:
            raise reader.fail(item, f"due_in_days has no entry for {rule.kind.value}")
        if any(existing.kind is rule.kind for existing in remedies):
            raise reader.fail(item, f"{rule.kind.value} is listed twice for {problem.value}")
        remedies.append(rule)
    priority = Priority.NORMAL
    if "priority" in entries:
        priority = reader.choice(entries["priority"][1], Priority, "priority", POLICY_PRIORITIES)
    return ProblemRule(
        remedies=tuple(remedies), priority=priority, eligible=_eligibility(reader, entries, node)
    )


def _eligibility(
    reader: _Reader, entries: dict[str, tuple[Node, Node]], node: Node
) -> EligibilityRule:
    """``when:`` and its days; a day count that does not fit ``when`` is a mistake."""
    when = Requirement.ANY
    if "when" in entries:
        when = reader.choice(entries["when"][1], Requirement, "'when'")
    within: int | None = None
    if "within_days" in entries:
        key, value = entries["within_days"]
        if when is not Requirement.DELIVERED:
            raise reader.fail(key, "within_days goes with 'when: delivered'")
        within = reader.whole(value, "within_days")
    grace = 0
    if "grace_days" in entries:
        key, value = entries["grace_days"]
        if when is not Requirement.OVERDUE:
            raise reader.fail(key, "grace_days goes with 'when: overdue'")
        grace = reader.whole(value, "grace_days")
    return EligibilityRule(when=when, within_days=within, grace_days=grace)


def _remedy(reader: _Reader, node: Node) -> RemedyRule:
    if isinstance(node, MappingNode):
        entries = reader.mapping(node, "a remedy")
        if len(entries) != 1:
            raise reader.fail(node, "write one remedy per line, e.g. 'voucher: 10.00'")
        ((key, value),) = entries.values()
        kind = reader.choice(key, RemedyKind, "remedy")
        if kind is not RemedyKind.VOUCHER:
            raise reader.fail(
                key, f"{kind.value} takes its amount from the order; write just '{kind.value}'"
            )
        return RemedyRule(kind, reader.amount(value, "voucher"))
    kind = reader.choice(node, RemedyKind, "remedy")
    if kind is RemedyKind.VOUCHER:
        raise reader.fail(node, "voucher needs an amount, e.g. 'voucher: 10.00'")
    return RemedyRule(kind)
