"""The account duplicate rule does not cluster a branch with its head office (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime

from leadkit.dedupe import (
    ACCOUNT_RULE,
    HierarchyConflict,
    MatchIndex,
    dump_matching_rule,
    find_duplicates,
    load_matching_rule,
    match_one,
)
from leadkit.model import Account

T = datetime(2026, 4, 1, tzinfo=UTC)


def account(account_id: str, name: str, parent_id: str | None = None) -> Account:
    return Account(id=account_id, name=name, parent_id=parent_id, website="abc.co.jp", created_at=T)


def test_a_branch_named_like_its_head_office_is_not_its_duplicate() -> None:
    hq = account("hq", "株式会社ABC")
    branch = account("br", "ABC(株)", parent_id="hq")
    pair = ACCOUNT_RULE.compare(hq, branch)
    assert not pair.matched
    assert pair.held == (1, 2)
    assert ACCOUNT_RULE.compare(hq, account("dup", "ABC Inc.")).held == (1, 2, 3)
    # Siblings are not parent and branch: two branches with one name still match.
    assert ACCOUNT_RULE.compare(branch, account("br2", "ABC", parent_id="hq")).matched


def test_a_third_account_does_not_chain_a_branch_to_its_head_office() -> None:
    accounts = [
        account("hq", "株式会社ABC"),
        account("br", "ABC(株)", parent_id="hq"),
        account("dup", "ABC Inc."),
    ]
    found = find_duplicates(accounts, ACCOUNT_RULE)
    assert [c.ids for c in found.clusters] == [("hq", "dup")]
    assert [(p.left, p.right) for p in found.possible] == [("br", "dup")]
    # Checking a new branch against the index raises no alert for its own head office.
    index = MatchIndex(accounts[:1], ACCOUNT_RULE)
    assert match_one(account("new", "ABC株式会社", parent_id="hq"), index) == ()
    assert [p.right for p in match_one(account("new", "ABC株式会社"), index)] == ["hq"]


def test_the_rule_stays_data() -> None:
    data = dump_matching_rule(ACCOUNT_RULE)
    assert data["criteria"][2] == {"type": "hierarchy_conflict"}
    assert load_matching_rule(data) == ACCOUNT_RULE
    assert HierarchyConflict().contradicts(("a", "b"), ("b", None))
    assert not HierarchyConflict().contradicts(("a", None), ("b", None))
