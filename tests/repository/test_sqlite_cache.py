"""The SQLite unit of work's per-transaction cache never changes an answer.

Inside one transaction the SQLite tables keep the records they read and wrote and the ids
each lookup found (the unit of work holds the write lock, so nobody else changes a row).
Property: any sequence of writes, prefetches and reads inside one unit of work answers
exactly as the in-memory store does, and the committed state is the same (issue 22).
"""

from __future__ import annotations

import functools
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leadkit.errors import LeadkitError, ValidationError
from leadkit.model import CampaignMember, Lead, PersonName, company_key, email_key
from leadkit.repository import InMemoryStore, InMemoryUnitOfWork, SqliteUnitOfWork
from leadkit.testing.contract import snapshot

T0 = datetime(2026, 4, 1, tzinfo=UTC)
IDS = ["l-1", "l-2", "l-3"]
COMPANIES = ["ABC株式会社", "ABC Co., Ltd.", "XYZ"]
EMAILS = [None, "a@abc.co.jp", "A@ABC.CO.JP", "b@xyz.jp"]

Op = tuple[Any, ...]

OPS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(IDS), st.sampled_from(COMPANIES),
              st.sampled_from(EMAILS)),
    st.tuples(st.just("update"), st.sampled_from(IDS), st.sampled_from(COMPANIES),
              st.sampled_from(EMAILS)),
    st.tuples(st.just("remove"), st.sampled_from(IDS)),
    st.tuples(st.just("member"), st.sampled_from(IDS), st.sampled_from(["k-1", "k-2"])),
    st.tuples(st.just("move"), st.sampled_from(IDS), st.sampled_from(IDS)),
    st.tuples(st.just("prefetch"), st.sampled_from(["id", "company_key", "email_key"])),
    st.tuples(st.just("prefetch_members"), st.lists(st.sampled_from(IDS), max_size=3)),
    st.tuples(st.just("find"), st.sampled_from(IDS)),
    st.tuples(st.just("by_company"), st.sampled_from(COMPANIES)),
    st.tuples(st.just("by_email"), st.sampled_from([e for e in EMAILS if e])),
    st.tuples(st.just("by_lead"), st.sampled_from(IDS)),
    st.tuples(st.just("all"),),
)  # fmt: skip


def _apply(uow: InMemoryUnitOfWork | SqliteUnitOfWork, op: Op) -> Any:
    kind = op[0]
    if kind == "add":
        lead = Lead(id=op[1], name=PersonName("山田"), company=op[2], email=op[3], created_at=T0)
        return uow.leads.add(lead)
    if kind == "update":
        found = uow.leads.find(op[1])
        return None if found is None else uow.leads.update(
            attrs.evolve(found, company=op[2], email=op[3])
        )  # fmt: skip
    if kind == "remove":
        found = uow.leads.find(op[1])
        return None if found is None else uow.leads.remove(found)
    if kind == "member":
        member = CampaignMember(campaign_id=op[2], lead_id=op[1], created_at=T0)
        return uow.campaign_members.add(attrs.evolve(member, id=f"m-{op[1]}-{op[2]}"))
    if kind == "move":
        moved = [uow.campaign_members.update(attrs.evolve(m, lead_id=op[2]))
                 for m in uow.campaign_members.by_lead(op[1])]  # fmt: skip
        return moved
    if kind == "prefetch":
        values = {"id": IDS, "company_key": [company_key(c) for c in COMPANIES],
                  "email_key": [email_key(e) for e in EMAILS if e]}[op[1]]  # fmt: skip
        return uow.leads.prefetch(op[1], values)
    if kind == "prefetch_members":
        return uow.campaign_members.prefetch("lead_id", op[1])
    if kind == "find":
        return uow.leads.find(op[1])
    if kind == "by_company":
        return uow.leads.by_company_key(op[1])
    if kind == "by_email":
        return uow.leads.by_email_key(op[1])
    if kind == "by_lead":
        return uow.campaign_members.by_lead(op[1])
    return uow.leads.all(), uow.campaign_members.all()


def _answers(uow: InMemoryUnitOfWork | SqliteUnitOfWork, ops: list[Op]) -> list[Any]:
    answers = []
    with uow:
        for op in ops:
            try:
                answers.append(_apply(uow, op))
            except LeadkitError as error:
                answers.append(error.code)
        uow.commit()
    return answers


@settings(max_examples=40, deadline=None)
@given(ops=st.lists(OPS, max_size=25))
# A lookup answered, then a write that changes its answer: the key moves away, the
# record is removed, a membership moves to another lead and back, a new record joins.
@example(
    ops=[
        ("add", "l-1", "XYZ", None),
        ("by_company", "XYZ"),
        ("update", "l-1", "ABC株式会社", None),
        ("by_company", "XYZ"),
        ("by_company", "ABC Co., Ltd."),
    ]
)
@example(
    ops=[
        ("add", "l-1", "XYZ", "a@abc.co.jp"),
        ("by_email", "A@ABC.CO.JP"),
        ("remove", "l-1"),
        ("by_email", "a@abc.co.jp"),
        ("find", "l-1"),
    ]
)
@example(
    ops=[
        ("member", "l-1", "k-1"),
        ("prefetch_members", ["l-1", "l-2"]),
        ("move", "l-1", "l-2"),
        ("by_lead", "l-1"),
        ("by_lead", "l-2"),
        ("move", "l-2", "l-1"),
        ("by_lead", "l-1"),
    ]
)
# Removed and added again in one unit: a new record, listed last (found by Hypothesis:
# the memory store kept it at its first position, SQLite's new row lists it last).
@example(
    ops=[
        ("add", "l-3", "ABC株式会社", None),
        ("add", "l-1", "ABC株式会社", None),
        ("remove", "l-3"),
        ("add", "l-3", "ABC株式会社", None),
        ("by_company", "ABC株式会社"),
        ("all",),
    ]
)
@example(ops=[("prefetch", "company_key"), ("add", "l-2", "XYZ", None),
              ("add", "l-1", "XYZ", None), ("by_company", "XYZ"), ("all",)])  # fmt: skip
def test_reads_inside_a_transaction_answer_as_the_memory_store(ops: list[Op]) -> None:
    memory = InMemoryStore()
    expected = _answers(memory.unit_of_work(), ops)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        factory = functools.partial(SqliteUnitOfWork, Path(folder) / "crm.db")
        assert _answers(factory(), ops) == expected
        assert snapshot(factory) == snapshot(memory.unit_of_work)


def test_prefetch_refuses_a_column_it_does_not_index(tmp_path: Path) -> None:
    """Only the table's lookup columns (and ``id``) can be prefetched (the column name
    reaches SQL): leadkit.repository._schema.TABLES lists them."""
    with SqliteUnitOfWork(tmp_path / "crm.db") as uow, pytest.raises(ValidationError) as caught:
        uow.leads.prefetch("data; DROP TABLE leads", ["x"])
    assert caught.value.path == ("leads", "prefetch")
