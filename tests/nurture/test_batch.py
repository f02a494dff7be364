"""The batch engine (``advance_many``, a compiled step table with shared segments) gives
exactly what the per-enrolment ``advance`` gives, on random programs and histories."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.nurture import (
    AddPoints,
    Assign,
    Branch,
    ChangeStage,
    End,
    Enrolment,
    Notify,
    Program,
    Send,
    Step,
    Wait,
    advance,
    advance_many,
)
from leadkit.nurture._program import successors
from leadkit.rules import Condition, events, field, prop
from leadkit.stages import WorkingCalendar

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
JST = ZoneInfo("Asia/Tokyo")
KINDS = ["email_open", "link_click", "unsubscribe", "page_view", "form_submit"]
CONDITIONS: list[Condition] = [
    events("email_open"),
    events("link_click").where(prop("url").startswith("/pricing")),
    events("email_open").count() >= 2,
    events("form_submit") | (field("employees") >= 100),
    events("link_click").within(days=3),  # reads the time of evaluation
    events(),  # any kind
    field("employees") >= 500,
]
EXITS: list[Condition] = [
    events("unsubscribe"),
    events("form_submit").within(days=2),
    field("employees") >= 5000,
]
CALENDAR = WorkingCalendar(timezone="UTC", start=time(9), end=time(18))


@st.composite
def programs(draw: st.DrawFn) -> Program:
    """A random valid program: steps s0..sN, forward edges everywhere, and backward
    edges only out of waits (a cycle always passes a wait), the last step an end."""
    n = draw(st.integers(2, 9))
    names = [f"s{i}" for i in range(n)]
    working = draw(st.booleans())
    steps: dict[str, Step] = {}
    for i in range(n - 1):
        later = st.sampled_from(names[i + 1 :])
        kind = draw(st.sampled_from(["send", "notify", "points", "stage", "assign", "end",
                                     "wait", "wait", "branch", "branch"]))  # fmt: skip
        if kind == "wait":
            hours = draw(st.sampled_from([0, 1, 8, 24, 72]))
            until = draw(st.none() | st.sampled_from(CONDITIONS))
            if hours == 0 and until is None:
                hours = 24
            # Back only from a wait that takes time (a wait whose until holds would loop
            # at one moment until the engine refuses: tested below on its own).
            back = until is None and draw(st.booleans())
            target = draw(st.sampled_from(names)) if back else draw(later)
            steps[names[i]] = Wait(
                timedelta(hours=hours),
                next=target,
                until=until,
                timeout_next=draw(later) if until is not None and draw(st.booleans()) else None,
                working=working and draw(st.booleans()),
            )
        elif kind == "branch":
            steps[names[i]] = Branch(
                draw(st.sampled_from(CONDITIONS)), yes=draw(later), no=draw(later)
            )
        elif kind == "end":
            steps[names[i]] = End()
        elif kind == "send":
            steps[names[i]] = Send(f"mail-{i}", next=draw(later))
        elif kind == "notify":
            steps[names[i]] = Notify(f"note {i}", next=draw(later))
        elif kind == "points":
            steps[names[i]] = AddPoints(draw(st.sampled_from([5, -3])), next=draw(later))
        elif kind == "stage":
            steps[names[i]] = ChangeStage("mql", next=draw(later))
        else:
            steps[names[i]] = Assign(next=draw(later))
    steps[names[-1]] = End()
    reached, todo = set(), ["s0"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(successors(steps[name]))
    kept = {name: step for name, step in steps.items() if name in reached}
    exits = draw(st.lists(st.sampled_from(EXITS), max_size=2, unique_by=id))
    return Program("random", kept, exit=exits, calendar=CALENDAR if working else None)


moments = st.one_of(
    st.sampled_from([0.0, 1.0, 3.0, 3.5, 6.0]),  # shared moments: ties and shared segments
    st.floats(0, 12, allow_nan=False),
)
histories = st.lists(
    st.tuples(st.sampled_from(KINDS), moments, st.sampled_from(["/pricing", "/blog"])),
    max_size=10,
)
starts = st.sampled_from(["utc", "jst", "later"])


def _since(start: str) -> datetime:
    """UTC, the same instant in Tokyo time, or a day later."""
    if start == "jst":
        return T0.astimezone(JST)
    return T0 + timedelta(days=1) if start == "later" else T0


@settings(max_examples=150, deadline=None)
@given(
    programs(),
    st.lists(
        st.tuples(histories, starts, st.sampled_from([None, 50, 800])), min_size=1, max_size=5
    ),
    st.sampled_from([0.0, 1.0, 3.0]) | st.floats(0, 8, allow_nan=False),
    st.sampled_from([0.0, 2.0, 3.0, 6.0]) | st.floats(0, 14, allow_nan=False),
)
def test_the_batch_equals_advance_on_random_programs(
    program: Program,
    per_lead: list[tuple[list[tuple[str, float, str]], str, int | None]],
    middle: float,
    end: float,
) -> None:
    """States, actions, reasons and action ids (compared by repr, time zones included),
    from a fresh enrolment and from one already advanced part of the way."""
    leads = [
        Lead(name=PersonName(f"L{i}"), company="X", employees=employees, created_at=T0)
        for i, (_, _, employees) in enumerate(per_lead)
    ]
    found = [
        EngagementEvent(
            kind=kind,
            lead_id=lead.id,
            occurred_at=T0 + timedelta(days=day),
            properties={"url": url},
        )
        for lead, (raw, _, _) in zip(leads, per_lead, strict=True)
        for kind, day, url in raw
    ]
    fresh = [
        Enrolment(program.name, lead.id, _since(start), program.start, _since(start))
        for lead, (_, start, _) in zip(leads, per_lead, strict=True)
    ]
    halfway = T0 + timedelta(days=middle)
    partly = [
        advance(program, enrolment, lead, found, as_of=halfway).enrolment
        for lead, enrolment in zip(leads, fresh, strict=True)
    ]
    as_of = halfway + timedelta(days=end)
    for enrolments in (fresh, partly):
        batch = advance_many(program, enrolments, leads, found, as_of=as_of)
        for lead, enrolment in zip(leads, enrolments, strict=True):
            one = advance(program, enrolment, lead, found, as_of=as_of)
            assert repr(batch[lead.id]) == repr(one)


def test_the_batch_stops_a_runaway_loop_as_advance_does() -> None:
    """A loop of a one-hour wait and a send, advanced by years, takes over the most steps
    one call may take: both engines refuse at the same step."""
    program = Program(
        "loop", {"send": Send("ping", next="wait"), "wait": Wait(timedelta(hours=1), next="send")}
    )
    lead = Lead(name=PersonName("A"), company="X", created_at=T0)
    enrolment = Enrolment(program.name, lead.id, T0, program.start, T0)
    as_of = T0 + timedelta(days=2000)
    with pytest.raises(ValidationError) as single:
        advance(program, enrolment, lead, as_of=as_of)
    with pytest.raises(ValidationError) as batch:
        advance_many(program, [enrolment], [lead], as_of=as_of)
    assert str(batch.value) == str(single.value)
    assert batch.value.path == single.value.path


def test_a_reason_reaches_back_over_the_visits_of_an_earlier_call() -> None:
    """A lead that took a branch and is waiting when one call ends: the action after the
    wait, in the next call, gives the branch as its reason, in the batch as in advance."""
    program = Program(
        "opened",
        {
            "opened?": Branch(events("email_open"), yes="wait", no="done"),
            "wait": Wait(timedelta(days=3), next="call"),
            "call": Notify("call the lead", next="done"),
            "done": End(),
        },
    )
    lead = Lead(name=PersonName("A"), company="X", created_at=T0)
    opened = [EngagementEvent(kind="email_open", lead_id=lead.id, occurred_at=T0)]
    start = Enrolment(program.name, lead.id, T0, program.start, T0)
    waiting = advance(program, start, lead, opened, as_of=T0 + timedelta(days=1)).enrolment
    assert [v.step for v in waiting.visits] == ["opened?"]
    as_of = T0 + timedelta(days=5)
    batch = advance_many(program, [waiting], [lead], opened, as_of=as_of)[lead.id]
    assert batch == advance(program, waiting, lead, opened, as_of=as_of)
    assert batch.actions[0].reason == (
        "step 'call' of 'opened' because 'opened?' was yes (exists(email_open)); "
        "'wait' waited 3 days"
    )
