"""Frames to records and back: types kept, options checked, problems by row and column.

The column layout is the one of leadkit's CSV tables (docs/frames.md says so); the
semantics of missing values are pandas' (NaN, NA, NaT) and Polars' (null).
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from leadkit.errors import LoadError, MissingDependencyError, ValidationError
from leadkit.frames import (
    activities_from_frame,
    events_from_frame,
    frame_columns,
    leads_from_frame,
    records_from_frame,
    to_frame,
)
from leadkit.io import csv_columns
from leadkit.model import EngagementEvent, Event, Lead, Money, OwnerRef, PersonName, Rating, Task

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

JST = ZoneInfo("Asia/Tokyo")


def _paths(err: LoadError) -> list[str]:
    return [str(p).split(":")[0] for p in err.problems]


@pytest.mark.parametrize("record_type", [Lead, EngagementEvent, Task, Event])
def test_columns_are_the_csv_columns(record_type: type) -> None:
    """docs/frames.md: a frame and a CSV table of the same records share their header."""
    assert frame_columns(record_type) == csv_columns(record_type)


def test_nullable_integer_with_a_missing_value_stays_an_integer() -> None:
    """Issue 15: an Int64 column with NA must not become 1200.0."""
    frame = pd.DataFrame(
        {
            "family_name": ["山田", "Smith"],
            "company": ["ABC", "Acme"],
            "employees": pd.array([1200, None], dtype="Int64"),
            "created_at": pd.to_datetime(["2026-04-01 09:00", "2026-04-02 09:00"], utc=True),
        }
    )
    leads = leads_from_frame(frame)
    assert [lead.employees for lead in leads] == [1200, None]
    assert type(leads[0].employees) is int
    assert str(to_frame(leads)["employees"].dtype) == "Int64"


def test_a_float_column_of_whole_numbers_reads_as_integers_and_fractions_fail() -> None:
    """pandas keeps integers beside NaN in a float64 column; 1200.5 is no head count."""
    frame = pd.DataFrame(
        {
            "family_name": ["a", "b", "c"],
            "company": ["x", "y", "z"],
            "employees": [1200.0, float("nan"), 12.5],
            "created_at": pd.to_datetime(["2026-04-01"] * 3, utc=True),
        },
        index=["L-1", "L-2", "L-3"],
    )
    with pytest.raises(LoadError) as raised:
        leads_from_frame(frame)
    assert _paths(raised.value) == ["rows.L-3.employees"]
    assert "whole number" in str(raised.value)
    good = leads_from_frame(frame.iloc[:2])
    assert [lead.employees for lead in good] == [1200, None]


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_naive_timestamps_need_a_zone_and_get_the_one_given(library: str) -> None:
    naive = [datetime(2026, 4, 1, 9), datetime(2026, 4, 2, 17, 30)]
    data = {"family_name": ["a", "b"], "company": ["x", "y"], "created_at": naive}
    frame = pd.DataFrame(data) if library == "pandas" else pl.DataFrame(data)
    with pytest.raises(LoadError) as raised:
        leads_from_frame(frame)
    assert _paths(raised.value) == ["rows[0].created_at", "rows[1].created_at"]
    assert "timezone=" in str(raised.value)
    leads = leads_from_frame(frame, timezone="Asia/Tokyo")
    assert leads[0].created_at == datetime(2026, 4, 1, 9, tzinfo=JST)
    assert leads[1].created_at.utcoffset() is not None


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_aware_timestamps_keep_their_zone_even_with_a_default(library: str) -> None:
    stamps = [datetime(2026, 4, 1, 9, tzinfo=JST)]
    data = {"family_name": ["a"], "company": ["x"], "created_at": stamps}
    frame = pd.DataFrame(data) if library == "pandas" else pl.DataFrame(data)
    (lead,) = leads_from_frame(frame, timezone="UTC")
    assert lead.created_at == stamps[0]
    assert lead.created_at.utcoffset() == JST.utcoffset(stamps[0])
    out = to_frame([lead], library=library)  # type: ignore[arg-type]
    assert out["created_at"].to_list()[0] == stamps[0]


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_categoricals_are_their_categories(library: str) -> None:
    if library == "pandas":
        frame = pd.DataFrame(
            {
                "family_name": ["a", "b"],
                "company": pd.Categorical(["ABC", "ABC"]),
                "rating": pd.Categorical(["Hot", None]),
                "created_at": pd.to_datetime(["2026-04-01"] * 2, utc=True),
            }
        )
    else:
        frame = pl.DataFrame(
            {
                "family_name": ["a", "b"],
                "company": pl.Series(["ABC", "ABC"], dtype=pl.Categorical),
                "rating": pl.Series(["Hot", None], dtype=pl.Enum(["Hot", "Warm", "Cold"])),
                "created_at": [datetime(2026, 4, 1, tzinfo=UTC)] * 2,
            }
        )
    leads = leads_from_frame(frame)
    assert [lead.company for lead in leads] == ["ABC", "ABC"]
    assert [lead.rating for lead in leads] == [Rating.HOT, None]


def test_column_mapping_unknown_columns_and_custom_fields() -> None:
    frame = pd.DataFrame(
        {
            "姓": ["山田"],
            "会社名": ["ABC"],
            "作成日時": pd.to_datetime(["2026-04-01 09:00"]),
            "メモ": ["call back"],
            "budget": [5_000_000],
            "custom.seats": [20],
        }
    )
    names = {"姓": "family_name", "会社名": "company", "作成日時": "created_at"}
    with pytest.raises(LoadError) as raised:
        leads_from_frame(frame, columns=names, timezone="Asia/Tokyo")
    assert _paths(raised.value) == ["columns.メモ", "columns.budget"]
    (lead,) = leads_from_frame(
        frame, columns={**names, "メモ": None}, unknown="custom", timezone="Asia/Tokyo"
    )
    assert lead.name == PersonName("山田")
    assert dict(lead.custom) == {"budget": 5_000_000, "seats": 20}
    (plain,) = leads_from_frame(frame, columns=names, unknown="ignore", timezone="Asia/Tokyo")
    assert dict(plain.custom) == {"seats": 20}


def test_an_unknown_column_close_to_a_known_one_gets_a_suggestion() -> None:
    frame = pd.DataFrame({"family_name": ["a"], "compnay": ["x"], "created_at": ["?"]})
    with pytest.raises(LoadError) as raised:
        leads_from_frame(frame)
    messages = [str(p) for p in raised.value.problems]
    assert any("compnay" in m and "did you mean company?" in m for m in messages)
    assert any("missing required column" in m and "company" in m for m in messages)


def test_every_bad_cell_is_reported_with_row_and_column() -> None:
    frame = pd.DataFrame(
        {
            "family_name": ["a", None, "c"],
            "company": ["x", "y", "z"],
            "email": ["a@example.com", "b@example.com", "not an email"],
            "owner": ["user:u-1", "robot", None],
            "created_at": pd.to_datetime(["2026-04-01"] * 3, utc=True),
        }
    )
    with pytest.raises(LoadError) as raised:
        leads_from_frame(frame)
    paths = _paths(raised.value)
    assert paths == ["rows[1].family_name", "rows[1].owner", "rows[2].email"]
    assert raised.value.problems[0].path == ("rows", 1, "family_name")


def test_mapped_columns_are_reported_by_the_frames_own_name() -> None:
    frame = pd.DataFrame(
        {"姓": ["a"], "会社名": ["x"], "従業員数": ["many"], "created_at": ["2026"]}
    )
    names = {"姓": "family_name", "会社名": "company", "従業員数": "employees"}
    with pytest.raises(LoadError) as raised:
        leads_from_frame(frame, columns=names)
    assert _paths(raised.value) == ["rows[0].従業員数", "rows[0].created_at"]


def test_amounts_take_the_default_currency() -> None:
    frame = pd.DataFrame(
        {
            "family_name": ["a"],
            "company": ["x"],
            "annual_revenue": [3_000_000.0],
            "created_at": pd.to_datetime(["2026-04-01"], utc=True),
        }
    )
    with pytest.raises(LoadError, match="currency"):
        leads_from_frame(frame)
    (lead,) = leads_from_frame(frame, currency="JPY")
    assert lead.annual_revenue == Money(Decimal(3_000_000), "JPY")


def test_events_and_activities_from_frames() -> None:
    events = pl.DataFrame(
        {
            "lead_id": ["l-1", "l-1"],
            "kind": pl.Series(["form_submit", "page_view"], dtype=pl.Categorical),
            "occurred_at": [datetime(2026, 4, 1, 9), datetime(2026, 4, 1, 9, 5)],
            "properties.url": ["/contact", "/pricing"],
        }
    )
    read = events_from_frame(events, timezone="Asia/Tokyo")
    assert [e.kind for e in read] == ["form_submit", "page_view"]
    assert read[1].properties["url"] == "/pricing"
    tasks = pd.DataFrame(
        {
            "subject": ["電話"],
            "status": ["completed"],
            "due_date": pd.to_datetime(["2026-04-03"]),  # dates held as midnight timestamps
            "completed_at": pd.to_datetime(["2026-04-03 10:00"], utc=True),
            "lead_id": ["l-1"],
            "created_at": pd.to_datetime(["2026-04-01"], utc=True),
        }
    )
    (task,) = activities_from_frame(tasks, Task)
    assert task.due_date == date(2026, 4, 3)
    assert task.lead_id == "l-1"
    records = records_from_frame(to_frame([task], library="polars"), Task)
    assert records == [task]


def test_a_pandas_result_can_carry_the_input_index() -> None:
    frame = pd.DataFrame(
        {
            "family_name": ["a", "b"],
            "company": ["x", "y"],
            "owner": [OwnerRef.user("u-1"), "queue:q-1"],
            "created_at": pd.to_datetime(["2026-04-01"] * 2, utc=True),
        },
        index=[10, 20],
    )
    leads = leads_from_frame(frame)
    out = to_frame(leads, index=frame)
    assert out.index.tolist() == [10, 20]
    assert out["owner"].tolist() == ["user:u-1", "queue:q-1"]


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda f: leads_from_frame([{"company": "x"}]), ("frame",)),
        (lambda f: leads_from_frame(f, unknown="keep"), ("unknown",)),  # type: ignore[arg-type]
        (lambda f: leads_from_frame(f, timezone="Mars/Olympus"), ("timezone",)),
        (lambda f: leads_from_frame(f, columns={"a": 1}), ("columns",)),  # type: ignore[dict-item]
        (lambda f: records_from_frame(f, dict), ("record_type",)),
        (lambda f: to_frame([], library="pandas"), ("record_type",)),
        (lambda f: to_frame([], record_type=Lead, library="arrow"), ("library",)),  # type: ignore[arg-type]
    ],
)
def test_bad_options_name_the_option(call: Any, path: tuple[str, ...]) -> None:
    frame = pd.DataFrame({"family_name": ["a"]})
    with pytest.raises(ValidationError) as raised:
        call(frame)
    assert raised.value.path == path


def test_an_empty_list_makes_typed_empty_columns() -> None:
    out = to_frame([], record_type=Lead, library="polars")
    assert out.height == 0
    assert out.schema["employees"] == pl.Int64
    assert str(to_frame([], record_type=Lead)["employees"].dtype) == "Int64"


def test_without_polars_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    lead = Lead(name=PersonName("a"), company="x", created_at=datetime(2026, 4, 1, tzinfo=UTC))
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'leadkit\[polars\]'"):
        to_frame([lead], library="polars")


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_integers_past_64_bits_are_kept_as_they_are(library: str) -> None:
    lead = Lead(
        name=PersonName("a"),
        company="x",
        created_at=datetime(2026, 4, 1, tzinfo=UTC),
        custom={"huge": 10**20},
    )
    frame = to_frame([lead], library=library)  # type: ignore[arg-type]
    assert leads_from_frame(frame) == [lead]


def test_an_index_of_the_wrong_length_is_refused() -> None:
    lead = Lead(name=PersonName("a"), company="x", created_at=datetime(2026, 4, 1, tzinfo=UTC))
    with pytest.raises(ValidationError) as raised:
        to_frame([lead], index=pd.RangeIndex(2))
    assert raised.value.path == ("index",)
