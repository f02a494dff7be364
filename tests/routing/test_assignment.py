"""Assignment rules: order, first match, default owner, keep owner, explanations."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.model import Address, OwnerRef, User
from leadkit.routing import (
    AssignmentRules,
    InMemoryState,
    RoundRobin,
    Router,
    RuleEntry,
    in_region,
)
from leadkit.rules import criteria, events, field
from tests.routing._support import AT, lead, team

U1, U2, U3 = OwnerRef.user("u-1"), OwnerRef.user("u-2"), OwnerRef.user("u-3")
INBOUND = OwnerRef.queue("inbound")


def router(*entries: RuleEntry, roster_ids: tuple[str, ...] = ("u-1", "u-2", "u-3")) -> Router:
    return Router(AssignmentRules(entries, default_owner=INBOUND), roster=team(*roster_ids))


def test_the_first_matching_entry_assigns_and_later_ones_are_not_consulted() -> None:
    r = router(
        RuleEntry(field("industry") == "IT", U1, name="IT"),
        RuleEntry(field("employees") >= 1000, U2, name="big"),
        RuleEntry(field("industry") == "IT", U3, name="IT again"),
    )
    decision = r.route(lead(industry="IT", employees=5000), as_of=AT, state=InMemoryState())
    assert decision.owner == U1
    assert decision.entry is not None
    assert (decision.entry.index, decision.entry.name) == (0, "IT")
    assert decision.skipped_entries == ()


def test_no_match_goes_to_the_default_owner_with_every_entry_explained() -> None:
    r = router(
        RuleEntry(field("industry") == "IT", U1, name="IT"),
        RuleEntry(criteria([field("employees") >= 1000, in_region("関東")]), U2, name="big"),
    )
    decision = r.route(lead(industry="小売", employees=300), as_of=AT, state=InMemoryState())
    assert decision.owner == INBOUND
    assert decision.by_default
    assert [s.index for s in decision.skipped_entries] == [0, 1]
    # The numbered criteria that failed, with the values they saw.
    assert decision.skipped_entries[1].failing == (
        "1. employees >= 1000  [employees = 300]",
        "2. address.region in ['関東']  [address.region is missing; unknown]",
    )
    text = str(decision)
    assert "default owner" in text
    assert "#1 'IT' did not match: industry == 'IT'  [industry = '小売']" in text


def test_filter_logic_with_or_matches_through_either_branch() -> None:
    when = criteria(
        [in_region("関東"), field("employees") >= 1000, field("industry") == "IT"],
        logic="(1 AND 2) OR 3",
    )
    r = router(RuleEntry(when, U1))
    tokyo = Address(country="JP", state="東京都")
    assert r.match(lead(address=tokyo, employees=2000), as_of=AT) == 0
    assert r.match(lead(industry="IT"), as_of=AT) == 0
    assert r.match(lead(address=tokyo, employees=10), as_of=AT) is None


def test_skipped_entries_only_cover_entries_before_the_match() -> None:
    r = router(
        RuleEntry(field("industry") == "IT", U1),
        RuleEntry(field("industry") == "金融", U2),
        RuleEntry(field("industry").is_present(), U3),
    )
    decision = r.route(lead(industry="金融"), as_of=AT, state=InMemoryState())
    assert decision.owner == U2
    assert [s.index for s in decision.skipped_entries] == [0]
    quiet = r.route(lead(industry="金融"), as_of=AT, state=InMemoryState(), explain=False)
    assert quiet.skipped_entries == ()
    assert quiet.owner == decision.owner


def test_keep_owner_keeps_the_current_owner_and_touches_no_state() -> None:
    r = router(RuleEntry(field("industry") == "IT", RoundRobin(["u-1", "u-2"]), keep_owner=True))
    state = InMemoryState()
    owned = lead(industry="IT", owner=U3)
    decision = r.route(owned, as_of=AT, state=state)
    assert decision.owner == U3
    assert decision.kept_owner
    assert decision.strategy_reasoning is None
    assert state.values() == {}
    # Without an owner there is nothing to keep: the target decides.
    assert r.route(attrs.evolve(owned, owner=None), as_of=AT, state=state).owner == U1


def test_event_criteria_see_the_leads_events() -> None:
    from leadkit.model import EngagementEvent

    webinar = EngagementEvent(kind="webinar", lead_id="lead-1", occurred_at=AT - timedelta(days=2))
    r = router(RuleEntry(events("webinar").within(days=7), U2))
    hot = lead(id="lead-1")
    assert r.route(hot, as_of=AT, state=InMemoryState(), events=[webinar]).owner == U2
    assert r.route(hot, as_of=AT, state=InMemoryState()).owner == INBOUND
    batch = r.route_many([hot], as_of=AT, state=InMemoryState(), events={"lead-1": [webinar]})
    assert batch[0].owner == U2


def test_direct_user_targets_count_towards_open_leads() -> None:
    r = router(RuleEntry(field("industry") == "IT", U1))
    state = InMemoryState()
    r.route_many([lead(industry="IT")] * 3, as_of=AT, state=state)
    assert state.open_count("u-1") == 3
    assert state.last_assigned("u-1") == AT
    assert state.release("u-1") == 2


def test_dry_run_counts_owners_and_never_changes_the_state() -> None:
    r = router(
        RuleEntry(field("industry") == "IT", RoundRobin(["u-1", "u-2"])),
        RuleEntry(field("industry") == "金融", U3),
    )
    state = InMemoryState()
    state.set_open_count("u-1", 4)
    before = state.values()
    leads = [lead(industry="IT")] * 5 + [lead(industry="金融")] * 2 + [lead()]
    counts = r.dry_run(leads, as_of=AT, state=state)
    assert counts == {U1: 3, U2: 2, U3: 2, INBOUND: 1}
    assert state.values() == before
    # The real run hands out the same owners.
    real = r.route_many(leads, as_of=AT, state=state)
    assert sorted(str(d.owner) for d in real) == sorted(str(o) for o in counts.elements())


@given(st.lists(st.sampled_from(["IT", "金融", "小売", None]), max_size=12))
def test_the_same_inputs_and_state_give_the_same_decisions(industries: list[str | None]) -> None:
    r = router(
        RuleEntry(field("industry") == "IT", RoundRobin(["u-1", "u-2", "u-3"])),
        RuleEntry(field("industry").is_in(["金融", "小売"]), RoundRobin(["u-3", "u-1"])),
    )
    leads = [lead(id=f"lead-{i}", industry=x) for i, x in enumerate(industries)]
    start = InMemoryState({"pool/round_robin:u-1|u-2|u-3/next": 2})
    first = r.route_many(leads, as_of=AT, state=start.snapshot(), explain=True)
    second = r.route_many(leads, as_of=AT, state=start.snapshot(), explain=True)
    assert first == second
    assert [str(d) for d in first] == [str(d) for d in second]


def test_bad_input_is_refused_with_a_path() -> None:
    with pytest.raises(ValidationError, match=r"entries\[0\]\.target\.members\[1\]"):
        router(RuleEntry(field("industry") == "IT", RoundRobin(["u-1", "u-9"])))
    with pytest.raises(ValidationError, match="when is a condition"):
        RuleEntry("industry == 'IT'", U1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="target is OwnerRef"):
        RuleEntry(field("industry") == "IT", "u-1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="read a Lead"):
        RuleEntry(field("active", on=User).is_true(), U1)
    r = router(RuleEntry(field("industry") == "IT", U1))
    with pytest.raises(ValidationError, match="as_of"):
        r.route(lead(), as_of=AT.replace(tzinfo=None), state=InMemoryState())
    with pytest.raises(ValidationError, match="state must be a RoutingState"):
        r.route(lead(), as_of=AT, state={})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="takes a Lead"):
        r.route("lead", as_of=AT, state=InMemoryState())  # type: ignore[arg-type]


industries = st.sampled_from(["IT", "金融", "小売"])
entry_conditions = st.one_of(
    industries.map(lambda v: field("industry") == v),
    st.lists(industries, min_size=1, max_size=2).map(lambda v: field("industry").is_in(v)),
    st.sampled_from([50, 300, 1000]).map(lambda v: field("employees") >= v),
    st.just(field("title").contains("部長")),
)


@given(
    st.lists(entry_conditions, min_size=1, max_size=8),
    st.lists(
        st.tuples(
            st.none() | industries,
            st.none() | st.sampled_from([10, 300, 2000]),
            st.none() | st.just("営業部長"),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_first_match_wins_in_order_and_skipped_entries_all_failed(
    conditions: list[object], fields: list[tuple[str | None, int | None, str | None]]
) -> None:
    from leadkit.rules import compile

    entries = [
        RuleEntry(c, OwnerRef.user(f"u-{i}"), name=f"e{i}")  # type: ignore[arg-type]
        for i, c in enumerate(conditions)
    ]
    r = Router(AssignmentRules(entries, default_owner=INBOUND))
    for industry, employees, title in fields:
        one = lead(industry=industry, employees=employees, title=title)
        holds = [compile(e.when)(one, as_of=AT) for e in entries]
        expected = holds.index(True) if True in holds else None
        decision = r.route(one, as_of=AT, state=InMemoryState())
        assert (decision.entry.index if decision.entry else None) == expected
        assert decision.owner == (INBOUND if expected is None else OwnerRef.user(f"u-{expected}"))
        assert [s.index for s in decision.skipped_entries] == list(
            range(len(entries) if expected is None else expected)
        )
        assert all(not s.explanation.held and s.failing for s in decision.skipped_entries)
