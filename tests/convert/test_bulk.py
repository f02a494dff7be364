"""convert_leads: one result per request, each on its own or all-or-none."""

from __future__ import annotations

import pytest

from leadkit.convert import ConversionRequest, convert_leads
from leadkit.errors import ValidationError
from leadkit.model import OwnerRef
from leadkit.repository import UnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import FailingUnitOfWork, snapshot
from tests.convert.conftest import AS_OF, CONVERTED, Seed, make_lead


def _requests(*lead_ids: str, account: str = "match") -> list[ConversionRequest]:
    return [ConversionRequest(lead_id, CONVERTED, account=account) for lead_id in lead_ids]


def test_each_request_gets_its_result_in_order(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(
        make_lead(id="l-1", company="ABC"),
        make_lead(id="l-2", company="XYZ", owner=OwnerRef.queue("q-1")),
        make_lead(id="l-3", company="ABC株式会社"),
    )
    results = convert_leads(_requests("l-1", "l-2", "l-missing", "l-3"), uow_factory, as_of=AS_OF)
    assert [r.lead_id for r in results] == ["l-1", "l-2", "l-missing", "l-3"]
    assert [r.success for r in results] == [True, False, False, True]
    assert results[1].error_codes == ("owner_required",)
    assert results[2].error_codes == ("not_found",)
    # Asked to match, the third lead joins the account the first one created (same
    # company key).
    assert results[3].account_id == results[0].account_id
    assert not results[3].account_created
    with uow_factory() as uow:
        assert uow.leads.get("l-1").is_converted
        assert not uow.leads.get("l-2").is_converted
        assert len(uow.accounts) == 1


def test_all_or_none_writes_nothing_when_one_fails(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1"), make_lead(id="l-2", owner=OwnerRef.queue("q-1")), make_lead(id="l-3"))
    before = snapshot(uow_factory)
    results = convert_leads(
        _requests("l-1", "l-2", "l-3", "l-4"), uow_factory, as_of=AS_OF, all_or_none=True
    )
    assert snapshot(uow_factory) == before
    assert [r.error_codes for r in results] == [
        ("rolled_back",),
        ("owner_required",),
        ("rolled_back",),
        ("not_found",),  # checked too: every refused request reports its own reason
    ]
    assert "request 1 (lead 'l-2') failed" in str(results[0].errors[0])


def test_all_or_none_writes_everything_when_all_succeed(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1"), make_lead(id="l-2"))
    results = convert_leads(_requests("l-1", "l-2"), uow_factory, as_of=AS_OF, all_or_none=True)
    assert all(r.success for r in results)
    assert results[0].account_id == results[1].account_id  # the second saw the first's account
    with uow_factory() as uow:
        assert all(lead.is_converted for lead in uow.leads)


def test_without_match_each_lead_of_a_company_gets_its_own_account(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce convertLead(): without an accountId a new account is created."""
    seed(make_lead(id="l-1"), make_lead(id="l-2"))
    results = convert_leads(_requests("l-1", "l-2", account="new"), uow_factory, as_of=AS_OF)
    assert all(r.account_created for r in results)
    assert results[0].account_id != results[1].account_id


def test_the_same_lead_twice_in_one_batch(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1"))
    results = convert_leads(_requests("l-1", "l-1"), uow_factory, as_of=AS_OF)
    assert [r.error_codes for r in results] == [(), ("already_converted",)]
    before = snapshot(uow_factory)
    seed(make_lead(id="l-2"))
    results = convert_leads(_requests("l-2", "l-2"), uow_factory, as_of=AS_OF, all_or_none=True)
    assert [r.error_codes for r in results] == [("rolled_back",), ("already_converted",)]
    after = snapshot(uow_factory)
    assert after["accounts"] == before["accounts"]
    assert len(after["leads"]) == 2


def test_a_failure_while_writing_stops_an_all_or_none_batch(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1"), make_lead(id="l-2"), make_lead(id="l-3"))
    before = snapshot(uow_factory)
    # l-1 takes 4 write steps (account, contact, opportunity, lead): step 6 is inside l-2.
    results = convert_leads(
        _requests("l-1", "l-2", "l-3"),
        lambda: FailingUnitOfWork(uow_factory(), fail_at=6),
        as_of=AS_OF,
        all_or_none=True,
    )
    assert [r.error_codes for r in results] == [
        ("rolled_back",),
        ("injected_fault",),
        ("rolled_back",),
    ]
    assert "not attempted" in str(results[2].errors[0])
    assert snapshot(uow_factory) == before


def test_a_failed_commit_fails_the_whole_batch(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1"), make_lead(id="l-2"))
    before = snapshot(uow_factory)
    results = convert_leads(
        _requests("l-1", "l-2"),
        # l-1 writes account, contact, opportunity, lead; l-2 joins that account (nothing
        # to fill) and writes contact, opportunity, lead: the commit is step 8.
        lambda: FailingUnitOfWork(uow_factory(), fail_at=8),
        as_of=AS_OF,
        all_or_none=True,
    )
    assert [r.error_codes for r in results] == [("injected_fault",), ("injected_fault",)]
    assert "(commit)" in str(results[0].errors[0])
    assert snapshot(uow_factory) == before


def test_one_failing_unit_does_not_undo_the_others(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """``chunk_size=1``: one unit of work per request from the start."""
    seed(make_lead(id="l-1"), make_lead(id="l-2"))
    units = iter([FailingUnitOfWork(uow_factory(), fail_at=2), uow_factory()])
    results = convert_leads(_requests("l-1", "l-2"), lambda: next(units), as_of=AS_OF, chunk_size=1)
    assert [r.error_codes for r in results] == [("injected_fault",), ()]
    with uow_factory() as uow:
        assert [lead.is_converted for lead in uow.leads] == [False, True]


def test_a_chunk_runs_in_one_unit_of_work(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    """Per-request outcomes, one unit of work per chunk: a request refused before it
    writes (an unknown lead) leaves the others of its chunk alone."""
    seed(make_lead(id="l-1"), make_lead(id="l-2"), make_lead(id="l-3"))
    made: list[object] = []

    def factory() -> UnitOfWork:
        made.append(None)
        return uow_factory()

    results = convert_leads(
        _requests("l-1", "l-missing", "l-2", "l-3"), factory, as_of=AS_OF, chunk_size=3
    )
    assert [r.error_codes for r in results] == [(), ("not_found",), (), ()]
    assert len(made) == 2  # chunks of 3 and 1
    with uow_factory() as uow:
        assert all(lead.is_converted for lead in uow.leads)


@pytest.mark.parametrize("fail_at", [2, 6, 8])
def test_a_failed_chunk_is_run_again_one_request_at_a_time(
    uow_factory: UnitOfWorkFactory, seed: Seed, fail_at: int
) -> None:
    """A write or the commit of a chunk fails (steps 2 and 6: a write of l-1 and of l-2;
    8: the commit): the chunk is rolled back and each request runs in its own unit of
    work, so each gets the outcome it would have had alone and nothing is written twice."""
    seed(make_lead(id="l-1"), make_lead(id="l-2"))
    failing = FailingUnitOfWork(uow_factory(), fail_at=fail_at)
    units = iter([failing])
    results = convert_leads(
        _requests("l-1", "l-2"),
        lambda: next(units, None) or uow_factory(),
        as_of=AS_OF,
    )
    assert failing.steps == fail_at  # the chunk did fail there
    assert [r.error_codes for r in results] == [(), ()]
    with uow_factory() as uow:
        assert [lead.is_converted for lead in uow.leads] == [True, True]
        assert len(list(uow.accounts)) == 1  # l-2 joined the account l-1 made, once
        assert len(list(uow.contacts)) == 2


def test_bad_arguments_are_refused_before_anything_runs(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(ValidationError, match="request"):
        convert_leads(["l-1"], uow_factory, as_of=AS_OF)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="all_or_none"):
        convert_leads([], uow_factory, as_of=AS_OF, all_or_none="yes")  # type: ignore[arg-type]
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValidationError) as caught:
            convert_leads([], uow_factory, as_of=AS_OF, chunk_size=bad)  # type: ignore[arg-type]
        assert caught.value.path == ("chunk_size",)
    assert convert_leads([], uow_factory, as_of=AS_OF) == []
