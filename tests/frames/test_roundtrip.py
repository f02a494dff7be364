"""Property: a frame → leads → frame round trip keeps every value (pandas and Polars)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.frames import Library, leads_from_frame, to_frame
from leadkit.model import Lead
from leadkit.testing import strategies as lk

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

LIBRARIES: list[Library] = ["pandas", "polars"]
JST = ZoneInfo("Asia/Tokyo")


def _same(first: Any, second: Any) -> None:
    if isinstance(first, pd.DataFrame):
        pd.testing.assert_frame_equal(first, second)
    else:
        assert first.schema == second.schema
        # Object columns (a custom field of mixed types) compare by identity in Polars.
        for name in first.columns:
            assert first[name].to_list() == second[name].to_list(), name


@pytest.mark.parametrize("library", LIBRARIES)
@settings(max_examples=25, deadline=None)
@given(leads=st.lists(lk.leads(), min_size=1, max_size=5, unique_by=lambda lead: lead.id))
def test_leads_to_frame_and_back_are_the_same_leads(library: Library, leads: list[Lead]) -> None:
    frame = to_frame(leads, library=library)
    back = leads_from_frame(frame)
    assert back == leads
    # and the frame made from them is the frame they came from, value for value
    _same(to_frame(back, library=library), frame)


@st.composite
def user_frames(draw: st.DrawFn, library: Library) -> tuple[Any, dict[str, list[Any]]]:
    """A frame as people make them: nullable integers, naive timestamps, categories."""
    size = draw(st.integers(1, 6))
    employees = draw(st.lists(st.none() | st.integers(0, 10**9), min_size=size, max_size=size))
    base = datetime(2026, 4, 1)
    created = [
        base + timedelta(seconds=s)
        for s in draw(st.lists(st.integers(0, 10**8), min_size=size, max_size=size))
    ]
    companies = draw(
        st.lists(st.sampled_from(["ABC", "株式会社サンプル", "Acme"]), min_size=size, max_size=size)
    )
    names = draw(st.lists(st.sampled_from(["山田", "Smith"]), min_size=size, max_size=size))
    values: dict[str, list[Any]] = {
        "family_name": names,
        "company": companies,
        "employees": employees,
        "created_at": created,
    }
    if library == "pandas":
        frame = pd.DataFrame(
            {
                "family_name": names,
                "company": pd.Categorical(companies),
                "employees": pd.array(employees, dtype="Int64"),
                "created_at": pd.to_datetime(created),
            }
        )
    else:
        frame = pl.DataFrame(
            {
                "family_name": names,
                "company": pl.Series(companies, dtype=pl.Categorical),
                "employees": pl.Series(employees, dtype=pl.Int64),
                "created_at": created,
            }
        )
    return frame, values


@pytest.mark.parametrize("library", LIBRARIES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_users_frame_keeps_every_value(library: Library, data: st.DataObject) -> None:
    frame, values = data.draw(user_frames(library))
    leads = leads_from_frame(frame, timezone="Asia/Tokyo")
    assert [lead.employees for lead in leads] == values["employees"]  # never 1200.0
    assert [lead.company for lead in leads] == values["company"]
    assert [lead.created_at for lead in leads] == [
        t.replace(tzinfo=JST) for t in values["created_at"]
    ]
    out = to_frame(leads, library=library)
    for column in ("family_name", "company", "employees"):
        cells = out[column].to_list()
        assert [None if c is pd.NA else c for c in cells] == values[column]
    stamps = out["created_at"].to_list()
    assert [s.replace(tzinfo=None) for s in stamps] == values["created_at"]
