"""The remedy policy file: the shipped one is valid, every mistake names its line, and
its checked copy is used only while the file is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from skill.app import build_skill
from skill.config import ConfigurationError, Settings
from skill.devtools.demo.data import ALEX
from skill.policy import PolicyError, compiled_path, load_policy
from skill.policy import file as policy_file_module
from skill.policy.file import parse_policy
from skill.records.complaints import ProblemType, RemedyKind
from skill.rules.callbacks import Priority
from skill.rules.eligibility import EligibilityRule, Requirement
from skill.rules.grants import SkillCap
from skill.rules.remedies import RemedyRule
from skill.web import create_app
from tests.alexa import Conversation

VALID = """\
skill_limit: 50
complaints_per_order: 1
due_in_days:
  refund: 3
  replacement: 1
  shipping_refund: 3
  voucher: 0
problems:
  late:
    remedies:
      - shipping_refund
      - voucher: 5.50
  damaged:
    remedies: [replacement, refund]
  wrong_item:
    remedies: [replacement]
  missing:
    remedies: [refund]
  billing:
    remedies: []
    priority: high
  service:
    remedies: []
  other:
    remedies: []
"""


def test_the_shipped_policy_is_valid_and_says_what_the_issue_asks() -> None:
    policy = load_policy(Settings().remedy_policy)
    assert policy.skill_limit == Decimal("100.00")
    assert policy.complaints_per_order == 1
    assert policy.skill_cap == SkillCap(remedies=2, amount=Decimal("150.00"), days=90)
    assert set(policy.problems) == set(ProblemType)
    late = policy.problems[ProblemType.LATE].remedies
    assert late == (
        RemedyRule(RemedyKind.SHIPPING_REFUND),
        RemedyRule(RemedyKind.VOUCHER, Decimal("10.00")),
    )
    for problem in (ProblemType.DAMAGED, ProblemType.WRONG_ITEM, ProblemType.MISSING):
        kinds = {rule.kind for rule in policy.problems[problem].remedies}
        assert kinds == {RemedyKind.REPLACEMENT, RemedyKind.REFUND}
    # Money only where the order qualifies.
    assert policy.problems[ProblemType.LATE].eligible == EligibilityRule(Requirement.LATE)
    for problem in (ProblemType.DAMAGED, ProblemType.WRONG_ITEM):
        assert policy.problems[problem].eligible == EligibilityRule(
            Requirement.DELIVERED, within_days=30
        )
    assert policy.problems[ProblemType.MISSING].eligible == EligibilityRule(
        Requirement.OVERDUE, grace_days=2
    )


def test_eligibility_is_read_as_written_and_defaults_to_every_order() -> None:
    text = VALID.replace(
        "  damaged:\n    remedies: [replacement, refund]\n",
        "  damaged:\n    remedies: [replacement, refund]\n    when: delivered\n"
        "    within_days: 14\n",
    ).replace(
        "  missing:\n    remedies: [refund]\n",
        "  missing:\n    remedies: [refund]\n    when: overdue\n    grace_days: 3\n",
    )
    policy = parse_policy(text)
    assert policy.problems[ProblemType.DAMAGED].eligible == EligibilityRule(
        Requirement.DELIVERED, within_days=14
    )
    assert policy.problems[ProblemType.MISSING].eligible == EligibilityRule(
        Requirement.OVERDUE, grace_days=3
    )
    assert policy.problems[ProblemType.LATE].eligible == EligibilityRule(Requirement.ANY)


def test_a_valid_policy_is_read_as_written() -> None:
    policy = parse_policy(VALID)
    assert policy.skill_limit == Decimal("50")
    assert policy.problems[ProblemType.LATE].remedies[1] == RemedyRule(
        RemedyKind.VOUCHER, Decimal("5.50")
    )
    assert policy.problems[ProblemType.BILLING].priority is Priority.HIGH
    assert policy.problems[ProblemType.SERVICE].priority is Priority.NORMAL
    assert policy.due_in_days[RemedyKind.REPLACEMENT] == 1
    assert policy.skill_cap is None  # no cap unless the file sets one


CAP = "complaints_per_order: 1\nskill_cap:\n  remedies: 2\n  amount: 60.00\n  days: 90\n"


def test_the_skills_cap_per_customer_is_read_as_written() -> None:
    policy = parse_policy(VALID.replace("complaints_per_order: 1\n", CAP))
    assert policy.skill_cap == SkillCap(remedies=2, amount=Decimal("60.00"), days=90)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  remedies: 2\n", "", "line 3: skill_cap needs 'remedies'"),
        ("  days: 90\n", "  days: 90\n  weeks: 2\n", "line 7: unknown setting 'weeks'"),
        ("  days: 90", "  days: ninety", "line 6: skill_cap days must be a whole number"),
        ("  remedies: 2", "  remedies: 0", "line 3: skill_cap needs at least 1 remedy and 1 day"),
        (
            "  amount: 60.00",
            "  amount: 30.00",
            "line 5: skill_cap amount 30.00 is below skill_limit 50: a remedy between them "
            "would be offered and then refused",
        ),
        (CAP[24:], "skill_cap: 3\n", "line 3: skill_cap must be a list of 'name: value' lines"),
    ],
)
def test_a_mistake_in_the_cap_names_its_line(old: str, new: str, message: str) -> None:
    text = VALID.replace("complaints_per_order: 1\n", CAP.replace(old, new, 1))
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "remedies.yaml")
    assert message in str(raised.value)


def test_the_checked_copy_keeps_the_cap(policy_file: Path) -> None:
    policy_file.write_text(VALID.replace("complaints_per_order: 1\n", CAP), encoding="utf-8")
    first = load_policy(policy_file)
    assert load_policy(policy_file) == first
    assert first.skill_cap == SkillCap(remedies=2, amount=Decimal("60.00"), days=90)


def broken(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            broken("skill_limit: 50", "skill_limit: fifty"),
            "line 1: skill_limit must be an amount like 10.00, not 'fifty'",
        ),
        (
            broken("skill_limit: 50", "skill_limit: -5"),
            "line 1: skill_limit must be zero or more, not '-5'",
        ),
        (
            broken("complaints_per_order: 1", "complaints_per_order: 1.5"),
            "line 2: complaints_per_order must be a whole number",
        ),
        (
            broken("  voucher: 0\n", "  voucher: 0\n  coupon: 2\n"),
            "line 8: unknown remedy 'coupon' (known: refund, replacement, shipping_refund, voucher)",
        ),
        (
            broken("      - voucher: 5.50", "      - voucher"),
            "line 12: voucher needs an amount, e.g. 'voucher: 10.00'",
        ),
        (
            broken("      - voucher: 5.50", "      - voucher: lots"),
            "line 12: voucher must be an amount like 10.00, not 'lots'",
        ),
        (
            broken("      - shipping_refund", "      - refund: 4"),
            "line 11: refund takes its amount from the order",
        ),
        (
            broken("    remedies: [replacement, refund]", "    remedies: [replacement, cake]"),
            "line 14: unknown remedy 'cake'",
        ),
        (
            broken("    remedies: [replacement, refund]", "    remedies: [refund, refund]"),
            "line 14: refund is listed twice for damaged",
        ),
        (
            broken("    remedies: [replacement]", "    remedies: replacement"),
            "line 16: remedies must be a list",
        ),
        (
            broken("    priority: high", "    priority: urgent"),
            "line 21: unknown priority 'urgent' (known: normal, high)",
        ),
        (
            broken("  other:\n    remedies: []\n", "  othr:\n    remedies: []\n"),
            "line 24: unknown problem type 'othr'",
        ),
        (broken("  other:\n    remedies: []\n", ""), "line 8: no rule for problem type other"),
        (
            broken("  service:\n    remedies: []\n", "  service:\n    remdies: []\n"),
            "line 23: unknown setting 'remdies'",
        ),
        (broken("  refund: 3\n", ""), "line 13: due_in_days has no entry for refund"),
        (broken("complaints_per_order: 1\n", ""), "line 1: 'complaints_per_order' is missing"),
        (
            broken("complaints_per_order: 1\n", "complaints_per_order: 1\nskill_limit: 5\n"),
            "line 3: 'skill_limit' appears twice",
        ),
        (broken("  damaged:\n", "  damaged\n"), "line 14: not valid YAML"),
        (
            broken(
                "    remedies: [replacement]\n", "    remedies: [replacement]\n    when: soon\n"
            ),
            "line 17: unknown 'when' 'soon' (known: any, late, delivered, overdue)",
        ),
        (
            broken(
                "    remedies: [replacement]\n", "    remedies: [replacement]\n    within_days: 3\n"
            ),
            "line 17: within_days goes with 'when: delivered'",
        ),
        (
            broken(
                "    remedies: [refund]\n",
                "    remedies: [refund]\n    when: overdue\n    grace_days: two\n",
            ),
            "line 20: grace_days must be a whole number",
        ),
        ("", "the file is empty"),
    ],
)
def test_a_mistake_names_the_line(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "remedies.yaml")
    assert str(raised.value).startswith("remedies.yaml"), raised.value
    assert message in str(raised.value)


def test_an_invalid_policy_file_stops_an_eager_start(
    tmp_path: Path, settings: Settings, stores: Any
) -> None:
    path = tmp_path / "remedies.yaml"
    path.write_text(broken("      - voucher: 5.50", "      - voucher: -1"), encoding="utf-8")
    with pytest.raises(
        ConfigurationError, match=r"remedies\.yaml, line 12: voucher must be zero or more"
    ):
        build_skill(settings.with_changes(remedy_policy=path), stores, eager=True)


def test_a_lazy_start_reads_the_policy_at_the_first_complaint(
    tmp_path: Path, settings: Settings, demo_stores: Any, clock: Any
) -> None:
    """Without SnapStart the Lambda reads the policy when a complaint needs it: a broken
    file (which `make package` refuses) then costs that complaint an apology, and the
    skill still answers everything else."""
    path = tmp_path / "remedies.yaml"
    path.write_text(broken("      - voucher: 5.50", "      - voucher: -1"), encoding="utf-8")
    skill = build_skill(settings.with_changes(remedy_policy=path), demo_stores, clock=clock)
    app = create_app(skill, verifier=None)
    conversation = Conversation(app.test_client(), token="demo-alex")
    before = demo_stores.complaints.history(ALEX.customer_id)
    assert "Alex" in conversation.launch().speech
    reply = conversation.say("ComplaintIntent", problemType="late", orderNumber="1003")
    assert reply.speech.startswith("I'm sorry, something went wrong on my side")
    assert demo_stores.complaints.history(ALEX.customer_id) == before
    assert "1003" in conversation.say("OrderStatusIntent").speech


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"cannot read the remedy policy nowhere\.yaml"):
        load_policy(tmp_path / "nowhere.yaml")


def test_the_policy_path_comes_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    assert Settings.from_env({"REMEDY_POLICY": str(path)}).remedy_policy == path
    assert Settings.from_env({}).remedy_policy == Settings().remedy_policy


# The checked copy beside the file: used while the file is unchanged, never after.


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "remedies.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files the YAML reader parsed."""
    parsed: list[str] = []

    def counting(text: str, name: str = "remedies.yaml") -> Any:
        parsed.append(name)
        return parse_policy(text, name)

    monkeypatch.setattr(policy_file_module, "parse_policy", counting)
    return parsed


