"""find_duplicates, MatchIndex and match_one: candidates, clusters, order, incremental use."""

from __future__ import annotations

import attrs
import pytest

from leadkit.dedupe import (
    LEAD_RULE,
    LEAD_VS_CONTACT_RULE,
    Block,
    EmailMatch,
    MatchIndex,
    MatchingRule,
    NameMatch,
    find_duplicates,
    match_one,
)
from leadkit.errors import ValidationError, format_path
from leadkit.model import Address
from tests.dedupe._helpers import contact, lead


def test_clusters_are_transitive_groups_with_their_pairs() -> None:
    # a~b by e-mail, b~c by name and company; a and c share nothing.
    a = lead("a", "Sato", "Taro", company="ABC", email="taro@abc.jp")
    b = lead("b", "Sato", "Taro", company="XYZ Inc.", email="taro@abc.jp")
    c = lead("c", "SATO", "T.", company="XYZ株式会社")
    d = lead("d", "Suzuki", "Ichiro", company="ABC")
    result = find_duplicates([d, c, b, a], LEAD_RULE)
    assert [cluster.ids for cluster in result] == [("c", "b", "a")]
    cluster = result[0]
    assert [(p.left, p.right) for p in cluster.pairs] == [("c", "b"), ("b", "a")]
    assert not LEAD_RULE.compare(a, c).matched
    assert result.cluster_of("a") is cluster
    assert result.cluster_of("d") is None
    assert len(result) == 1
    assert result.records == 4


def test_clusters_and_pairs_come_in_input_order() -> None:
    leads = [
        lead("z1", "Ito", email="ito@x.jp"),
        lead("y1", "Kato", email="kato@x.jp"),
        lead("z2", "Ito", email="ITO@x.jp"),
        lead("y2", "Kato", email="kato@X.jp"),
    ]
    result = find_duplicates(leads, LEAD_RULE)
    assert [c.ids for c in result] == [("z1", "z2"), ("y1", "y2")]
    assert result == find_duplicates(leads, LEAD_RULE)


def test_only_pairs_sharing_a_block_are_compared() -> None:
    rule = MatchingRule("given name", [NameMatch(part="given")], blocking=[Block("family")])
    leads = [lead("a", "Sato", "Taro"), lead("b", "Suzuki", "Taro"), lead("c", "Sato", "Taro")]
    result = find_duplicates(leads, rule)
    assert [c.ids for c in result] == [("a", "c")]
    assert result.compared == 1
    everything = find_duplicates(leads, attrs.evolve(rule, blocking=()))
    assert [c.ids for c in everything] == [("a", "b", "c")]
    assert everything.compared == 3


def test_a_pair_sharing_several_blocks_is_compared_once() -> None:
    rule = MatchingRule("e", [EmailMatch()], blocking=[Block("email"), Block("family")])
    leads = [lead("a", "Sato", email="s@x.jp"), lead("b", "Sato", email="s@x.jp")]
    assert find_duplicates(leads, rule).compared == 1


def test_oversized_blocks_are_reported_not_silently_dropped() -> None:
    rule = MatchingRule("e", [EmailMatch()], blocking=[Block("email"), Block("family")])
    leads = [lead(f"l{i}", "Sato", email="info@x.jp") for i in range(4)]
    result = find_duplicates(leads, rule, max_block_size=3)
    assert result.clusters == ()
    assert [(s.block, s.key, s.size) for s in result.skipped_blocks] == [
        ("email", "info@x.jp", 4),
        ("family", "sato", 4),
    ]
    assert "skipped" in str(result)
    assert len(find_duplicates(leads, rule, max_block_size=None)[0]) == 4


def test_a_pair_in_an_oversized_block_is_still_compared_through_another_block() -> None:
    rule = MatchingRule("e", [EmailMatch()], blocking=[Block("family"), Block("email")])
    leads = [lead("a", "Sato", email="a@x.jp"), lead("b", "Sato", email="a@x.jp")]
    leads += [lead(f"l{i}", "Sato", email=f"{i}@x.jp") for i in range(3)]
    result = find_duplicates(leads, rule, max_block_size=2)
    assert [c.ids for c in result] == [("a", "b")]


def test_merged_records_are_left_out_unless_asked_for() -> None:
    leads = [
        lead("a", "Sato", email="s@x.jp"),
        lead("b", "Sato", email="s@x.jp", master_record_id="a"),
    ]
    assert find_duplicates(leads, LEAD_RULE).clusters == ()
    assert len(find_duplicates(leads, LEAD_RULE, include_merged=True)) == 1


def test_duplicate_ids_and_bad_arguments_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        find_duplicates([lead("a", "Sato"), lead("a", "Ito")], LEAD_RULE)
    assert format_path(caught.value.path) == "records[1].id"
    with pytest.raises(ValidationError) as caught:
        find_duplicates([lead("a", "Sato")], LEAD_RULE, max_block_size=1)
    assert format_path(caught.value.path) == "max_block_size"
    with pytest.raises(ValidationError):
        find_duplicates([object()], LEAD_RULE)
    with pytest.raises(ValidationError):
        MatchIndex([], "LEAD_RULE")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        match_one(lead("a", "Sato"), [])  # type: ignore[arg-type]


