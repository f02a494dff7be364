"""Names that collided across namespaces got distinct names (issue 11, "A small, lazy
public surface": "Three names collide across namespaces (`Target`, `SCHEMA_VERSION`,
`events`): give them distinct names"); the old names stay as deprecated aliases."""

from __future__ import annotations

import importlib

import pytest

import leadkit.convert
import leadkit.repository
import leadkit.routing
import leadkit.rules


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("leadkit.convert", "Target", "ConversionTarget"),
        ("leadkit.routing", "Target", "AssignmentTarget"),
        ("leadkit.rules", "SCHEMA_VERSION", "RULE_SCHEMA_VERSION"),
        ("leadkit.repository", "SCHEMA_VERSION", "STORE_SCHEMA_VERSION"),
        ("leadkit.testing.strategies", "events", "calendar_events"),
    ],
)
def test_an_old_name_is_a_deprecated_alias(module: str, old: str, new: str) -> None:
    home = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=new):
        value = getattr(home, old)
    assert value is getattr(home, new)
    assert new in home.__all__
    assert old not in home.__all__


def test_the_two_schema_versions_are_different_things() -> None:
    """The rule-file schema is the ``schema`` key every rule file carries; the store
    schema counts the SQLite migrations (docs/storage.md)."""
    from leadkit.rules import dump_condition, field

    assert dump_condition(field("industry") == "IT")["schema"] == leadkit.rules.RULE_SCHEMA_VERSION
    assert leadkit.repository.STORE_SCHEMA_VERSION >= 3  # records, routing state, rate limits


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        getattr(leadkit.convert, "NoSuchName")  # noqa: B009
