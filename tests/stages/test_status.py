"""The status follows the work: the status policy applied by the stage functions.

Semantics from Salesforce's lead status picklist (Object Reference, LeadStatus: one
default status, several may count as converted) and the typical catalogue Open - Not
Contacted → Working - Contacted → Closed - Converted / Closed - Not Converted, with the
policy of issue 19: first completed activity → Working - Contacted, MQL rejected →
Nurturing, disqualified → Closed - Not Converted, conversion → the converting status.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LeadkitError, ValidationError
from leadkit.io import structure, unstructure
from leadkit.model import (
    DEFAULT_STATUSES,
    Event,
    Lead,
    LeadStatus,
    Money,
    OwnerRef,
    PersonName,
    StatusCatalogue,
    StatusEvent,
    StatusPolicy,
    Task,
    TaskStatus,
    use_catalogues,
)
from leadkit.stages import (
    Stage,
    StageHistory,
    accept,
    apply_status,
    disqualify,
    qualify,
    record_activity,
    recycle,
    reject,
    set_status,
    transition,
)
from tests.stages._support import T0

HOUR = timedelta(hours=1)
OPEN, WORKING, NURTURING = "Open - Not Contacted", "Working - Contacted", "Nurturing"
NOT_CONVERTED = "Closed - Not Converted"


def _mql(lead_id: str = "lead-1") -> StageHistory:
    h = transition(StageHistory(lead_id), Stage.INQUIRY, at=T0, by="policy:default")
    return transition(h, Stage.MQL, at=T0 + HOUR, by="policy:default")


def _call(at: datetime, *, done: bool = True, lead_id: str = "lead-1") -> Task:
    return Task(
        subject="架電",
        lead_id=lead_id,
        status=TaskStatus.COMPLETED if done else TaskStatus.OPEN,
        completed_at=at if done else None,
        owner=OwnerRef.user("u-sato"),
        created_at=T0,
    )


def test_the_first_completed_call_moves_open_to_working_at_its_time() -> None:
    h = record_activity(_mql(), _call(T0 + 2 * HOUR), as_of=T0 + 3 * HOUR)
    assert h.status == WORKING
    change = h.status_changes[-1]
    assert (change.at, change.by, change.event) == (T0 + 2 * HOUR, "u-sato", "first_activity")
    # A second call changes nothing: only the first response moves the status.
    again = record_activity(h, _call(T0 + 4 * HOUR), as_of=T0 + 5 * HOUR)
    assert again.status_changes == h.status_changes


def test_a_planned_task_or_an_event_to_come_is_not_a_response() -> None:
    h = record_activity(_mql(), _call(T0, done=False), as_of=T0 + 3 * HOUR)
    meeting = Event(
        subject="訪問", lead_id="lead-1", start=T0 + 5 * HOUR, end=T0 + 6 * HOUR, created_at=T0
    )
    h = record_activity(h, meeting, as_of=T0 + 3 * HOUR)
    assert h.status is None
    assert h.status_changes == ()
    held = record_activity(h, meeting, as_of=T0 + 7 * HOUR)
    assert (held.status, held.status_changes[-1].at) == (WORKING, T0 + 6 * HOUR)


def test_rejecting_an_mql_nurtures_it_and_disqualifying_closes_it() -> None:
    h = reject(_mql(), at=T0 + 2 * HOUR, by="u-sato", reason="No Budget")
    assert h.status == NURTURING
    assert h.status_changes[-1].event == "mql_rejected"
    h = disqualify(h, at=T0 + 3 * HOUR, by="u-sato", reason="Competitor")
    assert (h.status, h.status_changes[-1].at) == (NOT_CONVERTED, T0 + 3 * HOUR)
    assert h.status_at(T0 + 2 * HOUR) == NURTURING


def test_accepting_keeps_the_status_under_the_default_policy() -> None:
    h = accept(_mql(), at=T0 + 2 * HOUR, by="u-sato")
    assert h.status is None


def test_a_custom_policy_is_data_in_the_catalogue() -> None:
    mine = StatusCatalogue(
        [
            LeadStatus("New", "新規", is_default=True),
            LeadStatus("Accepted", "受付済み"),
            LeadStatus("Won", "成約", is_converted=True, is_closed=True),
        ],
        policy=StatusPolicy(mql_accepted="Accepted"),
    )
    with use_catalogues(statuses=mine):
        h = accept(_mql(), at=T0 + 2 * HOUR, by="u-sato")
        assert h.status == "Accepted"
        assert mine.status_for(StatusEvent.CONVERTED) == "Won"
        # The default policy's statuses are absent: rejecting changes nothing.
        assert mine.status_for(StatusEvent.MQL_REJECTED) is None


def test_a_policy_naming_an_unknown_or_converting_status_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown status 'Lost'") as unknown:
        StatusCatalogue(DEFAULT_STATUSES.statuses, policy=StatusPolicy(disqualified="Lost"))
    assert unknown.value.path == ("StatusCatalogue", "policy", "disqualified")
    with pytest.raises(ValidationError, match="not a non-converting"):
        StatusCatalogue(
            DEFAULT_STATUSES.statuses, policy=StatusPolicy(recycled="Closed - Converted")
        )


def test_apply_status_puts_the_history_status_on_the_lead() -> None:
    lead = Lead(id="lead-1", name=PersonName("佐藤"), company="ABC", created_at=T0)
    h = reject(_mql(), at=T0 + 2 * HOUR, by="u-sato", reason="No Budget")
    assert apply_status(lead, h).status == NURTURING
    assert apply_status(lead, _mql()) is lead


def test_set_status_by_hand_is_kept_with_its_time_and_refuses_converting() -> None:
    h = set_status(_mql(), "対応中", at=T0 + 2 * HOUR, by="u-sato")
    assert (h.status, h.status_changes[-1].event) == (WORKING, "manual")
    with pytest.raises(ValidationError, match="converting status"):
        set_status(h, "Closed - Converted", at=T0 + 3 * HOUR, by="u-sato")


def test_status_changes_survive_the_converter() -> None:
    h = reject(_mql(), at=T0 + 2 * HOUR, by="u-sato", reason="No Budget")
    assert structure(unstructure(h), StageHistory) == h


def test_the_sqls_status_follows_qualify() -> None:
    h = accept(_mql(), at=T0 + 2 * HOUR, by="u-sato")
    h = qualify(
        h, at=T0 + 3 * HOUR, by="u-sato", amount=Money(1000, "JPY"), close_date=date(2026, 9, 30)
    )
    assert h.status is None  # the default policy leaves the status to the rep and conversion


_OPS = st.lists(
    st.sampled_from(
        ["inquiry", "mql", "accept", "reject", "recycle", "disqualify", "qualify", "call", "sgl"]
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(_OPS)
def test_status_and_stage_stay_consistent_under_any_sequence(ops: list[str]) -> None:
    """A reference fold of the default policy over the moves that were legal must give
    the history's status, and every change is ordered, known and not converting."""
    h = StageHistory("lead-1")
    expected = OPEN
    first_done = False
    at = T0
    for op in ops:
        at += HOUR
        before = h
        try:
            if op == "inquiry":
                h = transition(h, Stage.INQUIRY, at=at, by="policy:default")
            elif op == "sgl":
                h = transition(h, Stage.SGL, at=at, by="policy:default")
            elif op == "mql":
                h = transition(h, Stage.MQL, at=at, by="policy:default")
            elif op == "accept":
                h = accept(h, at=at, by="u-1")
            elif op == "reject":
                h = reject(h, at=at, by="u-1", reason="No Need")
            elif op == "recycle":
                h = recycle(h, at=at, by="u-1", reason="later")
            elif op == "disqualify":
                h = disqualify(h, at=at, by="u-1", reason="Competitor")
            elif op == "qualify":
                h = qualify(
                    h, at=at, by="u-1", amount=Money(1, "JPY"), close_date=date(2026, 12, 1)
                )
            else:
                h = record_activity(h, _call(at), as_of=at)
        except LeadkitError:
            assert h is before
            continue
        if op in ("reject", "recycle"):
            expected = NURTURING
        elif op == "disqualify":
            expected = NOT_CONVERTED
        elif op == "call" and not first_done:
            first_done = True
            if expected == OPEN:
                expected = WORKING
        if h.current is Stage.DISQUALIFIED:
            assert h.status == NOT_CONVERTED
        if h.current is Stage.RECYCLED:
            assert h.status == NURTURING
    assert (h.status or OPEN) == expected
    times = [c.at for c in h.status_changes]
    assert times == sorted(times)
    for change in h.status_changes:
        assert not DEFAULT_STATUSES.get(change.status).is_converted
