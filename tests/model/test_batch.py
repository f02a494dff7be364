"""EventBatch: engagement events held as columns (issue 22, bulk construction)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.model import (
    EngagementEvent,
    EventBatch,
    EventKind,
    Lead,
    PersonName,
    build_many,
    sequential_ids,
    use_id_factory,
)
from leadkit.scoring import EventRule, HalfLife, ScoringModel
from leadkit.testing import strategies as lks

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def _batch(**columns: object) -> EventBatch:
    values: dict[str, object] = {
        "lead_ids": ["lead-1"],
        "kinds": ["page_view"],
        "occurred_at": [T0],
    }
    values.update(columns)
    return EventBatch(**values)  # type: ignore[arg-type]


def test_rows_are_the_events_they_describe() -> None:
    batch = EventBatch(
        lead_ids=["lead-1", " lead-2 "],
        kinds=[EventKind.EMAIL_OPEN, "page_view"],
        occurred_at=[T0, T0.timestamp() + 60],
        ids=["e1", "e2"],
        properties=[None, {"url": "/pricing"}],
    )
    assert list(batch) == [
        EngagementEvent(id="e1", kind="email_open", lead_id="lead-1", occurred_at=T0),
        EngagementEvent(
            id="e2",
            kind="page_view",
            lead_id="lead-2",  # stripped, as EngagementEvent stores it
            occurred_at=T0 + timedelta(seconds=60),
            properties={"url": "/pricing"},
        ),
    ]
    assert batch.lead_ids == ("lead-1", "lead-2")
    assert batch.kinds == ("email_open", "page_view")
    assert batch[-1].properties["url"] == "/pricing"
    assert batch.has_properties
    assert [e.id for e in batch[0:1]] == ["e1"]
    with pytest.raises(IndexError):
        batch[2]


def test_default_ids_are_drawn_once() -> None:
    """Without an id column the events get ids from the active id factory, once: two
    iterations of one batch give the same events."""
    with use_id_factory(sequential_ids()):
        batch = _batch(lead_ids=["a", "b"], kinds=["x", "y"], occurred_at=[T0, T0])
        first = list(batch)
    assert [e.id for e in first] == [e.id for e in batch]
    assert len({e.id for e in first}) == 2


@pytest.mark.parametrize(
    ("columns", "path", "message"),
    [
        ({"kinds": [""]}, ("kinds", 0), "must not be empty"),
        ({"kinds": ["x" * 81]}, ("kinds", 0), "at most 80"),
        ({"lead_ids": ["  "]}, ("lead_ids", 0), "lead id"),
        ({"lead_ids": [None]}, ("lead_ids", 0), "lead id"),
        ({"occurred_at": [datetime(2026, 5, 1)]}, ("occurred_at", 0), "timezone-aware"),
        ({"occurred_at": [float("nan")]}, ("occurred_at", 0), "finite"),
        ({"occurred_at": [True]}, ("occurred_at", 0), "POSIX seconds"),
        ({"occurred_at": ["2026-05-01"]}, ("occurred_at", 0), "POSIX seconds"),
        ({"occurred_at": [T0, T0]}, ("occurred_at",), "columns must be as long"),
        ({"ids": [""]}, ("ids", 0), "event id"),
        ({"properties": [3]}, ("properties", 0), "mapping"),
        ({"kinds": "page_view"}, ("kinds",), "sequence"),
    ],
)
def test_a_bad_value_is_refused_with_its_row(
    columns: dict[str, object], path: tuple[object, ...], message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        _batch(**columns)
    assert caught.value.path == path


def test_the_second_bad_row_is_named() -> None:
    with pytest.raises(ValidationError) as caught:
        _batch(lead_ids=["a", "b", "c"], kinds=["x", "y", "z"], occurred_at=[T0, 0.0, float("inf")])
    assert caught.value.path == ("occurred_at", 2)


def test_batch_scoring_reads_the_columns_without_building_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When no rule needs the event objects, ``score_many`` reads the batch's columns:
    2,000,000 events need not become 2,000,000 objects to be scored."""
    model = ScoringModel(
        "m",
        [EventRule("views", "page_view", points=2), EventRule("opens", "email_open", points=5)],
        decay=HalfLife(days=30),
    )
    leads = [
        Lead(id=f"lead-{n}", name=PersonName("Lead"), company="ACME", created_at=T0)
        for n in range(3)
    ]
    batch = EventBatch(
        lead_ids=["lead-0", "lead-1", "lead-1", "lead-2", "lead-9"],
        kinds=["page_view", "email_open", "page_view", "webinar", "page_view"],
        occurred_at=[T0 - timedelta(days=d) for d in (1, 30, 60, 2, 3)],
    )
    expected = model.score_many(leads, list(batch), as_of=T0)

    def no_objects(self: EventBatch) -> object:
        raise AssertionError("the lean pass built event objects")

    monkeypatch.setattr(EventBatch, "__iter__", no_objects)
    assert model.score_many(leads, batch, as_of=T0) == expected
    assert expected["lead-1"] == pytest.approx(5 * 0.5 + 2 * 0.25)


times = st.one_of(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2040, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=9))]),
    ),
    st.integers(0, 2**31),
)


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b ", "lead-3"]), st.sampled_from(["x", "page_view"]), times
        ),
        max_size=20,
    )
)
def test_every_row_is_the_event_built_one_by_one(rows: list[tuple[str, str, object]]) -> None:
    """Materialised rows equal the EngagementEvent objects built from the same values."""
    batch = EventBatch(
        lead_ids=[r[0] for r in rows],
        kinds=[r[1] for r in rows],
        occurred_at=[r[2] for r in rows],  # type: ignore[misc]
        ids=[f"e{i}" for i in range(len(rows))],
    )
    one_by_one = [
        EngagementEvent(
            id=f"e{i}",
            kind=kind,
            lead_id=lead_id,
            occurred_at=at if isinstance(at, datetime) else datetime.fromtimestamp(at, UTC),  # type: ignore[arg-type]
        )
        for i, (lead_id, kind, at) in enumerate(rows)
    ]
    assert list(batch) == one_by_one
    assert batch.timestamps == tuple(e.timestamp for e in one_by_one)


@settings(max_examples=40, deadline=None)
@given(st.lists(lks.leads(), max_size=6))
def test_build_many_builds_what_the_class_builds(leads: list[Lead]) -> None:
    """``build_many`` is ``cls(**row)`` for each row: the same records, field for field."""
    rows = [{a.name: getattr(lead, a.name) for a in attrs.fields(Lead)} for lead in leads]
    built = build_many(Lead, rows)
    assert built == [Lead(**row) for row in rows] == leads
    assert [repr(b) for b in built] == [repr(lead) for lead in leads]


def test_build_many_names_the_bad_row_as_the_class_does() -> None:
    rows: list[dict[str, object]] = [
        {"id": "a", "name": PersonName("A"), "company": "ACME", "created_at": T0},
        {"id": "b", "name": PersonName("B"), "company": "ACME", "created_at": T0,
         "status": "Open - Not Contacted"},
        {"id": "c", "name": PersonName("C"), "company": "ACME", "created_at": T0,
         "status": "No such status"},
    ]  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        build_many(Lead, rows)
    with pytest.raises(ValidationError) as alone:
        Lead(**rows[2])  # type: ignore[arg-type]
    assert caught.value.path == (2, *alone.value.path)
    assert caught.value.message == alone.value.message
    assert caught.value.code == alone.value.code
    assert [lead.id for lead in build_many(Lead, rows[:2])] == ["a", "b"]
