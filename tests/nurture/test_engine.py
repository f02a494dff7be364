"""Nurture programs (issue 17): programs as data, a pure engine, deterministic actions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leadkit.io
from leadkit.errors import LoadError, ValidationError
from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.nurture import (
    Action,
    AddPoints,
    AddToCampaign,
    Assign,
    Branch,
    ChangeStage,
    End,
    Enrolment,
    Notify,
    Program,
    RemoveFromCampaign,
    Send,
    SetField,
    Wait,
    advance,
    advance_many,
    enrol,
    load_program,
    simulate,
)
from leadkit.rules import events, field, prop
from leadkit.stages import WorkingCalendar

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
PRICING = events("link_click").where(prop("url").startswith("/pricing"))


def lessons() -> Program:
    """The seeds' scenario mail: five lessons; a pricing click or all five opened → sales."""
    steps: dict[str, object] = {}
    for i in range(1, 6):
        steps[f"lesson{i}"] = Send(f"lesson-{i}", next=f"wait{i}")
        steps[f"wait{i}"] = Wait(timedelta(days=3), next=f"pricing{i}")
        after = f"lesson{i + 1}" if i < 5 else "opened_all"
        steps[f"pricing{i}"] = Branch(PRICING, yes="handoff", no=after)
    steps["opened_all"] = Branch(events("email_open").count() >= 5, yes="handoff", no="done")
    steps["handoff"] = ChangeStage("mql", next="notify")
    steps["notify"] = Notify("a hot lead from the lessons", next="done")
    steps["done"] = End()
    return Program("five-lessons", steps, exit=[events("unsubscribe")])


PROGRAM = lessons()
LEAD = Lead(name=PersonName("Sato"), company="ABC", created_at=T0 - timedelta(days=10))


def event(kind: str, days: float, **properties: str) -> EngagementEvent:
    return EngagementEvent(
        kind=kind, lead_id=LEAD.id, occurred_at=T0 + timedelta(days=days), properties=properties
    )


def start() -> Enrolment:
    enrolment = enrol(PROGRAM, LEAD, as_of=T0)
    assert enrolment is not None
    return enrolment


def test_the_scenario_mail_hands_a_pricing_click_to_sales() -> None:
    found = [event("email_open", 0.1), event("link_click", 4, url="/pricing/plans")]
    result = advance(PROGRAM, start(), LEAD, found, as_of=T0 + timedelta(days=30))
    kinds = [(a.kind, a.get("template") or a.get("stage")) for a in result.actions]
    assert kinds == [
        ("send", "lesson-1"),
        ("send", "lesson-2"),
        ("stage", "mql"),
        ("notify", None),
    ]
    assert result.enrolment.status == "completed"
    handoff = result.actions[2]
    assert handoff.at == T0 + timedelta(days=6)  # lesson 2 at day 3, its wait ends at day 6
    assert "'pricing2' was yes" in handoff.reason


def test_no_click_and_few_opens_end_the_program_after_five_lessons() -> None:
    result = advance(
        PROGRAM, start(), LEAD, [event("email_open", 1)], as_of=T0 + timedelta(days=30)
    )
    assert [a.get("template") for a in result.actions] == [f"lesson-{i}" for i in range(1, 6)]
    assert result.enrolment.status == "completed"
    assert result.enrolment.visits[-2].step == "opened_all"
    assert result.enrolment.visits[-2].outcome == "no"


def test_an_exit_criterion_stops_the_lead_where_it_is() -> None:
    result = advance(
        PROGRAM, start(), LEAD, [event("unsubscribe", 4.5)], as_of=T0 + timedelta(days=30)
    )
    assert [a.get("template") for a in result.actions] == ["lesson-1", "lesson-2"]
    assert result.enrolment.status == "exited"
    assert result.enrolment.reason == "exit: exists(unsubscribe)"
    assert result.enrolment.step is None
    assert result.enrolment.since == T0 + timedelta(days=4.5)


