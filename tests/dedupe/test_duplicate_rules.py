"""Duplicate rules: allow, alert or block on create and on edit."""

from __future__ import annotations

import pytest

from leadkit.dedupe import (
    CONTACT_RULE,
    DEFAULT_LEAD_DUPLICATE_RULES,
    LEAD_RULE,
    LEAD_VS_CONTACT_RULE,
    DuplicateAction,
    DuplicateBlockedError,
    DuplicateRule,
    DuplicateRuleSet,
    MatchIndex,
    Operation,
    check_duplicates,
)
from leadkit.errors import LeadkitError, ValidationError, format_path
from tests.dedupe._helpers import contact, lead

EXISTING = [
    lead("lead-1", "Sato", "Taro", company="ABC Inc.", email="taro@abc.jp"),
    lead("lead-2", "Ito", "Ken", company="XYZ"),
]
CONTACTS = [contact("contact-1", "acc-1", "Suzuki", "Ichiro", email="ichiro@def.jp")]


def indexes() -> dict[str, MatchIndex]:
    return {
        "leads": MatchIndex(EXISTING, LEAD_RULE),
        "contacts": MatchIndex(CONTACTS, LEAD_VS_CONTACT_RULE, account_names={"acc-1": "DEF"}),
    }


def rules(on_create: str, on_edit: str = "alert") -> DuplicateRuleSet:
    return DuplicateRuleSet(
        [
            DuplicateRule(
                "leads", LEAD_RULE, against="leads", on_create=on_create, on_edit=on_edit
            ),
        ]
    )


def test_no_match_allows_silently() -> None:
    check = check_duplicates(lead("new", "Kato"), rules("block"), indexes())
    assert check.action is DuplicateAction.ALLOW
    assert (check.findings, check.alerts, check.blocked) == ((), (), False)
    assert str(check) == "new (create): no duplicates"


def test_alert_returns_the_matches() -> None:
    new = lead("new", "SATO", "T.", company="ABC株式会社")
    check = check_duplicates(new, rules("alert"), indexes())
    assert check.action is DuplicateAction.ALERT
    assert [(m.left, m.right) for m in check.alerts] == [("new", "lead-1")]
    assert check.matches == check.alerts
    assert "rule 'leads' (alert): lead-1" in str(check)


def test_block_raises_a_leadkit_error_carrying_the_matches() -> None:
    new = lead("new", "Kato", company="Other", email="TARO@abc.jp")
    with pytest.raises(DuplicateBlockedError) as caught:
        check_duplicates(new, rules("block"), indexes())
    error = caught.value
    assert isinstance(error, LeadkitError)
    assert error.code == "duplicate_blocked"
    assert [m.right for m in error.matches] == ["lead-1"]
    assert error.check.blocked
    assert "rule 'leads' matched lead-1" in str(error)


def test_allow_does_not_even_check() -> None:
    new = lead("new", "Kato", email="taro@abc.jp")
    assert check_duplicates(new, rules("allow"), {}).findings == ()


def test_create_and_edit_have_their_own_actions() -> None:
    edited = lead("lead-2", "Sato", "Taro", company="ABC", email="taro@abc.jp")
    rule_set = rules(on_create="block", on_edit="alert")
    check = check_duplicates(edited, rule_set, indexes(), operation="edit")
    assert check.operation is Operation.EDIT
    # lead-2's old version is in the index but a record is never its own duplicate.
    assert [m.right for m in check.alerts] == ["lead-1"]
    with pytest.raises(DuplicateBlockedError):
        check_duplicates(edited, rule_set, indexes(), operation=Operation.CREATE)


def test_the_strictest_action_wins_and_every_finding_is_kept() -> None:
    rule_set = DuplicateRuleSet(
        [
            DuplicateRule("leads", LEAD_RULE, against="leads", on_create=DuplicateAction.ALERT),
            DuplicateRule("contacts", LEAD_VS_CONTACT_RULE, against="contacts", on_create="block"),
        ]
    )
    both = lead("new", "Suzuki", "Ichiro", company="DEF", email="ichiro@def.jp")
    alone = lead("new2", "Sato", "Taro", company="ABC", email="taro@abc.jp")
    with pytest.raises(DuplicateBlockedError) as caught:
        check_duplicates(both, rule_set, indexes())
    assert [m.right for m in caught.value.matches] == ["contact-1"]
    assert check_duplicates(alone, rule_set, indexes()).action is DuplicateAction.ALERT


def test_default_lead_rules_alert_about_leads_and_contacts() -> None:
    new = lead("new", "Suzuki", "I.", company="DEF Co., Ltd.")
    check = check_duplicates(new, DEFAULT_LEAD_DUPLICATE_RULES, indexes())
    assert [(f.rule, [m.right for m in f.matches]) for f in check.findings] == [
        ("Leads that are already contacts", ["contact-1"])
    ]
    assert check.action is DuplicateAction.ALERT


def test_inactive_rules_are_skipped() -> None:
    rule_set = DuplicateRuleSet(
        [DuplicateRule("leads", LEAD_RULE, against="leads", on_create="block", active=False)]
    )
    new = lead("new", "Kato", email="taro@abc.jp")
    assert check_duplicates(new, rule_set, indexes()).findings == ()


def test_a_missing_or_mismatched_index_is_an_error_naming_the_rule() -> None:
    new = lead("new", "Kato")
    with pytest.raises(ValidationError, match="no index of that name") as caught:
        check_duplicates(new, rules("alert"), {"contacts": indexes()["contacts"]})
    assert format_path(caught.value.path) == "rules[0].against"
    wrong = {"leads": MatchIndex(EXISTING, LEAD_VS_CONTACT_RULE)}
    with pytest.raises(ValidationError, match="built with rule") as caught:
        check_duplicates(new, rules("alert"), wrong)
    assert format_path(caught.value.path) == "rules[0].matching_rule"


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: DuplicateRule("", LEAD_RULE, against="leads"), "DuplicateRule.name"),
        (
            lambda: DuplicateRule("r", "LEAD_RULE", against="leads"),  # type: ignore[arg-type]
            "DuplicateRule.matching_rule",
        ),
        (lambda: DuplicateRule("r", LEAD_RULE, against=""), "DuplicateRule.against"),
        (
            lambda: DuplicateRule("r", LEAD_RULE, against="x", on_edit="warn"),
            "DuplicateRule.action",
        ),
        (
            lambda: DuplicateRule("r", LEAD_RULE, against="x", active=1),  # type: ignore[arg-type]
            "DuplicateRule.active",
        ),
        (lambda: DuplicateRuleSet(["r"]), "DuplicateRuleSet.rules[0]"),
        (
            lambda: DuplicateRuleSet(
                [
                    DuplicateRule("r", LEAD_RULE, against="leads"),
                    DuplicateRule("r", CONTACT_RULE, against="contacts"),
                ]
            ),
            "DuplicateRuleSet.rules[1].name",
        ),
    ],
)
def test_bad_duplicate_rules_name_the_path(build: object, path: str) -> None:
    assert callable(build)
    with pytest.raises(ValidationError) as caught:
        build()
    assert format_path(caught.value.path) == path


def test_a_bad_operation_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        check_duplicates(lead("n", "Kato"), rules("alert"), indexes(), operation="delete")
    assert format_path(caught.value.path) == "operation"
