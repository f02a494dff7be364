"""Properties from the issue: matching is symmetric, clusters are transitive, and a record
always matches a width/case/legal-form variant of itself under the default rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from leadkit.dedupe import (
    ACCOUNT_RULE,
    CONTACT_RULE,
    LEAD_RULE,
    CompanyMatch,
    DateMatch,
    EmailMatch,
    FuzzyMatch,
    MatchContext,
    MatchIndex,
    MatchingRule,
    NameMatch,
    PhoneMatch,
    find_duplicates,
    match_one,
)
from leadkit.model import (
    Account,
    Contact,
    CustomFields,
    Lead,
    PersonName,
    company_key,
    normalise_text,
)
from leadkit.testing import strategies as lks
from tests.dedupe._helpers import T0

# -- records that collide often ----------------------------------------------------------------

FAMILIES = ["Sato", "SATO", "佐藤", "Ito", "ｓａｔｏ", "Satou"]
GIVENS = [None, "Taro", "T.", "taro", "Hanako", "Tarou"]
COMPANIES = ["ABC Inc.", "株式会社ABC", "ＡＢＣ（株）", "XYZ", "(株)山田製作所", "山田製作所", "-"]
EMAILS = [None, "taro@abc.jp", "TARO@abc.jp", "hanako@abc.jp", "taro@gmail.com"]
PHONES = [None, "03-1111-2222", "+81 3 1111 2222", "06-1111-2222", "03-1111-2223"]
KANA = [None, "サトウ", "さとう", "イトウ"]
WEBSITES = [None, "https://abc.jp", "www.abc.jp", "xyz.com"]

person = st.fixed_dictionaries(
    {
        "family": st.sampled_from(FAMILIES),
        "given": st.sampled_from(GIVENS),
        "kana": st.sampled_from(KANA),
        "company": st.sampled_from(COMPANIES),
        "email": st.sampled_from(EMAILS),
        "phone": st.sampled_from(PHONES),
        "account": st.sampled_from(["acc-1", "acc-2"]),
        "website": st.sampled_from(WEBSITES),
        "dob": st.sampled_from([None, "1980-04-09", "1980-09-04", "1981-04-09"]),
    }
)


def as_lead(position: int, p: dict[str, Any]) -> Lead:
    return Lead(
        id=f"lead-{position}",
        name=PersonName(p["family"], p["given"], family_kana=p["kana"]),
        company=p["company"],
        email=p["email"],
        phone=p["phone"],
        website=p["website"],
        custom=CustomFields({"dob": p["dob"]}),
        created_at=T0,
    )


def as_contact(position: int, p: dict[str, Any]) -> Contact:
    return Contact(
        id=f"contact-{position}",
        account_id=p["account"],
        name=PersonName(p["family"], p["given"], family_kana=p["kana"]),
        email=p["email"],
        phone=p["phone"],
        created_at=T0,
    )


def as_account(position: int, p: dict[str, Any]) -> Account:
    return Account(id=f"account-{position}", name=p["company"], website=p["website"], created_at=T0)


def records(build: Callable[[int, dict[str, Any]], Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(person, max_size=14).map(lambda ps: [build(i, p) for i, p in enumerate(ps)])


FUZZY_RULE = MatchingRule(
    "fuzzy name and company",
    [NameMatch(threshold=0.85), CompanyMatch(threshold=0.8)],
    logic="1 AND 2",
)
SCORE_RULE = MatchingRule(
    "every comparator, by score",
    [
        EmailMatch(weight=4, penalty=2),
        NameMatch(weight=2, penalty=1),
        NameMatch(part="family", kana=False, weight=1),
        CompanyMatch(threshold=0.7, weight=2, penalty=1),
        PhoneMatch(sections=True, threshold=0.6, weight=1, penalty=0.5),
        FuzzyMatch("website", metric="token_set", weight=0.5),
        DateMatch("custom.dob", threshold=0.85, weight=1, penalty=1),
    ],
    threshold=3.5,
)


# -- matching is symmetric -------------------------------------------------------------------------


def assert_symmetric(rule: MatchingRule, a: Any, b: Any) -> None:
    forward, backward = rule.compare(a, b), rule.compare(b, a)
    assert forward.matched == backward.matched
    assert forward.score == backward.score
    assert (forward.left, forward.right) == (backward.right, backward.left)
    for there, back in zip(forward.evidence, backward.evidence, strict=True):
        assert there.similarity == back.similarity
        assert there.held == back.held
        assert (there.left, there.right) == (back.right, back.left)


@given(person, person, st.sampled_from([LEAD_RULE, FUZZY_RULE, SCORE_RULE]))
def test_matching_is_symmetric_on_colliding_leads(
    p: dict[str, Any], q: dict[str, Any], rule: MatchingRule
) -> None:
    assert_symmetric(rule, as_lead(1, p), as_lead(2, q))


@given(lks.leads(), lks.leads(), st.sampled_from([LEAD_RULE, FUZZY_RULE]))
def test_matching_is_symmetric_on_any_leads(a: Lead, b: Lead, rule: MatchingRule) -> None:
    assert_symmetric(rule, a, b)


@given(lks.accounts(), lks.accounts())
def test_account_matching_is_symmetric(a: Account, b: Account) -> None:
    assert_symmetric(ACCOUNT_RULE, a, b)


# -- clusters are transitive (and blocking loses nothing under the default rules) -------------


def components(items: Sequence[Any], rule: MatchingRule) -> list[tuple[str, ...]]:
    """Groups of records linked by matching pairs, found by comparing every pair."""
    group = {r.id: {r.id} for r in items}
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if rule.compare(a, b).matched and group[a.id] is not group[b.id]:
                merged = group[a.id] | group[b.id]
                for member in merged:
                    group[member] = merged
    order = {r.id: i for i, r in enumerate(items)}
    found = {tuple(sorted(g, key=order.__getitem__)) for g in group.values() if len(g) > 1}
    return sorted(found, key=lambda ids: order[ids[0]])


def check_clusters(items: list[Any], rule: MatchingRule) -> None:
    result = find_duplicates(items, rule, max_block_size=None)
    compiled = rule.compile()
    rows = {r.id: compiled.row(r, MatchContext()) for r in items}

    def contradict(group: Sequence[str]) -> bool:
        return any(
            compiled.contradicts(rows[a], rows[b]) is not None
            for i, a in enumerate(group)
            for b in group[i + 1 :]
        )

    clusters = [c.ids for c in result]
    for group in components(items, rule):
        inside = [ids for ids in clusters if set(ids) <= set(group)]
        if contradict(group):
            # Split so that no two records of a cluster contradict each other.
            assert not any(contradict(ids) for ids in inside)
        else:
            assert inside == [group]  # the transitive group, as it is
    # Every cluster lies within one transitive group.
    assert all(any(set(ids) <= set(g) for g in components(items, rule)) for ids in clusters)
    seen: set[str] = set()
    for cluster in result:
        assert not seen & set(cluster.ids)  # a record is in one cluster at most
        seen |= set(cluster.ids)
        # The cluster's own pairs connect all of its records.
        reached = {cluster.ids[0]}
        for _ in cluster.ids:
            for pair in cluster.pairs:
                assert pair.matched
                if pair.left in reached or pair.right in reached:
                    reached |= {pair.left, pair.right}
        assert reached == set(cluster.ids)


@given(records(as_lead), st.sampled_from([LEAD_RULE, FUZZY_RULE, SCORE_RULE]))
def test_lead_clusters_are_the_transitive_groups_of_matching_pairs(
    items: list[Lead], rule: MatchingRule
) -> None:
    check_clusters(items, rule)


@given(records(as_contact))
def test_contact_clusters_are_the_transitive_groups(items: list[Contact]) -> None:
    check_clusters(items, CONTACT_RULE)


@given(records(as_account))
def test_account_clusters_are_the_transitive_groups(items: list[Account]) -> None:
    check_clusters(items, ACCOUNT_RULE)


@given(records(as_lead))
def test_the_index_agrees_with_find_duplicates(items: list[Lead]) -> None:
    # Checking each record against the ones before it finds exactly the matching pairs.
    result = find_duplicates(items, LEAD_RULE)
    pairs = {(p.left, p.right) for p in result.pairs}
    index = MatchIndex([], LEAD_RULE)
    found = set()
    for item in items:
        found |= {(m.right, m.left) for m in match_one(item, index)}
        index.add(item)
    assert pairs <= found
    # A matching pair missing from the clusters was left out to keep two records that
    # contradict each other apart: its records are in different clusters.
    left_out = {(p.left, p.right) for p in result.possible if p.matched}
    assert found - pairs == left_out
    for left, right in left_out:
        cluster = result.cluster_of(left)
        assert cluster is None or right not in cluster.ids


# -- a record matches its width/case/legal-form variant -----------------------------------------

_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def width_and_case(text: str) -> str:
    """ASCII letters with their case swapped, then everything ASCII in full width."""
    swapped = "".join(c.swapcase() if c.isascii() else c for c in text)
    return swapped.translate(_FULL_WIDTH)


def email_variant(email: str) -> str:
    local, _, domain = email.partition("@")
    # "@" and the domain's dots stay ASCII: the model only accepts name@domain.tld.
    return width_and_case(local) + "@" + ".".join(part.upper() for part in domain.split("."))


FORMS = [
    "株式会社{}",
    "{}株式会社",
    "(株){}",
    "{}（株）",
    "㈱{}",
    "有限会社{}",
    "{} Inc.",
    "{}, Inc.",
    "{} Co., Ltd.",
    "{} Corporation",
    "{} LLC",
    "{} K.K.",
    "{}",
]
# Letters that cannot spell a legal form (no "co", "bv", "ag", 株式会社 ...).
BASE_NAMES = st.sampled_from(
    ["ABC", "Acme", "サンプル", "山田製作所", "Contoso", "東西電機"]
) | st.text(alphabet="dfhjmqrwxz山田川本製作電機東西", min_size=1, max_size=10)


@st.composite
def company_pairs(draw: st.DrawFn) -> tuple[str, str]:
    base = draw(BASE_NAMES)
    first, second = draw(st.sampled_from(FORMS)), draw(st.sampled_from(FORMS))
    return first.format(base), width_and_case(second.format(base))


def has_name(name: PersonName) -> bool:
    return any(c.isalnum() for c in normalise_text(name.family))


def name_variant(name: PersonName) -> PersonName:
    return attrs.evolve(
        name,
        family=width_and_case(name.family),
        given=None if name.given is None else width_and_case(name.given),
    )


@given(lks.leads(), company_pairs(), st.booleans())
def test_a_lead_matches_its_variant_under_the_default_rule(
    lead: Lead, companies: tuple[str, str], keep_email: bool
) -> None:
    assume(has_name(lead.name))
    original = attrs.evolve(
        lead,
        company=companies[0],
        email=lead.email if keep_email else None,
        master_record_id=None,  # merged records are history, never candidates
    )
    variant = attrs.evolve(
        original,
        id=original.id + "-variant",
        name=name_variant(original.name),
        company=companies[1],
        email=None if original.email is None else email_variant(original.email),
        phone=None if original.phone is None else width_and_case(original.phone),
    )
    assert company_key(variant.company) == company_key(original.company)
    assert LEAD_RULE.compare(original, variant).matched
    assert [c.ids for c in find_duplicates([original, variant], LEAD_RULE)] == [
        (original.id, variant.id)
    ]
    assert [m.right for m in match_one(variant, MatchIndex([original], LEAD_RULE))] == [original.id]


@given(lks.contacts(), st.booleans())
def test_a_contact_matches_its_variant_under_the_default_rule(
    contact: Contact, keep_email: bool
) -> None:
    assume(has_name(contact.name))
    original = attrs.evolve(
        contact, email=contact.email if keep_email else None, master_record_id=None
    )
    variant = attrs.evolve(
        original,
        id=original.id + "-variant",
        name=name_variant(original.name),
        email=None if original.email is None else email_variant(original.email),
        phone=None if original.phone is None else width_and_case(original.phone),
    )
    assert CONTACT_RULE.compare(original, variant).matched
    assert len(find_duplicates([original, variant], CONTACT_RULE)) == 1


@given(lks.accounts(), company_pairs())
def test_an_account_matches_its_variant_under_the_default_rule(
    account: Account, companies: tuple[str, str]
) -> None:
    original = attrs.evolve(account, name=companies[0], master_record_id=None)
    website = None if original.website is None else original.website.upper() + "/"
    variant = attrs.evolve(
        original, id=original.id + "-variant", name=companies[1], website=website
    )
    assert ACCOUNT_RULE.compare(original, variant).matched
    assert len(find_duplicates([original, variant], ACCOUNT_RULE)) == 1
