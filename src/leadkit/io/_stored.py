"""Reading back what a leadkit store wrote itself: one pass from plain data to the object.

A store writes ``unstructure(record)`` of a record that was validated when it was built;
reading it back through :func:`~leadkit.io.structure` validates every field again, which
costs four times the JSON parsing. :func:`structure_stored` takes a shortcut for the
record types read by the million (engagement events): when the plain data has exactly
the shape leadkit writes, the object is built directly, without the validators and
converters its values already passed; anything else (an older layout, a hand-edited row)
goes through :func:`~leadkit.io.structure`, which validates it and names every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from leadkit.errors import LeadkitError
from leadkit.io._converter import structure
from leadkit.io._tags import decode
from leadkit.model import CustomFields, EngagementEvent
from leadkit.model._entities import _NO_PROPERTIES

__all__ = ["structure_stored"]

T = TypeVar("T")

_EVENT_KEYS = frozenset(
    {"id", "kind", "occurred_at", "lead_id", "contact_id", "properties", "version"}
)
_set = object.__setattr__


def _event(plain: Mapping[str, Any]) -> EngagementEvent | None:
    if plain.keys() != _EVENT_KEYS:
        return None
    id_, kind, at = plain["id"], plain["kind"], plain["occurred_at"]
    lead_id, contact_id, version = plain["lead_id"], plain["contact_id"], plain["version"]
    if not (type(id_) is str and type(kind) is str and type(at) is str and type(version) is int):
        return None
    if lead_id is None:
        if type(contact_id) is not str:
            return None
    elif type(lead_id) is not str or contact_id is not None:
        return None
    try:
        occurred = datetime.fromisoformat(at)
    except ValueError:
        return None
    if occurred.utcoffset() is None:
        return None
    properties = _properties(plain["properties"])
    if properties is None:
        return None
    event = object.__new__(EngagementEvent)
    _set(event, "id", id_)
    _set(event, "kind", kind)
    _set(event, "occurred_at", occurred)
    _set(event, "lead_id", lead_id)
    _set(event, "contact_id", contact_id)
    _set(event, "properties", properties)
    _set(event, "version", version)
    _set(event, "timestamp", occurred.timestamp())
    return event


_PLAIN_VALUES = frozenset({str, int, float, bool})


def _properties(raw: object) -> CustomFields | None:
    """Stored custom values: plain JSON scalars, or tagged values read back."""
    if not raw:
        return _NO_PROPERTIES
    if type(raw) is not dict:
        return None
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if type(value) in _PLAIN_VALUES:
            values[name] = value
        elif type(value) is dict:
            try:
                values[name] = decode(value, path=(name,))
            except (LeadkitError, TypeError, ValueError):
                return None
        else:
            return None
    return CustomFields._trusted(values)


_SHORTCUTS: dict[type, Callable[[Mapping[str, Any]], object | None]] = {
    EngagementEvent: _event,
}


def structure_stored(plain: Mapping[str, Any], cls: type[T], *, root: str | None = None) -> T:
    """``structure(plain, cls)`` for data a leadkit store wrote: the same object, built
    in one pass when ``plain`` has exactly the layout leadkit writes.

    >>> from datetime import datetime, UTC
    >>> from leadkit.io import structure_stored, unstructure
    >>> event = EngagementEvent(id="e1", kind="page_view", lead_id="lead-1",
    ...                         occurred_at=datetime(2026, 5, 1, tzinfo=UTC))
    >>> structure_stored(unstructure(event), EngagementEvent) == event
    True
    """
    shortcut = _SHORTCUTS.get(cls)
    if shortcut is not None:
        record = shortcut(plain)
        if record is not None:
            return cast(T, record)
    return structure(plain, cls, root=root)
