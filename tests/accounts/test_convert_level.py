"""Conversion chooses head office or branch, and uses the account a lead was linked to
before conversion (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadkit.accounts import link_accounts, match_accounts
from leadkit.convert import BRANCH, HEAD_OFFICE, ConversionRequest, convert_lead
from leadkit.errors import ValidationError
from leadkit.model import Account, Lead, OwnerRef, PersonName
from leadkit.repository import InMemoryUnitOfWork

T = datetime(2026, 4, 1, tzinfo=UTC)
AS_OF = datetime(2026, 5, 1, tzinfo=UTC)


def store(*leads: Lead) -> InMemoryUnitOfWork:
    uow = InMemoryUnitOfWork()
    with uow:
        uow.accounts.add(Account(id="hq", name="株式会社ABC", created_at=T))
        uow.accounts.add(
            Account(id="osaka", name="株式会社ABC 大阪支店", parent_id="hq", created_at=T)
        )
        uow.accounts.add(
            Account(id="umeda", name="ABC株式会社 梅田営業所", parent_id="osaka", created_at=T)
        )
        for lead in leads:
            uow.leads.add(lead)
        uow.commit()
    return uow


def lead(company: str, **kw: object) -> Lead:
    return Lead(
        id="l-1",
        name=PersonName("佐藤"),
        company=company,
        owner=OwnerRef.user("u-1"),
        created_at=T,
        **kw,  # type: ignore[arg-type]
    )


def test_head_office_from_a_branch() -> None:
    uow = store(lead("株式会社ABC 梅田営業所"))
    result = convert_lead(
        ConversionRequest("l-1", account="umeda", account_level=HEAD_OFFICE), uow, as_of=AS_OF
    )
    assert result.account_id == "hq"
    assert any("instead of 'umeda': its head office" in note for note in result.notes)


def test_the_branch_named_like_the_lead_company() -> None:
    uow = store(lead("ＡＢＣ（株） 大阪支店"))
    result = convert_lead(
        ConversionRequest("l-1", account="hq", account_level=BRANCH), uow, as_of=AS_OF
    )
    assert result.account_id == "osaka"
    # From another branch of the same hierarchy too.
    uow = store(lead("株式会社ABC 大阪支店"))
    result = convert_lead(
        ConversionRequest("l-1", account="umeda", account_level=BRANCH), uow, as_of=AS_OF
    )
    assert result.account_id == "osaka"


def test_no_branch_named_like_the_lead_keeps_the_account() -> None:
    uow = store(lead("株式会社ABC 名古屋支店"))
    result = convert_lead(
        ConversionRequest("l-1", account="osaka", account_level=BRANCH), uow, as_of=AS_OF
    )
    assert result.account_id == "osaka"
    assert any("kept 'osaka'" in note for note in result.notes)


def test_match_uses_the_link_made_before_conversion() -> None:
    uow = store(lead("株式会社ABC 名古屋支店"))
    with uow:
        link_accounts(uow, match_accounts(uow))
        uow.commit()
    result = convert_lead(ConversionRequest("l-1", account="match"), uow, as_of=AS_OF)
    assert result.account_id == "hq"
    assert result.account_match is not None
    assert "Lead.account_id" in result.account_match.reason


def test_a_link_to_a_merged_account_falls_back_to_matching() -> None:
    uow = store(lead("XYZ", account_id="old"))
    with uow:
        uow.accounts.add(Account(id="old", name="旧XYZ", master_record_id="hq", created_at=T))
        uow.commit()
    result = convert_lead(ConversionRequest("l-1", account="match"), uow, as_of=AS_OF)
    assert result.account_created
    assert "the lead's linked account 'old' was merged away" in result.notes


def test_a_level_needs_an_existing_account() -> None:
    with pytest.raises(ValidationError) as err:
        ConversionRequest("l-1", account_level=HEAD_OFFICE)
    assert err.value.path == ("ConversionRequest", "account_level")
    with pytest.raises(ValidationError, match="expected one of"):
        ConversionRequest("l-1", account="hq", account_level="top")