def test_an_unchanged_file_is_loaded_from_its_checked_copy(
    policy_file: Path, parses: list[str]
) -> None:
    first = load_policy(policy_file)
    assert compiled_path(policy_file).exists()

    again = load_policy(policy_file)

    assert again == first == parse_policy(VALID)
    assert parses == ["remedies.yaml"]  # once, for the first load


def test_an_edited_file_is_read_and_checked_afresh(policy_file: Path, parses: list[str]) -> None:
    load_policy(policy_file)
    policy_file.write_text(VALID.replace("skill_limit: 50", "skill_limit: 20"), encoding="utf-8")
    assert load_policy(policy_file).skill_limit == Decimal(20)

    policy_file.write_text(VALID.replace("voucher: 5.50", "voucher: -1"), encoding="utf-8")
    with pytest.raises(PolicyError, match="line 12: voucher must be zero or more"):
        load_policy(policy_file)
    assert len(parses) == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: text.replace('"format": 3', '"format": 99'),  # another layout
        lambda text: text.replace('"late"', '"weather"'),  # a problem type the code lacks
        lambda text: text.replace('"late"', '"missing"'),  # no rule left for late
    ],
    ids=["cut short", "other format", "unknown problem", "problem missing"],
)
def test_an_unusable_copy_only_costs_a_parse(
    policy_file: Path, parses: list[str], damage: Callable[[str], str]
) -> None:
    expected = load_policy(policy_file)
    copy = compiled_path(policy_file)
    copy.write_text(damage(copy.read_text(encoding="utf-8")), encoding="utf-8")

    assert load_policy(policy_file) == expected
    assert len(parses) == 2
