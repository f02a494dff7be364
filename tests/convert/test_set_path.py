"""Converting a batch by set gives exactly the per-record path's results and stored state.

On SQLite, ``convert_leads`` reads what a batch needs in a handful of queries
(``prefetch``) and the unit of work serves the per-lead reads from its per-transaction
cache; the in-memory store has no such path and reads record by record. The property:
for random batches (leads sharing companies and emails, memberships, tasks, repeated and
unknown leads), both adapters return the same results and end with the same records
(ids made sequential so that the new records' ids agree), in all-or-none batches and
one unit of work per lead alike (issue 22).
"""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.convert import ConversionRequest, ConversionResult, convert_leads
from leadkit.errors import LoadError
from leadkit.model import (
    Account,
    CampaignMember,
    Contact,
    Lead,
    OwnerRef,
    PersonName,
    Task,
    sequential_ids,
    use_id_factory,
)
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import snapshot
from tests.convert.conftest import AS_OF, CONVERTED, T0

COMPANIES = ["ABC株式会社", "ABC Co., Ltd.", "(株)山田製作所", "XYZ"]
EMAILS = [None, "taro@abc.co.jp", "TARO@ABC.CO.JP", "hana@yamada.jp", "x@gmail.com"]
SITES = [None, "https://www.abc.co.jp", "yamada.jp"]


@st.composite
def batches(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 5))
    leads = [
        Lead(
            id=f"l-{i}",
            name=PersonName("山田", f"太郎{i}"),
            company=draw(st.sampled_from(COMPANIES)),
            email=draw(st.sampled_from(EMAILS)),
            owner=OwnerRef.user("u-1"),
            created_at=T0,
        )
        for i in range(n)
    ]
    accounts = [
        Account(id=f"a-{i}", name=draw(st.sampled_from(COMPANIES)),
                website=draw(st.sampled_from(SITES)), created_at=T0 + timedelta(i))
        for i in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    contacts = [
        Contact(id=f"c-{i}", account_id=draw(st.sampled_from([a.id for a in accounts])),
                name=PersonName("佐藤"), email=draw(st.sampled_from(EMAILS)), created_at=T0)
        for i in range(draw(st.integers(0, 2) if accounts else st.just(0)))
    ]  # fmt: skip
    people: list[dict[str, Any]] = [{"lead_id": lead.id} for lead in leads] + [
        {"contact_id": c.id} for c in contacts
    ]
    members = [
        CampaignMember(id=f"m-{i}", campaign_id=campaign, created_at=T0 + timedelta(i), **who)
        for i, (campaign, who) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from(["k-1", "k-2"]), st.sampled_from(people)),
                          max_size=5))
        )
    ]  # fmt: skip
    tasks = [
        Task(id=f"t-{i}", subject="Call", lead_id=lead, created_at=T0)
        for i, lead in enumerate(
            draw(st.lists(st.sampled_from([lead.id for lead in leads]), max_size=3))
        )
    ]
    ids = draw(st.lists(st.sampled_from([lead.id for lead in leads] + ["l-missing"]),
                        min_size=1, max_size=6))  # fmt: skip
    requests = [
        ConversionRequest(i, CONVERTED, account=draw(st.sampled_from(["match", "new"])),
                          contact=draw(st.sampled_from(["match", "new"])))
        for i in ids
    ]  # fmt: skip
    return {"records": [*leads, *accounts, *contacts, *members, *tasks], "requests": requests}


def _seed(factory: UnitOfWorkFactory, records: list[Any]) -> None:
    names = {Lead: "leads", Account: "accounts", Contact: "contacts",
             CampaignMember: "campaign_members", Task: "tasks"}  # fmt: skip
    with factory() as uow:
        for record in records:
            getattr(uow, names[type(record)]).add(record)
        uow.commit()


def _outcome(results: list[ConversionResult]) -> list[tuple[Any, ...]]:
    return [
        (r.success, r.error_codes, [str(e) for e in r.errors], r.lead, r.account, r.contact,
         r.opportunity, r.account_created, r.contact_created, r.notes)
        for r in results
    ]  # fmt: skip


def _run(
    factory: UnitOfWorkFactory, batch: dict[str, Any], *, all_or_none: bool
) -> tuple[list[tuple[Any, ...]], dict[str, list[Any]]]:
    _seed(factory, batch["records"])
    with use_id_factory(sequential_ids()):
        results = convert_leads(batch["requests"], factory, as_of=AS_OF, all_or_none=all_or_none)
    return _outcome(results), snapshot(factory)


@settings(max_examples=20, deadline=None)
@given(batch=batches(), all_or_none=st.booleans())
def test_the_set_path_gives_the_per_record_results_and_state(
    batch: dict[str, Any], all_or_none: bool
) -> None:
    expected = _run(InMemoryStore().unit_of_work, batch, all_or_none=all_or_none)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        factory = functools.partial(SqliteUnitOfWork, Path(folder) / "crm.db")
        assert _run(factory, batch, all_or_none=all_or_none) == expected


def test_a_corrupt_row_fails_the_conversion_that_reads_it(tmp_path: Path) -> None:
    """The batch's prefetch is only a hint: a row it cannot read is reported by the
    request that reads it (a LoadError naming the row), the others are rolled back, as
    without the hint (docs/conversion.md, all-or-none batches)."""
    factory = functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")
    lead = Lead(id="l-0", name=PersonName("山田"), company="ABC", created_at=T0)
    _seed(factory, [lead, attrs.evolve(lead, id="l-1", company="XYZ")])
    with sqlite3.connect(tmp_path / "crm.db") as conn:
        conn.execute("UPDATE leads SET data = '{oops' WHERE id = 'l-1'")
    conn.close()
    requests = [ConversionRequest(i, CONVERTED) for i in ("l-0", "l-1")]
    results = convert_leads(requests, factory, as_of=AS_OF, all_or_none=True)
    assert results[0].error_codes == ("rolled_back",)
    assert isinstance(results[1].errors[0], LoadError)
    assert "leads row 'l-1'" in str(results[1].errors[0])
