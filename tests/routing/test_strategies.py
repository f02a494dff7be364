"""Distribution strategies: turns, weights, loads, caps, eligibility and fallbacks."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from datetime import date, time, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.model import OwnerRef, User
from leadkit.routing import (
    AssignmentRules,
    Availability,
    CapacityBased,
    Caps,
    InMemoryState,
    LeastLoaded,
    Leave,
    Roster,
    RoundRobin,
    Router,
    RoutingDecision,
    RuleEntry,
    Strategy,
    WeightedRoundRobin,
    WorkingHours,
)
from leadkit.rules import field
from tests.routing._support import AT, lead, team

OVERFLOW = OwnerRef.queue("overflow")


def route_all(
    strategy: Strategy, roster: Roster, count: int, state: InMemoryState | None = None
) -> list[RoutingDecision]:
    rules = AssignmentRules(
        [RuleEntry(field("company").is_present(), strategy)],
        default_owner=OwnerRef.queue("inbound"),
    )
    return Router(rules, roster=roster).route_many(
        [lead(id=f"lead-{i}") for i in range(count)],
        as_of=AT,
        state=state if state is not None else InMemoryState(),
    )


def owners(decisions: Sequence[RoutingDecision]) -> Counter[str]:
    return Counter(str(d.owner) for d in decisions)


@given(st.integers(1, 7), st.integers(0, 40), st.integers(0, 10))
def test_round_robin_counts_differ_by_at_most_one(members: int, count: int, start: int) -> None:
    ids = [f"u-{i}" for i in range(members)]
    state = InMemoryState({f"pool/round_robin:{'|'.join(ids)}/next": start})
    decisions = route_all(RoundRobin(ids), team(*ids), count, state)
    tally = [owners(decisions)[f"user:{i}"] for i in ids]
    assert sum(tally) == count
    assert max(tally) - min(tally) <= 1
    # Strict turns: consecutive leads go to consecutive members.
    chosen = [d.owner.id for d in decisions]
    for before, after in itertools.pairwise(chosen):
        assert ids.index(after) == (ids.index(before) + 1) % members
    assert [d.strategy_reasoning.turn for d in decisions if d.strategy_reasoning] == list(
        range(1, count + 1)
    )


def test_round_robin_skips_the_ineligible_and_says_why() -> None:
    roster = Roster(
        [
            User(id="u-1", name="佐藤"),
            User(id="u-2", name="鈴木", active=False),
            User(id="u-3", name="高橋"),
        ],
        availability={"u-3": Availability(leave=[Leave(date(2026, 3, 30), date(2026, 4, 3))])},
    )
    decisions = route_all(RoundRobin(["u-2", "u-3", "u-1"]), roster, 2)
    assert [str(d.owner) for d in decisions] == ["user:u-1", "user:u-1"]
    reasoning = decisions[0].strategy_reasoning
    assert reasoning is not None
    assert str(reasoning) == (
        "round robin [round_robin:u-2|u-3|u-1]; it was u-2's turn; skipped u-2 (inactive), "
        "u-3 (on leave 2026-03-30..2026-04-03); assigned u-1 (turn 1)"
    )


weights = st.sampled_from([1, 2, 3, 0.5, 0.25, 1.5, "1/3"])


@given(st.lists(weights, min_size=1, max_size=5), st.integers(1, 3))
def test_weighted_turns_match_the_weights_within_one_cycle(raw: list[object], cycles: int) -> None:
    ids = [f"u-{i}" for i in range(len(raw))]
    strategy = WeightedRoundRobin(dict(zip(ids, raw, strict=True)))
    fractions = [Fraction(str(w)) for w in raw]
    # A cycle gives each member its weight in leads, scaled to whole numbers.
    scale = 1
    for f in fractions:
        scale = math.lcm(scale, f.denominator)
    units = [int(f * scale) for f in fractions]
    cycle = sum(units)
    decisions = route_all(strategy, team(*ids), cycle * cycles)
    running: Counter[str] = Counter()
    for n, decision in enumerate(decisions, start=1):
        running[decision.owner.id] += 1
        done, partial = divmod(n, cycle)
        for member, unit in zip(ids, units, strict=True):
            # Never ahead or behind by more than one cycle's share.
            assert unit * done <= running[member] <= unit * (done + (1 if partial else 0))
    assert [running[i] for i in ids] == [u * cycles for u in units]


def test_weight_two_gets_two_leads_per_cycle_and_half_one_every_other() -> None:
    strategy = WeightedRoundRobin({"a": 2, "b": 1, "c": 0.5})
    tally = owners(route_all(strategy, team("a", "b", "c"), 7 * 4))
    assert tally == {"user:a": 16, "user:b": 8, "user:c": 4}


def test_weighted_away_member_collects_no_credit() -> None:
    roster = Roster(
        [User(id="a", name="A"), User(id="b", name="B")],
        availability={"b": Availability(leave=[Leave(date(2026, 4, 1), date(2026, 4, 1))])},
    )
    state = InMemoryState()
    route_all(WeightedRoundRobin({"a": 1, "b": 1}), roster, 6, state)
    back = Roster([User(id="a", name="A"), User(id="b", name="B")])
    after = route_all(WeightedRoundRobin({"a": 1, "b": 1}), back, 4, state)
    assert owners(after) == {"user:a": 2, "user:b": 2}


def test_least_loaded_picks_fewest_open_then_longest_waiting_then_list_order() -> None:
    state = InMemoryState()
    state.set_open_count("u-1", 3)
    state.set_open_count("u-2", 1)
    state.set_open_count("u-3", 1)
    with state.transaction() as txn:
        txn.set("sequence/u-2", 1)  # u-2 had a lead more recently than u-3 (never)
    decisions = route_all(LeastLoaded(["u-1", "u-2", "u-3"]), team("u-1", "u-2", "u-3"), 4, state)
    assert [d.owner.id for d in decisions] == ["u-3", "u-2", "u-3", "u-2"]
    assert decisions[0].strategy_reasoning is not None
    assert decisions[0].strategy_reasoning.detail == "fewest open leads (1)"


def test_capacity_based_picks_most_room_and_falls_back_when_all_full() -> None:
    roster = Roster([User(id="u-1", name="A", capacity=2), User(id="u-2", name="B", capacity=5)])
    strategy = CapacityBased(["u-1", "u-2"], fallback=OVERFLOW)
    decisions = route_all(strategy, roster, 9)
    assert owners(decisions) == {"user:u-1": 2, "user:u-2": 5, "queue:overflow": 2}
    last = decisions[-1].strategy_reasoning
    assert last is not None
    assert last.chosen is None
    assert last.fallback == OVERFLOW
    assert "u-1 (at capacity (2 of 2 open))" in str(last)


caps = st.builds(
    Caps,
    max_open=st.none() | st.integers(0, 4),
    per_day=st.none() | st.integers(0, 4),
    per_week=st.none() | st.integers(0, 6),
)
kinds = st.sampled_from([RoundRobin, LeastLoaded, CapacityBased, WeightedRoundRobin])


@given(
    kinds,
    caps,
    st.lists(st.none() | st.integers(0, 3), min_size=1, max_size=4),
    st.lists(st.booleans(), min_size=4, max_size=4),
    st.lists(st.integers(0, 3), min_size=4, max_size=4),
    st.integers(0, 20),
)
def test_a_cap_is_never_exceeded_and_nobody_inactive_or_away_is_chosen(
    kind: type,
    limits: Caps,
    capacities: list[int | None],
    active: list[bool],
    open_counts: list[int],
    count: int,
) -> None:
    ids = [f"u-{i}" for i in range(len(capacities))]
    users = [
        User(id=i, name="x", capacity=c, active=a)
        for i, c, a in zip(ids, capacities, active, strict=False)
    ]
    # u-1 is on leave, u-2 works only at night: neither may be chosen at AT.
    roster = Roster(
        users,
        availability={
            "u-1": Availability(leave=[Leave(date(2026, 4, 1), date(2026, 4, 2))]),
            "u-2": Availability(
                hours=[WorkingHours(days=range(7), start=time(22), end=time(6))],
                timezone="Asia/Tokyo",
            ),
        },
    )
    state = InMemoryState()
    for member, n in zip(ids, open_counts, strict=False):
        state.set_open_count(member, n)
    members = dict.fromkeys(ids, 1) if kind is WeightedRoundRobin else ids
    strategy = kind(members, caps=limits, fallback=OVERFLOW)
    decisions = route_all(strategy, roster, count, state)
    given_now = Counter(d.owner.id for d in decisions if not d.owner.is_queue)
    for user, start in zip(users, open_counts, strict=False):
        got = given_now[user.id]
        if got == 0:
            continue
        assert user.active
        assert user.id not in ("u-1", "u-2")
        limits_open = [x for x in (limits.max_open, user.capacity) if x is not None]
        if limits_open:
            assert start + got <= min(limits_open)
        if limits.per_day is not None:
            assert got <= limits.per_day
        if limits.per_week is not None:
            assert got <= limits.per_week
    # Nobody eligible: the fallback, never nowhere.
    assert all(d.owner == OVERFLOW for d in decisions if d.owner.is_queue)


def test_daily_caps_reset_on_the_members_next_local_day() -> None:
    roster = Roster([User(id="u-1", name="A", timezone="Asia/Tokyo")])
    rules = AssignmentRules(
        [RuleEntry(field("company").is_present(), RoundRobin(["u-1"], caps=Caps(per_day=1)))],
        default_owner=OVERFLOW,
    )
    router = Router(rules, roster=roster)
    state = InMemoryState()
    # 23:30 and 23:50 in Tokyo are one day; 00:10 the next.
    evening = AT.replace(hour=14, minute=30)
    owners_seen = [
        router.route(lead(), as_of=at, state=state).owner
        for at in (evening, evening + timedelta(minutes=20), evening + timedelta(minutes=40))
    ]
    assert owners_seen == [OwnerRef.user("u-1"), OVERFLOW, OwnerRef.user("u-1")]


def test_no_fallback_means_the_rule_sets_default_owner() -> None:
    roster = Roster([User(id="u-1", name="A", active=False)])
    decision = route_all(RoundRobin(["u-1"]), roster, 1)[0]
    assert decision.owner == OwnerRef.queue("inbound")
    assert decision.strategy_reasoning is not None
    assert decision.strategy_reasoning.fallback == OwnerRef.queue("inbound")
    assert "nobody eligible: fallback queue:inbound" in str(decision)


def test_strategies_validate_their_arguments() -> None:
    with pytest.raises(ValidationError, match="at least one member"):
        RoundRobin([])
    with pytest.raises(ValidationError, match=r"members\[1\]"):
        RoundRobin(["u-1", "u-1"])
    with pytest.raises(ValidationError, match="must be > 0"):
        WeightedRoundRobin({"u-1": 0})
    with pytest.raises(ValidationError, match="positive number"):
        WeightedRoundRobin({"u-1": True})
    with pytest.raises(ValidationError, match="at most 3 decimals"):
        WeightedRoundRobin({"u-1": 0.0001})
    with pytest.raises(ValidationError, match="cap is a whole number"):
        Caps(per_day=-1)
    with pytest.raises(ValidationError, match="fallback"):
        LeastLoaded(["u-1"], fallback="queue:x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: WeightedRoundRobin("abc"), "weights map user ids"),  # type: ignore[arg-type]
        (lambda: WeightedRoundRobin({}), "at least one member"),
        (lambda: RoundRobin(5), "members is a list"),  # type: ignore[arg-type]
        (lambda: Availability(hours=5), "hours is a list"),  # type: ignore[arg-type]
        (lambda: Availability(leave=[date(2026, 1, 1)]), "expected a Leave"),  # type: ignore[list-item]
        (lambda: Caps(max_open="3"), "cap is a whole number"),  # type: ignore[arg-type]
    ],
)
def test_odd_python_arguments_are_routing_errors(build: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]