def test_a_rule_that_cannot_read_a_record_names_it() -> None:
    # CONTACT-style rule reading the mailing address, applied to leads (leads have an
    # account_id since issue 19: the account they are linked to before conversion).
    rule = MatchingRule(
        "by address", [NameMatch()], blocking=[Block("family", "mailing_address.state")]
    )
    with pytest.raises(ValidationError, match="Lead has no field 'mailing_address'"):
        find_duplicates([lead("a", "Sato")], rule)


# -- the index ---------------------------------------------------------------------------------


def test_match_one_finds_matches_without_rescanning_best_first() -> None:
    existing = [
        lead("a", "Sato", "Taro", company="ABC", email="sato@gmail.com"),
        lead("b", "Sato", "Taro", company="ABC", email="taro@abc.jp"),
        lead("c", "Ito", "Ken", company="ABC"),
    ]
    index = MatchIndex(existing, LEAD_RULE)
    new = lead("n", "Sato", "Taro", company="ABC Inc.", email="taro@abc.jp")
    matches = match_one(new, index)
    # Both match by name and company; a's different e-mail lowers its mean similarity.
    assert [(m.left, m.right) for m in matches] == [("n", "b"), ("n", "a")]
    assert matches[0].score > matches[1].score
    assert match_one(lead("x", "Kato", company="Other"), index) == ()


def test_an_index_grows_and_shrinks() -> None:
    index = MatchIndex([lead("a", "Sato", email="s@x.jp")], LEAD_RULE)
    new = lead("b", "Sato", email="S@X.JP")
    assert [m.right for m in index.match(new)] == ["a"]
    index.add(new)
    assert len(index) == 2
    assert "b" in index
    assert index.get("b") is new
    assert [m.right for m in index.match(lead("c", "Ito", email="s@x.jp"))] == ["a", "b"]
    index.remove("a")
    index.remove("nobody")
    assert [m.right for m in index.match(lead("c", "Ito", email="s@x.jp"))] == ["b"]
    assert [r.id for r in index] == ["b"]


def test_adding_a_new_version_replaces_the_old_one() -> None:
    index = MatchIndex([lead("a", "Sato", email="old@x.jp")], LEAD_RULE)
    index.add(lead("a", "Sato", email="new@x.jp"))
    assert len(index) == 1
    assert index.match(lead("b", "Ito", email="old@x.jp")) == ()
    assert [m.right for m in index.match(lead("b", "Ito", email="new@x.jp"))] == ["a"]
    # Merging it away takes it out.
    index.add(lead("a", "Sato", email="new@x.jp", master_record_id="z"))
    assert "a" not in index


def test_a_record_is_not_its_own_duplicate() -> None:
    original = lead("a", "Sato", email="s@x.jp")
    index = MatchIndex([original], LEAD_RULE)
    assert match_one(original, index) == ()


def test_the_index_finds_the_same_clusters_as_find_duplicates() -> None:
    leads = [
        lead("a", "Sato", "Taro", company="ABC", email="t@abc.jp"),
        lead("b", "Sato", "T", company="ABC Inc."),
        lead("c", "Ito", email="t@abc.jp"),
    ]
    index = MatchIndex(leads, LEAD_RULE)
    assert index.duplicates() == find_duplicates(leads, LEAD_RULE)


def test_leads_are_checked_against_contacts_by_account_name() -> None:
    contacts = [
        contact("c1", "acc-1", "Sato", "Taro", phone="03-1111-2222"),
        contact("c2", "acc-2", "Ito", "Ken", email="ken@xyz.jp"),
    ]
    index = MatchIndex(
        contacts, LEAD_VS_CONTACT_RULE, account_names={"acc-1": "ABC株式会社", "acc-2": "XYZ"}
    )
    by_company = lead("l1", "Sato", "T.", company="ABC Co., Ltd.")
    by_email = lead("l2", "Ito", company="Unknown", email="KEN@xyz.jp")
    assert [m.right for m in match_one(by_company, index)] == ["c1"]
    assert [m.right for m in match_one(by_email, index)] == ["c2"]
    without_names = MatchIndex(contacts, LEAD_VS_CONTACT_RULE)
    assert match_one(by_company, without_names) == ()


def test_a_failed_add_leaves_the_index_unchanged() -> None:
    rule = MatchingRule("by address", [EmailMatch()], blocking=[Block("mailing_address.state")])
    tokyo = Address(country="JP", state="東京都")
    index = MatchIndex(
        [contact("c1", "acc-1", "Sato", email="s@x.jp", mailing_address=tokyo)], rule
    )
    with pytest.raises(ValidationError, match="Lead has no field 'mailing_address'"):
        index.add(lead("c1", "Sato", email="s@x.jp"))  # a lead with the contact's id
    assert index.get("c1") is not None
    other = contact("c2", "acc-1", "Ito", email="s@x.jp", mailing_address=tokyo)
    assert [m.right for m in index.match(other)] == ["c1"]
