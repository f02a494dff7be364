"""Lead-to-account matching for open leads (issue 19): a lead from an existing customer is
linked to the account before conversion, and each link says why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadkit.accounts import link_accounts, match_accounts
from leadkit.convert._matching import AccountMatch
from leadkit.errors import ValidationError
from leadkit.model import Account, Lead, OwnerRef, PersonName
from leadkit.repository import InMemoryUnitOfWork, SqliteUnitOfWork, UnitOfWork

T = datetime(2026, 4, 1, tzinfo=UTC)
U7 = OwnerRef.user("u-7")


def lead(lead_id: str, company: str, email: str | None = None, **kw: object) -> Lead:
    return Lead(
        id=lead_id,
        name=PersonName("佐藤"),
        company=company,
        email=email,
        created_at=T,
        **kw,  # type: ignore[arg-type]
    )


def customers(uow: UnitOfWork) -> None:
    with uow:
        uow.accounts.add(
            Account(
                id="hq", name="株式会社ABC", website="https://www.abc.co.jp", owner=U7, created_at=T
            )
        )
        uow.accounts.add(
            Account(
                id="osaka",
                name="株式会社ABC 大阪支店",
                parent_id="hq",
                website="abc.co.jp",
                owner=OwnerRef.user("u-8"),
                created_at=T,
            )
        )
        uow.accounts.add(Account(id="xyz", name="XYZ商事", created_at=T))
        uow.commit()


@pytest.fixture(params=["memory", "sqlite"])
def uow(request: pytest.FixtureRequest, tmp_path: Path) -> UnitOfWork:
    made: UnitOfWork = (
        InMemoryUnitOfWork() if request.param == "memory" else SqliteUnitOfWork(tmp_path / "db")
    )
    customers(made)
    return made


def test_leads_are_linked_to_the_head_office_or_the_branch(uow: UnitOfWork) -> None:
    with uow:
        for item in (
            lead("l-hq", "ABC(株)", "sato@abc.co.jp"),
            lead("l-osaka", "株式会社ＡＢＣ　大阪支店", "kato@abc.co.jp"),
            lead("l-nagoya", "株式会社ABC 名古屋営業所"),
            lead("l-domain", "エービーシー", "ito@abc.co.jp"),
            lead("l-none", "Contoso", "a@contoso.example"),
            lead("l-free", "ABC 札幌支店", "abc@gmail.com"),
        ):
            uow.leads.add(item)
        links = {link.lead_id: link for link in match_accounts(uow)}
        uow.commit()
    assert links["l-hq"].account_id == "hq"
    assert links["l-hq"].owner == U7
    assert "website on abc.co.jp" in links["l-hq"].reason
    # The branch has an account of its own: the lead goes to it, and to its owner.
    assert links["l-osaka"].account_id == "osaka"
    assert links["l-osaka"].owner == OwnerRef.user("u-8")
    # No account for 名古屋営業所: the head office, said so.
    assert links["l-nagoya"].account_id == "hq"
    assert "without its branch (名古屋営業所)" in links["l-nagoya"].reason
    # Two accounts on the domain, one hierarchy: its head office.
    assert links["l-domain"].account_id == "hq"
    assert "one hierarchy" in links["l-domain"].reason
    assert links["l-none"].account_id is None
    assert not links["l-none"].changed
    # A free-mail address says nothing about the company: the name decides.
    assert links["l-free"].account_id == "hq"
    assert str(links["l-hq"]).startswith("l-hq -> hq 株式会社ABC, owner user:u-7: ")


def test_links_are_stored_on_the_open_leads(uow: UnitOfWork) -> None:
    with uow:
        uow.leads.add(lead("l-1", "ABC株式会社"))
        uow.leads.add(lead("l-2", "Contoso", account_id="xyz"))  # linked by hand
        links = match_accounts(uow)
        updated = link_accounts(uow, links)
        uow.commit()
    assert [u.id for u in updated] == ["l-1"]
    with uow:
        assert uow.leads.get("l-1").account_id == "hq"
        assert uow.leads.get("l-2").account_id == "xyz"
        # Nothing changed: a second run writes nothing.
        assert all(not link.changed for link in match_accounts(uow) if link.lead_id == "l-1")
        cleared = link_accounts(uow, match_accounts(uow), unlink=True)
        assert [u.id for u in cleared] == ["l-2"]
        assert uow.leads.get("l-2").account_id is None


def test_converted_and_merged_leads_are_left_out() -> None:
    uow = InMemoryUnitOfWork()
    customers(uow)
    with uow:
        uow.leads.add(lead("l-m", "ABC", master_record_id="l-x"))
        assert match_accounts(uow) == ()


def test_a_custom_matcher_and_bad_input() -> None:
    uow = InMemoryUnitOfWork()
    customers(uow)

    def xyz_for_everyone(candidate: Lead, u: UnitOfWork) -> AccountMatch:
        return AccountMatch(u.accounts.get("xyz"), "policy: every lead to XYZ")

    with uow:
        links = match_accounts(uow, [lead("l-1", "ABC")], matcher=xyz_for_everyone)
        assert links[0].account_id == "xyz"
        assert links[0].reason == "policy: every lead to XYZ"
        with pytest.raises(ValidationError) as err:
            match_accounts(uow, ["l-1"])  # type: ignore[list-item]
        assert err.value.path == ("leads", 0)
        with pytest.raises(ValidationError):
            link_accounts(uow, ["l-1"])  # type: ignore[list-item]
