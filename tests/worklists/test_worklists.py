"""Worklists as saved queries, run in SQLite and in Python with one answer (issue 19,
"Worklists as queries")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from leadkit.errors import LoadError, ValidationError
from leadkit.io import structure, unstructure
from leadkit.model import Event, Lead, Task
from leadkit.repository import InMemoryUnitOfWork, SqliteUnitOfWork, UnitOfWork
from leadkit.rules import events, field, prop
from leadkit.stages import Stage
from leadkit.worklists import (
    BUILTIN_WORKLISTS,
    STAGE_EVENT,
    SortKey,
    Worklist,
    dump_worklist,
    load_worklist,
    run_worklist,
)
from tests.worklists._support import AT, U2, done, lead, mql, planned, store, visit

pytest.importorskip("sqlglot")

NOW = AT + timedelta(days=3)

LEADS = [
    # answered by u-1 yesterday: touched recently
    lead("a", hours=0, custom={"priority": "A1"}),
    # a planned call only: nobody has answered it (対応漏れ), untouched
    lead("b", hours=1, custom={"priority": "B2"}),
    # called by u-1 and visited by u-2: two reps (重複対応), touched 3 days ago
    lead("c", hours=2, custom={"priority": "C3"}),
    # in a queue, nobody answered: not in "unanswered" (no rep owns it)
    lead("d", hours=3, owner=None, custom={"priority": "A2"}),
    # closed: in no worklist
    lead("e", hours=4, status="Closed - Not Converted"),
    # hot and accepted (being worked)
    lead("f", hours=5, status="Working - Contacted", custom={"priority": "A1"}),
    # an MQL of this morning, not answered yet: not "untouched for two days"
    lead("g", hours=70),
]
# The stages come from the stored histories (issue 19), not from custom fields.
HISTORIES = [
    mql("a", AT),
    mql("b", AT + timedelta(hours=1)),
    # accepted only after NOW: an MQL at NOW
    mql("c", AT + timedelta(hours=2), (Stage.SAL, NOW + timedelta(hours=1))),
    mql("e", AT + timedelta(hours=4)),
    mql("f", AT + timedelta(hours=5), (Stage.SAL, AT + timedelta(hours=8))),
    mql("g", AT + timedelta(hours=70)),
]
ACTIVITIES: list[Task | Event] = [
    done("a", NOW - timedelta(days=1)),
    planned("b"),
    done("c", AT + timedelta(hours=3)),
    visit("c", AT + timedelta(hours=4), owner=U2),
    done("f", AT + timedelta(hours=6)),
]

EXPECTED = {
    "untouched-mqls": ["b", "c"],
    "unanswered": ["b", "g"],
    "double-handled": ["c"],
    "hot-not-accepted": ["a", "b", "d"],
}


def _ids(uow: UnitOfWork, worklist: Worklist, **kw: object) -> list[str]:
    with uow:
        return [x.id for x in run_worklist(uow, worklist, as_of=NOW, **kw).leads]  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "sqlite"])
def uow(request: pytest.FixtureRequest, tmp_path: Path) -> UnitOfWork:
    made: UnitOfWork = (
        InMemoryUnitOfWork() if request.param == "memory" else SqliteUnitOfWork(tmp_path / "w.db")
    )
    store(made, LEADS, ACTIVITIES, HISTORIES)
    return made


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_builtin_worklists(uow: UnitOfWork, name: str) -> None:
    """The four lists issue 19 names, on a hand-checked day."""
    assert _ids(uow, BUILTIN_WORKLISTS[name]) == EXPECTED[name]


def test_team_filter_sort_and_paging(uow: UnitOfWork) -> None:
    everyone = Worklist("all", sort=["-created_at"], page_size=2)
    assert _ids(uow, everyone) == ["g", "f"]
    assert _ids(uow, everyone, page=4) == ["a"]
    with uow:
        page = run_worklist(uow, everyone, as_of=NOW, page=2)
    assert ([x.id for x in page.leads], page.more) == (["e", "d"], True)
    assert _ids(uow, everyone, owners=["u-2"]) == []
    an_mql = events(STAGE_EVENT).where(prop("stage") == "mql")
    by_company = Worklist("mine", condition=an_mql, sort=["company"])
    assert _ids(uow, by_company, owners=["u-1"]) == ["a", "b", "c", "e", "g"]


def test_builtins_read_the_stored_stage_and_priority(tmp_path: Path) -> None:
    """Issue 19: the MQL and hot-lead worklists read the stored stage history and the
    priority the stored classification kept (not custom fields nobody fills in): a hot
    lead still in the default status but accepted by sales (SAL) is not "hot, not
    accepted", and an MQL whose history says so is an MQL whatever its custom fields."""
    from leadkit.stages import (
        MqlRule,
        StagePolicy,
        accept,
        classify,
        store_classification,
        store_move,
    )

    policy = StagePolicy(mql=MqlRule(min_score=50))
    leads = [lead(n, hours=0, custom={"stage": "sal"}) for n in ("x", "y", "z")]
    for uow in (InMemoryUnitOfWork(), SqliteUnitOfWork(tmp_path / "s.db")):
        with uow:
            for item in leads:
                uow.leads.add(item)
                decided = classify(item, score=80, grade="A", policy=policy, as_of=AT)
                store_classification(uow, decided, priority="A1" if item.id != "z" else "C3")
            store_move(uow, "y", accept, at=AT + timedelta(hours=1), by="u-1")
            uow.commit()
        with uow:
            assert uow.leads.get("x").custom["priority"] == "A1"
            assert uow.leads.get("y").status == "Open - Not Contacted"  # accepting keeps it
        assert _ids(uow, BUILTIN_WORKLISTS["hot-not-accepted"]) == ["x"]
        assert _ids(uow, BUILTIN_WORKLISTS["untouched-mqls"]) == ["x", "z"]


