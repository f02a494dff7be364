"""ConditionMatch: a matching criterion written in the condition language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given

from leadkit.dedupe import ConditionMatch, EmailMatch, MatchContext, MatchingRule, find_duplicates
from leadkit.errors import ValidationError
from leadkit.model import Address, Contact, Lead, PersonName
from leadkit.rules import field
from leadkit.testing import strategies as lks

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)
T0 = datetime(2026, 4, 1, tzinfo=UTC)


def lead(lead_id: str, email: str, state: str | None) -> Lead:
    return Lead(
        id=lead_id,
        name=PersonName("Smith", "John"),
        company="Acme",
        email=email,
        address=Address(country="JP", state=state),
        created_at=T0,
    )


IN_KANTO = field("address.region") == "関東"


def test_both_records_must_satisfy_the_condition_by_default() -> None:
    rule = MatchingRule(
        "same email, both in Kanto",
        [EmailMatch(), ConditionMatch(IN_KANTO, as_of=AS_OF)],
        logic="1 AND 2",
    )
    tokyo, yokohama, osaka = (
        lead("a", "j@acme.co.jp", "東京都"),
        lead("b", "J@acme.co.jp", "神奈川県"),
        lead("c", "j@acme.co.jp", "大阪府"),
    )
    assert rule.compare(tokyo, yokohama).matched
    assert not rule.compare(tokyo, osaka).matched
    found = find_duplicates([tokyo, yokohama, osaka], rule)
    assert [sorted(c.ids) for c in found.clusters] == [["a", "b"]]


def test_either_is_enough_when_asked() -> None:
    criterion = ConditionMatch(IN_KANTO, as_of=AS_OF, require="either")
    rule = MatchingRule("either in Kanto", [EmailMatch(), criterion], logic="1 AND 2")
    assert rule.compare(lead("a", "j@x.jp", "東京都"), lead("c", "j@x.jp", "大阪府")).matched
    assert not rule.compare(lead("a", "j@x.jp", "北海道"), lead("c", "j@x.jp", "大阪府")).matched


def test_a_missing_value_is_blank_not_a_mismatch() -> None:
    criterion = ConditionMatch(IN_KANTO, as_of=AS_OF)
    assert criterion.key(lead("a", "j@x.jp", None), _context()) is None
    assert criterion.key(lead("a", "j@x.jp", "東京都"), _context()) is True
    assert criterion.key(lead("a", "j@x.jp", "大阪府"), _context()) is False


def test_a_record_of_another_type_is_blank() -> None:
    contact = Contact(account_id="acc", name=PersonName("Smith"), created_at=T0)
    assert ConditionMatch(IN_KANTO, as_of=AS_OF).key(contact, _context()) is None


def test_evidence_names_the_condition() -> None:
    criterion = ConditionMatch(IN_KANTO, as_of=AS_OF)
    assert criterion.field == "address.region == '関東'"
    assert criterion.method == "condition (both)"
    pair = MatchingRule("r", [criterion]).compare(
        lead("a", "j@x.jp", "東京都"), lead("b", "k@x.jp", "千葉県")
    )
    assert pair.matched
    assert "condition" in str(pair)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValidationError, match="ConditionMatch.require"):
        ConditionMatch(IN_KANTO, as_of=AS_OF, require="all")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="ConditionMatch.as_of"):
        ConditionMatch(IN_KANTO, as_of=datetime(2026, 5, 1))
    with pytest.raises(ValidationError, match="ConditionMatch.condition"):
        ConditionMatch("address.region == 関東", as_of=AS_OF)  # type: ignore[arg-type]


@given(lks.leads(converted=False), lks.leads(converted=False))
def test_condition_criteria_are_symmetric(left: Lead, right: Lead) -> None:
    for require in ("both", "either"):
        criterion = ConditionMatch(
            (field("employees") >= 100) | field("title").is_present(),
            as_of=AS_OF,
            require=require,
        )
        rule = MatchingRule("r", [criterion])
        assert rule.compare(left, right).matched == rule.compare(right, left).matched


def _context() -> MatchContext:
    return MatchContext()
