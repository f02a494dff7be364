"""Every model type survives a trip through JSON unchanged; bad data names its path."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LeadkitError, LoadError, format_path
from leadkit.io import dumps, loads, structure, unstructure
from leadkit.model import (
    Address,
    CustomFields,
    Lead,
    LeadConversion,
    Money,
    OwnerRef,
    PersonName,
    SourceCatalogue,
    StatusCatalogue,
)
from leadkit.testing import strategies as lks
from tests.io._cases import RECORD_CASES

CASES: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    *RECORD_CASES,
    (Money, lks.money()),
    (Address, lks.addresses()),
    (PersonName, lks.person_names()),
    (OwnerRef, lks.owners()),
    (CustomFields, lks.custom_fields()),
    (LeadConversion, lks.lead_conversions()),
    (StatusCatalogue, lks.status_catalogues()),
    (SourceCatalogue, lks.source_catalogues()),
]


@pytest.mark.parametrize(("cls", "strategy"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_json_round_trip_equals_the_original(cls: type[Any], strategy: Any) -> None:
    @given(strategy)
    def check(obj: Any) -> None:
        text = dumps(obj)
        json.loads(text)  # really JSON
        back = loads(text, cls)
        assert back == obj
        assert unstructure(back) == unstructure(obj)

    check()


def test_bad_data_names_the_path_of_every_problem() -> None:
    data = {
        "id": "lead-1",
        "name": {"family": "山田"},
        "company": "ABC",
        "created_at": "2026-04-01T09:00:00",
        "employees": "many",
        "address": {"country": "JP", "postal_code": "12"},
        "colour": "blue",
    }
    with pytest.raises(LoadError) as info:
        structure(data, Lead)
    paths = {format_path(p.path) for p in info.value.problems}
    assert "lead.created_at" in paths
    assert "lead.employees" in paths
    assert "lead.address.postal_code" in paths
    assert "lead.colour" in paths
    assert "has no timezone" in str(info.value)


def test_a_constructor_error_is_reported_with_its_path() -> None:
    with pytest.raises(LoadError, match=r"lead.company: must not be empty"):
        structure(
            {"name": {"family": "Smith"}, "company": " ", "created_at": "2026-04-01T00:00:00Z"},
            Lead,
        )


def test_missing_required_keys_are_named() -> None:
    with pytest.raises(LoadError, match=r"lead.company: required key is missing"):
        structure({"name": {"family": "Smith"}, "created_at": "2026-04-01T00:00:00Z"}, Lead)


def test_malformed_json_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="invalid JSON"):
        loads("{", Lead)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_arbitrary_json_never_raises_anything_but_leadkit_errors(data: Any) -> None:
    with contextlib.suppress(LeadkitError):
        structure(data, Lead)
