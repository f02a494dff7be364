"""The one-pass key preparation of MatchIndex gives exactly the keys of the per-criterion
path (CompiledRule.row and compile_blocks), shared name keys included."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.dedupe import (
    BLOCK_PARTS,
    LEAD_RULE,
    LEAD_VS_CONTACT_RULE,
    Block,
    CompanyMatch,
    ContactConflict,
    EmailMatch,
    MatchIndex,
    MatchingRule,
    NameMatch,
    PhoneMatch,
)
from leadkit.dedupe._blocking import compile_blocks
from leadkit.dedupe._fields import MatchContext
from leadkit.dedupe._rule import CompiledRule
from leadkit.errors import ValidationError
from leadkit.model import Account, Address, Contact, Lead, PersonName

_T = datetime(2026, 4, 1, tzinfo=UTC)
_FAMILY = st.sampled_from(["山田", "髙橋", "高橋", "Yamada", "ヤマダ", "山田太郎様", "Smith", "T"])
_GIVEN = st.sampled_from([None, "太郎", "Taro", "T.", "真一", "真一郎", "John"])
_KANA = st.sampled_from([None, "ヤマダ", "やまだ タロウ", "タカハシ"])
_COMPANY = st.sampled_from(["株式会社ABC 東京支店", "ABC(株)", "ABC Inc."])
_EMAIL = st.sampled_from([None, "taro+x@abc.co.jp", "info@abc.co.jp", "taro@abc.co.jp"])
_PHONE = st.sampled_from([None, "03-1234-5678", "81-3-1234-5678", "+1 201 555 0100"])


@st.composite
def _leads(draw: st.DrawFn) -> list[Lead]:
    count = draw(st.integers(min_value=1, max_value=6))
    return [
        Lead(
            id=f"lead-{n}",
            name=PersonName(draw(_FAMILY), draw(_GIVEN), family_kana=draw(_KANA)),
            company=draw(_COMPANY),
            email=draw(_EMAIL),
            phone=draw(_PHONE),
            mobile=draw(_PHONE),
            created_at=_T,
        )
        for n in range(count)
    ]


@settings(max_examples=40, deadline=None)
@given(_leads())
def test_prepared_keys_equal_the_per_criterion_keys(leads: list[Lead]) -> None:
    """Reference: CompiledRule.row and compile_blocks, the path MatchIndex took before
    key groups (issue 13: keys must not change with speed work)."""
    index = MatchIndex(leads, LEAD_RULE)
    compiled, blocks = CompiledRule(LEAD_RULE), compile_blocks(LEAD_RULE.blocking)
    context = MatchContext()
    for position, lead in enumerate(leads):
        memo: dict[object, object] = {}
        assert index._rows[position] == compiled.row(lead, context, memo)
        assert index._record_keys[position] == blocks(lead, context, memo)


# -- the generated plan against each key function on its own ---------------------------------

_TEXT = st.text(
    st.sampled_from(
        list("山田髙橋齋藤渡邊太郎真一ヤマダタロウやまだ株式会社ｶﾌﾞ ー－—ABCabcTaroYamada.様")
    ),
    max_size=8,
)
_NAMES = st.builds(
    PersonName,
    st.one_of(_FAMILY, _TEXT.filter(lambda text: text.strip() != "")),
    st.one_of(_GIVEN, _TEXT),
    family_kana=st.one_of(_KANA, _TEXT),
    given_kana=st.one_of(st.none(), st.sampled_from(["タロウ", "たろう", "シンイチ"])),
)
_COMPANIES = st.one_of(
    _COMPANY,
    st.sampled_from(["髙橋商事(ｶ)", "ソニ－", "東京電機"]),
    _TEXT.filter(lambda text: text.strip() != ""),
)
_EMAILS = st.one_of(
    _EMAIL, st.sampled_from(["ｔａｒｏ＠abc.co.jp", "sales@abc.co.jp", "taro@gmail.com", " "])
)
_PHONES = st.one_of(
    _PHONE, st.sampled_from(["０３－１２３４－５６７８", "03(0)12345678", "(201) 555-0100", ""])
)
_COUNTRIES = st.sampled_from([None, "JP", "US", "GB", "ZZ"])


@st.composite
def _records(draw: st.DrawFn) -> list[Lead | Contact]:
    records: list[Lead | Contact] = []
    for n in range(draw(st.integers(min_value=1, max_value=5))):
        name, email = draw(_NAMES), draw(_EMAILS) or None
        phone, mobile = draw(_PHONES) or None, draw(_PHONES) or None
        address = Address(country=draw(_COUNTRIES))
        record: Lead | Contact
        if draw(st.booleans()):
            record = Lead(
                id=f"lead-{n}",
                name=name,
                company=draw(_COMPANIES),
                email=email,
                phone=phone,
                mobile=mobile,
                address=address,
                created_at=_T,
            )
        else:
            record = Contact(
                id=f"contact-{n}",
                account_id=draw(st.sampled_from(["acc-1", "acc-2"])),
                name=name,
                email=email,
                phone=phone,
                mobile=mobile,
                mailing_address=address,
                created_at=_T,
            )
        records.append(record)
    return records


_RULES = (
    LEAD_RULE,
    LEAD_VS_CONTACT_RULE,
    # One field read: the plan's attrgetter gives a value, not a tuple.
    MatchingRule("e-mail only", [EmailMatch()], blocking=[Block("mailbox")]),
    MatchingRule("name only", [NameMatch(strict=True)], blocking=[Block("surname", "given")]),
    MatchingRule(
        "every built-in part",
        [
            EmailMatch(),
            EmailMatch(fold_plus=False),
            NameMatch(),
            NameMatch(part="initial"),
            NameMatch(part="full", strict=True),
            CompanyMatch(keep_branch=True),
            PhoneMatch(default_country="US"),
            ContactConflict(),
        ],
        blocking=[Block(part) for part in BLOCK_PARTS if part != "domain"]
        + [Block("company:4"), Block("family", "address.country")],
    ),
)


@settings(max_examples=60, deadline=None)
@given(_records(), st.sampled_from(_RULES))
def test_generated_keys_equal_each_key_function_alone(
    records: list[Lead | Contact], rule: MatchingRule
) -> None:
    """Reference: each comparator's own ``key`` and each block's own ``key``, every one
    with a fresh memo (issue 13: the generated plan is a speed-up, keys must not change).
    Leads and contacts mixed (the contact's company is its account's name): the plan is
    generated per record type."""
    context = MatchContext(account_names={"acc-1": "株式会社ABC 東京支店"})
    index = MatchIndex(records, rule, account_names={"acc-1": "株式会社ABC 東京支店"})
    for position, record in enumerate(records):
        assert index._rows[position] == tuple(c.key(record, context) for c in rule.criteria)
        assert index._record_keys[position] == [b.key(record, context) for b in rule.blocking]


def test_a_record_type_the_plan_cannot_read_gets_the_key_functions_error() -> None:
    """An account has no e-mail field: the error is the one the rule's first key function
    raises, naming the record and the field (as before the plan)."""
    account = Account(name="ABC株式会社", created_at=_T)
    with pytest.raises(
        ValidationError, match=r"cannot read records\[0\]: Account has no field"
    ) as caught:
        MatchIndex([account], LEAD_RULE)
    assert caught.value.path == ("records", 0, "email")


@settings(max_examples=40, deadline=None)
@given(_leads(), _leads(), st.lists(st.integers(min_value=0, max_value=5), max_size=6))
def test_an_index_kept_current_equals_one_built_afresh(
    first: list[Lead], second: list[Lead], removed: list[int]
) -> None:
    """Blocks hold a bare position for a key of one record and a list from the second:
    adding, replacing and removing records must leave the index finding what an index
    built from the remaining records finds (MatchIndex.add / remove semantics)."""
    index = MatchIndex(first, LEAD_RULE)
    current = {lead.id: lead for lead in first}
    for lead in second:  # same ids as *first*: new versions replace the old ones
        index.add(lead)
        current[lead.id] = lead
    for number in removed:
        index.remove(f"lead-{number}")
        current.pop(f"lead-{number}", None)
    fresh = MatchIndex(list(current.values()), LEAD_RULE)
    assert sorted(index._positions) == sorted(fresh._positions)
    # (the order of ids follows the order of indexing, which replacing changes)
    assert {frozenset(c.ids) for c in index.duplicates().clusters} == {
        frozenset(c.ids) for c in fresh.duplicates().clusters
    }
    # A record not in the index (another id) finds the records alone under a key too:
    # exactly those the rule matches compared one by one (its blocks are complete).
    for lead in [*first, *second]:
        probe = attrs.evolve(lead, id="probe")
        expected = sorted(
            key for key, other in current.items() if LEAD_RULE.compare(probe, other).matched
        )
        assert sorted(str(p.right) for p in index.match(probe)) == expected
