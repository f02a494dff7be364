"""Matching rules: building them, combining criteria by logic or score, and explanations."""

from __future__ import annotations

import pickle
import subprocess
import sys

import attrs
import pytest

from leadkit.dedupe import (
    ACCOUNT_RULE,
    CONTACT_RULE,
    LEAD_RULE,
    Block,
    CompanyMatch,
    EmailMatch,
    ExactMatch,
    FuzzyMatch,
    MatchingRule,
    NameMatch,
    PhoneMatch,
)
from leadkit.errors import ValidationError, format_path
from leadkit.rules import FilterLogicError
from tests.dedupe._helpers import Address, account, contact, lead

# -- building -------------------------------------------------------------------------------------


def test_logic_must_use_every_criterion() -> None:
    with pytest.raises(FilterLogicError) as caught:
        MatchingRule("r", [EmailMatch(), PhoneMatch()], logic="1")
    assert format_path(caught.value.path) == "MatchingRule.logic"


def test_logic_and_threshold_exclude_each_other() -> None:
    with pytest.raises(ValidationError) as caught:
        MatchingRule("r", [EmailMatch()], logic="1", threshold=1.0)
    assert format_path(caught.value.path) == "MatchingRule.threshold"


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"name": "", "criteria": [EmailMatch()]}, "MatchingRule.name"),
        ({"name": "r", "criteria": []}, "MatchingRule.criteria"),
        ({"name": "r", "criteria": "email"}, "MatchingRule.criteria"),
        ({"name": "r", "criteria": [EmailMatch()], "threshold": "high"}, "MatchingRule.threshold"),
        (
            {"name": "r", "criteria": [EmailMatch()], "threshold": float("inf")},
            "MatchingRule.threshold",
        ),
        (
            {"name": "r", "criteria": [EmailMatch()], "blocking": ["email"]},
            "MatchingRule.blocking[0]",
        ),
    ],
)
def test_bad_rules_name_the_offending_path(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        MatchingRule(**kwargs)  # type: ignore[arg-type]
    assert format_path(caught.value.path) == path


def test_bad_block_parts_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Block()
    assert format_path(caught.value.path) == "Block.parts"
    with pytest.raises(ValidationError) as caught:
        Block("email", 3)  # type: ignore[arg-type]
    assert format_path(caught.value.path) == "Block.parts[1]"
    with pytest.raises(ValidationError):
        Block("company:0")


def test_rules_are_values() -> None:
    again = MatchingRule("r", [EmailMatch(), PhoneMatch()], logic="1 OR 2")
    assert again == MatchingRule("r", [EmailMatch(), PhoneMatch()], logic="1 OR 2")
    assert again != MatchingRule("r", [EmailMatch(), PhoneMatch()], logic="1 AND 2")
    assert attrs.evolve(again, name="s").logic_tree == again.logic_tree
    assert hash(again) == hash(MatchingRule("r", [EmailMatch(), PhoneMatch()], logic="1 OR 2"))


# -- combining by logic ---------------------------------------------------------------------------


def test_without_logic_every_criterion_must_hold() -> None:
    rule = MatchingRule("both", [EmailMatch(), PhoneMatch()])
    a = lead("a", "Sato", email="s@abc.jp", phone="03-1111-2222")
    assert rule.compare(a, lead("b", "Sato", email="s@abc.jp", phone="0311112222")).matched
    assert not rule.compare(a, lead("c", "Sato", email="s@abc.jp", phone="03-9999-2222")).matched
    assert rule.combined_by == "1 AND 2"


def test_logic_with_not() -> None:
    # Same family name but NOT the same given name: perhaps relatives at one company.
    rule = MatchingRule(
        "relatives", [NameMatch(part="family"), NameMatch(part="given")], logic="1 AND NOT 2"
    )
    assert rule.compare(lead("a", "Sato", "Taro"), lead("b", "Sato", "Hanako")).matched
    assert not rule.compare(lead("a", "Sato", "Taro"), lead("b", "Sato", "Taro")).matched


def test_logic_score_is_the_mean_similarity_of_compared_criteria() -> None:
    rule = MatchingRule(
        "r", [NameMatch(part="family"), FuzzyMatch("title"), EmailMatch()], logic="1 OR 2 OR 3"
    )
    a = lead("a", "Smith", title="CEO")
    b = lead("b", "Smyth", title="CEO")
    pair = rule.compare(a, b)
    family = pair.evidence[0].similarity
    assert family is not None
    # E-mail is blank on both sides and not compared; title scores 1.0.
    assert pair.score == pytest.approx((family + 1.0) / 2)


# -- combining by score ----------------------------------------------------------------------------


SCORED = MatchingRule(
    "scored",
    [
        EmailMatch(weight=5, penalty=2),
        NameMatch(weight=2, penalty=1),
        CompanyMatch(weight=2, penalty=1),
        PhoneMatch(weight=1),
    ],
    threshold=4,
)


def test_score_adds_weight_times_similarity_and_subtracts_penalties() -> None:
    a = lead("a", "Sato", "Taro", company="ABC", email="taro@abc.jp", phone="03-1111-2222")
    b = lead("b", "Sato", "Taro", company="XYZ", email="taro@abc.jp")
    pair = SCORED.compare(a, b)
    # email +5, name +2, company -1, phone blank 0.
    assert pair.score == pytest.approx(6.0)
    assert pair.matched
    assert [item.points for item in pair.evidence] == [5.0, 2.0, -1.0, 0.0]


def test_score_below_the_threshold_is_no_match() -> None:
    a = lead("a", "Sato", "Taro", company="ABC", email="taro@abc.jp")
    b = lead("b", "Sato", "Taro", company="ABC", email="sato@abc.jp")
    pair = SCORED.compare(a, b)
    assert pair.score == pytest.approx(-2 + 2 + 2)
    assert not pair.matched
    assert pair.combined_by == "score ≥ 4"


def test_partial_similarity_scales_the_weight() -> None:
    rule = MatchingRule("fuzzy", [NameMatch(part="family", threshold=0.8, weight=10)], threshold=9)
    pair = rule.compare(lead("a", "Smith"), lead("b", "Smyth"))
    similarity = pair.evidence[0].similarity
    assert similarity is not None
    assert 0.8 < similarity < 0.9
    assert pair.score == pytest.approx(10 * similarity)
    assert not pair.matched


# -- explanations --------------------------------------------------------------------------------


def test_evidence_lists_each_criterion_with_both_values_method_and_result() -> None:
    a = lead("a", "山田", "太郎", company="株式会社ABC", phone="03-1234-5678")
    b = lead("b", "山田", "太郎", company="ＡＢＣ（株）", phone="+81 3 1234 5678")
    pair = LEAD_RULE.compare(a, b)
    assert pair.matched
    assert pair.held == (2, 3, 4, 5, 7, 8, 9)
    assert pair.evidence[2].method == "strict(given)"
    assert pair.evidence[8].method == "strict+guessed(given)"
    company = pair.evidence[3]
    assert (company.field, company.method) == ("company", "company_key")
    assert (company.left, company.right, company.similarity) == ("株式会社ABC", "ＡＢＣ（株）", 1.0)
    text = str(pair)
    assert text.splitlines()[0] == (
        "a ~ b: match, score 1.000 (rule 'Standard lead':"
        " 1 OR (2 AND 3 AND 4 AND 7) OR (2 AND 3 AND 5) OR (2 AND 3 AND 6)"
        " OR (8 AND 9 AND (5 OR 6)))"
    )
    assert "✗ 1. email by email: (blank) vs (blank) → both blank" in text
    assert (
        "✓ 4. company by company_key: '株式会社ABC' vs 'ＡＢＣ（株）' → 1.000 (needs 1.00)" in text
    )


def test_score_evidence_shows_points() -> None:
    a = lead("a", "Sato", "Taro", company="ABC", email="taro@abc.jp")
    line = str(SCORED.compare(a, a).evidence[0])
    assert (
        line == "✓ 1. email by email: 'taro@abc.jp' vs 'taro@abc.jp' → 1.000 (needs 1.00) [+5.00]"
    )


def test_evidence_is_a_sequence_equal_to_a_tuple_and_pickles() -> None:
    a = lead("a", "Sato", "Taro", email="taro@abc.jp")
    pair = LEAD_RULE.compare(a, lead("b", "Sato", "Taro", email="taro@abc.jp"))
    assert pair.evidence == tuple(pair.evidence)
    assert len(pair.evidence) == 9
    assert pair.evidence[0].held
    again = pickle.loads(pickle.dumps(pair))
    assert again == pair
    assert again.evidence == pair.evidence


# -- default rules ----------------------------------------------------------------------------


def test_default_lead_rule_branches() -> None:
    base = lead("a", "Sato", "Taro", company="ABC Inc.", email="taro@abc.jp", phone="03-1111-2222")
    by_email = lead("b", "Suzuki", "Ichiro", company="Other", email="TARO@ABC.JP")
    by_name = lead("c", "SATO", "T.", company="ABC株式会社")
    by_phone = lead("d", "Sato", "Tarou", company="Other", phone="+81-3-1111-2222")
    colleague = lead("e", "Sato", "Hanako", company="Other", phone="03-1111-2222")
    stranger = lead("f", "Sato", "Hanako", company="ABC Inc.")
    assert LEAD_RULE.compare(base, by_email).held == (1, 7)  # 7: contacts consistent
    assert LEAD_RULE.compare(base, by_name).matched
    assert LEAD_RULE.compare(base, by_phone).matched
    # Colleagues share the switchboard number: given names must agree with the phone too.
    assert not LEAD_RULE.compare(base, colleague).matched
    assert not LEAD_RULE.compare(base, stranger).matched  # another given name, same company


def test_default_lead_rule_given_names_agree_by_initial_closeness_or_absence() -> None:
    def same_person(a: str | None, b: str | None) -> bool:
        x = lead("x", "Smith", a, company="Acme Inc.")
        return LEAD_RULE.compare(x, lead("y", "Smith", b, company="ACME")).matched

    assert same_person("Joseph", "J.")
    # Issue 13: strict given names, so a near miss is another person (Takahiro / Takahito),
    # and a typo like this one no longer agrees either.
    assert not same_person("Jonathan", "Jonathon")
    assert not same_person("Kenichi", "Kenichiro")
    assert same_person(None, None)
    assert not same_person("Joseph", "Jason")  # an initial in common is not enough
    assert not same_person("Joseph", None)


def test_default_contact_rule_uses_the_account() -> None:
    a = contact("c1", "acc-1", "Sato", "Taro")
    assert CONTACT_RULE.compare(a, contact("c2", "acc-1", "Sato", "T")).matched
    assert not CONTACT_RULE.compare(a, contact("c3", "acc-2", "Sato", "Taro")).matched


def test_default_account_rule_needs_the_same_domain_or_none() -> None:
    a = account("a", "ABC株式会社", website="https://abc.co.jp")
    assert ACCOUNT_RULE.compare(a, account("b", "ABC Co., Ltd.", website="www.abc.co.jp")).matched
    assert not ACCOUNT_RULE.compare(a, account("c", "ABC Inc.", website="abc.com")).matched
    assert not ACCOUNT_RULE.compare(a, account("d", "ABC Inc.")).matched
    assert ACCOUNT_RULE.compare(account("e", "(株)ABC"), account("f", "ABC Inc.")).matched


def test_rules_read_the_address_of_every_kind_of_record() -> None:
    rule = MatchingRule("city", [ExactMatch("address.city")])
    a = lead("a", "Sato", address=Address(city="Osaka"))
    c = contact("c", "acc", "Sato", mailing_address=Address(city="OSAKA"))
    x = account("x", "ABC", billing_address=Address(city="osaka"))
    assert rule.compare(a, c).matched
    assert rule.compare(c, x).matched


def test_importing_dedupe_does_not_import_rapidfuzz() -> None:
    code = "import sys, leadkit.dedupe; print('rapidfuzz' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
