"""The remedy policy the skill runs with: read from its file and checked once at start.

A mistake in the file stops the skill from starting rather than surprising a customer
later (:mod:`skill.policy.file` reads the YAML and names the line). Reading YAML costs
a cold start about 20 ms, the parser's import and the parse, so the checked policy is
also kept as JSON beside the file (``policy/__compiled__/remedies.json``) with the
file's hash: the deployment artifact carries it, and a start whose file still has that
hash loads the JSON instead. An edited file is read and checked afresh.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from skill.compiled import COMPILED, write_beside
from skill.config import ConfigurationError
from skill.records.complaints import ProblemType, RemedyKind
from skill.rules.callbacks import Priority
from skill.rules.eligibility import EligibilityRule, Requirement
from skill.rules.grants import SkillCap
from skill.rules.remedies import ProblemRule, RemedyPolicy, RemedyRule

# Raised whenever the JSON's layout changes, so an older copy is never misread.
FORMAT = 3


class PolicyError(ConfigurationError):
    """The policy file cannot be used; the message names the file and line."""


def load_policy(path: Path) -> RemedyPolicy:
    """The checked policy of the file at ``path``."""
    data = _read(path)
    digest = hashlib.sha256(data).hexdigest()
    compiled = compiled_path(path)
    policy = _from_compiled(compiled, digest)
    if policy is None:
        policy = read_policy(data, path.name)
        write_beside(compiled.parent, compiled.name, compiled_policy(policy, digest).encode())
    return policy


def checked_copy(path: Path) -> bytes:
    """The JSON copy of the file at ``path``, made afresh: the package build's; a
    broken file raises :class:`PolicyError` there, before anything is deployed."""
    data = _read(path)
    return compiled_policy(read_policy(data, path.name), hashlib.sha256(data).hexdigest()).encode()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise PolicyError(f"cannot read the remedy policy {path.name}: {error.strerror}") from None


def read_policy(data: bytes, name: str) -> RemedyPolicy:
    """Parse and check the file's bytes (the YAML parser is imported only here).

    The deployment package carries no YAML parser, only the checked copy: there, a file
    that does not match its copy is a :class:`PolicyError` naming the cause.
    """
    try:
        from skill.policy.file import parse_policy
    except ModuleNotFoundError as missing:
        if missing.name != "yaml":
            raise
        raise PolicyError(
            f"{name}: its checked copy ({COMPILED}/) is missing or older than the file, "
            "and PyYAML, which reads the file, is not installed here (the deployment "
            "package carries only the copy: build the package again)"
        ) from None

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{name}: not UTF-8 text") from None
    return parse_policy(text, name)


def compiled_path(path: Path) -> Path:
    return path.parent / COMPILED / f"{path.stem}.json"


def compiled_policy(policy: RemedyPolicy, source_sha256: str) -> str:
    """The checked policy as JSON, tied to the hash of the file it came from."""
    document = {
        "format": FORMAT,
        "source_sha256": source_sha256,
        "skill_limit": str(policy.skill_limit),
        "complaints_per_order": policy.complaints_per_order,
        "skill_cap": _cap(policy.skill_cap),
        "due_in_days": {kind.value: days for kind, days in policy.due_in_days.items()},
        "problems": {
            problem.value: {
                "priority": rule.priority.value,
                "when": rule.eligible.when.value,
                "within_days": rule.eligible.within_days,
                "grace_days": rule.eligible.grace_days,
                "remedies": [
                    {"kind": remedy.kind.value, "amount": _text(remedy.amount)}
                    for remedy in rule.remedies
                ],
            }
            for problem, rule in policy.problems.items()
        },
    }
    return json.dumps(document, indent=1) + "\n"


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _cap(cap: SkillCap | None) -> dict[str, Any] | None:
    if cap is None:
        return None
    return {"remedies": cap.remedies, "amount": str(cap.amount), "days": cap.days}


def _cap_from(document: dict[str, Any] | None) -> SkillCap | None:
    if document is None:
        return None
    return SkillCap(
        remedies=int(document["remedies"]),
        amount=Decimal(document["amount"]),
        days=int(document["days"]),
    )


def _from_compiled(path: Path, source_sha256: str) -> RemedyPolicy | None:
    """The policy kept at ``path`` if it was made from this very file, else None."""
    try:
        document: dict[str, Any] = json.loads(path.read_bytes())
        if document["format"] != FORMAT or document["source_sha256"] != source_sha256:
            return None
        problems = {
            ProblemType(problem): ProblemRule(
                remedies=tuple(
                    RemedyRule(
                        RemedyKind(remedy["kind"]),
                        None if remedy["amount"] is None else Decimal(remedy["amount"]),
                    )
                    for remedy in rule["remedies"]
                ),
                priority=Priority(rule["priority"]),
                eligible=EligibilityRule(
                    when=Requirement(rule["when"]),
                    within_days=None if rule["within_days"] is None else int(rule["within_days"]),
                    grace_days=int(rule["grace_days"]),
                ),
            )
            for problem, rule in document["problems"].items()
        }
        policy = RemedyPolicy(
            skill_limit=Decimal(document["skill_limit"]),
            complaints_per_order=int(document["complaints_per_order"]),
            skill_cap=_cap_from(document["skill_cap"]),
            due_in_days={
                RemedyKind(kind): int(days) for kind, days in document["due_in_days"].items()
            },
            problems=problems,
        )
    except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
        return None  # missing or unusable: the file itself is read
    # A problem type added to the code since: the file must be checked again.
    return policy if set(problems) == set(ProblemType) else None