def test_a_lead_waits_until_the_time_is_up() -> None:
    result = advance(PROGRAM, start(), LEAD, as_of=T0 + timedelta(days=1))
    assert result.enrolment.step == "wait1"
    assert result.enrolment.active
    assert [a.kind for a in result.actions] == ["send"]


def test_the_same_call_twice_gives_the_same_action_ids_and_nothing_twice() -> None:
    found = [event("email_open", 1)]
    first = advance(PROGRAM, start(), LEAD, found, as_of=T0 + timedelta(days=8))
    again = advance(PROGRAM, start(), LEAD, found, as_of=T0 + timedelta(days=8))
    assert first == again
    assert len({a.id for a in first.actions}) == len(first.actions)
    rerun = advance(PROGRAM, first.enrolment, LEAD, found, as_of=T0 + timedelta(days=8))
    assert rerun.actions == ()
    assert rerun.enrolment == first.enrolment


histories = st.lists(
    st.tuples(
        st.sampled_from(["email_open", "link_click", "unsubscribe", "page_view"]),
        st.floats(0, 25, allow_nan=False),
        st.sampled_from(["/pricing", "/blog"]),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(histories, st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=4))
def test_advancing_in_steps_equals_advancing_at_once(
    raw: list[tuple[str, float, str]], stops: list[float]
) -> None:
    """Conditions are checked at the moments steps are reached and events happen, never at
    ``as_of``: calling daily or once a month gives the same path and the same actions."""
    found = [event(kind, day, url=url) for kind, day, url in raw]
    end = T0 + timedelta(days=30)
    once = advance(PROGRAM, start(), LEAD, found, as_of=end)
    enrolment, actions = start(), list[Action]()
    for stop in [*sorted(stops), 30]:
        result = advance(PROGRAM, enrolment, LEAD, found, as_of=T0 + timedelta(days=stop))
        enrolment = result.enrolment
        actions.extend(result.actions)
    assert tuple(actions) == once.actions
    assert enrolment == once.enrolment


@settings(max_examples=20, deadline=None)
@given(st.lists(histories, min_size=1, max_size=5))
def test_the_batch_gives_what_each_call_gives(per_lead: list[list[tuple[str, float, str]]]) -> None:
    leads = [
        Lead(name=PersonName(f"L{i}"), company="X", created_at=T0) for i in range(len(per_lead))
    ]
    found = [
        EngagementEvent(
            kind=kind,
            lead_id=lead.id,
            occurred_at=T0 + timedelta(days=day),
            properties={"url": url},
        )
        for lead, raw in zip(leads, per_lead, strict=True)
        for kind, day, url in raw
    ]
    enrolments = [Enrolment(PROGRAM.name, lead.id, T0, PROGRAM.start, T0) for lead in leads]
    batch = advance_many(PROGRAM, enrolments, leads, found, as_of=T0 + timedelta(days=20))
    for lead, enrolment in zip(leads, enrolments, strict=True):
        assert batch[lead.id] == advance(
            PROGRAM, enrolment, lead, found, as_of=T0 + timedelta(days=20)
        )


def test_wait_until_a_condition_goes_on_when_it_holds_or_times_out() -> None:
    program = Program(
        "webinar-follow-up",
        {
            "invite": Send("webinar-invite", next="wait"),
            "wait": Wait(
                timedelta(days=7), until=events("webinar"), next="thanks", timeout_next="reminder"
            ),
            "thanks": Send("thanks", next="done"),
            "reminder": Send("reminder", next="done"),
            "done": End(),
        },
    )
    enrolment = Enrolment(program.name, LEAD.id, T0, program.start, T0)
    attended = advance(
        program, enrolment, LEAD, [event("webinar", 2)], as_of=T0 + timedelta(days=9)
    )
    assert [a.get("template") for a in attended.actions] == ["webinar-invite", "thanks"]
    assert attended.actions[1].at == T0 + timedelta(days=2)  # at the event, not after the wait
    assert "ended when exists(webinar) held" in attended.actions[1].reason
    missed = advance(program, enrolment, LEAD, [event("webinar", 8)], as_of=T0 + timedelta(days=9))
    assert [a.get("template") for a in missed.actions] == ["webinar-invite", "reminder"]
    assert missed.actions[1].at == T0 + timedelta(days=7)
    assert missed.enrolment.visits[1].outcome == "timeout"


def test_a_working_time_wait_follows_the_calendar() -> None:
    """An 8-working-hour wait from Friday 17:00 (9:00-18:00, Monday to Friday) ends on
    Monday at 16:00."""
    calendar = WorkingCalendar(timezone="UTC", start=time(9), end=time(18))
    program = Program(
        "call-back",
        {
            "wait": Wait(timedelta(hours=8), working=True, next="call"),
            "call": Notify("call the lead", next="done"),
            "done": End(),
        },
        calendar=calendar,
    )
    friday = datetime(2026, 4, 3, 17, tzinfo=UTC)
    enrolment = Enrolment(program.name, LEAD.id, friday, program.start, friday)
    result = advance(program, enrolment, LEAD, as_of=friday + timedelta(days=5))
    assert result.actions[0].at == datetime(2026, 4, 6, 16, tzinfo=UTC)


def test_every_action_kind_carries_its_detail() -> None:
    program = Program(
        "all-kinds",
        {
            "a": AddPoints(10, next="b"),
            "b": SetField("rating", "Hot", next="c"),
            "c": AddToCampaign("campaign-1", next="d"),
            "d": RemoveFromCampaign("campaign-0", next="e"),
            "e": Assign(next="f"),
            "f": AddPoints(-5, next="g"),
            "g": End(),
        },
    )
    enrolment = Enrolment(program.name, LEAD.id, T0, program.start, T0)
    actions = advance(program, enrolment, LEAD, as_of=T0).actions
    assert [(a.kind, dict(a.detail)) for a in actions] == [
        ("points", {"points": 10}),
        ("set_field", {"field": "rating", "value": "Hot"}),
        ("add_to_campaign", {"campaign_id": "campaign-1"}),
        ("remove_from_campaign", {"campaign_id": "campaign-0"}),
        ("assign", {}),
        ("points", {"points": -5}),
    ]


def test_entry_criteria_and_reentry() -> None:
    program = Program(
        "big-companies",
        {"hello": Send("hello", next="done"), "done": End()},
        entry=field("employees") >= 1000,
        reentry="after_exit",
    )
    small = Lead(name=PersonName("A"), company="S", employees=10, created_at=T0)
    big = Lead(name=PersonName("B"), company="B", employees=5000, created_at=T0)
    assert enrol(program, small, as_of=T0) is None
    first = enrol(program, big, as_of=T0)
    assert first is not None
    assert enrol(program, big, as_of=T0, previous=[first]) is None  # still active
    done = advance(program, first, big, as_of=T0).enrolment
    assert done.status == "completed"
    assert enrol(program, big, as_of=T0, previous=[done]) is not None
    never = Program("once", {"hello": Send("hello", next="done"), "done": End()})
    assert enrol(never, big, as_of=T0, previous=[attrs_evolve(done, program="once")]) is None


def attrs_evolve(enrolment: Enrolment, **changes: object) -> Enrolment:
    import attrs

    return attrs.evolve(enrolment, **changes)  # type: ignore[arg-type]


def test_the_graph_is_checked_when_built() -> None:
    with pytest.raises(LoadError) as err:
        Program(
            "broken",
            {
                "a": Send("t", next="b"),
                "b": Branch(events("email_open"), yes="a", no="zz"),
                "c": End(),
            },
        )
    messages = {str(p.path): p.message for p in err.value.problems}
    assert "no step named 'zz'" in messages["('steps', 'b', 'no')"]
    with pytest.raises(LoadError) as err:
        Program(
            "loop",
            {
                "a": Send("t", next="b"),
                "b": Branch(events("x"), yes="a", no="c"),
                "c": End(),
                "d": End(),
            },
        )
    found = sorted(p.message for p in err.value.problems)
    assert any(m.startswith("a cycle without a wait: a → b → a") for m in found)
    assert any(m.startswith("unreachable") for m in found)
    waits = Program(
        "loop-with-wait",
        {
            "a": Send("t", next="w"),
            "w": Wait(timedelta(days=1), next="b"),
            "b": Branch(events("x"), yes="c", no="a"),
            "c": End(),
        },
    )
    assert waits.start == "a"


def test_steps_refuse_bad_values_with_their_path() -> None:
    with pytest.raises(ValidationError) as err:
        AddPoints(0)
    assert err.value.path == ("points",)
    with pytest.raises(ValidationError) as err:
        SetField("no_such_field", 1)
    with pytest.raises(ValidationError) as err:
        ChangeStage("nowhere")
    assert err.value.path == ("stage",)
    with pytest.raises(ValidationError):
        Wait(timedelta(0))


def test_a_program_round_trips_through_the_codec() -> None:
    text = leadkit.io.dumps(PROGRAM)
    assert leadkit.io.loads(text, Program) == PROGRAM
    program = Program(
        "everything",
        {
            "w": Wait(
                timedelta(days=2, hours=3), until=events("webinar"), next="p", timeout_next="e"
            ),
            "p": AddPoints(5, next="s"),
            "s": SetField("custom.nurtured", True, next="e"),
            "e": End(),
        },
        entry=field("employees") >= 10,
        exit=[events("unsubscribe")],
        reentry="always",
        description="all the keys",
        version="3",
    )
    assert leadkit.io.loads(leadkit.io.dumps(program), Program) == program


def test_loading_reports_every_problem_with_its_path() -> None:
    with pytest.raises(LoadError) as err:
        load_program(
            {
                "name": "x",
                "steps": {
                    "a": {"type": "send", "next": "b"},
                    "b": {"type": "wait", "days": -1, "next": "c"},
                    "c": {
                        "type": "branch",
                        "when": {"field": "nope", "op": "==", "value": 1},
                        "yes": "a",
                        "no": "a",
                    },
                    "d": {"type": "teleport"},
                },
            }
        )
    paths = {".".join(map(str, p.path)) for p in err.value.problems}
    assert {"steps.a.template", "steps.b.days", "steps.c.when.field", "steps.d.type"} <= paths
    with pytest.raises(LoadError) as err:
        load_program(leadkit.io.unstructure(PROGRAM), templates=["lesson-1", "lesson-2"])
    assert {".".join(map(str, p.path)) for p in err.value.problems} == {
        "steps.lesson3.template",
        "steps.lesson4.template",
        "steps.lesson5.template",
    }
    data = leadkit.io.unstructure(PROGRAM)
    data["schema"] = 2
    with pytest.raises(LoadError, match="newer leadkit"):
        load_program(data)


def test_simulation_counts_every_step() -> None:
    leads = [Lead(name=PersonName(f"L{i}"), company="X", created_at=T0) for i in range(30)]
    found = []
    for index, lead in enumerate(leads):
        if index % 3 == 0:
            found.append(
                EngagementEvent(
                    kind="link_click",
                    lead_id=lead.id,
                    occurred_at=T0 + timedelta(days=1),
                    properties={"url": "/pricing"},
                )
            )
        if index % 5 == 0:
            found.append(
                EngagementEvent(
                    kind="unsubscribe", lead_id=lead.id, occurred_at=T0 + timedelta(days=4)
                )
            )
    report = simulate(PROGRAM, leads, found, start=T0, as_of=T0 + timedelta(days=40))
    steps = {s.step: s for s in report.steps}
    assert report.enrolled == 30
    assert steps["lesson1"].reached == 30
    assert steps["pricing1"].yes == 10
    assert report.completed + report.exited + report.active == 30
    assert dict(report.stages)["mql"] == steps["handoff"].reached
    for s in report.steps:
        if s.kind == "branch":
            assert s.yes + s.no + s.exited == s.reached
    graph = report.to_mermaid()
    assert graph.startswith("flowchart TD")
    assert "yes 10" in graph
    assert "five-lessons" in report.to_text()