def test_missing_values_sort_last_either_way(uow: UnitOfWork) -> None:
    for key in ("owner.id", "-owner.id"):
        assert _ids(uow, Worklist("x", sort=[key], page_size=10))[-1] == "d"


def test_sqlite_filters_in_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19: SQLite filters "in the database rather than loading every lead into
    Python": the run never scans the leads, it reads back only the page's ids."""
    uow = SqliteUnitOfWork(tmp_path / "w.db")
    store(uow, LEADS, ACTIVITIES)
    with uow:

        def scan() -> list[Lead]:
            raise AssertionError("the worklist loaded every lead")

        monkeypatch.setattr(uow.leads, "all", scan)
        page = run_worklist(uow, BUILTIN_WORKLISTS["double-handled"], as_of=NOW)
        assert [x.id for x in page.leads] == ["c"]
        with pytest.raises(AssertionError):
            run_worklist(uow, BUILTIN_WORKLISTS["double-handled"], as_of=NOW, in_database=False)


def test_worklist_round_trips_as_toml_and_through_the_converter(tmp_path: Path) -> None:
    for worklist in BUILTIN_WORKLISTS.values():
        assert load_worklist(dump_worklist(worklist)) == worklist
        assert structure(json.loads(json.dumps(unstructure(worklist))), Worklist) == worklist
    path = tmp_path / "calls.toml"
    path.write_text(
        'name = "calls"\ntitle = "今日の架電"\nsort = ["-created_at"]\npage_size = 20\n'
        '[condition]\nfield = "custom.stage"\nop = "=="\nvalue = "mql"\n',
        encoding="utf-8",
    )
    loaded = load_worklist(path)
    assert loaded.sort == (SortKey("created_at", descending=True),)
    assert loaded.condition == (field("custom.stage") == "mql")


def test_bad_worklists_are_refused_with_paths() -> None:
    with pytest.raises(LoadError):
        structure("calls.toml", Worklist)  # data, never a file name to open
    with pytest.raises(LoadError) as err:
        load_worklist(
            {"title": 1, "sort": "x", "condition": {"field": "nope", "op": "=="}, "zz": 1}
        )
    paths = {p.path[0] for p in err.value.problems}
    assert {"name", "sort", "zz", "condition"} <= paths
    with pytest.raises(ValidationError):
        SortKey("custom.budget")
    with pytest.raises(ValidationError):
        Worklist("x", page_size=0)


def _activity_kinds(worklist_events: Sequence[object]) -> list[str]:
    return sorted(str(getattr(e, "kind", "")) for e in worklist_events)


def test_activities_reach_conditions_as_events() -> None:
    from leadkit.worklists import activity_events

    made = activity_events(ACTIVITIES, as_of=NOW)
    assert _activity_kinds([e for e in made if e.lead_id == "c"]) == [
        "activity.done",
        "activity.done",
        "activity.rep",
        "activity.rep",
    ]
    assert _activity_kinds([e for e in made if e.lead_id == "b"]) == ["activity.planned"]


def test_stage_events_are_built_only_for_conditions_that_count_them(uow: UnitOfWork) -> None:
    """The ``stage.current`` events cost a pass over the stage steps: runs build them
    when the condition names the kind or counts every kind, and then they count."""
    from leadkit.worklists._worklist import needs_stage

    assert needs_stage(BUILTIN_WORKLISTS["untouched-mqls"].condition)
    assert not needs_stage(BUILTIN_WORKLISTS["unanswered"].condition)
    assert needs_stage(events().count() >= 3)
    assert not needs_stage(None)
    # A lead with a stored history has one stage.current event however many steps:
    # a (a call, its rep event, the stage), c (two activities, two reps, the stage) and
    # f (a call, its rep, the stage) have three or more events of any kind by NOW.
    busy = Worklist("busy", condition=events().count() >= 3, sort=["id"])
    assert _ids(uow, busy) == ["a", "c", "f"]
    assert _ids(uow, Worklist("any", condition=events().count() >= 2, sort=["id"])) == [
        "a",
        "b",
        "c",
        "f",
    ]
