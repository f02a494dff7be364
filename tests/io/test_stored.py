"""structure_stored: reading back what a store wrote, in one pass (issue 22, read-back)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LoadError
from leadkit.io import structure, structure_stored, unstructure
from leadkit.model import EngagementEvent
from leadkit.testing import strategies as lks


def _stored(record: object) -> dict[str, Any]:
    """The plain data a store writes, through JSON as the SQLite column holds it."""
    plain: dict[str, Any] = json.loads(json.dumps(unstructure(record), ensure_ascii=False))
    return plain


@given(lks.engagement_events())
def test_the_shortcut_gives_the_object_structure_gives(event: EngagementEvent) -> None:
    plain = _stored(event)
    fast = structure_stored(plain, EngagementEvent)
    assert fast == event == structure(plain, EngagementEvent)
    assert fast.timestamp == event.timestamp
    assert dict(fast.properties) == dict(event.properties)
    assert [type(v) for v in fast.properties.values()] == [
        type(v) for v in event.properties.values()
    ]


def test_a_row_in_another_shape_is_validated_and_named() -> None:
    """A hand-edited or older row does not take the shortcut: it is structured and
    validated, and a problem is reported with its path."""
    event = EngagementEvent(
        id="e1", kind="page_view", lead_id="lead-1", occurred_at=datetime(2026, 5, 1, tzinfo=UTC)
    )
    plain = _stored(event)
    with pytest.raises(LoadError, match=r"events\.data\.kind"):
        structure_stored(plain | {"kind": 3}, EngagementEvent, root="events.data")
    with pytest.raises(LoadError, match="timezone"):
        structure_stored(plain | {"occurred_at": "2026-05-01T00:00:00"}, EngagementEvent)
    with pytest.raises(LoadError):
        structure_stored(plain | {"contact_id": "contact-1"}, EngagementEvent)
    with pytest.raises(LoadError):
        structure_stored(plain | {"extra": 1}, EngagementEvent)
    older = {k: v for k, v in plain.items() if k != "contact_id"}  # a layout without the key
    assert structure_stored(older, EngagementEvent) == event


@given(st.dictionaries(st.sampled_from(["url", "asset"]), st.just({"$date": "2026-13-01"})))
def test_a_bad_tagged_property_is_reported(properties: dict[str, Any]) -> None:
    plain = {
        "id": "e1",
        "kind": "page_view",
        "occurred_at": "2026-05-01T00:00:00+00:00",
        "lead_id": "lead-1",
        "contact_id": None,
        "properties": properties,
        "version": 0,
    }
    if properties:
        with pytest.raises(LoadError, match="not a valid date"):
            structure_stored(plain, EngagementEvent)
    else:
        assert structure_stored(plain, EngagementEvent).properties == {}
