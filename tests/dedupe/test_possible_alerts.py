"""Possible duplicates (同姓同名 at one company) reach match_one and check_duplicates as
alerts: reported, never merged, never a block (issue 13, "同姓同名 ... is reported as a
possible duplicate (alert), not merged")."""

from __future__ import annotations

import pytest

from leadkit.dedupe import (
    LEAD_RULE,
    DuplicateAction,
    DuplicateRule,
    DuplicateRuleSet,
    MatchIndex,
    check_duplicates,
    find_duplicates,
    match_one,
)
from leadkit.errors import ValidationError
from tests.dedupe._helpers import lead

TARO = lead("taro", "山田", "太郎", company="ABC株式会社", email="taro@abc.co.jp")
# Same name, same company, a different business e-mail and no shared phone: 同姓同名.
NAMESAKE = lead("namesake", "山田", "太郎", company="株式会社ABC", email="t.yamada2@abc.co.jp")
# The same person again, through the e-mail (a true match).
AGAIN = lead("again", "山田", "太郎", company="ABC", email="TARO@abc.co.jp")


def _rules(action: str) -> DuplicateRuleSet:
    return DuplicateRuleSet([DuplicateRule("leads", LEAD_RULE, against="leads", on_create=action)])


def test_match_one_leaves_possible_duplicates_out_unless_asked() -> None:
    index = MatchIndex([TARO], LEAD_RULE)
    assert match_one(NAMESAKE, index) == ()
    (pair,) = match_one(NAMESAKE, index, include_possible=True)
    assert (pair.right, pair.matched, pair.possible) == ("taro", False, True)


def test_matches_come_before_possible_duplicates() -> None:
    index = MatchIndex([NAMESAKE, TARO], LEAD_RULE)
    pairs = match_one(AGAIN, index, include_possible=True)
    assert [(p.right, p.matched, p.possible) for p in pairs] == [
        ("taro", True, False),
        ("namesake", False, True),
    ]
    assert [p.right for p in match_one(AGAIN, index)] == ["taro"]


def test_match_one_agrees_with_find_duplicates_on_possible_pairs() -> None:
    """The same pair is possible in the batch result and in the one-record check."""
    result = find_duplicates([TARO, NAMESAKE], LEAD_RULE)
    assert result.clusters == ()
    assert [(p.left, p.right) for p in result.possible] == [("taro", "namesake")]
    one = match_one(NAMESAKE, MatchIndex([TARO], LEAD_RULE), include_possible=True)
    assert [p.right for p in one] == ["taro"]


@pytest.mark.parametrize("action", ["alert", "block"])
def test_a_possible_duplicate_is_an_alert_never_a_block(action: str) -> None:
    check = check_duplicates(NAMESAKE, _rules(action), {"leads": MatchIndex([TARO], LEAD_RULE)})
    assert check.action is DuplicateAction.ALERT
    assert not check.blocked
    assert check.matches == ()
    assert [p.right for p in check.possible] == ["taro"]
    assert [p.right for p in check.alerts] == ["taro"]
    assert "possible duplicates taro" in str(check)


def test_a_block_still_blocks_on_a_real_match_and_keeps_the_possible_ones() -> None:
    index = MatchIndex([TARO, NAMESAKE], LEAD_RULE)
    check = check_duplicates(AGAIN, _rules("alert"), {"leads": index})
    (finding,) = check.findings
    assert [p.right for p in finding.matches] == ["taro"]
    assert [p.right for p in finding.possible] == ["namesake"]
    assert [p.right for p in check.alerts] == ["taro", "namesake"]


def test_include_possible_is_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        match_one(NAMESAKE, MatchIndex([TARO], LEAD_RULE), include_possible="yes")  # type: ignore[arg-type]
    assert caught.value.path == ("include_possible",)
