"""Several processes converting in one SQLite file: the write lock serialises them, so
exactly one conversion of a lead wins and nothing is duplicated."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from leadkit.repository import SqliteUnitOfWork
from tests.convert._workers import convert_when_started
from tests.convert.conftest import make_lead

PROCESSES = 4


def _run(path: Path, lead_ids: list[str]) -> list[tuple[str, str, str]]:
    # fork starts in milliseconds (spawn re-imports everything, about a second per
    # process); the worker lives in an importable module so that spawn works too.
    methods = multiprocessing.get_all_start_methods()
    context = (
        multiprocessing.get_context("fork")
        if "fork" in methods
        else multiprocessing.get_context("spawn")
    )
    start = context.Event()
    results = context.Queue()
    workers = [
        context.Process(target=convert_when_started, args=(str(path), lead_id, start, results))
        for lead_id in lead_ids
    ]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return outcomes


def test_exactly_one_process_converts_a_lead(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path) as uow:
        uow.leads.add(make_lead(id="l-1"))
        uow.commit()

    outcomes = _run(path, ["l-1"] * PROCESSES)

    assert not [o for o in outcomes if o[1] == "crash"], outcomes
    assert sum(kind == "ok" for _, kind, _ in outcomes) == 1
    assert sorted(detail for _, kind, detail in outcomes if kind == "error") == [
        "already_converted"
    ] * (PROCESSES - 1)
    with SqliteUnitOfWork(path) as uow:
        assert (len(uow.accounts), len(uow.contacts), len(uow.opportunities)) == (1, 1, 1)
        lead = uow.leads.get("l-1")
        assert lead.conversion is not None
        assert lead.conversion.account_id == uow.accounts.all()[0].id


def test_leads_of_one_company_converted_at_once_share_one_account(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    lead_ids = [f"l-{n}" for n in range(PROCESSES)]
    with SqliteUnitOfWork(path) as uow:
        for lead_id in lead_ids:
            uow.leads.add(make_lead(id=lead_id, company="株式会社サンプル"))
        uow.commit()

    outcomes = _run(path, lead_ids)

    assert [kind for _, kind, _ in outcomes] == ["ok"] * PROCESSES, outcomes
    assert len({account_id for _, _, account_id in outcomes}) == 1
    with SqliteUnitOfWork(path) as uow:
        assert len(uow.accounts) == 1
        assert len(uow.contacts) == PROCESSES
        assert all(lead.is_converted for lead in uow.leads)
